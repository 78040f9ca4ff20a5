import json
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError
from rest_framework.parsers import BaseParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "payload_too_large"


class JSONObject(dict):
    """A parsed JSON body that remembers the exact bytes it came from, to store them raw."""

    raw_body: bytes = b""


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


class StrictJSONParser(BaseParser):
    """JSON bodies only: bounded in size, valid UTF-8, one object, no duplicate keys."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        raw = stream.read(limit + 1) if stream is not None else b""
        if len(raw) > limit:
            raise PayloadTooLarge(
                _("The request body is larger than %(limit)s bytes.") % {"limit": limit}
            )
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                _("The request body is not valid UTF-8 (byte %(byte)s).") % {"byte": exc.start}
            ) from None
        try:
            value = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None
        except ValueError as exc:
            raise ParseError(
                # The parser's own words say where: a client's developer reads them.
                _("The request body is not valid JSON: %(problem)s.") % {"problem": exc}
            ) from None
        if not isinstance(value, dict):
            raise ParseError(_("The request body must be a JSON object."))
        parsed = JSONObject(value)
        parsed.raw_body = raw
        return parsed
