"""Text of mail as it really arrives, not as the RFCs wish it did.

- RFC 6532 lets headers carry raw UTF-8, and older clients put raw Latin-1 or Windows-1252
  there too. Python's parser keeps such bytes as lone surrogates ("\\udcc3\\udc85"), which no
  database can store: headers are made valid UTF-8 before parsing, and any surrogate left in
  a value is turned back into the character it stood for.
- Bodies are often labelled with the wrong charset (Windows-1252 sent as "utf-8") or one
  Python does not know ("unknown-8bit"). A label is trusted only if the bytes decode with it
  cleanly; otherwise UTF-8 and then Windows-1252 are tried, as mail clients do.
"""

from __future__ import annotations

import codecs
import re

HEADER_END = re.compile(rb"\r?\n\r?\n")
# Labels that name a subset of what senders actually use (WHATWG Encoding Standard).
WIDER_CHARSET = {
    # 8-bit bytes under an ASCII label are nowadays UTF-8, tried next anyway.
    "us-ascii": "utf-8",
    "ascii": "utf-8",
    "iso-8859-1": "windows-1252",
    "latin1": "windows-1252",
    "latin-1": "windows-1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "tis-620": "cp874",
}


def legible_headers(raw: bytes) -> bytes:
    """The mail with every header line valid UTF-8; the body untouched.

    A line is kept when it is UTF-8 already (RFC 6532) and read as Windows-1252 otherwise,
    the charset legacy clients meant when they put 8-bit bytes in a header.
    """
    end = HEADER_END.search(raw)
    head, body = (raw[: end.start()], raw[end.start() :]) if end else (raw, b"")
    if head.isascii():
        return raw
    lines = head.split(b"\n")
    return b"\n".join(_utf8_line(line) for line in lines) + body


def _utf8_line(line: bytes) -> bytes:
    if line.isascii():
        return line
    try:
        line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("windows-1252", errors="replace").encode("utf-8")
    return line


def clean(value: str) -> str:
    """A header value with the surrogates of undecoded bytes turned back into characters."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value
    raw = value.encode("utf-8", errors="surrogateescape")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("windows-1252", errors="replace")


def decode_text(payload: bytes, declared: str | None) -> str:
    """Text of a body part: the declared charset if the bytes agree with it, else UTF-8, else
    Windows-1252."""
    for charset in _candidates(declared):
        try:
            return payload.decode(charset)
        except (UnicodeDecodeError, LookupError):
            continue
    return payload.decode("latin-1")


def _candidates(declared: str | None) -> list[str]:
    label = (declared or "").strip().strip('"').lower()
    candidates = []
    if label:
        try:
            name = codecs.lookup(WIDER_CHARSET.get(label, label)).name
        except LookupError:
            name = ""
        if name:
            candidates.append(name)
    # Latin-1 maps every byte: the last resort never fails.
    return [*candidates, "utf-8", "windows-1252", "latin-1"]
