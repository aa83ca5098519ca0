"""A real SMTP server on loopback for the mail tests, built on aiosmtpd's ``Controller``.

``SmtpServer`` listens on 127.0.0.1 at a free port (or a port chosen beforehand, so a test can
point MedLink at it while nothing listens yet, then start it). Its ``RecordingHandler`` keeps every
message it accepts, and can be told to answer a chosen reply for some recipients (``550``, ``421``
...) or for DATA, to be slow, and to check a login. Give ``tls_context`` for STARTTLS or
``ssl_context`` for implicit TLS (a server-side ``ssl.SSLContext``, e.g. from trustme).

    with SmtpServer() as server:
        ...  # settings: smtp_host=server.host, smtp_port=server.port
        server.handler.rcpt_replies["bounce@example.org"] = "550 5.1.1 No such mailbox"
        assert len(server.messages) == 2
"""

from __future__ import annotations

import asyncio
import re
import socket
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

LOOPBACK = "127.0.0.1"
_OUTBOX_ID = re.compile(r"medlink-(\d+)@")


def free_port(host: str = LOOPBACK) -> int:
    """A TCP port nothing listens on right now (the kernel's choice)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Received:
    """One message the server accepted."""

    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes
    secure: bool  # over TLS (STARTTLS or implicit)
    login: str | None  # the authenticated user, if any

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)  # type: ignore[return-value]

    @property
    def outbox_id(self) -> int | None:
        """MedLink's outbox message_id, read back from the Message-ID header."""
        match = _OUTBOX_ID.search(self.message["Message-ID"] or "")
        return int(match.group(1)) if match else None


@dataclass
class RecordingHandler:
    """Records accepted messages; answers ``rcpt_replies[address]`` instead of accepting that
    recipient, ``data_reply`` instead of accepting DATA, after sleeping ``delay`` seconds in DATA."""

    rcpt_replies: dict[str, str] = field(default_factory=dict)
    data_reply: str | None = None
    delay: float = 0.0
    users: dict[str, str] = field(default_factory=dict)  # login -> password, for AUTH
    received: list[Received] = field(default_factory=list)
    rcpt_attempts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.lock:
            self.rcpt_attempts[address.lower()] += 1
            reply = self.rcpt_replies.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.data_reply:
            return self.data_reply
        login = session.auth_data.decode() if session.authenticated and session.auth_data else None
        secure = server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
        item = Received(mail_from=envelope.mail_from, rcpt_tos=tuple(envelope.rcpt_tos),
                        data=bytes(envelope.original_content or envelope.content), secure=secure, login=login)
        with self.lock:
            self.received.append(item)
        return "250 Message accepted for delivery"

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if self.users.get(user) == password:
                return AuthResult(success=True, auth_data=user.encode())
        return AuthResult(success=False, handled=False)


class SmtpServer:
    """aiosmtpd on ``host``:``port`` (a free port unless given), with a ``RecordingHandler``."""

    def __init__(self, port: int | None = None, *, host: str = LOOPBACK, tls_context: ssl.SSLContext | None = None,
                 ssl_context: ssl.SSLContext | None = None, require_starttls: bool = False,
                 handler: RecordingHandler | None = None) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.handler = handler or RecordingHandler()
        self.tls_context, self.ssl_context, self.require_starttls = tls_context, ssl_context, require_starttls
        self._controller: Controller | None = None

    def start(self) -> SmtpServer:
        kwargs: dict[str, Any] = {}
        if self.tls_context is not None:
            kwargs.update(tls_context=self.tls_context, require_starttls=self.require_starttls)
        kwargs.update(authenticator=self.handler.authenticate, auth_require_tls=True)  # AUTH only over TLS
        controller = Controller(self.handler, hostname=self.host, port=self.port, ssl_context=self.ssl_context,
                                ready_timeout=10, server_hostname="mail.test", **kwargs)
        controller.start()
        self._controller = controller
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> SmtpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- what arrived -----------------------------------------------------------------------------
    @property
    def messages(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def to(self, address: str) -> list[Received]:
        return [m for m in self.messages if address.lower() in (r.lower() for r in m.rcpt_tos)]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The messages, once at least ``count`` have arrived (or the timeout passed)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


class SilentServer:
    """Accepts TCP connections and never says a word: a mail server that hangs."""

    def __init__(self, host: str = LOOPBACK) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.host, self.port = host, int(self.sock.getsockname()[1])

    def close(self) -> None:
        self.sock.close()

    def __enter__(self) -> SilentServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
