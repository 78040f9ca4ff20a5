"""Hot statements run as PostgreSQL prepared statements: parsed and planned once per connection.

A webhook acknowledgement and a REST create each run wide INSERTs (the create also a new
author's upsert and a data-modifying CTE for the message, ticket and audit rows), thousands of
times a second under a spike. PostgreSQL spends a third or more of such a statement's time
parsing and planning it again (the author's upsert: 0.42 ms of server CPU as text, 0.08 ms
prepared); `PREPARE` does that once per connection, and `EXECUTE` passes the values.

The ORM offers no prepared statements on psycopg2, so this keeps, per database connection, the
names it has prepared there. A new connection (after CONN_MAX_AGE, a restart or a lost server)
is a new object and prepares again; a connection closed after every request (CONN_MAX_AGE 0)
would never reuse one and runs the text. Inside a transaction the `PREPARE` goes in the same
round trip as a savepoint, so a statement PostgreSQL refuses to prepare (a parameter whose type
it cannot deduce) is run as text instead, without aborting the caller's transaction. A
prepared statement belongs to the server session, not to a transaction: one prepared in a
transaction that rolls back stays prepared. Prepared statements live in the server session:
behind a transaction-pooling PgBouncer they would not follow the client, so
PREPARED_STATEMENTS=0 turns this off (docs/configuration.md). Other databases run the
statement as it is.
"""

from __future__ import annotations

import hashlib
import logging
import re
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import DatabaseError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

log = logging.getLogger(__name__)

# The raw DB-API connection -> names prepared on it. Weak: a closed connection's entry goes
# with it, and an id reused by a new connection cannot inherit the old one's names.
_prepared_on: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%%|%s|%\((\w+)\)s")
_SAVEPOINT = "sd_prepare"
_ALREADY_PREPARED = "42P05"  # duplicate_prepared_statement
_unpreparable: set[str] = set()  # SQL texts PostgreSQL refused to prepare


def execute(
    connection: BaseDatabaseWrapper,
    cursor: CursorWrapper,
    sql: str,
    params: Sequence[Any] | Mapping[str, Any],
    *,
    types: Mapping[str, str] | None = None,
) -> None:
    """Run `sql` (psycopg2 placeholders: all %s, or all %(name)s) with `params` on `cursor`,
    prepared once per connection on PostgreSQL. `types`: a PostgreSQL type for each named
    parameter, declared instead of deduced."""
    if (
        connection.vendor != "postgresql"
        or not settings.PREPARED_STATEMENTS
        or connection.settings_dict.get("CONN_MAX_AGE") == 0
        or sql in _unpreparable
    ):
        cursor.execute(sql, params)
        return
    statement = _statement(sql, types)
    prepared = _prepared_on.setdefault(connection.connection, set())
    if statement.name not in prepared:
        if not _prepare(connection, cursor, statement):
            _unpreparable.add(sql)
            cursor.execute(sql, params)
            return
        prepared.add(statement.name)
    cursor.execute(statement.execute, statement.values(params))


class _Statement:
    """One SQL text: its name, its PREPARE and EXECUTE forms, its named parameters' order."""

    def __init__(self, sql: str, types: Mapping[str, str] | None) -> None:
        self.name = "sd_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
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

        # Quoted names and numbered parameters only: the values never enter the text.
        text = _PLACEHOLDER.sub(number, sql)
        declared = f" ({', '.join(types[name] for name in self.names)})" if types else ""
        self.prepare = f"PREPARE {self.name}{declared} AS {text}"
        count = len(self.names) or positional
        self.execute = f"EXECUTE {self.name}" + (f" ({', '.join(['%s'] * count)})" if count else "")

    def values(self, params: Sequence[Any] | Mapping[str, Any]) -> Sequence[Any]:
        if isinstance(params, Mapping):
            return [params[name] for name in self.names]
        return params


_statements: dict[str, _Statement] = {}


def _statement(sql: str, types: Mapping[str, str] | None) -> _Statement:
    found = _statements.get(sql)
    if found is None:
        found = _statements[sql] = _Statement(sql, types)
    return found


def _prepare(connection: BaseDatabaseWrapper, cursor: CursorWrapper, statement: _Statement) -> bool:
    """Prepare `statement` on this session; False if PostgreSQL refuses it."""
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
