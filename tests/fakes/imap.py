"""A small IMAP4rev1 server on 127.0.0.1 for imaplib to talk to (RFC 3501 subset).

It speaks what a mail poller needs: CAPABILITY, LOGIN, SELECT/EXAMINE with UIDVALIDITY and
UIDNEXT, UID SEARCH by UID range, UID FETCH of BODY.PEEK[], NOOP and LOGOUT, with real
literals on the wire. Tests put messages into the mailbox and change UIDVALIDITY.
"""

from __future__ import annotations

import re
import shlex
import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

USER = "support@infopark.example"
PASSWORD = "imap-secret"


@dataclass
class Mailbox:
    uidvalidity: int = 1700000001
    messages: list[tuple[int, bytes]] = field(default_factory=list)
    next_uid: int = 1

    def append(self, raw: bytes) -> int:
        uid = self.next_uid
        self.messages.append((uid, raw))
        self.next_uid += 1
        return uid

    def rebuild(self) -> None:
        """What a server does after a mailbox is restored: new UIDVALIDITY, UIDs renumbered."""
        self.uidvalidity += 1
        self.messages = [(n + 1, raw) for n, (_, raw) in enumerate(self.messages)]
        self.next_uid = len(self.messages) + 1


def _uid_set(spec: str, highest: int) -> set[int]:
    uids: set[int] = set()
    for part in spec.split(","):
        low, _, high = part.partition(":")
        start = highest if low == "*" else int(low)
        end = start if not high else (highest if high == "*" else int(high))
        uids.update(range(min(start, end), max(start, end) + 1))
    return uids


class FakeImap:
    def __init__(self) -> None:
        self.mailboxes = {"INBOX": Mailbox()}
        self.logins: list[str] = []

    @property
    def inbox(self) -> Mailbox:
        return self.mailboxes["INBOX"]

    @contextmanager
    def running(self) -> Iterator[FakeImap]:
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, line: str | bytes) -> None:
                self.wfile.write(line if isinstance(line, bytes) else line.encode() + b"\r\n")

            def handle(self) -> None:
                self.send("* OK [CAPABILITY IMAP4rev1] fake IMAP ready")
                selected: Mailbox | None = None
                authenticated = False
                while line := self.rfile.readline():
                    tag, _, rest = line.decode().rstrip("\r\n").partition(" ")
                    command, _, args = rest.partition(" ")
                    command = command.upper()
                    if command == "CAPABILITY":
                        self.send("* CAPABILITY IMAP4rev1")
                        self.send(f"{tag} OK CAPABILITY completed")
                    elif command == "LOGIN":
                        user, password = shlex.split(args)
                        fake.logins.append(user)
                        if (user, password) == (USER, PASSWORD):
                            authenticated = True
                            self.send(f"{tag} OK LOGIN completed")
                        else:
                            self.send(f"{tag} NO [AUTHENTICATIONFAILED] Invalid credentials")
                    elif command in ("SELECT", "EXAMINE") and authenticated:
                        name = shlex.split(args)[0]
                        selected = fake.mailboxes.get(name)
                        if selected is None:
                            self.send(f"{tag} NO [NONEXISTENT] Unknown mailbox")
                            continue
                        self.send("* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)")
                        self.send(f"* {len(selected.messages)} EXISTS")
                        self.send("* 0 RECENT")
                        self.send(f"* OK [UIDVALIDITY {selected.uidvalidity}] UIDs valid")
                        self.send(f"* OK [UIDNEXT {selected.next_uid}] Predicted next UID")
                        mode = "READ-ONLY" if command == "EXAMINE" else "READ-WRITE"
                        self.send(f"{tag} OK [{mode}] {command} completed")
                    elif command == "UID" and selected is not None:
                        self._uid(tag, args, selected)
                    elif command == "NOOP":
                        self.send(f"{tag} OK NOOP completed")
                    elif command == "LOGOUT":
                        self.send("* BYE logging out")
                        self.send(f"{tag} OK LOGOUT completed")
                        return
                    else:
                        self.send(f"{tag} BAD unsupported or out of state")

            def _uid(self, tag: str, args: str, box: Mailbox) -> None:
                sub, _, rest = args.partition(" ")
                highest = box.messages[-1][0] if box.messages else 0
                if sub.upper() == "SEARCH":
                    found = re.search(r"UID (\S+)", rest, re.IGNORECASE)
                    wanted = _uid_set(found.group(1), highest) if found else None
                    uids = [uid for uid, _ in box.messages if wanted is None or uid in wanted]
                    self.send("* SEARCH" + "".join(f" {uid}" for uid in uids))
                    self.send(f"{tag} OK UID SEARCH completed")
                elif sub.upper() == "FETCH":
                    spec = rest.split(" ", 1)[0]
                    wanted = _uid_set(spec, highest)
                    for seq, (uid, raw) in enumerate(box.messages, start=1):
                        if uid in wanted:
                            self.send(
                                f"* {seq} FETCH (UID {uid} BODY[] {{{len(raw)}}}".encode() + b"\r\n"
                            )
                            self.send(raw)
                            self.send(")")
                    self.send(f"{tag} OK UID FETCH completed")
                else:
                    self.send(f"{tag} BAD unsupported UID command")

        server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        try:
            yield self
        finally:
            server.shutdown()
            server.server_close()
