"""What a booking asks of the database (docs/PERFORMANCE.md, "Bookings"), on SQLite and MariaDB.

A booking is one read of the rules, the insert, one read of the appointment with its people, the
outbox (one look for the dedupe keys, one INSERT of both messages) and the audit row last, so the audit
chain's head is locked only from there to the commit; on MariaDB the audit row is two statements that
the head stays locked over (the locking read, the hash and the insert are one). The reads that
replaced the old ones give the same answers: ``appointments.with_parties`` what ``get_detail`` gave,
``email_outbox.enqueue_many`` what ``enqueue`` per message did.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medlink.dao import appointments, audit_log, availability, email_outbox, video_calls
from medlink.db import Database, Tx
from medlink.services.audit import canonical, row_hash
from medlink.services.notifier import CONFIRMATION
from tests.conftest import make_settings
from tests.factories import DAY, NOW, TEN, make_appointment, make_doctor, make_patient
from tests.test_appointments import NEXT_MONDAY, Clinic, open_clinic
from tests.test_grants import AppAccount, account  # noqa: F401 - the application account's fixture


@pytest.fixture
def jitsi(db_url: str, tmp_path: Path) -> Iterator[Clinic]:
    yield from open_clinic(make_settings(db_url, tmp_path, meet_provider="jitsi"))


class Statements:
    """Every statement run through ``Tx`` while the test watches."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.sql: list[str] = []
        for name in ("execute", "insert", "query", "query_one"):
            original = getattr(Tx, name)

            def watched(tx: Tx, sql: str, params: Any = (), _original: Any = original) -> Any:
                self.sql.append(" ".join(sql.split()))
                return _original(tx, sql, params)

            monkeypatch.setattr(Tx, name, watched)


