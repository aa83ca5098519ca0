"""Lost database connections and deadlocks on MariaDB (issue 8, points 4 and 5).

The app reaches MariaDB through ``tests/tcp_proxy.py`` (``mysql://root@127.0.0.1:<proxy>/<db>``), so a
test can kill its connection from the server side (``KILL CONNECTION`` on an admin connection) or cut the
link at an exact statement: in the middle of a unit of work, at the COMMIT before the server has it, or at
the COMMIT after the server applied it but before the client heard. After every fault the tables are read
on a direct connection and checked whole: an appointment never exists without its audit row, its two
outbox messages and (online, Jitsi) its video room; a bill never without its audit row, its outbox message
and a gap-free receipt number; and the audit chain verifies.

The clock is the ``FixedClock`` of ``test_appointments`` (Monday 30 November 2026, 08:30 local).
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from medlink.db import ConnectionLost, Database, Tx
from medlink.errors import ConflictError, ServiceUnavailable
from medlink.models import Appointment
from medlink.services.audit import AuditService
from medlink.services.clock import FixedClock
from medlink.services.session import Session
from tests.conftest import MYSQL_SERVER_URL, make_settings, mysql_server_url
from tests.tcp_proxy import TcpProxy
from tests.test_appointments import NEXT_MONDAY, NOW, Clinic, open_clinic

pytestmark = pytest.mark.mysql

SLOTS = [f"{9 + i // 4:02d}:{i % 4 * 15:02d}" for i in range(16)]  # 09:00 ... 12:45 on NEXT_MONDAY
BOOK_INSERT = r"INSERT INTO appointments"
BILL_INSERT = r"INSERT INTO bills"
COMMIT = r"^\s*commit\s*$"
MID_UNIT = r"INSERT INTO email_outbox"  # after the row itself, before the audit row and the commit


# -- set-up -----------------------------------------------------------------------------------------------
@pytest.fixture
def database_name(mysql_admin: Any) -> Iterator[str]:
    name = "medlink_test_" + secrets.token_hex(6)
    try:
        yield name
    finally:
        cursor = mysql_admin.cursor()
        cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cursor.close()


@pytest.fixture
def proxy() -> Iterator[TcpProxy]:
    server = urlsplit(MYSQL_SERVER_URL)
    with TcpProxy(upstream_port=server.port or 3306, upstream_host=server.hostname or "127.0.0.1") as running:
        yield running


@pytest.fixture
def clinic(proxy: TcpProxy, database_name: str, tmp_path: Path) -> Iterator[Clinic]:
    server = urlsplit(MYSQL_SERVER_URL)
    url = proxy.url(database_name, user=server.username or "root", password=server.password or "")
    yield from open_clinic(make_settings(url, tmp_path, meet_provider="jitsi"), FixedClock(NOW))


@pytest.fixture
def direct(clinic: Clinic, database_name: str) -> Iterator[Database]:
    """A connection that bypasses the proxy, for reading what the server really holds."""
    db = Database(mysql_server_url(database_name))
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def people(clinic: Clinic) -> tuple[Session, int, Session, int]:
    """A verified doctor (Monday to Friday mornings, 15-minute slots) and a patient: (doctor, id, patient, id)."""
    doctor, doctor_id = clinic.doctor()
    patient, patient_id = clinic.patient()
    return doctor, doctor_id, patient, patient_id


def kill(admin: Any, connection_id: int | None) -> None:
    """KILL CONNECTION from the admin session and wait until the server has let it go."""
    assert connection_id is not None
    cursor = admin.cursor()
    cursor.execute(f"KILL CONNECTION {int(connection_id)}")
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        cursor.execute("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = %s", (connection_id,))
        if cursor.fetchone()[0] == 0:
            break
        time.sleep(0.01)
    cursor.close()


def scalar(db: Database, sql: str, params: tuple[Any, ...] = ()) -> Any:
    with db.transaction() as tx:
        return tx.scalar(sql, params)


def rows(db: Database, table: str) -> int:
    assert table in ("appointments", "bills", "email_outbox", "video_calls", "audit_log", "medical_records")
    return int(scalar(db, f"SELECT COUNT(*) AS n FROM {table}"))


def audited(db: Database, action: str) -> int:
    return int(scalar(db, "SELECT COUNT(*) AS n FROM audit_log WHERE action = ? AND outcome = 'ok'", (action,)))


def check_consistent(db: Database) -> dict[str, int]:
    """Every appointment and bill is whole, nothing refers to a row that is not there, receipt numbers
    have no gap, and the audit chain verifies. Returns the row counts."""
    with db.transaction() as tx:
        appointments = {int(r["appointment_id"]): r for r in tx.query("SELECT appointment_id, mode FROM appointments")}
        bills = tx.query("SELECT bill_id, financial_year, receipt_sequence FROM bills ORDER BY bill_id")
        audit = tx.query("SELECT action, object_type, object_id FROM audit_log WHERE outcome = 'ok' "
                         "AND action IN ('appointment.book', 'billing.create')")
        outbox = tx.query("SELECT kind, dedupe_key, appointment_id FROM email_outbox "
                          "WHERE dedupe_key NOT LIKE 'doctor:%'")
        calls = Counter(int(r["appointment_id"]) for r in tx.query("SELECT appointment_id FROM video_calls"))
        counters = {r["financial_year"]: int(r["last_sequence"]) for r in tx.query("SELECT * FROM receipt_counters")}
    booked = Counter(int(a["object_id"]) for a in audit if a["action"] == "appointment.book")
    assert booked == Counter(dict.fromkeys(appointments, 1)), "one audit row per appointment, none without one"
    keys = Counter(r["dedupe_key"] for r in outbox)
    for appointment_id, row in appointments.items():
        assert keys[f"appointment:{appointment_id}:confirmation"] == 1, appointment_id
        assert keys[f"appointment:{appointment_id}:doctor-new"] == 1, appointment_id
        assert calls[appointment_id] == (1 if row["mode"] == "online" else 0), appointment_id
    assert not set(calls) - set(appointments), "a video room without its appointment"
    assert {r["appointment_id"] for r in outbox if r["appointment_id"] is not None} <= set(appointments)
    billed = Counter(int(a["object_id"]) for a in audit if a["action"] == "billing.create")
    assert billed == Counter(int(b["bill_id"]) for b in bills), "one audit row per bill, none without one"
    for bill in bills:
        assert keys[f"bill:{bill['bill_id']}:issued"] == 1, bill
    assert not {k for k in keys if k.startswith("bill:")} - {f"bill:{b['bill_id']}:issued" for b in bills}
    for year, last in counters.items():
        assert sorted(b["receipt_sequence"] for b in bills if b["financial_year"] == year) == list(range(1, last + 1))
    check = AuditService(db, FixedClock(NOW)).verify()
    assert check.ok, check.describe()
    return {"appointments": len(appointments), "bills": len(bills), "outbox": len(outbox)}  # doctors' verdicts aside


def book(clinic: Clinic, patient: Session, doctor_id: int, slot: str, key: str | None = None,
         mode: str = "online") -> Appointment:
    return clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time=slot, mode=mode,
                                       reason="Fever", idempotency_key=key)


def book_like_the_ui(clinic: Clinic, patient: Session, doctor_id: int, slot: str,
                     key: str) -> tuple[Appointment, ServiceUnavailable | None]:
    """What the booking screen does: on 'the connection was lost', offer Try again, which sends the same
    request with the same idempotency key. Returns the booking and the first error, if there was one."""
    try:
        return book(clinic, patient, doctor_id, slot, key), None
    except ServiceUnavailable as first:
        return book(clinic, patient, doctor_id, slot, key), first


# -- 4a: killed while idle ----------------------------------------------------------------------------------
def test_each_call_after_the_server_killed_the_idle_connection_reconnects(
        clinic: Clinic, people: tuple[Session, int, Session, int], mysql_admin: Any, direct: Database) -> None:
    doctor, doctor_id, patient, _ = people
    ml = clinic.ml
    first = book(clinic, patient, doctor_id, SLOTS[0])
    done: dict[str, Any] = {}
    calls: list[tuple[str, Callable[[], Any]]] = [
        ("search", lambda: ml.doctors.search()),
        ("mine", lambda: ml.appointments.mine(patient)),
        ("book", lambda: done.setdefault("book", book(clinic, patient, doctor_id, SLOTS[1], mode="offline"))),
        ("cancel", lambda: ml.appointments.cancel(patient, first.appointment_id)),
        ("schedule", lambda: ml.appointments.schedule(doctor)),
        ("create_bill", lambda: ml.billing.create_bill(doctor, done["book"].appointment_id)),
        ("bills", lambda: ml.billing.bills(patient)),
        ("profile", lambda: ml.patients.profile(patient)),
    ]
    for name, call in calls:
        before = ml.db.connection_id()
        kill(mysql_admin, before)
        assert call() is not None, name
        assert ml.db.connection_id() != before, name
    counts = check_consistent(direct)
    assert (counts["appointments"], counts["bills"]) == (2, 1)
    assert scalar(direct, "SELECT status FROM appointments WHERE appointment_id = ?",
                  (first.appointment_id,)) == "cancelled_by_patient"


# -- 4b: killed inside a unit of work -----------------------------------------------------------------------
def test_a_booking_killed_before_its_commit_is_retried_and_saved_once(
        clinic: Clinic, people: tuple[Session, int, Session, int], mysql_admin: Any, direct: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    _, doctor_id, patient, _ = people
    notifier, runs = clinic.ml.notifier, []
    original = notifier.appointment_booked

    def killed_the_first_time(tx: Tx, row: dict[str, Any]) -> None:
        runs.append(row["appointment_id"])
        if len(runs) == 1:  # the appointment row is written; the unit has not committed
            kill(mysql_admin, clinic.ml.db.connection_id())
        original(tx, row)

    monkeypatch.setattr(notifier, "appointment_booked", killed_the_first_time)
    appointment = book(clinic, patient, doctor_id, SLOTS[0])
    assert len(runs) == 2, "db.run ran the unit again on a new connection"
    assert runs[1] == appointment.appointment_id
    assert rows(direct, "appointments") == 1
    assert audited(direct, "appointment.book") == 1
    assert check_consistent(direct)["outbox"] == 2


def test_a_bill_killed_before_its_commit_is_retried_with_the_same_receipt_number(
        clinic: Clinic, people: tuple[Session, int, Session, int], mysql_admin: Any, direct: Database,
        monkeypatch: pytest.MonkeyPatch) -> None:
    doctor, doctor_id, patient, _ = people
    appointment = book(clinic, patient, doctor_id, SLOTS[0])
    notifier, runs = clinic.ml.notifier, []
    original = notifier.bill_issued

    def killed_the_first_time(tx: Tx, bill: dict[str, Any]) -> None:
        runs.append(bill["receipt_number"])
        if len(runs) == 1:
            kill(mysql_admin, clinic.ml.db.connection_id())
        original(tx, bill)

    monkeypatch.setattr(notifier, "bill_issued", killed_the_first_time)
    bill = clinic.ml.billing.create_bill(doctor, appointment.appointment_id)
    assert len(runs) == 2 and runs[0] == runs[1] == bill.receipt_number
    assert bill.receipt_number.endswith("/000001")
    assert rows(direct, "bills") == 1 and audited(direct, "billing.create") == 1
    check_consistent(direct)


# -- 4c: the link cut by the proxy ---------------------------------------------------------------------------
def test_a_link_cut_mid_unit_once_is_retried_and_saved_once(
        clinic: Clinic, people: tuple[Session, int, Session, int], proxy: TcpProxy, direct: Database) -> None:
    doctor, doctor_id, patient, _ = people
    proxy.cut_on_query(MID_UNIT, after=BOOK_INSERT)
    appointment = book(clinic, patient, doctor_id, SLOTS[0])
    assert proxy.fired == 1
    proxy.cut_on_query(MID_UNIT, after=BILL_INSERT)
    bill = clinic.ml.billing.create_bill(doctor, appointment.appointment_id)
    assert proxy.fired == 1
    assert bill.receipt_number.endswith("/000001")
    counts = check_consistent(direct)
    assert (counts["appointments"], counts["bills"]) == (1, 1)


def test_a_link_cut_mid_unit_on_every_attempt_saves_nothing(
        clinic: Clinic, people: tuple[Session, int, Session, int], proxy: TcpProxy, direct: Database) -> None:
    doctor, doctor_id, patient, _ = people
    before = {t: rows(direct, t) for t in ("appointments", "email_outbox", "video_calls", "audit_log")}
    proxy.cut_on_query(MID_UNIT, after=BOOK_INSERT, times=None)
    with pytest.raises(ConnectionLost) as lost:
        book(clinic, patient, doctor_id, SLOTS[0], key="mid-unit-1")
    assert lost.value.during_commit is False
    assert "Nothing was saved" in lost.value.message
    assert proxy.fired == 4, "db.run tried the unit four times"
    assert {t: rows(direct, t) for t in before} == before
    proxy.disarm()
    appointment, error = book_like_the_ui(clinic, patient, doctor_id, SLOTS[0], "mid-unit-1")
    assert error is None and rows(direct, "appointments") == 1

    before = {t: rows(direct, t) for t in ("bills", "email_outbox", "audit_log", "medical_records")}
    proxy.cut_on_query(MID_UNIT, after=BILL_INSERT, times=None)
    with pytest.raises(ConnectionLost):
        clinic.ml.billing.create_bill(doctor, appointment.appointment_id)
    assert proxy.fired == 4
    assert {t: rows(direct, t) for t in before} == before
    assert scalar(direct, "SELECT MAX(last_sequence) AS n FROM receipt_counters") in (None, 0), "no number used up"
    proxy.disarm()
    assert clinic.ml.billing.create_bill(doctor, appointment.appointment_id).receipt_number.endswith("/000001")
    check_consistent(direct)


def test_a_booking_whose_commit_never_reached_the_server_is_booked_once_on_retry(
        clinic: Clinic, people: tuple[Session, int, Session, int], proxy: TcpProxy, direct: Database) -> None:
    _, doctor_id, patient, _ = people
    proxy.cut_on_query(COMMIT, after=BOOK_INSERT)
    appointment, error = book_like_the_ui(clinic, patient, doctor_id, SLOTS[0], "commit-dropped")
    assert proxy.fired == 1
    assert isinstance(error, ConnectionLost) and error.during_commit, repr(error)
    assert "may or may not" in error.message
    assert rows(direct, "appointments") == 1
    assert audited(direct, "appointment.book") == 1
    assert appointment.status == "booked"
    check_consistent(direct)


def test_a_booking_committed_but_unheard_is_not_doubled_by_the_retry(
        clinic: Clinic, people: tuple[Session, int, Session, int], proxy: TcpProxy, direct: Database) -> None:
    _, doctor_id, patient, patient_id = people
    proxy.cut_on_query(COMMIT, after=BOOK_INSERT, deliver=True)
    with pytest.raises(ConnectionLost) as lost:
        book(clinic, patient, doctor_id, SLOTS[0], key="commit-unheard")
    assert lost.value.during_commit is True
    saved = int(scalar(direct, "SELECT appointment_id FROM appointments WHERE idempotency_key = 'commit-unheard'"))
    check_consistent(direct)  # the server has the whole booking: row, room, mail and audit
    again = book(clinic, patient, doctor_id, SLOTS[0], key="commit-unheard")
    assert (again.appointment_id, again.patient_id, again.status) == (saved, patient_id, "booked")
    assert rows(direct, "appointments") == 1
    assert audited(direct, "appointment.book") == 1
    check_consistent(direct)


def test_a_bill_whose_commit_was_lost_either_way_is_whole_or_absent(
        clinic: Clinic, people: tuple[Session, int, Session, int], proxy: TcpProxy, direct: Database) -> None:
    doctor, doctor_id, patient, _ = people
    first = book(clinic, patient, doctor_id, SLOTS[0])
    second = book(clinic, patient, doctor_id, SLOTS[1])

    proxy.cut_on_query(COMMIT, after=BILL_INSERT)  # the server never had the COMMIT: nothing kept
    with pytest.raises(ConnectionLost) as lost:
        clinic.ml.billing.create_bill(doctor, first.appointment_id)
    assert lost.value.during_commit
    assert rows(direct, "bills") == 0 and audited(direct, "billing.create") == 0
    assert clinic.ml.billing.create_bill(doctor, first.appointment_id).receipt_number.endswith("/000001")

    proxy.cut_on_query(COMMIT, after=BILL_INSERT, deliver=True)  # applied, the answer lost
    with pytest.raises(ConnectionLost):
        clinic.ml.billing.create_bill(doctor, second.appointment_id)
    assert rows(direct, "bills") == 2
    check_consistent(direct)
    with pytest.raises(ConflictError):  # the doctor's Try again: not billed twice
        clinic.ml.billing.create_bill(doctor, second.appointment_id)
    bill_id = int(scalar(direct, "SELECT bill_id FROM bills WHERE appointment_id = ?", (second.appointment_id,)))
    assert clinic.ml.billing.receipt_path(patient, bill_id).is_file()  # the receipt follows on first open
    assert rows(direct, "bills") == 2 and audited(direct, "billing.create") == 2
    assert rows(direct, "medical_records") == 2
    check_consistent(direct)


def test_a_link_cut_after_any_number_of_bytes_leaves_whole_bookings_only(
        clinic: Clinic, people: tuple[Session, int, Session, int], proxy: TcpProxy, direct: Database) -> None:
    """One booking's traffic is measured, then cut after 13 byte counts spread over it (inside START
    TRANSACTION, the SELECTs, the INSERTs of the row, the room, the mail and the audit) and inside the COMMIT
    packet (after its header, halfway through it). The screen's Try again follows each failure."""
    _, doctor_id, patient, _ = people
    start = proxy.client_bytes
    book(clinic, patient, doctor_id, SLOTS[0], key="measure")
    size = proxy.client_bytes - start
    assert size > 1000, size
    cuts: list[tuple[str, Callable[[], None]]] = [
        (f"{n} bytes", lambda n=n: proxy.cut_after_bytes(n)) for n in (1 + size * i // 13 for i in range(13))]
    cuts += [(f"{keep} bytes of the COMMIT", lambda keep=keep: proxy.cut_on_query(COMMIT, after=BOOK_INSERT, keep=keep))
             for keep in (4, 8)]
    outcomes = {}
    for slot, (where, arm) in zip(SLOTS[1:], cuts, strict=True):
        arm()
        appointment, error = book_like_the_ui(clinic, patient, doctor_id, slot, f"cut-{slot}")
        assert proxy.fired == 1, where
        assert int(scalar(direct, "SELECT COUNT(*) AS n FROM appointments WHERE idempotency_key = ?",
                          (f"cut-{slot}",))) == 1, where
        assert appointment.status == "booked", where
        outcomes[where] = error
    for where, error in outcomes.items():
        if "COMMIT" in where:  # the outcome is unknown to the app: the screen says so, Try again books once
            assert isinstance(error, ConnectionLost) and error.during_commit, (where, error)
        else:  # lost before the commit: db.run ran the unit again; the screen never knew
            assert error is None, (where, error)
    counts = check_consistent(direct)
    assert counts["appointments"] == len(cuts) + 1
    assert proxy.cuts == len(cuts)


# -- 5: deadlock ---------------------------------------------------------------------------------------------
def test_a_forced_deadlock_is_retried_by_run_and_both_units_complete(
        clinic: Clinic, direct: Database, caplog: pytest.LogCaptureFixture) -> None:
    """Two threads lock two doctors' rows in opposite order, meeting at a barrier in between; InnoDB
    picks a victim (1213), ``db.run`` retries it and both finish. Three rounds."""
    _, first = clinic.doctor(hours=None)
    _, second = clinic.doctor(hours=None)
    db = clinic.ml.db
    rounds = 3
    caplog.set_level(logging.WARNING, logger="medlink.db")
    for round_no in range(rounds):
        barrier = threading.Barrier(2, timeout=10)
        attempts: Counter[str] = Counter()
        outcome: dict[str, str] = {}

        def work(name: str, a: int, b: int, barrier: threading.Barrier = barrier,
                 attempts: Counter[str] = attempts, outcome: dict[str, str] = outcome) -> None:
            def unit(tx: Tx) -> None:
                attempts[name] += 1
                tx.query_one("SELECT doctor_id FROM doctor_info WHERE doctor_id = ? FOR UPDATE", (a,))
                if attempts[name] == 1:
                    barrier.wait()
                tx.query_one("SELECT doctor_id FROM doctor_info WHERE doctor_id = ? FOR UPDATE", (b,))
                tx.execute("UPDATE doctor_info SET experience_years = experience_years + 1 "
                           "WHERE doctor_id IN (?, ?)", (a, b))
            try:
                db.run(unit)
                outcome[name] = "ok"
            except BaseException as exc:  # noqa: BLE001 - reported below
                outcome[name] = repr(exc)

        threads = [threading.Thread(target=work, args=("ab", first, second)),
                   threading.Thread(target=work, args=("ba", second, first))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert outcome == {"ab": "ok", "ba": "ok"}, (round_no, outcome)
        assert sorted(attempts.values()) == [1, 2], (round_no, attempts)  # one victim, retried once
    years = [scalar(direct, "SELECT experience_years FROM doctor_info WHERE doctor_id = ?", (d,)) for d in (first,
                                                                                                           second)]
    assert years == [12 + 2 * rounds] * 2  # the form's 12 years, plus both units of every round
    retried = [r for r in caplog.records if "retrying a unit of work after DatabaseBusy" in r.getMessage()]
    assert len(retried) == rounds
