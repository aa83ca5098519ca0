"""The password policy and argon2id rehashing, through sign-up and login (issue 3), on both backends."""

from __future__ import annotations

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import AuthError, ValidationError
from medlink.services.passwords import PasswordParams
from tests.services_fixtures import (
    admin_row,
    audit_rows,
    count,
    doctor_row,
    open_core,
    patient_row,
    register_doctor,
    register_patient,
)


@pytest.fixture
def core(settings: Settings) -> MedLink:
    with open_core(settings) as ml:
        yield ml


def test_length_limits(core: MedLink) -> None:
    for refused in ("Abc-de7", "", "x" * 129, "Abc-de7" + "!" * 122):
        with pytest.raises(ValidationError) as err:
            register_patient(core, password=refused)
        assert err.value.field == "password", len(refused)
        with pytest.raises(ValidationError) as err:
            register_doctor(core, password=refused)
        assert err.value.field == "password", len(refused)
    assert count(core, "patient_info") == count(core, "doctor_info") == 0
    for accepted in ("Abc-de78", "Zq9-" * 32):
        assert len(accepted) in (8, 128)
        patient_id, form = register_patient(core, password=accepted)
        assert core.auth.login("patient", form["email"], accepted).user_id == patient_id
        doctor_id, form = register_doctor(core, password=accepted)
        assert core.auth.login("doctor", form["email"], accepted).user_id == doctor_id
    with pytest.raises(ValidationError) as err:
        core.auth.create_admin(username="short-admin", password="Abc-de7")
    assert err.value.field == "password"
    assert count(core, "admins") == 0


def test_common_passwords_are_refused_in_any_case(core: MedLink) -> None:
    for common in ("Password123", "PASSWORD123", "password123", "LetMeIn1", "qwertyui", "Abcdefgh"):
        with pytest.raises(ValidationError) as err:
            register_patient(core, password=common)
        assert err.value.field == "password"
        assert "common" in str(err.value)
        with pytest.raises(ValidationError):
            core.auth.create_admin(username="admin-x", password=common)
    assert count(core, "patient_info") == count(core, "admins") == 0
    assert audit_rows(core) == []


def test_password_is_checked_exactly_as_typed(core: MedLink) -> None:
    spaced = "  Secret-pass  "
    patient_id, form = register_patient(core, password=spaced)
    for wrong in ("Secret-pass", " Secret-pass ", "  Secret-pass", "  secret-pass  "):
        with pytest.raises(AuthError):
            core.auth.login("patient", form["email"], wrong)
    assert core.auth.login("patient", form["email"], spaced).user_id == patient_id
    doctor_id, form = register_doctor(core, password="Secret-pass")
    with pytest.raises(AuthError):
        core.auth.login("doctor", form["email"], "secret-pass")
    with pytest.raises(AuthError):
        core.auth.login("doctor", form["email"], "Secret-pass ")
    assert core.auth.login("doctor", form["email"], "Secret-pass").user_id == doctor_id
    unicode_password = "Pässwörd-ॐ-42"
    patient_id, form = register_patient(core, password=unicode_password)
    assert core.auth.login("patient", form["email"], unicode_password).user_id == patient_id
    with pytest.raises(AuthError):
        core.auth.login("patient", form["email"], "Passwörd-ॐ-42")


def test_rehash_when_parameters_change(settings: Settings) -> None:
    with open_core(settings, params=PasswordParams(1, 1024, 1)) as old:
        patient_id, form = register_patient(old)
        doctor_id, doctor = register_doctor(old)
        old.auth.create_admin(username="rehash-admin", password="Admin-rehash-1")
        old_hash = patient_row(old, patient_id)["password_hash"]
        assert old_hash.startswith("$argon2id$v=19$m=1024,t=1,p=1$")
        old.auth.login("patient", form["email"], form["password"])  # same params: no rehash
        assert patient_row(old, patient_id)["password_hash"] == old_hash
    with open_core(settings, params=PasswordParams(2, 2048, 1)) as new:
        with pytest.raises(AuthError):  # a failed login does not rehash
            new.auth.login("patient", form["email"], "Wrong-pass-0")
        assert patient_row(new, patient_id)["password_hash"] == old_hash
        assert new.auth.login("patient", form["email"], form["password"]).user_id == patient_id
        new_hash = patient_row(new, patient_id)["password_hash"]
        assert new_hash != old_hash
        assert new_hash.startswith("$argon2id$v=19$m=2048,t=2,p=1$")
        assert new.auth.login("patient", form["email"], form["password"]).user_id == patient_id
        assert patient_row(new, patient_id)["password_hash"] == new_hash  # once is enough
        new.auth.login("doctor", doctor["email"], doctor["password"])
        assert "m=2048,t=2" in doctor_row(new, doctor_id)["password_hash"]
        new.auth.login("admin", "rehash-admin", "Admin-rehash-1")
        assert "m=2048,t=2" in admin_row(new, "rehash-admin")["password_hash"]
    with open_core(settings, params=PasswordParams(1, 1024, 1)) as old_again:
        # the older desktop still accepts the stronger hash
        assert old_again.auth.login("patient", form["email"], form["password"]).user_id == patient_id
        # ...and does not weaken it back to its own cheaper parameters
        assert patient_row(old_again, patient_id)["password_hash"] == new_hash
