"""The audit trail: what is recorded, tamper detection, and no personal data in it or in the log
(issue 3), on SQLite and MariaDB."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from medlink.core import MedLink
from medlink.errors import AccountLocked, AuthError, PermissionDenied
from medlink.logging_setup import configure_logging
from medlink.services.clock import FixedClock
from medlink.services.session import Session
from tests.conftest import make_settings
from tests.services_fixtures import (
    START,
    admin_session,
    audit_rows,
    count,
    execute,
    open_core,
    register_doctor,
    register_patient,
)

PATIENT = dict(name="Kavya Subramaniam", email="kavya.subramaniam@example.org", phone="+91 99001 23456",
               address="Flat 4B, Lotus Towers, Koramangala", medical_history="Hypothyroidism since 2015.")
DOCTOR = dict(name="Dr. Hemant Chaturvedi", email="hemant.chaturvedi@example.org", phone="+91 98860 55555",
              registration_number="KMC-55555", hospital="Chaturvedi Heart Clinic", bio="Cardiac rehab.")
PERSONAL = [PATIENT["name"], "Kavya", "Subramaniam", PATIENT["email"], "kavya", "9900123456", "99001",
            "Lotus Towers", "Hypothyroidism", DOCTOR["name"], "Hemant", "Chaturvedi", DOCTOR["email"], "9886055555",
            "KMC-55555", "Cardiac rehab", "Abhishek", "Nair", "Wrong-pass-0", "Correct-horse-42"]


def full_flow(core: MedLink, clock: FixedClock) -> dict[str, int]:
    """Every audited kind of event once: sign-ups, logins (ok, failed, lockout, locked), logout,
    auto log-off, profile views and edits, admin decisions, refusals."""
    admin = admin_session(core, "audit-admin")
    patient_id, patient_form = register_patient(core, **PATIENT)
    doctor_id, doctor_form = register_doctor(core, **DOCTOR)
    rejected_id, _ = register_doctor(core, name="Dr. Abhishek Nair")
    with pytest.raises(AuthError):
        core.auth.login("patient", "nobody.known@example.org", "Wrong-pass-0")
    for _ in range(2):
        with pytest.raises(AuthError):
            core.auth.login("patient", PATIENT["email"], "Wrong-pass-0")
    with pytest.raises(AccountLocked):
        core.auth.login("patient", PATIENT["email"], "Wrong-pass-0")
    with pytest.raises(AccountLocked):
        core.auth.login("patient", PATIENT["email"], patient_form["password"])
    clock.advance(minutes=16)
    patient = core.auth.login("patient", PATIENT["email"], patient_form["password"])
    core.patients.profile(patient)
    core.patients.update_profile(patient, address="Flat 9C, Lotus Towers, Koramangala")
    core.admin.pending_doctors(admin)
    core.admin.verify_doctor(admin, doctor_id)
    core.admin.reject_doctor(admin, rejected_id, "Could not confirm Dr. Abhishek Nair's registration.")
    with pytest.raises(PermissionDenied):
        core.admin.verify_doctor(patient, rejected_id)
    core.doctors.profile(doctor_id, patient)
    doctor = core.auth.login("doctor", DOCTOR["email"], doctor_form["password"])
    core.doctors.my_profile(doctor)
    core.doctors.update_profile(doctor, bio="Cardiac rehab and prevention.", contact_public=True)
    core.auth.change_password(doctor, doctor_form["password"], "Another-pass-55")
    core.auth.logout(patient)
    core.auth.logout(doctor, reason="idle")
    core.auth.logout(admin)
    return {"admin": admin.user_id, "patient": patient_id, "doctor": doctor_id, "rejected": rejected_id}


@pytest.fixture
def flow(tmp_path: Path, db_url: str) -> tuple[MedLink, dict[str, int]]:
    settings = make_settings(db_url, tmp_path, max_failed_logins=3, lockout_minutes=15)
    clock = FixedClock(START)
    with open_core(settings, clock=clock) as core:
        yield core, full_flow(core, clock)


def _one(core: MedLink, action: str, outcome: str = "ok") -> dict:
    rows = audit_rows(core, action=action, outcome=outcome)
    assert len(rows) == 1, (action, outcome, rows)
    return rows[0]


def _who(row: dict) -> tuple:
    return row["actor_role"], row["actor_id"], row["subject_role"], row["subject_id"]


def test_every_event_is_recorded(flow: tuple[MedLink, dict[str, int]]) -> None:
    core, ids = flow
    p, d, a, r = ids["patient"], ids["doctor"], ids["admin"], ids["rejected"]
    assert _who(_one(core, "admin.create")) == ("admin", a, "admin", a)
    assert _who(_one(core, "patient.signup")) == ("patient", p, "patient", p)
    assert [_who(x) for x in audit_rows(core, action="doctor.signup")] == \
        [("doctor", d, "doctor", d), ("doctor", r, "doctor", r)]
    failed = audit_rows(core, action="patient.login", outcome="failed")
    assert [_who(x) for x in failed] == [("anonymous", None, None, None)] + [("anonymous", None, "patient", p)] * 2
    assert [x["detail"] for x in failed] == ["unknown account", "failure 1", "failure 2"]
    assert _who(_one(core, "patient.login", "lockout")) == ("anonymous", None, "patient", p)
    assert _who(_one(core, "patient.login", "locked")) == ("anonymous", None, "patient", p)
    assert _who(_one(core, "patient.login")) == ("patient", p, "patient", p)
    assert _who(_one(core, "doctor.login")) == ("doctor", d, "doctor", d)
    assert len(audit_rows(core, action="admin.login", outcome="ok")) == 1
    assert _who(_one(core, "patient.profile.view")) == ("patient", p, "patient", p)
    update = _one(core, "patient.profile.update")
    assert _who(update) == ("patient", p, "patient", p) and update["detail"] == "address"
    assert _who(_one(core, "admin.doctor.verify")) == ("admin", a, "doctor", d)
    assert _who(_one(core, "admin.doctor.reject")) == ("admin", a, "doctor", r)
    assert _who(_one(core, "admin.doctor.verify", "denied")) == ("patient", p, "doctor", r)
    assert _who(_one(core, "doctor.profile.view")) == ("patient", p, "doctor", d)
    assert _who(_one(core, "doctor.own_profile.view")) == ("doctor", d, "doctor", d)
    assert _one(core, "doctor.profile.update")["detail"] == "bio,contact_public"
    assert _who(_one(core, "password.change")) == ("doctor", d, "doctor", d)
    assert _who(_one(core, "patient.logout")) == ("patient", p, "patient", p)
    assert _who(_one(core, "doctor.auto_logoff")) == ("doctor", d, "doctor", d)
    assert _who(_one(core, "admin.logout")) == ("admin", a, "admin", a)
    rows = audit_rows(core)
    assert [x["audit_id"] for x in rows] == sorted(x["audit_id"] for x in rows)
    assert rows[0]["occurred_at"] == START and rows[-1]["occurred_at"] == START.replace(minute=16)
    check = core.audit.verify()
    assert check.ok and check.rows_checked == len(rows) == count(core, "audit_log")
    assert "intact" in check.describe()


def test_no_personal_data_in_the_audit_trail(flow: tuple[MedLink, dict[str, int]]) -> None:
    core, _ = flow
    text = "\n".join(" ".join(str(v) for v in row.values()) for row in audit_rows(core)).lower()
    for item in PERSONAL:
        assert item.lower() not in text, item


def test_no_personal_data_in_the_log_file(tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = make_settings(db_url, tmp_path, max_failed_logins=3, lockout_minutes=15, log_level="DEBUG")
    logger = logging.getLogger("medlink")
    monkeypatch.setattr(logger, "handlers", [])  # the handler of an earlier test writes to another folder
    monkeypatch.setattr(logger, "level", logger.level)
    configure_logging(settings.log_file, settings.log_level)
    try:
        clock = FixedClock(START)
        with open_core(settings, clock=clock) as core:
            full_flow(core, clock)
            with pytest.raises(PermissionDenied):  # an ended session, and a session never started
                core.patients.profile(Session("patient", 1, PATIENT["name"]))
    finally:
        for handler in logger.handlers:
            handler.close()
    log_text = settings.log_file.read_text(encoding="utf-8")
    assert "applying migration" in log_text  # the log was written to
    for item in PERSONAL:
        assert item.lower() not in log_text.lower(), item


def _verify_reports(core: MedLink, audit_id: int | None) -> str:
    check = core.audit.verify()
    assert not check.ok
    assert check.first_bad_id == audit_id
    return check.describe()


@pytest.mark.parametrize("column, value", [("detail", "nothing happened"), ("outcome", "ok"),
                                           ("actor_id", 999), ("action", "patient.profile.view")])
def test_a_changed_row_is_reported(flow: tuple[MedLink, dict[str, int]], column: str, value: object) -> None:
    core, _ = flow
    target = audit_rows(core, action="patient.login", outcome="failed")[1]["audit_id"]
    assert core.audit.verify().ok
    assert execute(core, f"UPDATE audit_log SET {column} = ? WHERE audit_id = ?", (value, target)) == 1
    assert f"row {target}" in _verify_reports(core, target)


def test_a_changed_row_with_a_recomputed_hash_is_reported_at_the_next_row(
        flow: tuple[MedLink, dict[str, int]]) -> None:
    from medlink.services.audit import row_hash

    core, _ = flow
    rows = audit_rows(core)
    target = rows[5]
    forged = dict(target, outcome="ok", detail="")
    execute(core, "UPDATE audit_log SET outcome = ?, detail = ?, row_hash = ? WHERE audit_id = ?",
            ("ok", "", row_hash(target["prev_hash"], forged), target["audit_id"]))
    _verify_reports(core, rows[6]["audit_id"])


def test_a_deleted_middle_row_is_reported(flow: tuple[MedLink, dict[str, int]]) -> None:
    core, _ = flow
    rows = audit_rows(core)
    middle = len(rows) // 2
    assert execute(core, "DELETE FROM audit_log WHERE audit_id = ?", (rows[middle]["audit_id"],)) == 1
    assert "removed" in _verify_reports(core, rows[middle + 1]["audit_id"])


def test_a_deleted_last_row_is_reported(flow: tuple[MedLink, dict[str, int]]) -> None:
    core, _ = flow
    last = audit_rows(core)[-1]
    assert execute(core, "DELETE FROM audit_log WHERE audit_id = ?", (last["audit_id"],)) == 1
    description = _verify_reports(core, None)
    assert "end of the trail" in description
    # deleting the record of the chain's head as well does not hide it either
    assert execute(core, "DELETE FROM audit_head") == 1
    assert "missing" in _verify_reports(core, None)
