"""Reading the form an inbound-parse service posted, from the stored raw body.

The raw body is parsed here, not by Django's request parser, because the full MIME message
arrives as a form field whose bytes must stay bytes: a mail in Latin-1 decoded as UTF-8 form
text would lose its accents before the mail parser ever saw them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from urllib.parse import parse_qsl

from channels.adapters.base import InvalidPayload

# Headers of the original mail worth carrying over when a service sends it taken apart.
KEPT_HEADERS = (
    "From",
    "To",
    "Cc",
    "Reply-To",
    "Subject",
    "Date",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Auto-Submitted",
    "Precedence",
    "X-Autoreply",
    "X-Failed-Recipients",
)


@dataclass(frozen=True)
class Field:
    name: str
    data: bytes
    filename: str = ""
    content_type: str = ""

    @property
    def text(self) -> str:
        return self.data.decode("utf-8", errors="replace")


class Form(dict[str, Field]):
    def text(self, name: str) -> str:
        field = self.get(name)
        return field.text if field else ""

    def files(self) -> list[Field]:
        return [field for field in self.values() if field.filename]


def read_form(body: bytes, content_type: str) -> Form:
    """The fields of a multipart/form-data or urlencoded body; the last of a repeated name."""
    media_type = content_type.split(";")[0].strip().lower()
    if media_type == "application/x-www-form-urlencoded":
        try:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, encoding="latin-1")
        except UnicodeDecodeError:
            raise InvalidPayload("A urlencoded body must be ASCII.") from None
        return Form({name: Field(name, value.encode("latin-1")) for name, value in pairs})
    if media_type != "multipart/form-data":
        raise InvalidPayload("Deliveries must be multipart/form-data or urlencoded.")
    boundary = _boundary(content_type)
    form = Form()
    for chunk in body.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise InvalidPayload("A form part has no blank line after its headers.")
        headers = BytesHeaderParser(policy=policy.HTTP).parsebytes(head + b"\r\n\r\n")
        name = headers.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise InvalidPayload("A form part has no name.")
        filename = headers.get_filename() or ""
        form[name] = Field(
            name=name,
            data=data.removesuffix(b"\r\n"),
            filename=filename,
            content_type=headers.get_content_type() if headers.get("Content-Type") else "",
        )
    return form


def _boundary(content_type: str) -> bytes:
    headers = BytesHeaderParser(policy=policy.HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode("latin-1", errors="replace")
    )
    boundary = headers.get_boundary()
    if not boundary:
        raise InvalidPayload("The multipart body has no boundary.")
    return boundary.encode("latin-1")


def assemble(
    *,
    headers: list[tuple[str, str]],
    text: str,
    html: str,
    files: list[Field],
    stand_in_id: bytes,
) -> bytes:
    """A MIME message rebuilt from a service's parsed fields, for the one mail parser.

    A mail without a Message-ID gets one derived from the stored delivery, so parsing the same
    delivery again gives the same message.
    """
    mail = EmailMessage()
    present = {name.lower() for name, _ in headers}
    for name, value in headers:
        if name.lower() in {kept.lower() for kept in KEPT_HEADERS}:
            mail[name] = value.replace("\r", " ").replace("\n", " ")
    if "message-id" not in present:
        mail["Message-ID"] = (
            f"<sha256-{hashlib.sha256(stand_in_id).hexdigest()}@socialdesk.invalid>"
        )
    mail.set_content(text or "")
    if html:
        mail.add_alternative(html, subtype="html")
    for file in files:
        maintype, _, subtype = (file.content_type or "application/octet-stream").partition("/")
        mail.add_attachment(
            file.data, maintype=maintype, subtype=subtype or "octet-stream", filename=file.filename
        )
    return mail.as_bytes()
