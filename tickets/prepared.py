"""Hot statements run as PostgreSQL prepared statements: parsed and planned once per connection.

A webhook acknowledgement and a REST create each run one wide INSERT, thousands of times a
second under a spike. PostgreSQL spends about a third of such a statement's time parsing and
planning it again; `PREPARE` does that once per connection, and `EXECUTE` passes the values.

The ORM offers no prepared statements on psycopg2, so this keeps, per database connection, the
names it has prepared there. A new connection (after CONN_MAX_AGE, a restart or a lost server)
is a new object and prepares again. Prepared statements live in the server session: behind a
transaction-pooling PgBouncer they would not follow the client, so PREPARED_STATEMENTS=0 turns
this off (docs/configuration.md). Other databases run the statement as it is.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import CursorWrapper

# The raw DB-API connection -> names prepared on it. Weak: a closed connection's entry goes
# with it, and an id reused by a new connection cannot inherit the old one's names.
_prepared_on: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_PLACEHOLDER = re.compile(r"%s")


def execute(
    connection: BaseDatabaseWrapper, cursor: CursorWrapper, sql: str, params: Sequence[Any]
) -> None:
    """Run `sql` (with %s placeholders and no other %) with `params` on `cursor`, prepared once
    per connection on PostgreSQL."""
    if connection.vendor != "postgresql" or not settings.PREPARED_STATEMENTS:
        cursor.execute(sql, params)
        return
    name = "sd_" + hashlib.blake2b(sql.encode(), digest_size=10).hexdigest()
    prepared = _prepared_on.setdefault(connection.connection, set())
    if name not in prepared:
        numbered = iter(range(1, len(params) + 1))
        text = _PLACEHOLDER.sub(lambda _match: f"${next(numbered)}", sql)
        # Quoted names and numbered parameters only: the values never enter the text.
        cursor.execute(f"PREPARE {name} AS {text}")
        prepared.add(name)
    placeholders = ", ".join(["%s"] * len(params))
    cursor.execute(f"EXECUTE {name} ({placeholders})", params)
