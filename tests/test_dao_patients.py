"""dao.patients: insert, get, by_email, update (allow-listed fields only), count."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.dao import patients
from medlink.db import Database, IntegrityViolation
from tests.factories import NOW, make_patient


def test_insert_and_get_the_profile(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = patients.insert(
            tx, email="asha@example.org", name="Asha Rao", phone="+91 98450 00001", password_hash="$argon2id$h",
            date_of_birth=dt.date(1990, 5, 17), gender="female", address="12 MG Road", medical_history="asthma",
            created_at=NOW)
    with db.transaction() as tx:
        row = patients.get(tx, patient_id)
        assert patients.get(tx, patient_id + 1) is None
    assert row == {
        "patient_id": patient_id, "email": "asha@example.org", "name": "Asha Rao", "phone": "+91 98450 00001",
        "date_of_birth": dt.date(1990, 5, 17), "gender": "female", "address": "12 MG Road",
        "medical_history": "asthma", "created_at": NOW, "is_active": 1,
    }
    assert "password_hash" not in row and "failed_logins" not in row


def test_by_email_ignores_case_on_both_backends(db: Database) -> None:
    patient_id = make_patient(db, email="Asha.Rao@Example.org")
    with db.transaction() as tx:
        assert patients.by_email(tx, "asha.rao@example.org")["patient_id"] == patient_id
        assert patients.by_email(tx, "Asha.Rao@Example.org")["patient_id"] == patient_id
        assert patients.by_email(tx, "ravi@example.org") is None


def test_update_changes_only_the_given_fields(db: Database) -> None:
    patient_id = make_patient(db, name="Asha Rao", phone="111", address="old")
    other_id = make_patient(db, name="Ravi Kumar", phone="222")
    with db.transaction() as tx:
        changed = patients.update(tx, patient_id, {"phone": "999", "address": "New Street 4",
                                                   "date_of_birth": dt.date(1991, 1, 2)})
    assert changed == 1
    with db.transaction() as tx:
        row = patients.get(tx, patient_id)
        other = patients.get(tx, other_id)
    assert (row["name"], row["phone"], row["address"], row["date_of_birth"]) == (
        "Asha Rao", "999", "New Street 4", dt.date(1991, 1, 2))
    assert (other["name"], other["phone"]) == ("Ravi Kumar", "222")


def test_update_of_an_unknown_patient_changes_nothing(db: Database) -> None:
    with db.transaction() as tx:
        assert patients.update(tx, 424242, {"name": "Ghost"}) == 0
        assert patients.update(tx, 424242, {}) == 0


@pytest.mark.parametrize("field", ["password_hash", "failed_logins", "locked_until", "is_active", "patient_id",
                                   "created_at", "name = 'x', email"])
def test_update_of_a_non_editable_field_raises_value_error(db: Database, field: str) -> None:
    patient_id = make_patient(db, name="Asha Rao")
    with pytest.raises(ValueError, match="not editable"), db.transaction() as tx:
        patients.update(tx, patient_id, {"name": "Changed", field: "x"})
    with db.transaction() as tx:
        assert patients.get(tx, patient_id)["name"] == "Asha Rao"


def test_update_email_to_a_taken_one_is_a_unique_violation(db: Database) -> None:
    make_patient(db, email="taken@example.org")
    patient_id = make_patient(db, email="mine@example.org")
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        patients.update(tx, patient_id, {"email": "TAKEN@example.org"})
    assert info.value.constraint == "uq_patient_email"


def test_count(db: Database) -> None:
    with db.transaction() as tx:
        assert patients.count(tx) == 0
        for _ in range(3):
            make_patient(tx)
        assert patients.count(tx) == 3