def _message(key: str, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict(dedupe_key=key, kind="booking_confirmation", recipient="asha@example.org",
                                  subject="Your appointment", body_text="See you on Monday.",
                                  body_html="<p>See you on Monday.</p>", ics=None, appointment_id=None)
    values.update(fields)
    return values


# -- the DAO -----------------------------------------------------------------------------------------------
def test_with_parties_has_the_detail_and_the_people(db: Database) -> None:
    patient_id = make_patient(db, name="Asha Rao", email="asha.parties@example.org")
    doctor_id = make_doctor(db, name="Dr. Meera Pillai", email="meera.parties@example.org", hospital="Lakshmi Clinic",
                            hospital_address="4 Temple Road", qualifications="MBBS, DNB")
    appointment_id = make_appointment(db, patient_id=patient_id, doctor_id=doctor_id, mode="online")
    with db.transaction() as tx:
        before = appointments.with_parties(tx, appointment_id)
        email_outbox.enqueue_many(tx, [_message("c:1", appointment_id=appointment_id),
                                       _message("c:2", appointment_id=appointment_id, kind="reminder")], NOW)
        video_calls.insert(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id,
                           provider="manual", meeting_link="https://meet.example.org/r1", meeting_code="r1",
                           call_date=DAY, created_at=NOW)
        after = appointments.with_parties(tx, appointment_id)
        detail = appointments.get_detail(tx, appointment_id)
        plain = appointments.get(tx, appointment_id)
        assert appointments.with_parties(tx, appointment_id + 1000) is None
    assert before is not None and after is not None and detail is not None and plain is not None
    assert {k: after[k] for k in detail} == detail
    assert {k: after[k] for k in plain} == plain
    assert (before["confirmation"], before["confirmations"], before["meeting_link"]) == (None, 0, None)
    assert (after["confirmation"], after["confirmations"], after["meeting_link"]) == \
        ("pending", 1, "https://meet.example.org/r1")
    assert (after["patient_name"], after["patient_email"]) == ("Asha Rao", "asha.parties@example.org")
    assert (after["doctor_name"], after["doctor_email"], after["doctor_qualifications"], after["hospital"],
            after["hospital_address"], after["doctor_slot_minutes"]) == \
        ("Dr. Meera Pillai", "meera.parties@example.org", "MBBS, DNB", "Lakshmi Clinic", "4 Temple Road", 15)


def test_enqueue_many_is_enqueue_per_message(db: Database) -> None:
    with db.transaction() as tx:
        email_outbox.enqueue(tx, at=NOW, **_message("k:1"))
    with db.transaction() as tx:
        queued = email_outbox.enqueue_many(
            tx, [_message("k:1", subject="Again"), _message("k:2"), _message("k:3", kind="reminder", ics="X"),
                 _message("k:2", subject="Twice in one batch")], NOW)
        assert email_outbox.enqueue_many(tx, [], NOW) == []
    assert queued == [False, True, True, False]
    with db.transaction() as tx:
        rows = tx.query("SELECT dedupe_key, kind, subject, ics, status, attempts, next_attempt_at, created_at "
                        "FROM email_outbox ORDER BY message_id")
        assert email_outbox.count_for_appointment(tx, 1, CONFIRMATION) == 0
    assert [(r["dedupe_key"], r["kind"], r["subject"], r["ics"]) for r in rows] == [
        ("k:1", "booking_confirmation", "Your appointment", None), ("k:2", "booking_confirmation",
                                                                     "Your appointment", None),
        ("k:3", "reminder", "Your appointment", "X")]
    assert {(r["status"], r["attempts"], r["next_attempt_at"], r["created_at"]) for r in rows} == \
        {("pending", 0, NOW, NOW)}


def test_slot_rules_are_the_doctor_the_hours_and_the_day_off(db: Database) -> None:
    doctor_id = make_doctor(db)
    monday = DAY  # a Monday
    with db.transaction() as tx:
        none = appointments.slot_rules(tx, doctor_id, monday)
        assert [(r["start_time"], r["end_time"], r["on_leave"]) for r in none] == [(None, None, 0)]
        availability.replace_hours(tx, doctor_id, [(0, dt.time(14, 0), dt.time(17, 0)),
                                                   (0, dt.time(9, 0), dt.time(12, 0)),
                                                   (1, dt.time(9, 0), dt.time(10, 0))])
        availability.add_leave(tx, doctor_id, monday + dt.timedelta(days=7))
        rules = appointments.slot_rules(tx, doctor_id, monday)
        off = appointments.slot_rules(tx, doctor_id, monday + dt.timedelta(days=7))
        assert appointments.slot_rules(tx, doctor_id + 1000, monday) == []
    assert [(r["start_time"], r["end_time"], r["on_leave"]) for r in rules] == \
        [(dt.time(9, 0), dt.time(12, 0), 0), (dt.time(14, 0), dt.time(17, 0), 0)]
    assert {(r["doctor_id"], r["is_active"], r["verification_status"], r["slot_minutes"]) for r in rules} == \
        {(doctor_id, 1, "verified", 15)}
    assert [r["on_leave"] for r in off] == [1, 1]


def _content(n: int, **fields: Any) -> dict[str, Any]:
    entry: dict[str, Any] = dict(occurred_at=NOW + dt.timedelta(microseconds=n), actor_role="patient", actor_id=n,
                                 action="appointment.book", subject_role="patient", subject_id=n,
                                 object_type="appointment", object_id=str(n), outcome="ok", detail="")
    entry.update(fields)
    return entry


def test_extend_starts_the_chain_and_seals_every_row_as_verify_checks(db: Database) -> None:
    # Text that the SQL hash on MariaDB must see byte for byte as Python does: quotes, backslashes, a
    # pipe, accents, an emoji and Devanagari.
    odd = "O'Brien \\ \"x\" | José 😀 नमस्ते"
    entries = [_content(1), _content(2, detail=odd, object_id=odd), _content(3, actor_id=None, subject_role=None,
                                                                              subject_id=None, object_id=None)]
    with db.transaction() as tx:
        assert audit_log.head(tx) is None
        first = audit_log.extend(tx, entries[0], canonical(entries[0]))  # no head yet: the chain starts
    with db.transaction() as tx:
        ids = [first] + [audit_log.extend(tx, e, canonical(e)) for e in entries[1:]]
    with db.transaction() as tx:
        rows = list(audit_log.iter_rows(tx))
        head = audit_log.head(tx)
    assert [r["audit_id"] for r in rows] == ids
    prev = audit_log.GENESIS_HASH
    for row, entry in zip(rows, entries, strict=True):
        assert {k: row[k] for k in entry} == entry
        assert (row["prev_hash"], row["row_hash"]) == (prev, row_hash(prev, entry))
        prev = row["row_hash"]
    assert head == {"last_id": ids[-1], "last_hash": prev}


@pytest.mark.mysql
def test_the_application_account_may_extend_the_chain(account: AppAccount) -> None:  # noqa: F811
    database = Database(account.url)
    try:
        with database.transaction() as tx:
            entry = _content(7, detail="grants")
            audit_id = audit_log.extend(tx, entry, canonical(entry))
        with database.transaction() as tx:
            head = audit_log.head(tx)
            row = [r for r in audit_log.iter_rows(tx) if r["audit_id"] == audit_id][0]
    finally:
        database.close()
    assert head == {"last_id": audit_id, "last_hash": row["row_hash"]}
    assert row["row_hash"] == row_hash(row["prev_hash"], entry)


# -- the booking -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["online", "offline"])
def test_a_booking_is_seven_or_eight_statements_with_the_audit_row_last(jitsi: Clinic, monkeypatch: pytest.MonkeyPatch,
                                                                 mode: str) -> None:
    _, doctor_id = jitsi.doctor()
    patient, _ = jitsi.patient()
    jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="09:00")  # the chain has a head
    statements = Statements(monkeypatch)
    booked = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00", mode=mode)
    sql = statements.sql
    monkeypatch.undo()
    # The audit row last. MariaDB locks the head, hashes and inserts in one statement; SQLite, whose
    # transaction holds the whole file, reads the head first.
    audit = 2 if jitsi.ml.db.backend == "mysql" else 3
    assert len(sql) == 5 + audit + (mode == "online"), sql  # the online one has its Jitsi room
    if audit == 3:
        assert sql[-3].startswith("SELECT last_hash FROM audit_head") and sql[-3].endswith("FOR UPDATE")
    else:
        assert "FROM audit_head h WHERE h.head_id = 1 FOR UPDATE" in sql[-2]
    assert sql[-2].startswith("INSERT INTO audit_log")
    assert sql[-1].startswith("UPDATE audit_head")
    assert not any("audit" in s for s in sql[:-audit])
    # What the booking returned is what reading it back afterwards gives.
    assert booked == jitsi.ml.appointments.get(patient, booked.appointment_id)
    assert booked.confirmation == "pending"
    with jitsi.ml.db.transaction() as tx:
        mail = tx.query("SELECT kind, body_text, ics FROM email_outbox WHERE appointment_id = ? ORDER BY message_id",
                        (booked.appointment_id,))
        call = video_calls.by_appointment(tx, booked.appointment_id)
        head = audit_log.head(tx)
    assert [m["kind"] for m in mail] == [CONFIRMATION, "doctor_new_booking"]
    assert "SEQUENCE:0" in mail[0]["ics"]
    if mode == "online":
        assert call is not None
        assert all(f"Video link: {call['meeting_link']}" in m["body_text"] for m in mail)
    else:
        assert call is None
    assert head is not None and jitsi.ml.audit.verify().ok


