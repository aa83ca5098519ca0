"""A doctor's own profile and the public profile others see (issue 3), on SQLite and MariaDB."""

from __future__ import annotations

import dataclasses

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from tests.services_fixtures import (
    admin_session,
    audit_rows,
    doctor_row,
    doctor_session,
    open_core,
    patient_session,
)


@pytest.fixture
def core(settings: Settings) -> MedLink:
    with open_core(settings) as ml:
        yield ml


def _verified_doctor(core: MedLink, **overrides: object) -> tuple[object, int, dict]:
    admin = admin_session(core)
    session, doctor_id, form = doctor_session(core, **overrides)
    core.admin.verify_doctor(admin, doctor_id)
    return session, doctor_id, form


def test_public_profile_hides_contact_details_unless_public(core: MedLink) -> None:
    doctor, doctor_id, form = _verified_doctor(core)
    patient, _, _ = patient_session(core)
    profile = core.doctors.profile(doctor_id, patient)
    assert (profile.email, profile.phone) == (None, None)
    assert profile.verified is True
    assert (profile.name, profile.qualifications, profile.specialty, profile.hospital, profile.city,
            profile.experience_years) == (form["name"], form["qualifications"], form["specialty"],
                                          form["hospital"], form["city"], form["experience_years"])
    assert not {f.name for f in dataclasses.fields(profile)} & {"password_hash", "failed_logins",
                                                                 "locked_until", "is_active"}
    core.doctors.update_profile(doctor, contact_public=True)
    assert doctor_row(core, doctor_id)["contact_public"] == 1
    shown = core.doctors.profile(doctor_id, patient)
    assert (shown.email, shown.phone) == (form["email"], "+919845067890")
    core.doctors.update_profile(doctor, contact_public=False)
    hidden = core.doctors.profile(doctor_id)
    assert (hidden.email, hidden.phone) == (None, None)
    views = audit_rows(core, action="doctor.profile.view")
    assert len(views) == 2  # the anonymous lookup writes nothing; each signed-in view does
    assert all(v["actor_role"] == "patient" and v["subject_id"] == doctor_id for v in views)


def test_patient_cannot_use_doctor_profile_calls(core: MedLink) -> None:
    doctor, doctor_id, _ = doctor_session(core)
    patient, _, _ = patient_session(core)
    before = doctor_row(core, doctor_id)
    with pytest.raises(PermissionDenied):
        core.doctors.my_profile(patient)
    with pytest.raises(PermissionDenied):
        core.doctors.update_profile(patient, bio="Hacked by a patient")
    with pytest.raises(PermissionDenied):
        core.doctors.update_profile(None, bio="Hacked anonymously")
    assert doctor_row(core, doctor_id) == before
    denied = audit_rows(core, outcome="denied")
    assert [r["action"] for r in denied] == ["doctor.own_profile.view", "doctor.profile.update",
                                             "doctor.profile.update"]
    assert denied[0]["actor_role"] == "patient"
    assert core.doctors.my_profile(doctor).doctor_id == doctor_id


def test_doctor_updates_own_profile(core: MedLink) -> None:
    doctor, doctor_id, form = doctor_session(core)
    saved = core.doctors.update_profile(doctor, bio="  Diabetes and thyroid care.  ", city="Mysuru",
                                        experience_years="13", phone="+44 20 7946 0958",
                                        hospital_address="22 Sayyaji Rao Road\nMysuru")
    row = doctor_row(core, doctor_id)
    assert (row["bio"], row["city"], row["experience_years"], row["phone"], row["hospital_address"]) == \
        ("Diabetes and thyroid care.", "Mysuru", 13, "+442079460958", "22 Sayyaji Rao Road\nMysuru")
    assert (saved.bio, saved.city, saved.experience_years) == ("Diabetes and thyroid care.", "Mysuru", 13)
    assert row["name"] == form["name"] and row["verification_status"] == "pending"
    update = audit_rows(core, action="doctor.profile.update")
    assert len(update) == 1 and update[0]["detail"] == "bio,city,experience_years,hospital_address,phone"


