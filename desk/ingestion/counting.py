"""New messages are counted and indexed after their transaction commits (crisis counters,
similar questions, engagement: desk.classification.observers), alone or a whole batch at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction

from desk.classification.observers import NewMessage, count_and_index

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
        transaction.on_commit(lambda: count_and_index(messages))
    else:
        transaction.on_commit(lambda: batch.extend(messages))
