"""Doctor verification by the administrator, and who may do it (issue 3), on SQLite and MariaDB."""

from __future__ import annotations

import dataclasses

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from medlink.services.session import Session
from tests.services_fixtures import (
    START,
    admin_session,
    audit_rows,
    doctor_row,
    doctor_session,
    open_core,
    patient_session,
    register_doctor,
)


@pytest.fixture
def core(settings: Settings) -> MedLink:
    with open_core(settings) as ml:
        yield ml


def _refusing_sessions(core: MedLink) -> dict[str, object]:
    """Every kind of caller that must not verify or reject a doctor."""
    patient, _, _ = patient_session(core)
    doctor, _, _ = doctor_session(core)
    ended = admin_session(core, "ended-admin")
    core.auth.logout(ended)
    live_admin = admin_session(core, "real-admin")
    forged = Session(role="admin", user_id=live_admin.user_id, name="real-admin")
    return {"patient": patient, "doctor": doctor, "ended admin": ended, "forged admin": forged, "none": None}


def test_only_a_live_admin_session_verifies_or_rejects(core: MedLink) -> None:
    doctor_id, _ = register_doctor(core)
    callers = _refusing_sessions(core)
    calls = {
        "admin.doctor.verify": lambda s: core.admin.verify_doctor(s, doctor_id),
        "admin.doctor.reject": lambda s: core.admin.reject_doctor(s, doctor_id, "Registration number not found."),
        "admin.pending.list": lambda s: core.admin.pending_doctors(s),
    }
    for action, call in calls.items():
        for who, session in callers.items():
            denied_before = len(audit_rows(core, action=action, outcome="denied"))
            with pytest.raises(PermissionDenied):
                call(session)
            denied = audit_rows(core, action=action, outcome="denied")
            assert len(denied) == denied_before + 1, (action, who)
            if action != "admin.pending.list":
                assert (denied[-1]["subject_role"], denied[-1]["subject_id"]) == ("doctor", doctor_id), who
    row = doctor_row(core, doctor_id)
    assert (row["verification_status"], row["verified_by"], row["rejection_reason"]) == ("pending", None, None)
    assert audit_rows(core, action="admin.doctor.verify", outcome="ok") == []
    assert audit_rows(core, action="admin.doctor.reject", outcome="ok") == []
    with pytest.raises(NotFound):
        core.doctors.profile(doctor_id)


def test_pending_list_shows_every_credential(core: MedLink) -> None:
    admin = admin_session(core)
    first_id, first = register_doctor(core)
    second_id, second = register_doctor(core, name="Dr. Meera Banerjee", specialty="Neurology", city="Kolkata",
                                        experience_years=15, qualifications="MBBS, MD, DM Neurology (NIMHANS)",
                                        bio="Headache clinic.", hospital_address="4 Park Street")
    verified_id, _ = register_doctor(core)
    core.admin.verify_doctor(admin, verified_id)
    pending = core.admin.pending_doctors(admin)
    assert [p.doctor_id for p in pending] == [first_id, second_id]
    for profile, form in ((pending[0], first), (pending[1], second)):
        for field in ("name", "email", "qualifications", "specialty", "hospital", "hospital_address", "city",
                      "experience_years", "bio"):
            assert getattr(profile, field) == form[field], field
        assert profile.registration_number == form["registration_number"].upper()
        assert profile.phone == "+919845067890"
        assert profile.verification_status == "pending"
    names = {f.name for f in dataclasses.fields(pending[0])}
    assert not names & {"password_hash", "failed_logins", "locked_until"}
    rows = audit_rows(core, action="admin.pending.list")
    assert rows[-1]["actor_role"] == "admin" and rows[-1]["actor_id"] == admin.user_id
    assert rows[-1]["detail"] == "2 doctors"