@pytest.mark.parametrize("fields, bad_field", [
    ({"registration_number": "KMC-0001"}, "registration_number"),
    ({"bio": "New bio", "verification_status": "verified"}, "verification_status"),
    ({"password_hash": "$argon2id$forged"}, "password_hash"),
    ({"consultation_fee": 1}, "consultation_fee"),
    ({"bio": "New bio", "experience_years": -1}, "experience_years"),
    ({"city": "Pune", "experience_years": "ten"}, "experience_years"),
    ({"bio": "New bio", "email": "not-an-email"}, "email"),
    ({"bio": "New bio", "phone": "12345"}, "phone"),
    ({"bio": "New bio", "name": "   "}, "name"),
    ({"bio": "New bio", "specialty": ""}, "specialty"),
    ({"bio": "x" * 2001}, "bio"),
    ({"bio": "New bio", "city": "Pune\x00"}, "city"),
])
def test_doctor_update_refuses_and_changes_nothing(core: MedLink, fields: dict, bad_field: str) -> None:
    doctor, doctor_id, _ = doctor_session(core)
    before = doctor_row(core, doctor_id)
    with pytest.raises(ValidationError) as err:
        core.doctors.update_profile(doctor, **fields)
    assert err.value.field == bad_field
    assert doctor_row(core, doctor_id) == before
    assert audit_rows(core, action="doctor.profile.update") == []


def test_doctor_cannot_take_another_doctors_email(core: MedLink) -> None:
    doctor, doctor_id, _ = doctor_session(core)
    _, _, other = doctor_session(core)
    before = doctor_row(core, doctor_id)
    with pytest.raises(ConflictError) as err:
        core.doctors.update_profile(doctor, email=other["email"].upper(), bio="Changed")
    assert err.value.field == "email"
    assert doctor_row(core, doctor_id) == before


def test_changing_a_verified_credential_sends_the_profile_back_for_verification(core: MedLink) -> None:
    doctor, doctor_id, _ = _verified_doctor(core)
    patient, _, _ = patient_session(core)
    core.doctors.update_profile(doctor, hospital="New Hope Hospital", city="Nagpur")  # not a credential
    assert doctor_row(core, doctor_id)["verification_status"] == "verified"
    saved = core.doctors.update_profile(doctor, specialty="Oncology")
    assert saved.verification_status == doctor_row(core, doctor_id)["verification_status"] == "pending"
    assert core.doctors.search(text="Oncology").total == 0  # unchecked claims are not listed
    with pytest.raises(NotFound):
        core.doctors.profile(doctor_id, patient)
    assert audit_rows(core, action="doctor.profile.update")[-1]["detail"] == "specialty;re-verification"


def test_saving_the_same_credential_again_keeps_the_verification(core: MedLink) -> None:
    doctor, doctor_id, form = _verified_doctor(core)
    core.doctors.update_profile(doctor, qualifications=form["qualifications"])
    assert doctor_row(core, doctor_id)["verification_status"] == "verified"


def test_a_rejected_doctor_resubmits_and_only_then(core: MedLink) -> None:
    admin = admin_session(core)
    doctor, doctor_id, _ = doctor_session(core)
    with pytest.raises(ConflictError):
        core.doctors.resubmit(doctor)  # pending: nothing to resubmit
    core.admin.reject_doctor(admin, doctor_id, "Registration number not found in the council register.")
    core.doctors.update_profile(doctor, qualifications="MBBS (AIIMS Delhi), MD Medicine")
    profile = core.doctors.resubmit(doctor)
    assert profile.verification_status == "pending" and profile.rejection_reason is None
    assert [d.doctor_id for d in core.admin.pending_doctors(admin)] == [doctor_id]
    patient, _, _ = patient_session(core)
    with pytest.raises(PermissionDenied):
        core.doctors.resubmit(patient)
