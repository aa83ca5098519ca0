"""Video-call links (issue 6), on SQLite and MariaDB: a private Jitsi room per online appointment,
or a link the doctor pastes or captures; only the appointment's patient and doctor may read it;
the patient and the doctor are mailed whenever it is made or changed."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from medlink.config import PROJECT_ROOT
from medlink.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from medlink.services.video import JITSI_BASE, jitsi_room
from tests.services_fixtures import audit_rows, query
from tests.smtp_server import SmtpServer
from tests.test_appointments import NEXT_MONDAY, TUESDAY, WEDNESDAY, Clinic, open_clinic
from tests.test_mail import DOCTOR, body, by_subject, email_of_doctor, email_of_patient, mail_settings, only, outbox

URL_SAFE = re.compile(r"[A-Za-z0-9_-]+")
MEET = "https://meet.google.com/abc-defg-hij"
ZOOM = "https://us02web.zoom.us/j/81234567890?pwd=Q2xpbmljTWVldGluZw"


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with SmtpServer() as server:
        yield server


def clinic_with(db_url: str, tmp_path: Path, smtp: SmtpServer, provider: str) -> Iterator[Clinic]:
    yield from open_clinic(mail_settings(db_url, tmp_path, smtp.port, meet_provider=provider))


@pytest.fixture
def jitsi(db_url: str, tmp_path: Path, smtp: SmtpServer) -> Iterator[Clinic]:
    yield from clinic_with(db_url, tmp_path, smtp, "jitsi")


@pytest.fixture
def manual(db_url: str, tmp_path: Path, smtp: SmtpServer) -> Iterator[Clinic]:
    yield from clinic_with(db_url, tmp_path, smtp, "manual")


def slots(count: int) -> Iterator[tuple[dt.date, str]]:
    """``count`` slots of the 15-minute grid, Monday 7 December 2026 onwards, mornings 09:00-13:00."""
    made = 0
    for day in (NEXT_MONDAY + dt.timedelta(days=d) for d in range(5)):
        for minute in range(0, 240, 15):
            if made == count:
                return
            yield day, f"{9 + minute // 60:02d}:{minute % 60:02d}"
            made += 1


def call_row(clinic: Clinic, appointment_id: int) -> dict | None:
    rows = query(clinic.ml, "SELECT * FROM video_calls WHERE appointment_id = ?", (appointment_id,))
    return rows[0] if rows else None


# -- Jitsi rooms ----------------------------------------------------------------------------------------
def test_jitsi_rooms_differ_per_appointment_and_are_unguessable(jitsi: Clinic) -> None:
    _, doctor_id = jitsi.doctor(**DOCTOR)
    patient, patient_id = jitsi.patient(name="Ravi Kumar")
    links = {}
    for day, at in slots(50):
        appointment = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=day, time=at, mode="online")
        call = jitsi.ml.video.link_for(patient, appointment.appointment_id)
        assert call is not None and call.provider == "jitsi"
        assert call.call_date == day and call.appointment_id == appointment.appointment_id
        row = call_row(jitsi, appointment.appointment_id)
        assert (row["patient_id"], row["doctor_id"], row["meeting_link"]) == (patient_id, doctor_id, call.meeting_link)
        links[appointment.appointment_id] = call
    assert len({c.meeting_link for c in links.values()}) == 50
    assert len({c.meeting_code for c in links.values()}) == 50
    rooms = [c.meeting_link.removeprefix(JITSI_BASE) for c in links.values()]
    assert all(c.meeting_link.startswith(JITSI_BASE) and URL_SAFE.fullmatch(r) for c, r in zip(links.values(), rooms,
                                                                                               strict=True))
    assert all(c.meeting_code in c.meeting_link for c in links.values())
    # What every room shares (a fixed prefix) is not secret; what is left must be >= 16 random characters.
    shared = os.path.commonprefix(rooms)
    assert all(len(room) - len(shared) >= 16 for room in rooms), (shared, rooms[:3])
    assert len(set("".join(room[len(shared):] for room in rooms))) > 40  # spread over the URL-safe alphabet
    for call in links.values():  # nothing about the patient or the slot in the room's name
        # (only strings a random token is unlikely to hold by chance: this must not be flaky)
        assert not re.search(r"ravi|kumar|menon|2026-|\d{4}-\d\d-\d\d|\d\d:\d\d",
                             call.meeting_link.lower().removeprefix(JITSI_BASE))


def test_jitsi_room_tokens_are_random_url_safe_strings() -> None:
    rooms = [jitsi_room() for _ in range(2000)]
    assert len({link for link, _ in rooms}) == 2000
    for link, code in rooms:
        assert link == JITSI_BASE + code
        assert URL_SAFE.fullmatch(code)
    shared = os.path.commonprefix([code for _, code in rooms])
    assert min(len(code) - len(shared) for _, code in rooms) >= 16


def test_pyautogui_is_imported_only_when_a_capture_runs() -> None:
    code = ("import sys, medlink.core, medlink.services.video, medlink.services.meet; "
            "sys.exit(1 if 'pyautogui' in sys.modules else 0)")
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_in_person_appointments_get_no_link(jitsi: Clinic) -> None:
    doctor, doctor_id = jitsi.doctor(**DOCTOR)
    patient, _ = jitsi.patient()
    appointment = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                             mode="offline")
    assert jitsi.ml.video.link_for(patient, appointment.appointment_id) is None
    assert jitsi.ml.video.link_for(doctor, appointment.appointment_id) is None
    assert call_row(jitsi, appointment.appointment_id) is None
    with pytest.raises(ConflictError):
        jitsi.ml.video.create_link(doctor, appointment.appointment_id, ZOOM)
    assert call_row(jitsi, appointment.appointment_id) is None
    assert not outbox(jitsi.ml, kind="video_link")


def test_with_google_meet_or_manual_no_link_is_made_at_booking(manual: Clinic) -> None:
    _, doctor_id = manual.doctor(**DOCTOR)
    patient, _ = manual.patient()
    appointment = manual.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                              mode="online")
    assert manual.ml.video.link_for(patient, appointment.appointment_id) is None
    manual.ml.mailer.send_due()
    confirmation = only(outbox(manual.ml, kind="booking_confirmation"))
    assert "the doctor will send it" in confirmation["body_text"]


# -- who may read it ------------------------------------------------------------------------------------
def test_only_the_patient_and_the_doctor_of_the_appointment_read_the_link(jitsi: Clinic) -> None:
    doctor, doctor_id = jitsi.doctor(**DOCTOR)
    patient, patient_id = jitsi.patient()
    appointment_id = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                mode="online").appointment_id
    link = jitsi.ml.video.link_for(patient, appointment_id).meeting_link
    assert jitsi.ml.video.link_for(doctor, appointment_id).meeting_link == link
    stranger, stranger_id = jitsi.patient()
    colleague, colleague_id = jitsi.doctor()
    for intruder in (stranger, colleague, jitsi.admin):
        with pytest.raises(PermissionDenied):
            jitsi.ml.video.link_for(intruder, appointment_id)
    denied = audit_rows(jitsi.ml, action="video.view", outcome="denied")
    assert [(a["actor_role"], a["actor_id"]) for a in denied] == \
        [("patient", stranger_id), ("doctor", colleague_id), ("admin", jitsi.admin.user_id)]
    assert all(a["object_type"] == "appointment" and a["object_id"] == str(appointment_id) for a in denied)
    allowed = audit_rows(jitsi.ml, action="video.view", outcome="ok")
    assert [(a["actor_role"], a["actor_id"], a["subject_id"]) for a in allowed] == \
        [("patient", patient_id, patient_id), ("doctor", doctor_id, patient_id)]
    # A signed-out session, and an appointment that does not exist, reveal nothing either.
    jitsi.ml.auth.logout(patient)
    with pytest.raises(PermissionDenied):
        jitsi.ml.video.link_for(patient, appointment_id)
    with pytest.raises(NotFound):
        jitsi.ml.video.link_for(doctor, appointment_id + 1000)


def test_only_the_appointments_doctor_sets_the_link(manual: Clinic) -> None:
    _, doctor_id = manual.doctor(**DOCTOR)
    patient, _ = manual.patient()
    appointment_id = manual.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                 mode="online").appointment_id
    colleague, _ = manual.doctor()
    for intruder in (patient, colleague, manual.admin):
        with pytest.raises(PermissionDenied):
            manual.ml.video.create_link(intruder, appointment_id, ZOOM)
    assert call_row(manual, appointment_id) is None
    assert len(audit_rows(manual.ml, action="video.create", outcome="denied")) == 3
    assert not outbox(manual.ml, kind="video_link")


# -- the doctor makes or changes the link ------------------------------------------------------------------
def test_the_doctor_pastes_a_link_then_changes_it_and_both_are_mailed(manual: Clinic, smtp: SmtpServer) -> None:
    doctor, doctor_id = manual.doctor(**DOCTOR)
    patient, _ = manual.patient(name="Ravi Kumar")
    appointment_id = manual.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                 mode="online").appointment_id
    manual.ml.mailer.send_due()
    patient_email, doctor_email = email_of_patient(manual.ml, patient), email_of_doctor(manual.ml, doctor_id)

    made = manual.ml.video.create_link(doctor, appointment_id, f"  {ZOOM}  ")
    assert (made.provider, made.meeting_link, made.call_date) == ("manual", ZOOM, NEXT_MONDAY)
    assert manual.ml.video.link_for(patient, appointment_id).meeting_link == ZOOM
    manual.ml.mailer.send_due()
    to_patient = only(by_subject(smtp.to(patient_email), "Your video consultation link"))
    to_doctor = only(by_subject(smtp.to(doctor_email), "Video consultation link"))
    assert ZOOM in body(to_patient, "plain") and ZOOM in body(to_doctor, "plain")
    assert "Ravi Kumar" in body(to_doctor, "plain")

    manual.clock.advance(minutes=2)
    changed = manual.ml.video.create_link(doctor, appointment_id, MEET)
    assert (changed.provider, changed.meeting_link, changed.meeting_code) == ("google-meet", MEET, "abc-defg-hij")
    assert manual.ml.video.link_for(patient, appointment_id).meeting_link == MEET
    assert only(query(manual.ml, "SELECT COUNT(*) AS n FROM video_calls"))["n"] == 1
    manual.ml.mailer.send_due()
    patient_mails = by_subject(smtp.to(patient_email), "Your video consultation link")
    assert len(patient_mails) == 2 and MEET in body(patient_mails[-1], "plain")
    assert len(by_subject(smtp.to(doctor_email), "Video consultation link")) == 2
    audit = audit_rows(manual.ml, action="video.create", outcome="ok")
    assert [a["detail"] for a in audit] == ["manual", "google-meet"]


def test_changing_the_link_back_is_mailed_too(manual: Clinic, smtp: SmtpServer) -> None:
    """A -> B -> A: the patient's newest mail must carry the link in force, A."""
    doctor, doctor_id = manual.doctor(**DOCTOR)
    patient, _ = manual.patient()
    appointment_id = manual.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                 mode="online").appointment_id
    for link in (ZOOM, MEET, ZOOM):
        manual.clock.advance(minutes=1)
        manual.ml.video.create_link(doctor, appointment_id, link)
        manual.ml.mailer.send_due()
    mails = by_subject(smtp.to(email_of_patient(manual.ml, patient)), "Your video consultation link")
    assert [ZOOM in body(m, "plain") for m in mails] == [True, False, True]