def test_a_reschedule_mails_the_next_sequence_and_returns_the_stored_detail(jitsi: Clinic) -> None:
    _, doctor_id = jitsi.doctor()
    patient, _ = jitsi.patient()
    booked = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00", mode="online")
    moved = jitsi.ml.appointments.reschedule(patient, booked.appointment_id, date=NEXT_MONDAY, time="11:00")
    again = jitsi.ml.appointments.reschedule(patient, booked.appointment_id, date=NEXT_MONDAY, time="11:15")
    assert moved.appointment_time == TEN.replace(hour=11)
    assert again == jitsi.ml.appointments.get(patient, booked.appointment_id)
    cancelled = jitsi.ml.appointments.cancel(patient, booked.appointment_id)
    assert cancelled == jitsi.ml.appointments.get(patient, booked.appointment_id)
    with jitsi.ml.db.transaction() as tx:
        sequences = [m["ics"].split("SEQUENCE:")[1].split("\r\n")[0] for m in tx.query(
            "SELECT ics FROM email_outbox WHERE appointment_id = ? AND ics IS NOT NULL ORDER BY message_id",
            (booked.appointment_id,))]
    assert sequences == ["0", "1", "2", "3"]  # booking, two moves, the cancellation
    assert jitsi.ml.audit.verify().ok