def test_verify_makes_the_doctor_visible(core: MedLink) -> None:
    admin = admin_session(core)
    patient, _, _ = patient_session(core)
    doctor_id, form = register_doctor(core)
    with pytest.raises(NotFound):
        core.doctors.profile(doctor_id, patient)
    core.admin.verify_doctor(admin, doctor_id)
    row = doctor_row(core, doctor_id)
    assert (row["verification_status"], row["verified_by"], row["verified_at"]) == ("verified", admin.user_id, START)
    profile = core.doctors.profile(doctor_id, patient)
    assert profile.verified is True and profile.name == form["name"]
    assert core.doctors.profile(doctor_id).specialty == form["specialty"]
    with pytest.raises(ConflictError):
        core.admin.verify_doctor(admin, doctor_id)
    with pytest.raises(ConflictError):
        core.admin.reject_doctor(admin, doctor_id, "Changed my mind about it.")
    assert doctor_row(core, doctor_id)["verification_status"] == "verified"
    ok = audit_rows(core, action="admin.doctor.verify", outcome="ok")
    assert len(ok) == 1
    assert (ok[0]["actor_role"], ok[0]["actor_id"]) == ("admin", admin.user_id)
    assert (ok[0]["subject_role"], ok[0]["subject_id"]) == ("doctor", doctor_id)


def test_reject_needs_a_reason_and_the_doctor_sees_it(core: MedLink) -> None:
    admin = admin_session(core)
    doctor_id, form = register_doctor(core)
    for reason in ("", "   ", "no", None):
        with pytest.raises(ValidationError) as err:
            core.admin.reject_doctor(admin, doctor_id, reason)
        assert err.value.field == "reason"
    assert doctor_row(core, doctor_id)["verification_status"] == "pending"
    reason = "Registration number KMC not found in the council register."
    core.admin.reject_doctor(admin, doctor_id, reason)
    row = doctor_row(core, doctor_id)
    assert (row["verification_status"], row["rejection_reason"], row["verified_by"]) == \
        ("rejected", reason, admin.user_id)
    doctor = core.auth.login("doctor", form["email"], form["password"])
    mine = core.doctors.my_profile(doctor)
    assert (mine.verification_status, mine.rejection_reason) == ("rejected", reason)
    with pytest.raises(ConflictError):
        core.admin.reject_doctor(admin, doctor_id, "A second rejection reason.")
    # a rejected doctor can still be verified after a second look
    core.admin.verify_doctor(admin, doctor_id)
    row = doctor_row(core, doctor_id)
    assert (row["verification_status"], row["rejection_reason"]) == ("verified", None)
    decisions = [r["action"] for r in audit_rows(core, outcome="ok") if r["action"].startswith("admin.doctor.")]
    assert decisions == ["admin.doctor.reject", "admin.doctor.verify"]
    assert reason not in "".join(r["detail"] for r in audit_rows(core))


def test_unknown_doctor_is_not_found(core: MedLink) -> None:
    admin = admin_session(core)
    for call in (lambda: core.admin.verify_doctor(admin, 999_999),
                 lambda: core.admin.reject_doctor(admin, 999_999, "No such application here.")):
        with pytest.raises(NotFound):
            call()
    assert audit_rows(core, action="admin.doctor.verify") == []


def test_unverified_profiles_are_hidden_except_from_their_owner(core: MedLink) -> None:
    admin = admin_session(core)
    patient, _, _ = patient_session(core)
    other_doctor, _, _ = doctor_session(core)
    pending, pending_id, _ = doctor_session(core)
    rejected, rejected_id, _ = doctor_session(core)
    core.admin.reject_doctor(admin, rejected_id, "Qualifications could not be confirmed.")
    for doctor_id, own in ((pending_id, pending), (rejected_id, rejected)):
        for viewer in (patient, other_doctor, None):
            with pytest.raises(NotFound):
                core.doctors.profile(doctor_id, viewer)
        assert core.doctors.profile(doctor_id, own).verified is False
        assert core.doctors.profile(doctor_id, admin).doctor_id == doctor_id
    with pytest.raises(NotFound):
        core.doctors.profile(123_456, patient)
