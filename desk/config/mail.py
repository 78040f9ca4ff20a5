"""Staff mail written to the log, as its reader would see it (the default without SMTP)."""

from __future__ import annotations

from django.core.mail import EmailMessage
from django.core.mail.backends import console


class ConsoleBackend(console.EmailBackend):
    """Django's console backend prints the encoded MIME message: a line longer than 76
    characters, such as a confirmation link, comes out cut by quoted-printable soft breaks and
    with "=3D" for "=", so no one can open it from the log. This prints the text as written."""

    def write_message(self, message: EmailMessage) -> None:
        lines = [
            f"Subject: {message.subject}",
            f"From: {message.from_email}",
            f"To: {', '.join(message.to)}",
            "",
            str(message.body),
            "-" * 79,
            "",
        ]
        self.stream.write("\n".join(lines))
