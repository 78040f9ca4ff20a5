"""Grouping sets: rollups summed in advance per set of keys, so that a page reads few rows.

The full-key rollups (TicketAgentDay: day x agent x channel x queue x language) answer every
combination of filters, but a 90-day page without a filter would sum some 300,000 of their
rows for one breakdown. A page only ever needs the keys it filters on plus the one it breaks
down by, so the rollups are also kept summed per such set (a "slice"): TicketGroupDay for
every set of at most two keys, ResponseBucketDay for at most one, MentionGroupDay for the sets
the volume tables read. A read whose set is not kept falls back to the full-key rollup, which
holds the same sums.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import combinations
from typing import Any

from django.db import connection, models
from django.db.models import QuerySet

SORT_MEMORY = "64MB"
# Filter and breakdown keys, as rollup columns.
KEYS: dict[str, str] = {
    "agent": "agent_id",
    "channel": "channel_id",
    "language": "language",
    "queue": "queue_id",
}
COLUMNS: dict[str, str] = {column: key for key, column in KEYS.items()}
MENTION_KEYS: dict[str, str] = {"channel": "channel_id", "hour": "hour", "language": "language"}


def grouping(keys: Iterable[str]) -> str:
    return "+".join(sorted(set(keys)))


TICKET_SETS: frozenset[str] = frozenset(
    grouping(keys) for size in range(3) for keys in combinations(KEYS, size)
)
RESPONSE_SETS: frozenset[str] = frozenset(
    grouping(keys) for size in range(2) for keys in combinations(KEYS, size)
)
# By channel and language (the per-day volume tables), by hour of the day alone or with the
# one mention filter that applies.
MENTION_SETS: frozenset[str] = frozenset(
    {"channel+language", "hour", "channel+hour", "hour+language"}
)


def kept(keys: Iterable[str], sets: frozenset[str]) -> str | None:
    """The grouping set of these keys if it is kept, else None."""
    name = grouping(keys)
    return name if name in sets else None


def insert_sets(
    model: type[models.Model],
    sets: Iterable[str],
    base: QuerySet,
    *,
    keys: dict[str, str],
    sums: dict[str, str],
    by: tuple[str, ...] = (),
    constants: dict[str, Any] | None = None,
) -> None:
    """INSERT INTO `model` the rows of `base` summed by day, `by` and each set's keys.

    `base` selects plain rows (`.values(...)`) with a `day`, the aliases in `by` (grouped
    always, named as their target columns), the key columns `keys` names (key -> alias) and
    whatever `sums` adds up (target column -> SQL aggregate over the aliases). `constants`
    fill further columns. Keys outside a set stay NULL. PostgreSQL computes every set in one
    pass with GROUPING SETS; other databases run one statement per set.
    """
    sets = sorted(sets)
    constants = constants or {}
    quote = connection.ops.quote_name
    base_sql, base_params = base.query.get_compiler(connection=connection).as_sql()
    names = list(keys)
    grouped_always = ["day", *by]
    targets = [*grouped_always, "grouping", *(_target_column(k) for k in names), *constants]
    targets += list(sums)
    aggregates = ", ".join(sums.values())
    constant_slots = ", ".join(["%s"] * len(constants))
    constant_slots = f", {constant_slots}" if constants else ""

    def statement(label: str, columns: list[str], group_by: str) -> str:
        # Every name is ours (models, keys); values travel as parameters.
        into = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, targets))}) "
        return into + (
            f"SELECT {', '.join(quote(c) for c in grouped_always)}, {label}, "  # noqa: S608  # nosec B608
            f"{', '.join(columns)}{constant_slots}, {aggregates} "
            f"FROM ({base_sql}) base GROUP BY {group_by}"
        )

    always = ", ".join(quote(c) for c in grouped_always)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The sets are sorted in memory, not in temporary files (inside the refresh's
            # transaction; the setting ends with it).
            cursor.execute(f"SET LOCAL work_mem = '{SORT_MEMORY}'")
            # GROUPING(k1, k2, ...) has a bit set for every key a row is not split by.
            mask = f"GROUPING({', '.join(quote(keys[k]) for k in names)})"
            cases = " ".join(f"WHEN {_mask(name, names)} THEN %s" for name in sets)
            label = f"CASE {mask} {cases} END"
            grouping_sets = ", ".join(
                "(" + ", ".join([always, *(quote(keys[k]) for k in _keys_of(name))]) + ")"
                for name in sets
            )
            sql = statement(
                label, [quote(keys[k]) for k in names], f"GROUPING SETS ({grouping_sets})"
            )
            cursor.execute(sql, [*sets, *constants.values(), *base_params])
            return
        for name in sets:
            inside = _keys_of(name)
            columns = [quote(keys[k]) if k in inside else "NULL" for k in names]
            group_by = ", ".join([always, *(quote(keys[k]) for k in inside)])
            cursor.execute(
                statement("%s", columns, group_by), [name, *constants.values(), *base_params]
            )


def _keys_of(name: str) -> list[str]:
    return name.split("+") if name else []


def _mask(name: str, names: list[str]) -> int:
    inside = _keys_of(name)
    mask = 0
    for key in names:
        mask = (mask << 1) | (0 if key in inside else 1)
    return mask


def _target_column(key: str) -> str:
    return KEYS.get(key) or MENTION_KEYS[key]


def insert(
    model: type[models.Model], rows: QuerySet, *, rename: dict[str, str] | None = None
) -> None:
    """INSERT INTO the rollup the rows of an aggregate query, computed in the database; select
    aliases name the target columns, or `rename` maps them (an alias may not repeat a field of
    the model queried)."""
    compiler = rows.query.get_compiler(connection=connection)
    sql, params = compiler.as_sql()
    # The select list in the order the SQL has it, by the names the rollup columns carry.
    aliases = [alias for _, _, alias in compiler.select]
    if None in aliases:
        raise ValueError("every rollup column needs a name")
    rename = rename or {}
    quote = connection.ops.quote_name
    target = ", ".join(quote(rename.get(alias, alias)) for alias in aliases)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(model._meta.db_table)} ({target}) {sql}",  # noqa: S608  # nosec B608
            params,
        )
