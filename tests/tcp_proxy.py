"""A loopback TCP proxy in front of MariaDB that can cut every link at a chosen moment.

``TcpProxy(upstream_port=3306)`` listens on 127.0.0.1 at a free port and forwards each connection to
the server; point MedLink at ``mysql://root@127.0.0.1:<proxy.port>/<db>``. It reads the MySQL client
protocol going up (3-byte length, 1-byte sequence id, payload; a packet with sequence id 0 is a command,
``0x03`` a COM_QUERY whose SQL the client formats itself), so a test can pick the moment to fail:

- ``cut_all()``: close every link now (both ends), as a dead network would.
- ``cut_on_query(pattern, deliver=False)``: when the client sends a statement matching ``pattern``
  (a regular expression, case-insensitive), drop that packet and cut: the server never sees it
  (``keep=n``: the server sees the packet's first ``n`` bytes, then the link dies).
- ``cut_on_query(pattern, deliver=True)``: let the statement reach the server, then cut as soon as the
  server answers, dropping the answer: e.g. a COMMIT that the server applied but the client never heard of.
- ``after=...``: the rule fires only once ``after`` has been seen on the same link (e.g. the COMMIT that
  follows ``INSERT INTO bills``, not an earlier one); ``times``: how often it fires (None: every time).
- ``cut_after_bytes(n)``: forward exactly ``n`` more bytes from the client, then cut (mid-packet too).

``statements`` keeps the SQL the clients sent (newest last) and ``cuts`` counts the links cut, so a
test can check that its fault really happened where it meant it to.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import re
import socket
import threading
from dataclasses import dataclass, field

LOOPBACK = "127.0.0.1"
COM_QUERY = 0x03
_ids = itertools.count(1)


@dataclass
class _Rule:
    pattern: re.Pattern[str] | None  # None: a byte-count rule
    deliver: bool
    times: int | None
    after: re.Pattern[str] | None = None
    byte_budget: int | None = None
    keep: int = 0  # bytes of the matched packet forwarded before a drop-and-cut
    fired: int = 0

    def spent(self) -> bool:
        return self.times is not None and self.fired >= self.times


@dataclass(eq=False)
class _Link:
    client: socket.socket
    server: socket.socket
    link_id: int = field(default_factory=lambda: next(_ids))
    lock: threading.Lock = field(default_factory=threading.Lock)
    closed: bool = False
    cut_on_reply: bool = False
    seen_after: bool = False  # the current rule's ``after`` statement went by on this link


class TcpProxy:
    """Forwards 127.0.0.1:``port`` to ``upstream_host``:``upstream_port``; see the module docstring."""

    def __init__(self, upstream_port: int = 3306, upstream_host: str = LOOPBACK, host: str = LOOPBACK) -> None:
        self.upstream = (upstream_host, upstream_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind((host, 0))
        self._listener.listen(64)
        self._listener.settimeout(0.1)  # so that close() ends the accept loop at once
        self.host, self.port = host, int(self._listener.getsockname()[1])
        self._links: set[_Link] = set()
        self._lock = threading.Lock()
        self._rule: _Rule | None = None
        self._stopping = False
        self.cuts = 0  # links cut by a rule or by cut_all()
        self.client_bytes = 0  # bytes the clients sent through the proxy (delivered or not)
        self.statements: collections.deque[str] = collections.deque(maxlen=2000)
        self.fired_at: list[str] = []  # for each firing: the statement (or packet head) it cut at
        self._thread = threading.Thread(target=self._accept_loop, name=f"tcp-proxy-{self.port}", daemon=True)

    # -- life ---------------------------------------------------------------------------------------
    def start(self) -> TcpProxy:
        self._thread.start()
        return self

    def close(self) -> None:
        self._stopping = True
        try:
            self._listener.close()
        finally:
            self.cut_all(count=False)
        self._thread.join(5)

    def __enter__(self) -> TcpProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def url(self, database: str, user: str = "root", password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"mysql://{user}{secret}@{self.host}:{self.port}/{database}"

    # -- faults -------------------------------------------------------------------------------------
    def cut_on_query(self, pattern: str, *, deliver: bool = False, times: int | None = 1,
                     after: str | None = None, keep: int = 0) -> None:
        """Arm a rule (replacing any other); see the module docstring. ``keep``: when dropping,
        forward this many bytes of the packet first (4 = its header only), then cut."""
        rule = _Rule(re.compile(pattern, re.IGNORECASE | re.DOTALL), deliver, times,
                     re.compile(after, re.IGNORECASE | re.DOTALL) if after else None, keep=keep)
        with self._lock:
            self._rule = rule
            for link in self._links:
                link.seen_after = False

    def cut_after_bytes(self, count: int) -> None:
        """Forward ``count`` more client bytes (over all links), then cut; fires once."""
        with self._lock:
            self._rule = _Rule(None, False, 1, byte_budget=count)

    def disarm(self) -> None:
        with self._lock:
            self._rule = None

    @property
    def fired(self) -> int:
        """How often the current rule has fired."""
        rule = self._rule
        return rule.fired if rule is not None else 0

    def cut_all(self, count: bool = True) -> int:
        """Close every open link; returns how many were open."""
        with self._lock:
            links = list(self._links)
        for link in links:
            self._cut(link, count=count)
        return len(links)

    @property
    def open_links(self) -> int:
        with self._lock:
            return len(self._links)

    # -- plumbing -----------------------------------------------------------------------------------
    def _accept_loop(self) -> None:
        while not self._stopping:
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            try:
                server = socket.create_connection(self.upstream, timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            for sock in (client, server):
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            link = _Link(client, server)
            with self._lock:
                self._links.add(link)
            threading.Thread(target=self._upstream_pump, args=(link,), daemon=True,
                             name=f"proxy-up-{link.link_id}").start()
            threading.Thread(target=self._downstream_pump, args=(link,), daemon=True,
                             name=f"proxy-down-{link.link_id}").start()

    def _cut(self, link: _Link, count: bool = True) -> None:
        with link.lock:
            if link.closed:
                return
            link.closed = True
        for sock in (link.client, link.server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        with self._lock:
            self._links.discard(link)
            if count:
                self.cuts += 1

    def _send(self, link: _Link, sock: socket.socket, data: bytes) -> bool:
        try:
            sock.sendall(data)
            return True
        except OSError:
            self._cut(link, count=False)
            return False

    def _downstream_pump(self, link: _Link) -> None:
        """Server -> client, unless the link waits to lose the server's next answer."""
        while True:
            try:
                data = link.server.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._cut(link, count=False)
                return
            if link.cut_on_reply:
                self._cut(link)
                return
            if not self._send(link, link.client, data):
                return

    def _upstream_pump(self, link: _Link) -> None:
        """Client -> server, packet by packet, asking the rule about each. A packet is held until it is
        whole (the client sends each at once), so a byte-count cut lands where the count says."""
        buffer = b""
        while True:
            try:
                data = link.client.recv(65536)
            except OSError:
                data = b""
            if not data:
                self._cut(link, count=False)
                return
            with self._lock:
                self.client_bytes += len(data)
            buffer += data
            while len(buffer) >= 4:
                size = int.from_bytes(buffer[:3], "little") + 4
                if len(buffer) < size:
                    break
                packet, buffer = buffer[:size], buffer[size:]
                if not self._forward(link, packet):
                    return

    def _forward(self, link: _Link, packet: bytes) -> bool:
        sql = None
        if packet[3] == 0 and len(packet) > 4 and packet[4] == COM_QUERY:
            sql = packet[5:].decode("utf-8", errors="replace")
            self.statements.append(sql)
        action, keep = "forward", 0
        with self._lock:
            rule = self._rule
            if rule is not None and not rule.spent():
                if rule.byte_budget is not None:
                    if len(packet) > rule.byte_budget:
                        rule.fired += 1
                        action, keep = "partial", rule.byte_budget
                        self.fired_at.append(f"{keep}/{len(packet)} bytes of " + (sql or repr(packet[:12]))[:80])
                    else:
                        rule.byte_budget -= len(packet)
                elif sql is not None:
                    if rule.after is not None and not link.seen_after:
                        link.seen_after = bool(rule.after.search(sql))
                    elif rule.pattern is not None and rule.pattern.search(sql):
                        rule.fired += 1
                        link.seen_after = False
                        action = "deliver_then_cut" if rule.deliver else "partial"
                        keep = rule.keep
                        self.fired_at.append(sql[:80])
        if action == "partial":
            if keep:
                self._send(link, link.server, packet[:keep])
            self._cut(link)
            return False
        if action == "deliver_then_cut":
            link.cut_on_reply = True
        return self._send(link, link.server, packet)
