"""E-mail (issue 6) against a real SMTP server on loopback, on SQLite and MariaDB.

Every message goes through ``email_outbox`` and ``ml.mailer.send_due()`` sends it. The server is
aiosmtpd (``tests/smtp_server.py``) on 127.0.0.1 at a free port; ``smtp_security="none"`` is allowed
there because it is loopback (TLS has its own module, ``test_mail_tls.py``). The clock is the
``FixedClock`` of ``test_appointments`` (Monday 30 November 2026, 08:30 local), moved instead of sleeping.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest

from medlink.config import PROJECT_ROOT, Settings
from medlink.core import MedLink
from medlink.dao import appointments
from medlink.errors import ConflictError
from medlink.services.clock import FixedClock
from medlink.services.mailer import MAX_PERMANENT_ATTEMPTS, retry_delay
from medlink.services.session import Session
from tests.conftest import make_settings
from tests.services_fixtures import execute, query
from tests.smtp_server import Received, SilentServer, SmtpServer, free_port
from tests.test_appointments import FAST, MONDAY, NEXT_MONDAY, TUESDAY, WEDNESDAY, Clinic, open_clinic
from tests.test_ics import parse_ics, unescape

MARKER = "Zx-PRIVATE-7731-qv"  # put in medical history and booking reasons: must never be mailed
SENDER = "MedLink Clinic <clinic@medlink.test>"
JITSI = re.compile(r"https://meet\.jit\.si/[A-Za-z0-9_-]+")
DOCTOR = dict(name="Dr. Kavya Menon", qualifications="MBBS, MS (ENT), DNB", specialty="ENT Specialist",
              hospital="Sagar Hospitals", hospital_address="44 Jayanagar 4th Block, Bengaluru")


# -- set-up -------------------------------------------------------------------------------------------
def mail_settings(db_url: str, tmp_path: Path, port: int | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(smtp_host="127.0.0.1", smtp_port=port, smtp_security="none", smtp_timeout=2,
                                  mail_from=SENDER, meet_provider="jitsi")
    values.update(overrides)
    return make_settings(db_url, tmp_path, **values)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


@pytest.fixture
def clinic(db_url: str, tmp_path: Path, smtp: SmtpServer) -> Iterator[Clinic]:
    yield from open_clinic(mail_settings(db_url, tmp_path, smtp.port))


def outbox(ml: MedLink, **where: Any) -> list[dict[str, Any]]:
    sql, params = "SELECT * FROM email_outbox WHERE 1 = 1", []
    for column, value in where.items():
        assert column in ("kind", "recipient", "status", "appointment_id", "message_id")
        sql += f" AND {column} = ?"
        params.append(value)
    return query(ml, sql + " ORDER BY message_id", tuple(params))


def only(rows: list[Any]) -> Any:
    assert len(rows) == 1, rows
    return rows[0]


def email_of_doctor(ml: MedLink, doctor_id: int) -> str:
    return str(query(ml, "SELECT email FROM doctor_info WHERE doctor_id = ?", (doctor_id,))[0]["email"])


def email_of_patient(ml: MedLink, patient: Session) -> str:
    return str(query(ml, "SELECT email FROM patient_info WHERE patient_id = ?", (patient.user_id,))[0]["email"])


def flush(clinic: Clinic) -> None:
    """Send what is queued (the doctors' verification mail ...) so a test starts from an empty outbox."""
    report = clinic.ml.mailer.send_due()
    assert report.retrying == report.failed == 0, report
    assert not outbox(clinic.ml, status="pending")


def texts(msg: EmailMessage) -> str:
    """Every decoded part of a message (headers, text, HTML, attachments) as one string."""
    chunks = [str(value) for value in msg.values()]
    for part in msg.walk():
        if part.is_multipart():
            continue
        payload = part.get_payload(decode=True) or b""
        chunks.append(payload.decode(part.get_content_charset() or "utf-8", errors="replace"))
    return "\n".join(chunks)


def body(msg: EmailMessage, subtype: str) -> str:
    part = msg.get_body(preferencelist=(subtype,))
    assert part is not None and part.get_content_type() == f"text/{subtype}", msg
    return part.get_content()


def invitation_of(msg: EmailMessage) -> tuple[dict[str, str], EmailMessage]:
    """The appointment.ics attachment, checked and parsed, and its MIME part."""
    parts = [p for p in msg.iter_attachments() if p.get_filename() == "appointment.ics"]
    part = only(parts)
    assert part.get_content_type() == "text/calendar"
    return parse_ics(part.get_payload(decode=True)), part


def by_subject(messages: list[Received], subject: str) -> list[EmailMessage]:
    return [m.message for m in messages if m.message["Subject"] == subject]


def book(clinic: Clinic, patient: Session, doctor_id: int, day: dt.date, at: str, mode: str = "online",
         reason: str = "") -> int:
    return clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=day, time=at, mode=mode,
                                       reason=reason).appointment_id


