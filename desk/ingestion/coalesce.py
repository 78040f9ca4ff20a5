"""Doing a piece of work at most once per short window in each process, yet for every call.

Under a spike a web process stores hundreds of events and creates hundreds of inquiries a
second. Asking Redis for each event whether a drain is already asked for costs a round trip per
delivery, about a fifth of what an acknowledgement costs; counting and indexing each new
inquiry after its commit costs a statement per create, about a tenth of the create. A process
therefore does the work at once for the first call after a quiet moment and then opens a
window: calls inside it are covered together when it closes, by a background thread, so no
call waits more than one window.

A process that exits with work owed does it on the way out; one that is killed leaves its
events to the sweeper (as a broker outage does), and its last window's counts uncounted (as a
database crash right after their commit would).
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

log = logging.getLogger(__name__)

# After this long without work the background thread runs its idle step (the counting thread
# closes its database connection: a pause in the stream holds no idle session).
IDLE_SECONDS = 1.0


class Coalesced:
    """Calls `work(items)` for the first call after a quiet window, and once more, with the
    items of every call since, when a window in which further calls came closes.

    `after_window` and `on_idle` are steps of the background thread alone, never of a caller's
    thread: what they tidy (the counting's database connection) is the thread's own.
    """

    def __init__(
        self,
        work: Callable[[list[Any]], Any],
        window_seconds: float,
        name: str,
        *,
        after_window: Callable[[], None] | None = None,
        on_idle: Callable[[], None] | None = None,
    ) -> None:
        self._work = work
        self._after_window = after_window
        self._on_idle = on_idle
        self.window_seconds = window_seconds
        self._name = name
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush)

    def _reset(self) -> None:
        # A forked child starts with no thread and nothing owed: the parent's work is the
        # parent's to do.
        self._lock = threading.Lock()
        self._owed_work = threading.Condition(self._lock)
        self._window_ends = 0.0
        self._owed = False
        self._items: list[Any] = []
        self._thread: threading.Thread | None = None

    def __call__(self, items: Iterable[Any] = ()) -> Any:
        """The work's answer, or True when the window's closing call will do it."""
        now = time.monotonic()
        with self._lock:
            if now < self._window_ends:
                self._owed = True
                self._items.extend(items)
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._work_when_windows_close, name=self._name, daemon=True
                    )
                    self._thread.start()
                self._owed_work.notify()
                return True
            self._window_ends = now + self.window_seconds
        return self._work(list(items))

    def flush(self) -> None:
        """Do owed work now (at exit, and in tests that cannot wait for the window)."""
        with self._lock:
            owed, self._owed = self._owed, False
            items, self._items = self._items, []
        if owed:
            self._safely(partial(self._work, items), "owed work")

    def _work_when_windows_close(self) -> None:
        rested = True  # no work done since the thread started or last ran its idle step
        while True:
            with self._lock:
                while not self._owed:
                    timeout = None if rested or self._on_idle is None else IDLE_SECONDS
                    if not self._owed_work.wait(timeout) and not self._owed:
                        break
                idle = not self._owed
                delay = self._window_ends - time.monotonic()
            if idle:
                self._safely(self._on_idle, "idle step")
                rested = True
                continue
            rested = False
            if delay > 0:
                time.sleep(delay)
            with self._lock:
                if not self._owed:  # flushed meanwhile
                    continue
                self._owed = False
                items, self._items = self._items, []
                # The closing call opens the next window: a steady stream works once per window.
                self._window_ends = time.monotonic() + self.window_seconds
            self._safely(partial(self._work, items), "owed work")
            self._safely(self._after_window, "step after a window")

    def _safely(self, step: Callable[[], Any] | None, what: str) -> None:
        try:
            if step is not None:
                step()
        except Exception:  # owed work or a step must not kill the thread
            log.exception("%s: %s failed", self._name, what)
