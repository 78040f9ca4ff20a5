"""A real SMTP server (aiosmtpd) on 127.0.0.1 with an ephemeral port and a login."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "support@infopark.example"
PASSWORD = "imap-secret"


class EphemeralController(Controller):
    def _trigger_server(self) -> None:
        # Bound to port 0: learn the port the OS chose before connecting to it.
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass
class FakeSmtp:
    received: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    # Answers for the next DATA commands, e.g. "451 4.3.0 try again later".
    data_replies: list[str] = field(default_factory=list)
    port: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.data_replies:
            return self.data_replies.pop(0)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))  # type: ignore[arg-type]
        return "250 2.0.0 queued"

    @staticmethod
    def authenticate(
        server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        ok = isinstance(auth_data, LoginPassword) and (
            auth_data.login.decode(),
            auth_data.password.decode(),
        ) == (USER, PASSWORD)
        return AuthResult(success=ok)

    @contextmanager
    def running(self) -> Iterator[FakeSmtp]:
        controller = EphemeralController(
            self,
            hostname="127.0.0.1",
            port=0,
            authenticator=self.authenticate,
            auth_require_tls=False,
        )
        controller.start()
        self.port = controller.port
        try:
            yield self
        finally:
            controller.stop()
