"""Mail faults against a real loopback SMTP server (issue 8, point 6), on SQLite and MariaDB.

Four faults: the server is down (nothing listens), slow (it answers DATA after 10 s; MedLink's
``smtp_timeout`` is 2 s), it answers ``421`` (temporary) to every message, or ``550`` (permanent) to the
patient's address. For each: the outbox worker (``ml.mailer.send_due``) runs through
``medlink.ui.tasks.run_in_background`` on a real, withdrawn ``tkinter.Tk`` while the Tk thread ticks every
20 ms and books appointments; afterwards the fault is cleared (a 550 stays) and the worker runs until
nothing is due. What must hold:

- every ``book()`` returns in well under 0.5 s while the worker is talking to the faulty server;
- the Tk loop never stalls: the largest gap between 20 ms ticks is at most 100 ms (with the slow server
  holding the worker for more than 3 s of it);
- nothing is lost: every outbox row ends ``sent``, or ``pending``/``failed`` with the server's error;
  none vanishes or stays ``sending``; each sent row reached the server exactly once and a failed one never.

Without a display (no ``DISPLAY``) the worker runs on a plain thread and only the tick part is skipped.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.services.mailer import MAX_PERMANENT_ATTEMPTS, SendReport
from tests.conftest import make_settings
from tests.smtp_server import SmtpServer
from tests.test_appointments import NEXT_MONDAY, Clinic, open_clinic

FAULTS = ("down", "slow", "421", "550")
SIGNATURE = {"down": "cannot reach the mail server", "slow": "timed out", "421": "421", "550": "550"}
SLOW_REPLY_S = 10.0
SMTP_TIMEOUT_S = 2
TICK_MS = 20
MAX_GAP_S = 0.100
MAX_BOOK_S = 0.5
BOUNCE = "no-such-mailbox@example.org"
SLOTS = ["09:00", "09:15", "09:30", "09:45"]


def has_display() -> bool:
    return not sys.platform.startswith("linux") or bool(os.environ.get("DISPLAY"))


@pytest.fixture
def server() -> Iterator[SmtpServer]:
    with SmtpServer() as running:
        yield running


@pytest.fixture
def clinic(db_url: str, tmp_path: Path, server: SmtpServer) -> Iterator[Clinic]:
    settings: Settings = make_settings(db_url, tmp_path, smtp_host=server.host, smtp_port=server.port,
                                       smtp_security="none", smtp_timeout=SMTP_TIMEOUT_S, meet_provider="jitsi",
                                       mail_from="MedLink Clinic <clinic@medlink.test>")
    yield from open_clinic(settings)


def outbox(ml: MedLink) -> list[dict[str, Any]]:
    with ml.db.transaction() as tx:
        return tx.query("SELECT * FROM email_outbox ORDER BY message_id")


def start_fault(server: SmtpServer, fault: str) -> None:
    if fault == "down":
        server.stop()
    elif fault == "slow":
        server.handler.delay = SLOW_REPLY_S
    elif fault == "421":
        server.handler.data_reply = "421 4.3.2 Service not available, closing transmission channel"
    else:
        server.handler.rcpt_replies[BOUNCE] = "550 5.1.1 <no-such-mailbox@example.org>: No such mailbox"


def end_fault(server: SmtpServer, fault: str) -> None:
    """The server is back to normal; a permanent refusal stays what it is."""
    if fault == "down":
        server.start()
    server.handler.delay = 0
    server.handler.data_reply = None


@dataclass
class Run:
    """What happened while the worker ran against the faulty server."""

    report: SendReport | None = None
    error: BaseException | None = None
    worker_s: float = 0.0  # how long send_due took
    book_s: list[float] = field(default_factory=list)
    book_errors: list[BaseException] = field(default_factory=list)
    ticks: list[float] = field(default_factory=list)

    @property
    def largest_gap_s(self) -> float:
        return max((b - a for a, b in zip(self.ticks, self.ticks[1:], strict=False)), default=0.0)


def run_worker_while_booking(ml: MedLink, bookings: list[Callable[[], Any]], book_at_s: list[float],
                             window_s: float) -> Run:
    """Start ``send_due`` on a worker, book at the given moments, and watch the Tk loop for at least
    ``window_s`` seconds and until the worker is done."""
    run = Run()

    def book(call: Callable[[], Any]) -> None:
        started = time.monotonic()
        try:
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            run.book_errors.append(exc)
        run.book_s.append(time.monotonic() - started)

    if not has_display():
        started = time.monotonic()
        worker = threading.Thread(target=lambda: setattr(run, "report", ml.mailer.send_due()))
        worker.start()
        for at, call in zip(book_at_s, bookings, strict=True):
            time.sleep(max(0.0, started + at - time.monotonic()))
            book(call)
        worker.join(60)
        run.worker_s = time.monotonic() - started
        return run

    import tkinter as tk

    from medlink.ui.tasks import run_in_background

    windows = [tk.Tk()]  # a list, so that the root can be dropped and collected on this thread at the end
    windows[0].withdraw()
    try:
        started = time.monotonic()
        finished: list[float] = []

        def done(report: SendReport) -> None:
            run.report = report
            finished.append(time.monotonic())

        def failed(exc: BaseException) -> None:
            run.error = exc
            finished.append(time.monotonic())

        def tick() -> None:
            run.ticks.append(time.monotonic())
            if finished and time.monotonic() - started >= window_s:
                windows[0].quit()
                return
            windows[0].after(TICK_MS, tick)

        root = windows[0]
        run_in_background(root, ml.mailer.send_due, on_done=done, on_error=failed)
        for at, call in zip(book_at_s, bookings, strict=True):
            root.after(int(at * 1000), book, call)
        root.after(TICK_MS, tick)
        root.after(60_000, root.quit)  # a hung worker fails the test below instead of hanging it
        del root
        windows[0].mainloop()
        run.worker_s = (finished[0] if finished else time.monotonic()) - started
    finally:
        windows.pop().destroy()
        gc.collect()  # on the Tk thread, not in a worker (see tests/gui/conftest.py)
        gc.freeze()
    return run


def send_until_quiet(clinic: Clinic, rounds: int = MAX_PERMANENT_ATTEMPTS + 3) -> None:
    """Move the clock past every retry delay and send, until nothing is pending."""
    for _ in range(rounds):
        clinic.clock.advance(hours=2)
        clinic.ml.mailer.send_due()
        if not any(r["status"] == "pending" for r in outbox(clinic.ml)):
            return
    raise AssertionError("mail still pending after the fault was cleared")


def check_nothing_lost(rows: list[dict[str, Any]], server: SmtpServer, expected: int) -> Counter[str]:
    assert len(rows) == expected, "an outbox row vanished or appeared"
    statuses = Counter(r["status"] for r in rows)
    assert set(statuses) <= {"sent", "pending", "failed"}, statuses  # none left 'sending'
    delivered = Counter(m.outbox_id for m in server.messages)
    sent = {r["message_id"] for r in rows if r["status"] == "sent"}
    assert delivered == Counter(dict.fromkeys(sent, 1)), "each sent row arrived once, nothing else did"
    for r in rows:
        if r["status"] == "failed" or (r["status"] == "pending" and r["attempts"]):
            assert r["last_error"], r
    return statuses


@pytest.mark.parametrize("fault", FAULTS)
def test_a_mail_fault_never_slows_booking_stalls_the_window_or_loses_a_message(
        clinic: Clinic, server: SmtpServer, fault: str) -> None:
    _, doctor_id = clinic.doctor()
    patient, _ = clinic.patient(email=BOUNCE)
    assert clinic.ml.mailer.send_due().failed == 0  # the doctor's verification: the outbox starts clean
    baseline = len(server.messages)

    def booking(at: str) -> Callable[[], Any]:
        return lambda: clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time=at,
                                                   mode="online", reason="Fever")

    start_fault(server, fault)
    booking(SLOTS[0])()  # its two messages are due when the worker starts
    if fault == "slow":  # bookings spread over the 3+ s the slow server holds the worker
        run = run_worker_while_booking(clinic.ml, [booking(s) for s in SLOTS[1:]], [0.5, 1.5, 2.5], window_s=3.0)
    else:
        run = run_worker_while_booking(clinic.ml, [booking(s) for s in SLOTS[1:]], [0.05, 0.15, 0.25], window_s=0.4)

    assert run.error is None, repr(run.error)
    assert not run.book_errors, run.book_errors
    assert len(run.book_s) == 3 and max(run.book_s) < MAX_BOOK_S, run.book_s
    if has_display():
        assert len(run.ticks) >= 10
        assert run.largest_gap_s <= MAX_GAP_S, f"the Tk loop stalled for {run.largest_gap_s * 1000:.0f} ms"
    if fault == "slow":
        assert run.worker_s >= 3.0, "the slow server held the worker while the loop ticked"
    report = run.report
    assert report is not None
    assert {"down": (0, 1, 0), "slow": (0, 2, 0), "421": (0, 2, 0), "550": (1, 1, 0)}[fault] == \
        (report.sent, report.retrying, report.failed), report

    rows = outbox(clinic.ml)
    appointment_rows = [r for r in rows if r["appointment_id"] is not None]
    assert len(appointment_rows) == 2 * len(SLOTS)
    tried = [r for r in appointment_rows if r["attempts"] and r["status"] != "sent"]
    assert tried and all(SIGNATURE[fault] in r["last_error"].lower() for r in tried), tried
    server.handler.received[:baseline] = []  # only this test's messages from here on
    check_nothing_lost(appointment_rows, server, 2 * len(SLOTS))

    end_fault(server, fault)
    send_until_quiet(clinic)
    rows = [r for r in outbox(clinic.ml) if r["appointment_id"] is not None]
    statuses = check_nothing_lost(rows, server, 2 * len(SLOTS))
    if fault == "550":
        assert statuses == {"sent": len(SLOTS), "failed": len(SLOTS)}
        for r in rows:
            if r["recipient"] == BOUNCE:
                assert r["status"] == "failed" and r["attempts"] == MAX_PERMANENT_ATTEMPTS
                assert "550" in r["last_error"] and "no such mailbox" in r["last_error"].lower()
        assert not server.to(BOUNCE)
    else:
        assert statuses == {"sent": 2 * len(SLOTS)}
    assert clinic.clock.utc_now() - rows[0]["created_at"] < dt.timedelta(days=1)
