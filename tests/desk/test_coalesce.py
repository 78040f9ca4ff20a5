"""Work done once per window (desk.ingestion.coalesce): whose thread runs which step.

The counting of created inquiries relies on it: the background thread tidies and closes its
own database connection after a window and when the stream pauses; a request's thread, which
counts the first create of a quiet moment itself, must never have its connection closed.
"""

import threading
import time
from typing import Any

import pytest

from desk.ingestion import coalesce
from desk.ingestion.coalesce import Coalesced

NAME = "test-coalesced"


def test_the_steps_after_a_window_and_when_idle_are_the_background_thread_s_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coalesce, "IDLE_SECONDS", 0.1)
    seen: list[tuple[Any, str]] = []

    def record(what: Any) -> None:
        seen.append((what, threading.current_thread().name))

    coalesced = Coalesced(
        lambda items: record(("work", tuple(items))),
        0.5,  # wide: the three calls below fall inside one window even on a loaded machine
        NAME,
        after_window=lambda: record("after window"),
        on_idle=lambda: record("idle"),
    )
    caller = threading.current_thread().name

    coalesced([1])
    coalesced([2])
    coalesced([3])
    deadline = time.monotonic() + 5
    while ("idle", NAME) not in seen and time.monotonic() < deadline:
        time.sleep(0.02)

    # The first call of a quiet moment works in the caller's thread, with no step after it.
    assert seen[0] == (("work", (1,)), caller)
    # The calls inside its window are worked together by the thread when the window closes,
    # which then takes its step; once nothing more comes, its idle step.
    assert seen[1:] == [(("work", (2, 3)), NAME), ("after window", NAME), ("idle", NAME)]
