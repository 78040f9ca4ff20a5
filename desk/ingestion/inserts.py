"""Several new rows in one statement: the rows of a new message and its ticket.

On PostgreSQL the INSERTs become one data-modifying CTE, each row's foreign keys to an earlier
row of the list read from that row's RETURNING: one round trip where save() costs one each.
Elsewhere (SQLite) each row is saved in turn. No model signals are sent, and save() is not
called: only models without either may be listed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, models
from django.db.models import Field, ForeignKey, ForeignObject, Model
from django.db.models.expressions import RawSQL
from django.db.models.sql import InsertQuery

from tickets import prepared


def insert_all(rows: Sequence[Model]) -> None:
    """Insert `rows` in this order and set their primary keys.

    A row may refer to an earlier one of the list by its related object (message.conversation
    = conversation) before either has a primary key.
    """
    if connection.vendor != "postgresql":
        for row in rows:
            row.save(force_insert=True)
        return
    parts: list[str] = []
    params: list[Any] = []
    aliases: dict[int, str] = {}
    for n, row in enumerate(rows):
        alias = f"row{n}"
        sql, row_params = _insert_sql(row, aliases)
        parts.append(f"{alias} AS ({sql})")
        params.extend(row_params)
        aliases[id(row)] = alias
    select = ", ".join(_key_of(f"row{n}", row) for n, row in enumerate(rows))
    with connection.cursor() as cursor:
        prepared.execute(connection, cursor, f"WITH {', '.join(parts)} SELECT {select}", params)
        pks = cursor.fetchone()
    for row, pk in zip(rows, pks, strict=True):
        if row.pk is None:
            row.pk = pk
        row._state.adding = False
        row._state.db = connection.alias
    for row in rows:  # foreign keys to rows that had no primary key while the SQL was built
        for field in _relations(type(row)):
            if field.is_cached(row):
                related = field.get_cached_value(row)
                if related is not None and getattr(row, field.attname) is None:
                    setattr(row, field.name, related)


# The SQL text of a row's INSERT, by its shape: the model, the columns written and which of
# them read an earlier row's new key. Building it through the compiler costs more than the
# statement's round trip; a shape whose values the compiler would prepare differently from
# field.get_db_prep_save (a custom placeholder, an expression) is never cached.
_sql_by_shape: dict[tuple[Any, ...], str | None] = {}


def _insert_sql(row: Model, aliases: dict[int, str]) -> tuple[str, tuple[Any, ...]]:
    meta = row._meta
    columns = _columns(row)
    # A foreign key to a row inserted earlier in the statement reads that row's new key.
    earlier: dict[str, str] = {}
    for field in columns.relations:
        if field.is_cached(row):
            related = field.get_cached_value(row)
            if related is not None and related.pk is None and id(related) in aliases:
                earlier[field.attname] = _key_of(aliases[id(related)], related)
    shape = (meta.label, columns.attnames, tuple(sorted(earlier.items())))
    cached = _sql_by_shape.get(shape)
    if cached is not None:
        return cached, _prepared_values(row, columns, earlier)
    sql, params = _compiled(row, list(columns.fields), earlier)
    if shape not in _sql_by_shape:
        ours = _prepared_values(row, columns, earlier, again=True)
        sent = _as_sent(sql, params)
        _sql_by_shape[shape] = sql if sent is not None and _as_sent(sql, ours) == sent else None
    return sql, params


@dataclass(frozen=True)
class _Columns:
    """The columns a row of one model writes, worked out once per model and missing keys."""

    fields: tuple[Any, ...]
    attnames: tuple[str, ...]
    relations: tuple[Any, ...]  # the foreign keys among them
    # Whether the field's pre_save only reads the value (most do; auto_now stamps it).
    reads_only: tuple[bool, ...]
    # The types of value the field saves unchanged (see _unchanged_types).
    unchanged: tuple[frozenset[type], ...]


_columns_by_shape: dict[tuple[Any, ...], _Columns] = {}


def _columns(row: Model) -> _Columns:
    meta = row._meta
    # A serial key is the database's to assign; a key that is a relation is ours.
    missing = tuple(
        f.attname for f in _returning_fields(meta.model) if getattr(row, f.attname) is None
    )
    key = (meta.model, missing)
    found = _columns_by_shape.get(key)
    if found is None:
        fields = tuple(
            f
            for f in meta.local_concrete_fields
            if not f.generated and not (f.db_returning and f.attname in missing)
        )
        found = _columns_by_shape[key] = _Columns(
            fields=fields,
            attnames=tuple(f.attname for f in fields),
            relations=tuple(f for f in fields if isinstance(f, ForeignObject)),
            reads_only=tuple(type(f).pre_save is Field.pre_save for f in fields),
            unchanged=tuple(_unchanged_types(f) for f in fields),
        )
    return found


# Django's own fields of these classes save a value of these exact types (and None) as it is
# on PostgreSQL: get_db_prep_save's chain of calls (get_prep_value, to_python, the backend's
# adapt_*) returns it untouched. Most of a new ticket's values are such strings, numbers,
# flags, moments and NULLs; asking the field for each was 2-3% of a REST create's CPU.
# A subclass may convert, so only these exact classes; a naive datetime is converted (made
# aware, with a warning), so only aware ones pass (see _prepared_values).
_STR: frozenset[type] = frozenset({str, type(None)})
_INT: frozenset[type] = frozenset({int, type(None)})
_UNCHANGED_BY_CLASS: dict[type[Any], frozenset[type]] = {
    models.CharField: _STR,
    models.TextField: _STR,
    models.SlugField: _STR,
    models.EmailField: _STR,
    models.URLField: _STR,
    models.IntegerField: _INT,
    models.SmallIntegerField: _INT,
    models.BigIntegerField: _INT,
    models.PositiveIntegerField: _INT,
    models.PositiveSmallIntegerField: _INT,
    models.PositiveBigIntegerField: _INT,
    models.AutoField: _INT,
    models.BigAutoField: _INT,
    models.BooleanField: frozenset({bool, type(None)}),
    models.DateTimeField: frozenset({datetime, type(None)}),
}


def _unchanged_types(field: Any) -> frozenset[type]:
    if type(field) is ForeignKey:  # saves its value as the key it refers to does
        field = field.target_field
    return _UNCHANGED_BY_CLASS.get(type(field), frozenset())


_returning_by_model: dict[type[Model], tuple[Any, ...]] = {}


def _returning_fields(model: type[Model]) -> tuple[Any, ...]:
    found = _returning_by_model.get(model)
    if found is None:
        found = _returning_by_model[model] = tuple(
            f for f in model._meta.local_concrete_fields if f.db_returning and not f.generated
        )
    return found


def _as_sent(sql: str, params: tuple[Any, ...]) -> bytes | None:
    """The statement as the driver would send it (adapters such as Json compare only so)."""
    with connection.cursor() as cursor:
        raw: Any = cursor.cursor
        try:
            return bytes(raw.mogrify(sql, params))
        except Exception:  # noqa: BLE001 - the driver cannot say: do not cache the shape
            return None


def _prepared_values(
    row: Model, columns: _Columns, earlier: dict[str, str], *, again: bool = False
) -> tuple[Any, ...]:
    """The parameters the compiler gives the INSERT: each value as its field saves it.

    `again`: the compiler has already run pre_save (auto_now fields are set), so read the
    values as they stand instead of stamping them a second time."""
    # The connection itself, not the proxy: each field asks it for its adapter, and through the
    # proxy every such question is a lookup of the thread's connection.
    database = connections[DEFAULT_DB_ALIAS]
    values = []
    for field, attname, reads_only, unchanged in zip(
        columns.fields, columns.attnames, columns.reads_only, columns.unchanged, strict=True
    ):
        if attname in earlier:
            continue
        value = getattr(row, attname) if again or reads_only else field.pre_save(row, True)
        kind = type(value)
        if kind in unchanged and (kind is not datetime or value.utcoffset() is not None):
            values.append(value)
        else:
            values.append(field.get_db_prep_save(value, database))
    return tuple(values)


def _compiled(
    row: Model, fields: list[Any], earlier: dict[str, str]
) -> tuple[str, tuple[Any, ...]]:
    pending = {attname: getattr(row, attname) for attname in earlier}
    for attname, key in earlier.items():
        # Past the descriptor, which would forget the cached related row.
        row.__dict__[attname] = RawSQL(key, ())  # noqa: S611  # nosec B611
    try:
        query = InsertQuery(row._meta.model)
        query.insert_values(fields, [row])
        compiler = query.get_compiler(connection=connection)
        compiler.returning_fields = [row._meta.pk]
        [(sql, params)] = compiler.as_sql()
    finally:
        row.__dict__.update(pending)
    return sql, tuple(params)


_relations_by_model: dict[type[Model], tuple[Any, ...]] = {}


def _relations(model: type[Model]) -> tuple[Any, ...]:
    found = _relations_by_model.get(model)
    if found is None:
        found = _relations_by_model[model] = tuple(
            f for f in model._meta.concrete_fields if isinstance(f, ForeignObject)
        )
    return found


def _key_of(alias: str, row: Model) -> str:
    """The new primary key of `row`, inserted as `alias` earlier in the statement."""
    column = connection.ops.quote_name(str(row._meta.pk.column))
    # Aliases are ours (row0, row1, ...) and columns our models': no input reaches the SQL.
    return f"(SELECT {column} FROM {alias})"  # noqa: S608  # nosec B608
