"""Sending mail over SMTP, with errors sorted into permanent (5xx) and transient (4xx)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

from django.conf import settings

from channels.adapters.base import AdapterError, AuthError
from channels.http import check_destination


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    security: str  # ssl, starttls or none
    username: str
    password: str


# SMTP hosts answered in code instead of the network (the demo's sandbox, mounted by
# desk.demo only in demo mode): host -> function handing over one message.
_mounted: dict[str, Callable[[EmailMessage], None]] = {}


def mount(host: str, deliver: Callable[[EmailMessage], None]) -> None:
    _mounted[host] = deliver


def _open(account: SmtpAccount) -> smtplib.SMTP:
    check_destination(account.host)
    timeout = settings.HTTP_TIMEOUT_SECONDS
    if account.security == "ssl":
        conn: smtplib.SMTP = smtplib.SMTP_SSL(
            account.host, account.port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        conn = smtplib.SMTP(account.host, account.port, timeout=timeout)
        if account.security == "starttls":
            conn.starttls(context=ssl.create_default_context())
    if account.username:
        conn.login(account.username, account.password)
    return conn


def send(account: SmtpAccount, message: EmailMessage) -> None:
    if account.host in _mounted:
        _mounted[account.host](message)
        return
    try:
        conn = _open(account)
        try:
            conn.send_message(message)
        finally:
            try:
                conn.quit()
            except smtplib.SMTPException:
                pass
    except smtplib.SMTPAuthenticationError as exc:
        raise AuthError(f"SMTP login as {account.username} refused: {exc.smtp_error!r}") from None
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        raise AdapterError(
            f"The SMTP server refused the recipient: {exc.recipients!r}",
            permanent=all(code >= 500 for code in codes),
        ) from None
    except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
        raise AdapterError(
            f"The SMTP server refused the mail: {exc.smtp_code} {exc.smtp_error!r}",
            permanent=exc.smtp_code >= 500,
        ) from None
    except (smtplib.SMTPException, OSError) as exc:
        raise AdapterError(f"SMTP to {account.host}:{account.port} failed: {exc}") from None


def check_login(account: SmtpAccount) -> None:
    try:
        _open(account).quit()
    except smtplib.SMTPAuthenticationError as exc:
        raise AuthError(f"SMTP login as {account.username} refused: {exc.smtp_error!r}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise AdapterError(f"SMTP to {account.host}:{account.port} failed: {exc}") from None
