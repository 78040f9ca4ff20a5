"""Asking for a drain at most once per short window in each process, yet for every event.

Under a spike a web process stores hundreds of events a second. Asking Redis for each one
whether a drain is already asked for costs a round trip per delivery, about a fifth of what an
acknowledgement costs. A process therefore asks at once for the first event after a quiet
moment and then opens a window: events stored inside it are covered by one ask when it closes,
made by a background thread, so no event waits more than one window to be announced.

A process that exits with an ask owed makes it on the way out; one that is killed leaves its
events to the sweeper, as a broker outage does.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class CoalescedAsk:
    """Calls `ask` for the first call after a quiet window, and once more when a window in
    which further calls came closes."""

    def __init__(self, ask: Callable[[], bool], window_seconds: float) -> None:
        self._ask = ask
        self._window_seconds = window_seconds
        self._reset()
        os.register_at_fork(after_in_child=self._reset)
        atexit.register(self.flush)

    def _reset(self) -> None:
        # A forked child starts with no thread and nothing owed: the parent's events are the
        # parent's to announce.
        self._lock = threading.Lock()
        self._owed_ask = threading.Condition(self._lock)
        self._window_ends = 0.0
        self._owed = False
        self._thread: threading.Thread | None = None

    def __call__(self) -> bool:
        """The ask's answer, or True when the window's closing ask will make it."""
        now = time.monotonic()
        with self._lock:
            if now < self._window_ends:
                self._owed = True
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._ask_when_windows_close, name="drain-ask", daemon=True
                    )
                    self._thread.start()
                self._owed_ask.notify()
                return True
            self._window_ends = now + self._window_seconds
        return self._ask()

    def flush(self) -> None:
        """Make an owed ask now (at exit, and in tests that cannot wait for the window)."""
        with self._lock:
            owed, self._owed = self._owed, False
        if owed:
            self._ask_safely()

    def _ask_when_windows_close(self) -> None:
        while True:
            with self._lock:
                while not self._owed:
                    self._owed_ask.wait()
                delay = self._window_ends - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            with self._lock:
                if not self._owed:  # flushed meanwhile
                    continue
                self._owed = False
                # The closing ask opens the next window: a steady stream asks once per window.
                self._window_ends = time.monotonic() + self._window_seconds
            self._ask_safely()

    def _ask_safely(self) -> None:
        try:
            self._ask()
        except Exception:  # an owed ask must not kill the thread; the sweeper catches up
            log.exception("could not ask for a drain of inbound events")
