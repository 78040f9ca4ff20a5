"""Logging filters named in settings.LOGGING (kept free of Django imports: loaded at setup)."""

from __future__ import annotations

import logging


class ClientErrorsWithoutTraceback(logging.Filter):
    """A 4xx is an answer to the client, not a fault of ours: one line, no traceback.

    Django logs a refused permission (403) with the exception attached, which printed a full
    traceback for every page a role may not open.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and 400 <= status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