def test_with_jitsi_the_doctor_can_make_a_new_room(jitsi: Clinic) -> None:
    doctor, doctor_id = jitsi.doctor(**DOCTOR)
    patient, _ = jitsi.patient()
    appointment_id = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                mode="online").appointment_id
    first = jitsi.ml.video.link_for(patient, appointment_id).meeting_link
    jitsi.clock.advance(minutes=1)
    second = jitsi.ml.video.create_link(doctor, appointment_id)
    assert second.provider == "jitsi" and second.meeting_link.startswith(JITSI_BASE)
    assert second.meeting_link != first
    assert jitsi.ml.video.link_for(patient, appointment_id).meeting_link == second.meeting_link
    assert [r["recipient"] for r in outbox(jitsi.ml, kind="video_link")] == [email_of_patient(jitsi.ml, patient)]
    assert len(outbox(jitsi.ml, kind="doctor_video_link")) == 1


@pytest.mark.parametrize("bad", [
    "http://meet.google.com/abc-defg-hij", "garbage", "", "   ", None, 42, "javascript:alert(1)",
    "ftp://files.example.org/room", "https://", "https://exa mple.org/room", "https://example.org/a\nb",
    "meet.google.com/abc-defg-hij", "https://example.org/" + "x" * 500,
])
def test_a_link_that_is_not_a_full_https_address_is_refused(manual: Clinic, bad: object) -> None:
    doctor, doctor_id = manual.doctor(**DOCTOR)
    patient, _ = manual.patient()
    appointment_id = manual.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                 mode="online").appointment_id
    with pytest.raises(ValidationError) as caught:
        manual.ml.video.create_link(doctor, appointment_id, bad)  # type: ignore[arg-type]
    assert caught.value.field == "meeting_link"
    assert call_row(manual, appointment_id) is None
    assert not outbox(manual.ml, kind="video_link")


