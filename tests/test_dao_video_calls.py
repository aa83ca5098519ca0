"""dao.video_calls: one meeting link per appointment."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.dao import video_calls
from medlink.db import Database, IntegrityViolation
from tests.factories import DAY, NOW, make_booking


def test_insert_and_by_appointment(db: Database) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    _, _, other_appointment = make_booking(db)
    with db.transaction() as tx:
        call_id = video_calls.insert(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id,
                                     provider="google-meet", meeting_link="https://meet.google.com/abc-defg-hij",
                                     meeting_code="abc-defg-hij", call_date=DAY, created_at=NOW)
    with db.transaction() as tx:
        row = video_calls.by_appointment(tx, appointment_id)
        assert video_calls.by_appointment(tx, other_appointment) is None
    assert row == {
        "call_id": call_id, "appointment_id": appointment_id, "patient_id": patient_id, "doctor_id": doctor_id,
        "provider": "google-meet", "meeting_link": "https://meet.google.com/abc-defg-hij",
        "meeting_code": "abc-defg-hij", "call_date": DAY, "created_at": NOW, "updated_at": NOW,
    }


def test_update_link_replaces_it(db: Database) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    later = NOW + dt.timedelta(minutes=5)
    with db.transaction() as tx:
        video_calls.insert(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id,
                           provider="google-meet", meeting_link="https://meet.google.com/abc-defg-hij",
                           meeting_code="abc-defg-hij", call_date=DAY, created_at=NOW)
        changed = video_calls.update_link(tx, appointment_id, "jitsi", "https://meet.jit.si/MedLink-3f9a1c",
                                          "MedLink-3f9a1c", DAY + dt.timedelta(days=1), later)
        assert video_calls.update_link(tx, 987654, "jitsi", "https://x", "x", DAY, later) == 0
    assert changed == 1
    with db.transaction() as tx:
        row = video_calls.by_appointment(tx, appointment_id)
    assert (row["provider"], row["meeting_link"], row["meeting_code"]) == (
        "jitsi", "https://meet.jit.si/MedLink-3f9a1c", "MedLink-3f9a1c")
    assert (row["call_date"], row["created_at"], row["updated_at"]) == (DAY + dt.timedelta(days=1), NOW, later)


def test_one_call_per_appointment_and_known_providers_only(db: Database) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    fields = dict(appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id,
                  meeting_link="https://meet.jit.si/x", meeting_code="x", call_date=DAY, created_at=NOW)
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        video_calls.insert(tx, provider="zoom", **fields)
    assert info.value.kind == "check"
    with db.transaction() as tx:
        video_calls.insert(tx, provider="jitsi", **fields)
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        video_calls.insert(tx, provider="manual", **fields)
    assert info.value.constraint == "uq_video_appointment"
