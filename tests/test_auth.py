"""Sign-up, login, lockout, sessions and SQL-injection strings (issue 3), on SQLite and MariaDB."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import AccountLocked, AuthError, PermissionDenied, ValidationError
from medlink.services.clock import FixedClock
from medlink.services.session import Session
from tests.conftest import make_settings
from tests.services_fixtures import (
    ADMIN_PASSWORD,
    PASSWORD,
    START,
    TABLES,
    admin_row,
    admin_session,
    audit_rows,
    count,
    doctor_row,
    doctor_session,
    execute,
    one,
    open_core,
    patient_row,
    patient_session,
    register_doctor,
    register_patient,
    table_counts,
)

INJECTIONS = ("' OR '1'='1", '"; DROP TABLE patient_info; --', "admin'--", "1; DELETE FROM doctor_info")


@pytest.fixture
def core(settings: Settings) -> MedLink:
    with open_core(settings) as ml:
        yield ml


def _all_text(row: dict) -> str:
    return "\n".join(str(value) for value in row.values())


# -- sign-up happy paths ----------------------------------------------------------------------------
def test_register_patient_stores_clean_row_with_argon2id_hash(core: MedLink) -> None:
    password = "Plain-text-never-7"
    patient_id, _ = register_patient(core, name="  Asha   Rao ", email="  Asha.Rao@Example.ORG ",
                                     phone="098450 12345", password=password, gender="female",
                                     date_of_birth="1990-05-17")
    row = patient_row(core, patient_id)
    assert row["email"] == "asha.rao@example.org"
    assert row["name"] == "Asha Rao"
    assert row["phone"] == "+919845012345"
    assert row["gender"] == "Female"
    assert row["date_of_birth"] == dt.date(1990, 5, 17)
    assert row["address"] == "12 MG Road, Bengaluru"
    assert row["medical_history"] == "Mild asthma."
    assert row["created_at"] == START
    assert row["failed_logins"] == 0 and row["locked_until"] is None and row["is_active"] == 1
    assert row["password_hash"].startswith("$argon2id$")
    assert password not in _all_text(row)
    assert password.lower() not in _all_text(row).lower()
    # the account works with the password as given
    session = core.auth.login("patient", "ASHA.RAO@example.org", password)
    assert (session.role, session.user_id, session.name) == ("patient", patient_id, "Asha Rao")


def test_register_doctor_is_pending_with_clean_row(core: MedLink) -> None:
    password = "Doctor-secret-99"
    doctor_id, form = register_doctor(core, email="Dr.Iyer@Clinic.IN", phone="9845067890", password=password,
                                      registration_number="kmc-2020/123", experience_years="12")
    row = doctor_row(core, doctor_id)
    assert row["verification_status"] == "pending"
    assert row["verified_by"] is None and row["verified_at"] is None and row["rejection_reason"] is None
    assert row["email"] == "dr.iyer@clinic.in"
    assert row["phone"] == "+919845067890"
    assert row["registration_number"] == "KMC-2020/123"
    assert row["experience_years"] == 12
    for field in ("name", "qualifications", "specialty", "hospital", "city", "bio", "hospital_address"):
        assert row[field] == form[field], field
    assert row["password_hash"].startswith("$argon2id$")
    assert password not in _all_text(row)
    # a pending doctor can log in and sees that they await verification
    session = core.auth.login("doctor", "dr.iyer@clinic.in", password)
    assert core.doctors.my_profile(session).verification_status == "pending"


def test_create_admin_stores_argon2id_hash(core: MedLink) -> None:
    session = admin_session(core, "boss.admin")
    row = admin_row(core, "boss.admin")
    assert row["password_hash"].startswith("$argon2id$")
    assert ADMIN_PASSWORD not in _all_text(row)
    assert session.role == "admin" and session.user_id == row["admin_id"]
    with pytest.raises(ValidationError) as err:
        core.auth.create_admin(username="x y", password=ADMIN_PASSWORD)
    assert err.value.field == "username"
    assert count(core, "admins") == 1


# -- SQL injection -----------------------------------------------------------------------------------
PATIENT_VERBATIM = ("name", "address", "medical_history")
PATIENT_REFUSED = ("email", "phone", "date_of_birth", "gender")
DOCTOR_VERBATIM = ("name", "qualifications", "specialty", "hospital", "city", "bio", "hospital_address")
DOCTOR_REFUSED = ("email", "phone", "experience_years", "registration_number")


def test_injection_strings_in_every_patient_signup_field(core: MedLink) -> None:
    stored = 0
    for text in INJECTIONS:
        for field in PATIENT_VERBATIM:
            patient_id, _ = register_patient(core, **{field: text})
            stored += 1
            assert patient_row(core, patient_id)[field] == text, (field, text)
        for field in PATIENT_REFUSED:
            with pytest.raises(ValidationError) as err:
                register_patient(core, **{field: text})
            assert err.value.field == field, (field, text)
        # as a password it is just characters: hashed, and it works only for its own account
        patient_id, form = register_patient(core, password=text)
        stored += 1
        assert patient_row(core, patient_id)["password_hash"].startswith("$argon2id$")
        assert core.auth.login("patient", form["email"], text).user_id == patient_id
    counts = table_counts(core)
    assert counts["patient_info"] == stored
    assert counts["doctor_info"] == 0
    assert counts["audit_log"] >= stored


def test_injection_strings_in_every_doctor_signup_field(core: MedLink) -> None:
    stored = 0
    for text in INJECTIONS:
        for field in DOCTOR_VERBATIM:
            doctor_id, _ = register_doctor(core, **{field: text})
            stored += 1
            assert doctor_row(core, doctor_id)[field] == text, (field, text)
        for field in DOCTOR_REFUSED:
            with pytest.raises(ValidationError) as err:
                register_doctor(core, **{field: text})
            assert err.value.field == field, (field, text)
        doctor_id, form = register_doctor(core, password=text)
        stored += 1
        assert core.auth.login("doctor", form["email"], text).user_id == doctor_id
    counts = table_counts(core)
    assert counts["doctor_info"] == stored
    assert counts["patient_info"] == 0


def test_injection_strings_in_every_login_field(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, max_failed_logins=100)
    with open_core(settings) as core:
        admin_session(core, "clinic-admin")
        _, patient = register_patient(core)
        _, doctor = register_doctor(core)
        known = {"patient": patient["email"], "doctor": doctor["email"], "admin": "clinic-admin"}
        before = table_counts(core)
        failed_before = len(audit_rows(core, outcome="failed"))
        attempts = 0
        for role, login in known.items():
            for text in INJECTIONS:
                for args in ((text, PASSWORD), (text, text), (login, text), (f"{login}{text}", PASSWORD)):
                    with pytest.raises(AuthError) as err:
                        core.auth.login(role, *args)
                    assert str(err.value) == "The login or password is not correct.", (role, args)
                    attempts += 1
        for text in INJECTIONS:
            with pytest.raises(ValidationError) as err:
                core.auth.login(text, patient["email"], PASSWORD)
            assert err.value.field == "role"
        after = table_counts(core)
        assert set(after) == set(TABLES)
        assert after["audit_log"] == before["audit_log"] + attempts
        assert {k: v for k, v in after.items() if k not in ("audit_log", "audit_head")} == \
            {k: v for k, v in before.items() if k not in ("audit_log", "audit_head")}
        assert len(audit_rows(core, outcome="failed")) == failed_before + attempts
        # nothing was locked, nothing was deleted: the real passwords still work
        assert core.auth.login("patient", patient["email"], PASSWORD).role == "patient"
        assert core.auth.login("doctor", doctor["email"], PASSWORD).role == "doctor"
        assert core.auth.login("admin", "clinic-admin", ADMIN_PASSWORD).role == "admin"


# -- login protection ----------------------------------------------------------------------------------
def test_unknown_account_and_wrong_password_look_the_same(core: MedLink, monkeypatch: pytest.MonkeyPatch) -> None:
    patient_id, form = register_patient(core)
    burned: list[str] = []
    real_burn = core.passwords.burn_time

    def spy(password: str) -> None:
        burned.append(password)
        real_burn(password)

    monkeypatch.setattr(core.passwords, "burn_time", spy)
    with pytest.raises(AuthError) as unknown:
        core.auth.login("patient", "nobody@example.org", "Whatever-pass-1")
    assert burned == ["Whatever-pass-1"]
    with pytest.raises(AuthError) as wrong:
        core.auth.login("patient", form["email"], "Wrong-pass-1")
    assert burned == ["Whatever-pass-1"]  # a known account verifies its own hash instead
    assert str(unknown.value) == str(wrong.value)
    assert type(unknown.value) is type(wrong.value) is AuthError
    for role in ("doctor", "admin"):
        with pytest.raises(AuthError) as other:
            core.auth.login(role, "nobody", "Whatever-pass-1")
        assert str(other.value) == str(wrong.value)
    assert len(burned) == 3
    failed = audit_rows(core, action="patient.login", outcome="failed")
    assert [r["subject_id"] for r in failed] == [None, patient_id]
    assert all(r["actor_role"] == "anonymous" and r["actor_id"] is None for r in failed)


@pytest.mark.parametrize("role", ["patient", "doctor", "admin"])
def test_lockout_and_its_expiry(role: str, tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, max_failed_logins=3, lockout_minutes=15)
    clock = FixedClock(START)
    with open_core(settings, clock=clock) as core:
        table = {"patient": "patient_info", "doctor": "doctor_info", "admin": "admins"}[role]
        key = {"patient": "patient_id", "doctor": "doctor_id", "admin": "admin_id"}[role]
        if role == "admin":
            account_id = admin_session(core, "lock-admin").user_id
            login, password = "lock-admin", ADMIN_PASSWORD
        else:
            account_id, form = (register_patient if role == "patient" else register_doctor)(core)
            login, password = form["email"], form["password"]

        def state() -> tuple[int, dt.datetime | None]:
            row = one(core, f"SELECT failed_logins, locked_until FROM {table} WHERE {key} = ?", (account_id,))
            return row["failed_logins"], row["locked_until"]

        for expected in (1, 2):
            with pytest.raises(AuthError):
                core.auth.login(role, login, "Wrong-pass-0")
            assert state() == (expected, None)
        with pytest.raises(AccountLocked) as locked:
            core.auth.login(role, login, "Wrong-pass-0")
        until = START + dt.timedelta(minutes=15)
        assert locked.value.until == until
        assert "14:45" in str(locked.value)  # 09:15 UTC shown in local clinic time (UTC+5:30)
        assert state() == (3, until)
        # the right password is refused while locked, and does not unlock
        clock.advance(minutes=14, seconds=59)
        with pytest.raises(AccountLocked):
            core.auth.login(role, login, password)
        assert state() == (3, until)
        assert len(audit_rows(core, action=f"{role}.login", outcome="lockout")) == 1
        assert len(audit_rows(core, action=f"{role}.login", outcome="locked")) == 1
        clock.advance(seconds=2)
        session = core.auth.login(role, login, password)
        assert session.role == role
        assert state() == (0, None)


def test_expired_lock_starts_the_count_again(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, max_failed_logins=2, lockout_minutes=10)
    clock = FixedClock(START)
    with open_core(settings, clock=clock) as core:
        patient_id, form = register_patient(core)
        for _ in range(2):
            with pytest.raises((AuthError, AccountLocked)):
                core.auth.login("patient", form["email"], "Wrong-pass-0")
        assert patient_row(core, patient_id)["locked_until"] is not None
        clock.advance(minutes=11)
        with pytest.raises(AuthError) as err:
            core.auth.login("patient", form["email"], "Wrong-pass-0")
        assert not isinstance(err.value, AccountLocked)
        row = patient_row(core, patient_id)
        assert (row["failed_logins"], row["locked_until"]) == (1, None)


def test_success_clears_the_failure_count(tmp_path: Path, db_url: str) -> None:
    settings = make_settings(db_url, tmp_path, max_failed_logins=3, lockout_minutes=15)
    with open_core(settings) as core:
        patient_id, form = register_patient(core)
        for _ in range(2):
            with pytest.raises(AuthError):
                core.auth.login("patient", form["email"], "Wrong-pass-0")
        assert patient_row(core, patient_id)["failed_logins"] == 2
        core.auth.login("patient", form["email"], PASSWORD)
        assert patient_row(core, patient_id)["failed_logins"] == 0
        for _ in range(2):  # two more failures do not lock: the count started again
            with pytest.raises(AuthError) as err:
                core.auth.login("patient", form["email"], "Wrong-pass-0")
            assert not isinstance(err.value, AccountLocked)
        assert patient_row(core, patient_id)["locked_until"] is None


@pytest.mark.parametrize("role", ["patient", "doctor"])
def test_disabled_account_cannot_log_in(core: MedLink, role: str) -> None:
    if role == "patient":
        account_id, form = register_patient(core)
        execute(core, "UPDATE patient_info SET is_active = 0 WHERE patient_id = ?", (account_id,))
    else:
        account_id, form = register_doctor(core)
        execute(core, "UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (account_id,))
    with pytest.raises(AuthError) as err:
        core.auth.login(role, form["email"], PASSWORD)
    assert "disabled" in str(err.value)
    with pytest.raises(AuthError) as wrong:
        core.auth.login(role, form["email"], "Wrong-pass-0")
    assert str(wrong.value) == "The login or password is not correct."
    assert [r["outcome"] for r in audit_rows(core, action=f"{role}.login")] == ["disabled", "failed"]
    assert audit_rows(core, action=f"{role}.login", outcome="ok") == []


# -- sessions --------------------------------------------------------------------------------------------
def test_logout_ends_the_session(core: MedLink) -> None:
    session, patient_id, _ = patient_session(core)
    assert core.patients.profile(session).patient_id == patient_id
    core.auth.logout(session)
    with pytest.raises(PermissionDenied):
        core.patients.profile(session)
    with pytest.raises(PermissionDenied):
        core.patients.update_profile(session, address="Somewhere else 1")
    with pytest.raises(PermissionDenied):
        core.auth.change_password(session, PASSWORD, "Brand-new-pass-1")
    assert patient_row(core, patient_id)["address"] == "12 MG Road, Bengaluru"
    core.auth.logout(session)  # a second logout changes nothing
    rows = audit_rows(core, action="patient.logout")
    assert len(rows) == 1
    assert (rows[0]["actor_role"], rows[0]["actor_id"], rows[0]["subject_id"]) == ("patient", patient_id, patient_id)
    assert len(audit_rows(core, outcome="denied")) == 3


def test_forged_session_is_refused(core: MedLink) -> None:
    session, patient_id, _ = patient_session(core)
    forged = Session(role="patient", user_id=patient_id, name="Asha Rao")
    assert forged == session  # equal by value, but never started by a login
    with pytest.raises(PermissionDenied):
        core.patients.profile(forged)
    assert core.patients.profile(session).patient_id == patient_id


def test_auto_logoff_is_audited(core: MedLink) -> None:
    session, doctor_id, _ = doctor_session(core)
    core.auth.logout(session, reason="idle")
    rows = audit_rows(core, action="doctor.auto_logoff")
    assert len(rows) == 1 and rows[0]["actor_id"] == doctor_id and rows[0]["outcome"] == "ok"
    assert audit_rows(core, action="doctor.logout") == []
    with pytest.raises(PermissionDenied):
        core.doctors.my_profile(session)


def test_change_password(core: MedLink) -> None:
    session, patient_id, form = patient_session(core)
    old_hash = patient_row(core, patient_id)["password_hash"]
    with pytest.raises(ValidationError) as err:
        core.auth.change_password(session, "Not-the-password-1", "Brand-new-pass-1")
    assert err.value.field == "current_password"
    assert patient_row(core, patient_id)["password_hash"] == old_hash
    with pytest.raises(ValidationError) as weak:
        core.auth.change_password(session, PASSWORD, "short")
    assert weak.value.field == "new_password"
    assert patient_row(core, patient_id)["password_hash"] == old_hash
    core.auth.change_password(session, PASSWORD, "Brand-new-pass-1")
    new_hash = patient_row(core, patient_id)["password_hash"]
    assert new_hash != old_hash and new_hash.startswith("$argon2id$")
    assert core.auth.login("patient", form["email"], "Brand-new-pass-1").user_id == patient_id
    with pytest.raises(AuthError):
        core.auth.login("patient", form["email"], PASSWORD)
    assert [r["outcome"] for r in audit_rows(core, action="password.change")] == ["failed", "ok"]