def test_no_link_for_a_cancelled_appointment(manual: Clinic) -> None:
    doctor, doctor_id = manual.doctor(**DOCTOR)
    patient, _ = manual.patient()
    appointment_id = manual.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                 mode="online").appointment_id
    manual.ml.appointments.cancel(patient, appointment_id)
    with pytest.raises(ConflictError):
        manual.ml.video.create_link(doctor, appointment_id, MEET)
    assert call_row(manual, appointment_id) is None


def test_a_reschedule_moves_the_call_date_and_keeps_the_link(jitsi: Clinic) -> None:
    _, doctor_id = jitsi.doctor(**DOCTOR)
    patient, _ = jitsi.patient()
    appointment_id = jitsi.ml.appointments.book(patient, doctor_id=doctor_id, date=NEXT_MONDAY, time="10:00",
                                                mode="online").appointment_id
    before = jitsi.ml.video.link_for(patient, appointment_id)
    jitsi.clock.advance(minutes=1)
    jitsi.ml.appointments.reschedule(patient, appointment_id, date=WEDNESDAY, time="11:00")
    after = jitsi.ml.video.link_for(patient, appointment_id)
    assert (after.call_date, after.meeting_link) == (WEDNESDAY, before.meeting_link)
    assert call_row(jitsi, appointment_id)["call_date"] == WEDNESDAY
    jitsi.clock.advance(minutes=1)
    jitsi.ml.appointments.reschedule(patient, appointment_id, date=TUESDAY, time="12:00")
    assert jitsi.ml.video.link_for(patient, appointment_id).call_date == TUESDAY
    moved = outbox(jitsi.ml, kind="booking_confirmation")[-1]
    assert before.meeting_link in moved["body_text"] and "01 December 2026 (Tuesday) at 12:00" in moved["body_text"]
