"""New messages are counted and indexed after their transaction commits (crisis counters,
similar questions, engagement: desk.classification.observers), alone or a whole batch at once.

A worker's batch counts its messages together. A web process creating inquiries one request at
a time counts them together per short window (INQUIRY_COUNT_WINDOW_SECONDS, through
desk.ingestion.coalesce): the first after a quiet moment at once, those inside the window in one
statement when it closes, by a background thread on its own database connection. With no
window (0: the tests) or on SQLite (the embedded default), each request counts its own message
before it answers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import close_old_connections, connection, transaction

from desk.classification.observers import NewMessage, count_and_index
from desk.ingestion.coalesce import Coalesced

# The messages of the batch being processed, counted together after its commit.
_batch: ContextVar[list[NewMessage] | None] = ContextVar("ingested_in_batch", default=None)


@contextmanager
def counted_together() -> Iterator[None]:
    """New messages ingested inside this block, in the caller's transaction, are counted and
    indexed together once it commits: a few statements instead of a few for each."""
    messages: list[NewMessage] = []
    token = _batch.set(messages)
    try:
        yield
    finally:
        _batch.reset(token)
    # Registered after every message's own callback: they have all run when this one does.
    transaction.on_commit(lambda: count_and_index(messages))


def count_after_commit(messages: list[NewMessage]) -> None:
    """Count and index new messages once their transaction commits. Each registers its own
    callback, so a savepoint rolled back takes its messages with it."""
    batch = _batch.get()
    if batch is None:
        transaction.on_commit(lambda: _count_outside_a_batch(messages))
    else:
        transaction.on_commit(lambda: batch.extend(messages))


def _count_outside_a_batch(messages: list[NewMessage]) -> None:
    # SQLite has one writer at a time: a second connection counting would wait for this one.
    if settings.INQUIRY_COUNT_WINDOW_SECONDS <= 0 or connection.vendor != "postgresql":
        count_and_index(messages)
    else:
        counted_in_windows(messages)


def _count(messages: list[NewMessage]) -> None:
    # Looked up when the window closes, not bound when this module loads: the window's counts
    # and the inline ones go through one name, which the counting tests watch.
    count_and_index(messages)


# The thread keeps its own connection between windows, dropped if it broke or aged, and
# closed when the stream pauses: it holds no idle session.
counted_in_windows = Coalesced(
    _count,
    settings.INQUIRY_COUNT_WINDOW_SECONDS,
    "after-commit-counts",
    after_window=close_old_connections,
    on_idle=lambda: connection.close(),
)
