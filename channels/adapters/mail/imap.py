"""Fetching new mail over IMAP with a UIDVALIDITY/UID cursor (RFC 3501 section 2.3.1.1).

UIDs only grow within one UIDVALIDITY; when the server changes UIDVALIDITY the mailbox was
rebuilt and every UID is new, so the cursor starts over (Message-ID dedupes what we had).
"""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings

from channels.adapters.base import AdapterError, AuthError
from channels.http import check_destination

UID_IN_FETCH = re.compile(rb"UID (\d+)")


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    security: str  # ssl, starttls or none
    username: str
    password: str
    mailbox: str


@dataclass(frozen=True)
class FetchedBatch:
    uidvalidity: int
    messages: tuple[tuple[int, bytes], ...]
    last_uid: int
    more: bool


@contextmanager
def connected(account: ImapAccount) -> Iterator[imaplib.IMAP4]:
    check_destination(account.host)
    timeout = settings.HTTP_TIMEOUT_SECONDS
    try:
        if account.security == "ssl":
            conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                account.host,
                account.port,
                ssl_context=ssl.create_default_context(),
                timeout=timeout,
            )
        else:
            conn = imaplib.IMAP4(account.host, account.port, timeout=timeout)
            if account.security == "starttls":
                conn.starttls(ssl.create_default_context())
    except (OSError, imaplib.IMAP4.error) as exc:
        raise AdapterError(
            f"Cannot reach IMAP server {account.host}:{account.port}: {exc}"
        ) from None
    try:
        try:
            conn.login(account.username, account.password)
        except imaplib.IMAP4.error as exc:
            raise AuthError(f"IMAP login as {account.username} refused: {_text(exc)}") from None
        yield conn
    except (OSError, imaplib.IMAP4.abort) as exc:
        raise AdapterError(f"IMAP connection to {account.host} failed: {exc}") from None
    finally:
        try:
            conn.logout()
        except (OSError, imaplib.IMAP4.error):
            pass


def fetch_new(
    account: ImapAccount, *, uidvalidity: int | None, last_uid: int, batch: int
) -> FetchedBatch:
    with connected(account) as conn:
        status, _ = conn.select(_quoted(account.mailbox), readonly=True)
        if status != "OK":
            raise AdapterError(f"Mailbox {account.mailbox!r} does not exist.", permanent=True)
        _, values = conn.response("UIDVALIDITY")
        if not values or values[0] is None:
            raise AdapterError("The IMAP server sent no UIDVALIDITY.")
        current_validity = int(values[0])
        if current_validity != uidvalidity:
            last_uid = 0
        status, data = conn.uid("SEARCH", f"UID {last_uid + 1}:*")
        if status != "OK":
            raise AdapterError(f"IMAP UID SEARCH failed: {data!r}")
        # "n:*" always includes the highest UID, even when it is below n.
        uids = sorted(int(uid) for uid in (data[0] or b"").split() if int(uid) > last_uid)
        chosen = uids[:batch]
        messages: list[tuple[int, bytes]] = []
        if chosen:
            status, data = conn.uid("FETCH", ",".join(map(str, chosen)), "(UID BODY.PEEK[])")
            if status != "OK":
                raise AdapterError(f"IMAP UID FETCH failed: {data!r}")
            for item in data:
                if isinstance(item, tuple):
                    found = UID_IN_FETCH.search(item[0])
                    if found:
                        messages.append((int(found.group(1)), item[1]))
        messages.sort()
        return FetchedBatch(
            uidvalidity=current_validity,
            messages=tuple(messages),
            last_uid=max([last_uid, *(uid for uid, _ in messages)]),
            more=len(uids) > len(chosen),
        )


def check_login(account: ImapAccount) -> int:
    """Log in and open the mailbox; return how many messages it holds."""
    with connected(account) as conn:
        status, data = conn.select(_quoted(account.mailbox), readonly=True)
        if status != "OK":
            raise AdapterError(f"Mailbox {account.mailbox!r} does not exist.", permanent=True)
        return int(data[0] or 0)


def _quoted(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(exc: Exception) -> str:
    message = exc.args[0] if exc.args else exc
    return message.decode(errors="replace") if isinstance(message, bytes) else str(message)
