"""The ingest pipeline's hot statements, prepared once per database connection (PostgreSQL).

The new author's upsert and the combined INSERT of a new message are long data-modifying
CTEs: parsing and planning them cost PostgreSQL more CPU than running them (the upsert: 0.42 ms
a time as text, 0.08 ms prepared). A connection kept between requests prepares a statement the
first time it runs it (`PREPARE`, in the same round trip as a savepoint that keeps a refused
`PREPARE` from aborting the caller's transaction), then sends only `EXECUTE` with the values.
A connection closed after each request (DB_CONN_MAX_AGE=0) would not reuse it: it runs the
text. What was prepared is remembered per raw connection: a connection that is closed and
opened again starts with none.

PREPARED_STATEMENTS=false turns this off, for a pooler in transaction mode (PgBouncer)
that hands each transaction a different server session.
"""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection

log = logging.getLogger(__name__)

_PLACEHOLDER = re.compile(r"%%|%s|%\((\w+)\)s")


class _Statement:
    """One SQL text: its name, its $n form and, for named parameters, their order."""

    def __init__(self, sql: str, types: Mapping[str, str] | None) -> None:
        self.name = "sd_" + hashlib.sha256(sql.encode()).hexdigest()[:24]
        self.names: list[str] = []
        positional = 0

        def number(match: re.Match[str]) -> str:
            nonlocal positional
            if match.group(0) == "%%":
                return "%"
            name = match.group(1)
            if name is None:
                positional += 1
                return f"${positional}"
            if name not in self.names:
                self.names.append(name)
            return f"${self.names.index(name) + 1}"

        body = _PLACEHOLDER.sub(number, sql)
        # Types are ours, for parameters whose context does not fix one (INSERT ... SELECT).
        declared = f" ({', '.join(types[name] for name in self.names)})" if types else ""
        self.prepare = f"PREPARE {self.name}{declared} AS {body}"
        count = len(self.names) or positional
        self.execute = f"EXECUTE {self.name}" + (f" ({', '.join(['%s'] * count)})" if count else "")

    def values(self, params: Sequence[Any] | Mapping[str, Any]) -> Sequence[Any]:
        if isinstance(params, Mapping):
            return [params[name] for name in self.names]
        return params


_statements: dict[str, _Statement] = {}


class _Seen:
    """Per raw connection: the statements it prepared."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw
        self.prepared: set[str] = set()


_local = threading.local()  # Django's connections are per thread; so is what they prepared
_unpreparable: set[str] = set()


def execute(
    cursor: Any,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any],
    *,
    types: Mapping[str, str] | None = None,
) -> None:
    """`cursor.execute(sql, params)`, as a statement prepared on this connection.
    `types`: a PostgreSQL type per named parameter, when any needs one."""
    if (
        not settings.PREPARED_STATEMENTS
        or connection.vendor != "postgresql"
        or connection.settings_dict.get("CONN_MAX_AGE") == 0
        or sql in _unpreparable
    ):
        cursor.execute(sql, params)
        return
    seen = _seen_on_this_connection()
    if sql not in seen.prepared:
        statement = _statements.get(sql) or _statements.setdefault(sql, _Statement(sql, types))
        if not _prepared(cursor, statement):
            _unpreparable.add(sql)
            cursor.execute(sql, params)
            return
        seen.prepared.add(sql)
    statement = _statements[sql]
    cursor.execute(statement.execute, statement.values(params))


def _seen_on_this_connection() -> _Seen:
    by_alias: dict[str, _Seen] = _local.__dict__.setdefault("by_alias", {})
    raw = connection.connection
    seen = by_alias.get(connection.alias)
    if seen is None or seen.raw is not raw:  # a new connection has prepared nothing
        seen = by_alias[connection.alias] = _Seen(raw)
    return seen


def _prepared(cursor: Any, statement: _Statement) -> bool:
    """Prepare `statement` on this session; False if PostgreSQL refuses it (then it is run as
    text from now on). Prepared statements belong to the session, not the transaction: one
    prepared in a transaction that rolls back stays prepared."""
    guarded = connection.in_atomic_block
    try:
        cursor.execute(
            f"SAVEPOINT {_SAVEPOINT}; {statement.prepare}; RELEASE SAVEPOINT {_SAVEPOINT}"
            if guarded
            else statement.prepare
        )
    except DatabaseError as exc:
        if guarded:  # the transaction goes on as it was before the PREPARE
            cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}; RELEASE SAVEPOINT {_SAVEPOINT}")
        if getattr(exc.__cause__, "pgcode", None) == _ALREADY_PREPARED:
            return True
        log.warning("statement %s not prepared, run as text: %s", statement.name, exc)
        return False
    return True


_SAVEPOINT = "sd_prepare"
_ALREADY_PREPARED = "42P05"  # duplicate_prepared_statement
