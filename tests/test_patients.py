"""A patient's own profile (issue 3), on SQLite and MariaDB."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError, PermissionDenied, ValidationError
from tests.services_fixtures import (
    admin_session,
    audit_rows,
    doctor_session,
    open_core,
    patient_row,
    patient_session,
)


@pytest.fixture
def core(settings: Settings) -> MedLink:
    with open_core(settings) as ml:
        yield ml


def test_patient_views_own_profile(core: MedLink) -> None:
    session, patient_id, form = patient_session(core)
    profile = core.patients.profile(session)
    assert (profile.patient_id, profile.name, profile.email, profile.phone, profile.date_of_birth, profile.gender,
            profile.address, profile.medical_history) == (
        patient_id, form["name"], form["email"], "+919845012345", dt.date(1990, 5, 17), "Female",
        form["address"], form["medical_history"])
    assert not hasattr(profile, "password_hash")
    views = audit_rows(core, action="patient.profile.view")
    assert len(views) == 1
    assert (views[0]["actor_id"], views[0]["subject_role"], views[0]["subject_id"]) == \
        (patient_id, "patient", patient_id)


def test_patient_updates_own_profile(core: MedLink) -> None:
    session, patient_id, form = patient_session(core)
    other, other_id, _ = patient_session(core)
    saved = core.patients.update_profile(session, address="  7 Residency Road\r\nBengaluru ", phone="+1 415 555 2671",
                                         medical_history="Asthma; allergic to penicillin.", gender="other")
    row = patient_row(core, patient_id)
    assert (row["address"], row["phone"], row["medical_history"], row["gender"]) == \
        ("7 Residency Road\nBengaluru", "+14155552671", "Asthma; allergic to penicillin.", "Other")
    assert (saved.address, saved.phone, saved.gender) == ("7 Residency Road\nBengaluru", "+14155552671", "Other")
    assert row["name"] == form["name"] and row["email"] == form["email"]
    assert patient_row(core, other_id)["address"] == "12 MG Road, Bengaluru"  # only the caller's own row
    update = audit_rows(core, action="patient.profile.update")
    assert len(update) == 1
    assert update[0]["subject_id"] == patient_id and update[0]["detail"] == "address,gender,medical_history,phone"
    del other


@pytest.mark.parametrize("fields, bad_field", [
    ({"address": "New address 1", "password_hash": "$argon2id$forged"}, "password_hash"),
    ({"is_active": 1}, "is_active"),
    ({"patient_id": 1}, "patient_id"),
    ({"failed_logins": 0}, "failed_logins"),
    ({"address": "New address 1", "phone": "98765"}, "phone"),
    ({"address": "New address 1", "email": "asha@"}, "email"),
    ({"address": "New address 1", "date_of_birth": "2031-01-01"}, "date_of_birth"),
    ({"address": "New address 1", "date_of_birth": "1990-02-30"}, "date_of_birth"),
    ({"address": "New address 1", "gender": "robot"}, "gender"),
    ({"address": "New address 1", "name": ""}, "name"),
    ({"address": "x" * 501}, "address"),
    ({"medical_history": "x" * 5001}, "medical_history"),
    ({"address": "New address 1", "name": "Asha\x1bRao"}, "name"),
])
def test_patient_update_refuses_and_changes_nothing(core: MedLink, fields: dict, bad_field: str) -> None:
    session, patient_id, _ = patient_session(core)
    before = patient_row(core, patient_id)
    with pytest.raises(ValidationError) as err:
        core.patients.update_profile(session, **fields)
    assert err.value.field == bad_field
    assert patient_row(core, patient_id) == before
    assert audit_rows(core, action="patient.profile.update") == []


def test_patient_cannot_take_another_patients_email(core: MedLink) -> None:
    session, patient_id, _ = patient_session(core)
    _, _, other = patient_session(core)
    before = patient_row(core, patient_id)
    with pytest.raises(ConflictError) as err:
        core.patients.update_profile(session, email=other["email"].upper(), address="Changed 1")
    assert err.value.field == "email"
    assert patient_row(core, patient_id) == before


def test_only_the_patient_reads_their_profile(core: MedLink) -> None:
    _, patient_id, _ = patient_session(core)
    doctor, _, _ = doctor_session(core)
    admin = admin_session(core)
    before = patient_row(core, patient_id)
    for session in (doctor, admin, None):
        with pytest.raises(PermissionDenied):
            core.patients.profile(session)
        with pytest.raises(PermissionDenied):
            core.patients.update_profile(session, address="Changed by someone else")
    assert patient_row(core, patient_id) == before
    denied = audit_rows(core, outcome="denied")
    assert [r["action"] for r in denied] == ["patient.profile.view", "patient.profile.update"] * 3
    assert [r["actor_role"] for r in denied] == ["doctor", "doctor", "admin", "admin", "anonymous", "anonymous"]
    assert audit_rows(core, action="patient.profile.view", outcome="ok") == []