# -- the booking confirmation -------------------------------------------------------------------------
def test_the_confirmation_arrives_with_the_doctor_the_slot_the_link_and_an_invitation(
        clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient(name="Ravi Kumar", medical_history=f"Asthma since 2001. {MARKER}")
    flush(clinic)
    before = len(smtp.messages)
    appointment_id = book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00", reason=f"Ear pain {MARKER}")
    report = clinic.ml.mailer.send_due()
    assert (report.sent, report.retrying, report.failed) == (2, 0, 0)
    arrived = smtp.messages[before:]
    patient_email = email_of_patient(clinic.ml, patient)
    doctor_email = email_of_doctor(clinic.ml, doctor_id)
    mail = only([m for m in arrived if m.rcpt_tos == (patient_email,)]).message
    assert mail["To"] == patient_email and mail["From"] == SENDER
    assert mail["Subject"] == "Your appointment is confirmed"
    assert mail.get_content_type() == "multipart/mixed"
    text, page = body(mail, "plain"), body(mail, "html")
    link = clinic.ml.video.link_for(patient, appointment_id).meeting_link
    for expected in (*DOCTOR.values(), "07 December 2026", "Monday", "10:00", "Online", link):
        assert expected in text, expected
        assert html.escape(expected) in page, expected
    assert JITSI.fullmatch(link)
    assert re.search(r"[A-Za-z0-9_-]{16,}", link.removeprefix("https://meet.jit.si/"))
    props, part = invitation_of(mail)
    assert part.get_param("method") == "REQUEST"
    assert (props["METHOD"], props["STATUS"], props["DTSTART"]) == ("REQUEST", "CONFIRMED", "20261207T100000")
    assert props["DTEND"] == "20261207T101500"  # the doctor's 15-minute slot
    assert props["ATTENDEE"] == f"mailto:{patient_email}"
    assert unescape(props["LOCATION"]) == link
    assert f"appointment-{appointment_id}-" in props["UID"]
    # The doctor hears of the booking: the patient, the slot, the link; no calendar file.
    told = only([m for m in arrived if m.rcpt_tos == (doctor_email,)]).message
    assert told["Subject"] == "New appointment booked"
    for expected in ("Ravi Kumar", "07 December 2026", "Monday", "10:00", "Online", link):
        assert expected in body(told, "plain")
    assert not list(told.iter_attachments())
    assert MARKER not in "".join(texts(m.message) for m in arrived)
    appointment = only(clinic.ml.appointments.mine(patient))
    assert appointment.confirmation == "sent"


def test_an_in_person_confirmation_has_the_hospital_and_no_video_link(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    flush(clinic)
    appointment_id = book(clinic, patient, doctor_id, TUESDAY, "11:30", mode="offline")
    clinic.ml.mailer.send_due()
    mail = only(by_subject(smtp.messages, "Your appointment is confirmed"))
    text = body(mail, "plain")
    assert "01 December 2026 (Tuesday) at 11:30" in text
    assert "In person" in text and DOCTOR["hospital_address"] in text
    assert "meet.jit.si" not in texts(mail) and "Video link" not in text
    props, _ = invitation_of(mail)
    assert props["DTSTART"] == "20261201T113000"
    assert unescape(props["LOCATION"]) == DOCTOR["hospital_address"]
    assert clinic.ml.video.link_for(patient, appointment_id) is None


def test_a_move_keeps_the_uid_with_a_higher_sequence_and_a_cancel_cancels_it(clinic: Clinic, smtp: SmtpServer) -> None:
    doctor, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    flush(clinic)
    doctor_email = email_of_doctor(clinic.ml, doctor_id)
    appointment_id = book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00")
    clinic.ml.mailer.send_due()
    clinic.clock.advance(hours=2)
    clinic.ml.appointments.reschedule(patient, appointment_id, date=WEDNESDAY, time="11:15")
    clinic.ml.mailer.send_due()
    clinic.clock.advance(minutes=5)
    clinic.ml.appointments.cancel(doctor, appointment_id)
    clinic.ml.mailer.send_due()

    booked = only(by_subject(smtp.messages, "Your appointment is confirmed"))
    moved = only(by_subject(smtp.messages, "Your appointment has moved"))
    cancelled = only(by_subject(smtp.messages, "Your appointment is cancelled"))
    first, second, third = (invitation_of(m)[0] for m in (booked, moved, cancelled))
    assert first["UID"] == second["UID"] == third["UID"]
    assert int(first["SEQUENCE"]) < int(second["SEQUENCE"]) <= int(third["SEQUENCE"])
    assert (second["METHOD"], second["STATUS"], second["DTSTART"]) == ("REQUEST", "CONFIRMED", "20261202T111500")
    assert "02 December 2026 (Wednesday) at 11:15" in body(moved, "plain")
    assert (third["METHOD"], third["STATUS"]) == ("CANCEL", "CANCELLED")
    assert invitation_of(cancelled)[1].get_param("method") == "CANCEL"
    assert "cancelled by the doctor" in body(cancelled, "plain")
    # The doctor was told of the booking, the move and the cancellation.
    doctor_subjects = [m.message["Subject"] for m in smtp.to(doctor_email)]
    assert doctor_subjects.count("New appointment booked") == 1
    assert doctor_subjects.count("Appointment moved") == 1
    assert doctor_subjects.count("Appointment cancelled") == 1


def test_two_moves_in_the_same_second_are_both_told_with_rising_sequences(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    appointment_id = book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00")
    clinic.ml.appointments.reschedule(patient, appointment_id, date=WEDNESDAY, time="11:15")  # the clock stands
    clinic.ml.appointments.reschedule(patient, appointment_id, date=WEDNESDAY, time="11:30")  # still: same second
    clinic.ml.mailer.send_due()
    moved = by_subject(smtp.messages, "Your appointment has moved")
    assert len(moved) == 2
    sequences = sorted(int(invitation_of(m)[0]["SEQUENCE"]) for m in moved)
    assert sequences == [1, 2]
    latest = max(moved, key=lambda m: int(invitation_of(m)[0]["SEQUENCE"]))
    assert invitation_of(latest)[0]["DTSTART"] == "20261202T113000"


def test_the_doctor_hears_of_a_patients_cancellation(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient(name="Ravi Kumar")
    flush(clinic)
    appointment_id = book(clinic, patient, doctor_id, NEXT_MONDAY, "09:30", mode="offline")
    clinic.clock.advance(minutes=1)
    clinic.ml.appointments.cancel(patient, appointment_id)
    clinic.ml.mailer.send_due()
    told = only(by_subject(smtp.to(email_of_doctor(clinic.ml, doctor_id)), "Appointment cancelled"))
    assert "cancelled by the patient" in body(told, "plain") and "Ravi Kumar" in body(told, "plain")
    mine = only(by_subject(smtp.messages, "Your appointment is cancelled"))
    assert "cancelled by you" in body(mine, "plain")


def test_no_message_carries_the_medical_history_or_the_reason(clinic: Clinic, smtp: SmtpServer) -> None:
    doctor, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient(medical_history=f"Type 2 diabetes; {MARKER}")
    first = book(clinic, patient, doctor_id, TUESDAY, "10:00", reason=f"Chest pain {MARKER}")
    second = book(clinic, patient, doctor_id, NEXT_MONDAY, "09:00", mode="offline", reason=f"Follow-up {MARKER}")
    clinic.clock.advance(minutes=3)
    clinic.ml.appointments.reschedule(patient, second, date=WEDNESDAY, time="09:45")
    clinic.ml.video.create_link(doctor, first, "https://meet.google.com/abc-defg-hij")
    clinic.ml.billing.create_bill(doctor, first, additional_details=f"Diagnosis: bronchitis {MARKER}")
    clinic.clock.advance(minutes=3)
    clinic.ml.appointments.cancel(patient, second)
    clinic.clock.advance(hours=23)  # the first is now within a day: a reminder too
    report = clinic.ml.mailer.send_due()
    assert report.retrying == report.failed == 0
    kinds = {row["kind"] for row in outbox(clinic.ml)}
    assert {"booking_confirmation", "doctor_new_booking", "doctor_rescheduled", "cancellation", "doctor_cancelled",
            "video_link", "doctor_video_link", "bill_issued", "reminder", "doctor_decision"} <= kinds
    assert len(smtp.messages) == len(outbox(clinic.ml)) >= 10
    for received in smtp.messages:
        assert MARKER not in texts(received.message), received.message["Subject"]
        assert MARKER.encode() not in received.data
    for row in outbox(clinic.ml):
        assert MARKER not in f"{row['subject']}{row['body_text']}{row['body_html']}{row['ics']}"


# -- reminders ----------------------------------------------------------------------------------------
def test_a_reminder_is_queued_once_for_an_appointment_within_24_hours(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    flush(clinic)
    today = book(clinic, patient, doctor_id, MONDAY, "10:00")  # in 1.5 hours
    tomorrow = book(clinic, patient, doctor_id, TUESDAY, "09:00", mode="offline")  # in 24.5 hours
    later = book(clinic, patient, doctor_id, WEDNESDAY, "10:00")  # in two days
    clinic.ml.mailer.send_due()
    clinic.ml.mailer.send_due()
    assert [r["appointment_id"] for r in outbox(clinic.ml, kind="reminder")] == [today]
    reminder = only(by_subject(smtp.messages, "Reminder: your appointment tomorrow"))
    assert "30 November 2026 (Monday) at 10:00" in body(reminder, "plain")
    assert not list(reminder.iter_attachments())
    clinic.clock.advance(hours=1)  # 09:30: tomorrow's 09:00 is now 23.5 hours away
    assert clinic.ml.mailer.send_due().sent == 1
    clinic.ml.mailer.send_due()
    assert [r["appointment_id"] for r in outbox(clinic.ml, kind="reminder")] == [today, tomorrow]
    assert len(by_subject(smtp.messages, "Reminder: your appointment tomorrow")) == 2
    assert later not in [r["appointment_id"] for r in outbox(clinic.ml, kind="reminder")]


def test_no_reminder_for_a_cancelled_appointment(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    appointment_id = book(clinic, patient, doctor_id, MONDAY, "11:00")
    clinic.ml.appointments.cancel(patient, appointment_id)
    assert clinic.ml.mailer.queue_reminders() == 0
    clinic.ml.mailer.send_due()
    assert not outbox(clinic.ml, kind="reminder")


# -- a server that is down, or slow ----------------------------------------------------------------------
def test_with_the_server_down_booking_returns_at_once_and_the_mail_follows_later(
        db_url: str, tmp_path: Path) -> None:
    server = SmtpServer(free_port())
    settings = mail_settings(db_url, tmp_path, server.port, smtp_timeout=1)
    for clinic in open_clinic(settings):
        _, doctor_id = clinic.doctor(**DOCTOR)
        patient, _ = clinic.patient()
        with server:
            flush(clinic)  # the doctor's verification; then the server goes away
        started = time.monotonic()
        appointment_id = book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00")
        assert time.monotonic() - started < 0.5
        started = time.monotonic()
        report = clinic.ml.mailer.send_due()
        assert time.monotonic() - started < 1.0
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        confirmation = only(outbox(clinic.ml, kind="booking_confirmation"))
        assert (confirmation["status"], confirmation["attempts"]) == ("pending", 1)
        assert "cannot reach the mail server" in confirmation["last_error"]
        assert confirmation["next_attempt_at"] > clinic.clock.utc_now()
        assert only(clinic.ml.appointments.mine(patient)).confirmation == "pending"
        assert only(outbox(clinic.ml, kind="doctor_new_booking"))["status"] == "pending"

        with server:
            assert clinic.ml.mailer.send_due().sent == 1  # the doctor's note was due; the confirmation waits
            assert not by_subject(server.messages, "Your appointment is confirmed")
            clinic.clock.utc = confirmation["next_attempt_at"] + dt.timedelta(seconds=1)
            assert clinic.ml.mailer.send_due().sent == 1
            assert only(by_subject(server.messages, "Your appointment is confirmed"))
        row = only(outbox(clinic.ml, kind="booking_confirmation"))
        assert (row["status"], row["attempts"], row["last_error"]) == ("sent", 2, None)
        assert only(clinic.ml.appointments.mine(patient)).confirmation == "sent"
        assert appointment_id == only(clinic.ml.appointments.mine(patient)).appointment_id


def test_a_server_that_never_answers_costs_one_timeout_not_one_per_message(db_url: str, tmp_path: Path) -> None:
    with SilentServer() as silent:
        for clinic in open_clinic(mail_settings(db_url, tmp_path, silent.port, smtp_timeout=1)):
            _, doctor_id = clinic.doctor(**DOCTOR)
            patient, _ = clinic.patient()
            book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00")
            book(clinic, patient, doctor_id, NEXT_MONDAY, "10:15")
            pending = len(outbox(clinic.ml, status="pending"))
            assert pending >= 5
            started = time.monotonic()
            report = clinic.ml.mailer.send_due()
            assert time.monotonic() - started < 3.0
            assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
            rows = outbox(clinic.ml, status="pending")
            assert len(rows) == pending
            tried = only([r for r in rows if r["attempts"]])
            assert "cannot reach the mail server" in tried["last_error"]
            assert "timed out" in tried["last_error"].lower()


def test_a_slow_answer_to_data_is_a_temporary_failure(db_url: str, tmp_path: Path, smtp: SmtpServer) -> None:
    for clinic in open_clinic(mail_settings(db_url, tmp_path, smtp.port, smtp_timeout=1)):
        _, doctor_id = clinic.doctor(**DOCTOR)
        patient, _ = clinic.patient()
        flush(clinic)
        smtp.handler.delay = 1.5  # longer than smtp_timeout=1
        book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00", mode="offline")
        started = time.monotonic()
        report = clinic.ml.mailer.send_due()
        assert time.monotonic() - started < 4.0  # one timeout per message, each bounded
        assert (report.sent, report.retrying, report.failed) == (0, 2, 0)
        confirmation = only(outbox(clinic.ml, kind="booking_confirmation"))
        assert (confirmation["status"], confirmation["attempts"]) == ("pending", 1)
        assert "timed out" in confirmation["last_error"].lower()
        smtp.handler.delay = 0
        clinic.clock.advance(hours=1)
        assert clinic.ml.mailer.send_due().sent == 2
        assert only(outbox(clinic.ml, kind="booking_confirmation"))["status"] == "sent"


# -- refusals ---------------------------------------------------------------------------------------
def test_a_permanent_refusal_ends_failed_while_the_others_are_sent(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    bounced, _ = clinic.patient(email="no-such-user@example.org")
    flush(clinic)
    smtp.handler.rcpt_replies["no-such-user@example.org"] = "550 5.1.1 <no-such-user@example.org>: no such user"
    appointment_id = book(clinic, bounced, doctor_id, NEXT_MONDAY, "09:00", mode="offline")
    slots = iter(["09:15", "09:30", "09:45", "10:00", "10:15"])
    for round_number in range(1, MAX_PERMANENT_ATTEMPTS + 2):
        # In each round another patient books: their mail goes in the same batch as the refused one.
        other, _ = clinic.patient()
        book(clinic, other, doctor_id, NEXT_MONDAY, next(slots), mode="offline")
        report = clinic.ml.mailer.send_due()
        row = only(outbox(clinic.ml, appointment_id=appointment_id, kind="booking_confirmation"))
        attempts = min(round_number, MAX_PERMANENT_ATTEMPTS)
        assert row["attempts"] == attempts and "550" in row["last_error"]
        assert report.sent == 2 + (1 if round_number == 1 else 0)  # the other's two (+ our doctor's note)
        if round_number < MAX_PERMANENT_ATTEMPTS:
            assert (row["status"], report.retrying, report.failed) == ("pending", 1, 0)
        elif round_number == MAX_PERMANENT_ATTEMPTS:
            assert (row["status"], report.retrying, report.failed) == ("failed", 0, 1)
        else:  # failed stays failed: no more attempts
            assert (row["status"], report.retrying, report.failed) == ("failed", 0, 0)
        assert smtp.handler.rcpt_attempts["no-such-user@example.org"] == attempts
        clinic.clock.utc = max(clinic.clock.utc, row["next_attempt_at"]) + dt.timedelta(seconds=1)
    assert "no such user" in row["last_error"]
    assert only(clinic.ml.appointments.mine(bounced)).confirmation == "failed"
    assert not smtp.to("no-such-user@example.org")
    assert not outbox(clinic.ml, status="pending")
    statuses = Counter(r["status"] for r in outbox(clinic.ml))
    assert statuses == {"sent": len(smtp.messages), "failed": 1}


@pytest.mark.parametrize("reply", ["421 4.7.0 Try again later", "450 4.2.1 Mailbox busy"])
def test_a_temporary_refusal_retries_with_growing_delays(clinic: Clinic, smtp: SmtpServer, reply: str) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient(email="busy@example.org")
    flush(clinic)
    smtp.handler.rcpt_replies["busy@example.org"] = reply
    book(clinic, patient, doctor_id, NEXT_MONDAY, "09:00", mode="offline")
    delays = []
    for attempt in range(1, 5):
        report = clinic.ml.mailer.send_due()
        assert report.retrying == 1 and report.failed == 0
        row = only(outbox(clinic.ml, kind="booking_confirmation"))
        assert (row["status"], row["attempts"]) == ("pending", attempt)
        assert reply[:3] in row["last_error"]
        delays.append(row["next_attempt_at"] - clinic.clock.utc_now())
        # Not retried before its time.
        clinic.clock.utc = row["next_attempt_at"] - dt.timedelta(seconds=2)
        assert clinic.ml.mailer.send_due().retrying == 0
        assert smtp.handler.rcpt_attempts["busy@example.org"] == attempt
        clinic.clock.utc = row["next_attempt_at"] + dt.timedelta(seconds=1)
    assert delays == sorted(delays) and len(set(delays)) == len(delays), delays
    assert delays[0] >= dt.timedelta(seconds=30) - dt.timedelta(seconds=2)
    assert [d.total_seconds() for d in delays] == \
        pytest.approx([retry_delay(n).total_seconds() for n in range(4)], abs=1)
    assert only(outbox(clinic.ml, kind="doctor_new_booking"))["status"] == "sent"
    del smtp.handler.rcpt_replies["busy@example.org"]
    assert clinic.ml.mailer.send_due().sent == 1
    row = only(outbox(clinic.ml, kind="booking_confirmation"))
    assert (row["status"], row["attempts"]) == ("sent", 5)
    assert only(smtp.to("busy@example.org"))


@pytest.mark.parametrize(("reply", "status"), [("554 5.6.0 Message content rejected", "failed"),
                                               ("451 4.3.0 Local error, try later", "pending")])
def test_a_refusal_of_the_data_is_classified_by_its_code(clinic: Clinic, smtp: SmtpServer, reply: str,
                                                         status: str) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    flush(clinic)
    smtp.handler.data_reply = reply
    book(clinic, patient, doctor_id, NEXT_MONDAY, "09:00", mode="offline")
    for _ in range(MAX_PERMANENT_ATTEMPTS):
        clinic.ml.mailer.send_due()
        clinic.clock.advance(hours=2)
    rows = outbox(clinic.ml, kind="booking_confirmation") + outbox(clinic.ml, kind="doctor_new_booking")
    assert {r["status"] for r in rows} == {status}
    assert all(r["attempts"] == MAX_PERMANENT_ATTEMPTS and reply[:3] in r["last_error"] for r in rows)


# -- never twice ----------------------------------------------------------------------------------------
def test_two_desktops_sending_at_once_deliver_each_message_once(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    for at in ("09:00", "09:15", "09:30", "09:45", "10:00", "10:15", "10:30"):
        patient, _ = clinic.patient()
        book(clinic, patient, doctor_id, NEXT_MONDAY, at)
    queued = [r["message_id"] for r in outbox(clinic.ml, status="pending")]
    assert len(queued) == 15
    smtp.handler.delay = 0.05  # keep both desktops busy at the same time
    other = MedLink(clinic.ml.settings, clock=FixedClock(clinic.clock.utc), password_params=FAST)
    barrier = threading.Barrier(2)
    reports: list[Any] = []
    errors: list[BaseException] = []

    def desktop(core: MedLink) -> None:
        try:
            barrier.wait(timeout=10)
            reports.append(core.mailer.send_due())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=desktop, args=(core,)) for core in (clinic.ml, other)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        other.close()
    assert not errors, errors
    assert sum(r.sent for r in reports) == len(queued)
    assert min(r.sent for r in reports) > 0  # both desktops really were sending at the same time
    delivered = Counter(m.outbox_id for m in smtp.messages)
    assert delivered == dict.fromkeys(queued, 1)
    assert {r["status"] for r in outbox(clinic.ml)} == {"sent"}
    assert clinic.ml.mailer.send_due().sent == 0  # and nothing goes out again
    assert len(smtp.messages) == len(queued)


def test_the_same_news_is_queued_once(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    appointment_id = book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00")
    before = outbox(clinic.ml)
    with clinic.ml.db.transaction() as tx:
        row = appointments.get(tx, appointment_id)
        clinic.ml.notifier.appointment_booked(tx, row)
        clinic.ml.notifier.appointment_booked(tx, row)
        clinic.ml.notifier.appointment_reminder(tx, row)
        clinic.ml.notifier.appointment_reminder(tx, row)
    after = outbox(clinic.ml)
    assert len(after) == len(before) + 1  # only the one reminder is new
    assert len({r["dedupe_key"] for r in after}) == len(after)
    clinic.ml.mailer.send_due()
    clinic.ml.mailer.send_due()
    assert len(by_subject(smtp.messages, "Your appointment is confirmed")) == 1
    assert len(by_subject(smtp.messages, "New appointment booked")) == 1
    # Booking the same slot again fails, and its transaction queues nothing.
    other, _ = clinic.patient()
    with pytest.raises(ConflictError):
        book(clinic, other, doctor_id, NEXT_MONDAY, "10:00")
    assert len(outbox(clinic.ml)) == len(after)


def test_a_message_claimed_by_a_desktop_that_died_is_sent_later(clinic: Clinic, smtp: SmtpServer) -> None:
    _, doctor_id = clinic.doctor(**DOCTOR)
    patient, _ = clinic.patient()
    flush(clinic)
    book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00", mode="offline")
    execute(clinic.ml, "UPDATE email_outbox SET status = 'sending' WHERE kind = 'booking_confirmation'")
    assert clinic.ml.mailer.send_due().sent == 1  # the other is being sent by someone else
    clinic.clock.advance(minutes=11)
    assert clinic.ml.mailer.send_due().sent == 1
    assert only(by_subject(smtp.messages, "Your appointment is confirmed"))


# -- without a server: .eml files ------------------------------------------------------------------------
def test_without_a_mail_server_each_message_is_written_as_an_eml_file(db_url: str, tmp_path: Path) -> None:
    settings = mail_settings(db_url, tmp_path, None, smtp_host=None)
    for clinic in open_clinic(settings):
        _, doctor_id = clinic.doctor(**DOCTOR)
        patient, _ = clinic.patient()
        book(clinic, patient, doctor_id, NEXT_MONDAY, "10:00")
        book(clinic, patient, doctor_id, TUESDAY, "10:00", mode="offline")
        rows = outbox(clinic.ml)
        report = clinic.ml.mailer.send_due()
        assert (report.sent, report.retrying, report.failed) == (len(rows), 0, 0)
        files = sorted(settings.outbox_dir.glob("*.eml"))
        assert len(files) == len(rows) == 5
        assert {r["status"] for r in outbox(clinic.ml)} == {"sent"}
        parsed = [message_from_bytes(f.read_bytes(), policy=policy.default) for f in files]
        assert sorted((m["To"], m["Subject"]) for m in parsed) == sorted((r["recipient"], r["subject"]) for r in rows)
        for path in files:
            assert path.stat().st_mode & 0o777 == 0o600
        confirmations = [m for m in parsed if m["Subject"] == "Your appointment is confirmed"]
        assert len(confirmations) == 2
        for mail in confirmations:
            assert body(mail, "plain") and body(mail, "html")
            assert invitation_of(mail)[0]["METHOD"] == "REQUEST"
        assert clinic.ml.mailer.send_due().sent == 0
        assert len(list(settings.outbox_dir.glob("*.eml"))) == 5


# -- the command line -----------------------------------------------------------------------------------
def test_send_mail_from_the_command_line_prints_the_counts(db_url: str, tmp_path: Path, smtp: SmtpServer) -> None:
    # The subprocess uses the real clock: queue the mail at the real "now".
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
    settings = mail_settings(db_url, tmp_path, smtp.port)
    day = (now + dt.timedelta(days=8)).date()
    day += dt.timedelta(days=(7 - day.weekday()) % 7)  # a Monday more than a week ahead
    for clinic in open_clinic(settings, FixedClock(now - dt.timedelta(minutes=1))):
        _, doctor_id = clinic.doctor(**DOCTOR)
        patient, _ = clinic.patient()
        book(clinic, patient, doctor_id, day, "10:00")
        queued = len(outbox(clinic.ml, status="pending"))
        env = {k: v for k, v in os.environ.items() if not k.startswith("MEDLINK_")}
        env.update(MEDLINK_DB_URL=settings.db_url, MEDLINK_DATA_DIR=str(settings.data_dir),
                   MEDLINK_SMTP_HOST="127.0.0.1", MEDLINK_SMTP_PORT=str(smtp.port), MEDLINK_SMTP_SECURITY="none",
                   MEDLINK_SMTP_TIMEOUT="2", MEDLINK_MAIL_FROM=SENDER)
        done = subprocess.run([sys.executable, "main.py", "send-mail"], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == f"{queued} sent, 0 to retry later, 0 failed."
        assert len(smtp.messages) == queued == 3
        assert {r["status"] for r in outbox(clinic.ml)} == {"sent"}

        env["MEDLINK_SMTP_PORT"] = str(free_port())  # nothing listens there
        clinic.ml.appointments.cancel(patient, only(clinic.ml.appointments.mine(patient)).appointment_id)
        done = subprocess.run([sys.executable, "main.py", "send-mail"], cwd=PROJECT_ROOT, env=env,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "0 sent, 1 to retry later, 0 failed."

