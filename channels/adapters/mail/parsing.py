"""Reading e-mails: MIME bodies in any transfer encoding and charset, RFC 2047 headers,
threading headers, attachments, and what is history, signature or an automatic message."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

from django.utils import timezone

from channels.adapters.base import MediaFile
from channels.adapters.text import html_to_text

MSGID = re.compile(r"<([^<>\s]+)>")
# Lines that open the quoted history of a reply, in the languages we serve.
QUOTE_HEADERS = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^On .{1,300} wrote:$",
        r"^Am .{1,300} schrieb .{0,300}:$",
        r"^Le .{1,300} a écrit ?:$",
        r"^Den .{1,300} skrev .{0,300}:$",
        r"^W dniu .{1,300} (napisał|napisała|napisał\(a\)|pisze):$",
        r"^-{2,} ?(Original Message|Ursprüngliche Nachricht|Message d'origine"
        r"|Ursprungligt meddelande|Oryginalna wiadomość|Forwarded message) ?-{2,}$",
        r"^_{20,}$",
    )
]
OUTLOOK_FROM = re.compile(r"^(From|Von|De|Från|Od): .+", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(
    r"^(Sent|Date|Gesendet|Datum|Envoyé|Skickat|Wysłano|Data|To|An|À|Till|Do|Subject|Betreff"
    r"|Objet|Ämne|Temat): ",
    re.IGNORECASE,
)
SIGNATURE_LINES = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^-- ?$",
        r"^Sent from my (iPhone|iPad|Android|mobile).*$",
        r"^(Von meinem|Envoyé de mon|Skickat från min|Wysłane z mojego) .+$",
    )
]
AUTO_PRECEDENCE = frozenset({"bulk", "junk", "auto_reply"})
BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


@dataclass(frozen=True)
class ParsedEmail:
    message_id: str
    subject: str
    from_name: str
    from_address: str
    to: tuple[str, ...]
    date: datetime
    in_reply_to: str
    references: tuple[str, ...]
    full_text: str
    display_text: str
    automatic_because: str = ""
    attachments: tuple[MediaFile, ...] = field(default=())


def message_ids(value: str | None) -> list[str]:
    return MSGID.findall(str(value or ""))


def read_message_id(raw: bytes) -> str:
    """The Message-ID, or a stable stand-in for mails that have none."""
    headers = BytesParser(policy=policy.default).parsebytes(raw, headersonly=True)
    found = message_ids(_header(headers, "Message-ID"))
    return found[0] if found else f"sha256-{hashlib.sha256(raw).hexdigest()}@socialdesk.invalid"


def parse_email(raw: bytes) -> ParsedEmail:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    if not isinstance(message, EmailMessage):  # policy.default always builds EmailMessage
        raise TypeError("The e-mail parser returned an unexpected message type.")
    name, address = _sender(message)
    full_text, body_part = _body(message)
    in_reply_to = message_ids(_header(message, "In-Reply-To"))
    return ParsedEmail(
        message_id=read_message_id(raw),
        subject=" ".join(_header(message, "Subject").split()),
        from_name=name,
        from_address=address,
        to=tuple(a.lower() for _, a in getaddresses([_header(message, "To")]) if a),
        date=_date(message),
        in_reply_to=in_reply_to[0] if in_reply_to else "",
        references=tuple(message_ids(_header(message, "References"))),
        full_text=full_text,
        display_text=trim_reply(full_text),
        automatic_because=_automatic(message, address),
        attachments=tuple(_attachments(message, body_part)),
    )


def _header(message: EmailMessage, name: str) -> str:
    # A header in a charset Python does not know still yields its readable parts.
    try:
        return str(message.get(name) or "")
    except (LookupError, ValueError, UnicodeError):
        return str(message.get_all(name, [""])[0])


def _sender(message: EmailMessage) -> tuple[str, str]:
    raw = _header(message, "From")
    try:
        addresses = message["From"].addresses if message["From"] else ()
    except (AttributeError, IndexError, ValueError):
        addresses = ()
    if addresses:
        return addresses[0].display_name, addresses[0].addr_spec.lower()
    name, address = parseaddr(raw)
    return name, address.lower()


def _date(message: EmailMessage) -> datetime:
    try:
        moment = parsedate_to_datetime(_header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return timezone.now()
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _decoded(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError):
        payload = part.get_payload(decode=True)
        raw = payload if isinstance(payload, bytes) else b""
        content = raw.decode("utf-8", errors="replace")
    if isinstance(content, str):
        return content
    if isinstance(content, bytes):
        return content.decode("utf-8", errors="replace")
    return str(content)


def _body(message: EmailMessage) -> tuple[str, EmailMessage | None]:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return "", None
    text = _decoded(part)  # type: ignore[arg-type]
    if part.get_content_subtype() == "html":
        text = html_to_text(text)
    return text.replace("\r\n", "\n").strip(), part  # type: ignore[return-value]


def _attachments(message: EmailMessage, body_part: EmailMessage | None) -> list[MediaFile]:
    files = []
    for part in message.walk():
        if part is body_part or part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        filename = part.get_filename()
        if disposition != "attachment" and not filename:
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        files.append(
            MediaFile(
                name=filename or f"attachment.{part.get_content_subtype()}",
                content_type=part.get_content_type(),
                size=len(content),
                content=content,
            )
        )
    return files


def _automatic(message: EmailMessage, sender: str) -> str:
    """Why the mail was sent by a machine (RFC 3834, RFC 3464), or "" if by a person."""
    content_type = message.get_content_type()
    report = (message.get_param("report-type") or "") if content_type == "multipart/report" else ""
    if report == "delivery-status" or message.get("X-Failed-Recipients"):
        return "a bounce (delivery status notification)"
    if sender.partition("@")[0] in BOUNCE_SENDERS:
        return f"a bounce from {sender}"
    auto_submitted = _header(message, "Auto-Submitted").strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"an automatic reply (Auto-Submitted: {auto_submitted})"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "an automatic reply (X-Autoreply)"
    if _header(message, "Precedence").strip().lower() in AUTO_PRECEDENCE:
        return f"bulk or automatic mail (Precedence: {_header(message, 'Precedence').strip()})"
    return ""


def trim_reply(text: str) -> str:
    """The new part of a reply: quoted history and the signature cut off for display."""
    lines = text.split("\n")
    end = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        joined = f"{stripped} {lines[index + 1].strip()}" if index + 1 < len(lines) else stripped
        if any(p.match(stripped) or p.match(joined) for p in QUOTE_HEADERS):
            end = index
            break
        if OUTLOOK_FROM.match(stripped) and any(
            OUTLOOK_NEXT.match(following.strip()) for following in lines[index + 1 : index + 4]
        ):
            end = index
            break
        if any(p.match(line.rstrip("\n")) for p in SIGNATURE_LINES):
            end = index
            break
    kept = lines[:end]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    trimmed = "\n".join(kept).strip()
    return trimmed or text.strip()
