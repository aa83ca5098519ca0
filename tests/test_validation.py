"""Sign-up validation, each error naming its field (issue 3), through the services on both backends."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError, ValidationError
from tests.services_fixtures import (
    TODAY,
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


def _refused(core: MedLink, role: str, field: str, values: list[object]) -> None:
    register = register_patient if role == "patient" else register_doctor
    for value in values:
        with pytest.raises(ValidationError) as err:
            register(core, **{field: value})
        assert err.value.field == field, (field, value, str(err.value))
        assert str(err.value), value
    assert count(core, "patient_info") == count(core, "doctor_info") == 0
    assert audit_rows(core) == []


BAD_EMAILS = ["", "   ", "plainaddress", "@example.org", "asha@", "asha@example", "asha@@example.org",
              "asha rao@example.org", "asha..rao@example.org", "asha@-example.org", "asha@example..org",
              "asha@exam_ple.org", "asha@exam\nple.org", "a" * 250 + "@example.org", 42, None]
BAD_PHONES = ["987654321", "98765432101", "98765abcde", "5876543210", "1234567890", "0 58765 43210",
              "", "   ", "phone", "+0 123 4567", "+12345", "+1234567890123456", "98765-4321x", 9876543210]
BAD_DATES = [dt.date(2030, 1, 8), TODAY, "2030-01-07", "2031-01-01", "2001-02-30", "2001-13-01", "1990/05/17",
             "17-05-1990", "1990-5-17", "yesterday", "", None, 19900517, "1899-12-31"]
LONG = "a" * 101


@pytest.mark.parametrize("role", ["patient", "doctor"])
def test_bad_emails(core: MedLink, role: str) -> None:
    _refused(core, role, "email", BAD_EMAILS)


@pytest.mark.parametrize("role", ["patient", "doctor"])
def test_bad_phones(core: MedLink, role: str) -> None:
    _refused(core, role, "phone", BAD_PHONES)


def test_bad_dates_of_birth(core: MedLink) -> None:
    _refused(core, "patient", "date_of_birth", BAD_DATES)


@pytest.mark.parametrize("role", ["patient", "doctor"])
def test_bad_names(core: MedLink, role: str) -> None:
    _refused(core, role, "name", ["", "   ", "\t", LONG, "12345", "Asha\x00Rao", "Asha\nRao", "Asha\u200bRao",
                                  "Asha\u202eRao", None, 7])


def test_bad_patient_texts(core: MedLink) -> None:
    _refused(core, "patient", "gender", ["", "robot", "F", "Females", None])
    _refused(core, "patient", "address", ["x" * 501, "12 MG Road\x07", "12 MG Road\x00", 12])
    _refused(core, "patient", "medical_history", ["x" * 5001, "Asthma\x1b[31m", b"bytes"])


def test_bad_doctor_fields(core: MedLink) -> None:
    _refused(core, "doctor", "experience_years", [-1, 71, 1_000_000, "ten", "5.5", "-3", "", None, True, 5.0,
                                                  "1e3"])
    _refused(core, "doctor", "registration_number", ["", "ab", "-KMC123", "KMC#123", "KMC_123", "KMC'123",
                                                     "A" * 51, "KMC\x00123", "KMC;1", None])
    for field in ("qualifications", "specialty", "hospital", "city"):
        _refused(core, "doctor", field, ["", "   ", None])
    _refused(core, "doctor", "specialty", ["x" * 101, "Cardio\nlogy"])
    _refused(core, "doctor", "city", ["x" * 101])
    _refused(core, "doctor", "bio", ["x" * 2001, "bio\x00"])


def test_accepted_forms_are_stored_normalised(core: MedLink) -> None:
    phones = {"9876543210": "+919876543210", "+91 98765 43210": "+919876543210", "+919876543210": "+919876543210",
              "09876543210": "+919876543210", "(0) 98765-43210": "+919876543210",
              "+1 415 555 2671": "+14155552671", "+44 20 7946 0958": "+442079460958", "6000000000": "+916000000000"}
    for given, stored in phones.items():
        patient_id, _ = register_patient(core, phone=given)
        assert patient_row(core, patient_id)["phone"] == stored, given
    emails = {" O'Brien+tag@Example.Co.IN ": "o'brien+tag@example.co.in", "a@b.co": "a@b.co"}
    for given, stored in emails.items():
        patient_id, _ = register_patient(core, email=given)
        assert patient_row(core, patient_id)["email"] == stored
    for given, stored in (("1990-05-17", dt.date(1990, 5, 17)), (dt.date(2030, 1, 6), dt.date(2030, 1, 6)),
                          (" 2000-02-29 ", dt.date(2000, 2, 29))):
        patient_id, _ = register_patient(core, date_of_birth=given)
        assert patient_row(core, patient_id)["date_of_birth"] == stored
    patient_id, _ = register_patient(core, name="A" * 100, gender="prefer NOT to say",
                                     address="x" * 500, medical_history="Line 1\nLine 2\tTabbed")
    row = patient_row(core, patient_id)
    assert (row["name"], row["gender"], len(row["address"]), row["medical_history"]) == \
        ("A" * 100, "Prefer not to say", 500, "Line 1\nLine 2\tTabbed")
    for years in (0, 70, "0", " 7 "):
        doctor_id, _ = register_doctor(core, experience_years=years)
        assert doctor_row(core, doctor_id)["experience_years"] == int(str(years).strip())
    doctor_id, _ = register_doctor(core, registration_number="mci/12.345-b 9")
    assert doctor_row(core, doctor_id)["registration_number"] == "MCI/12.345-B 9"


def test_duplicate_email_is_a_conflict_on_email(core: MedLink) -> None:
    register_patient(core, email="asha@example.org")
    with pytest.raises(ConflictError) as err:
        register_patient(core, email="  ASHA@Example.org")
    assert err.value.field == "email"
    register_doctor(core, email="iyer@example.org")
    with pytest.raises(ConflictError) as err:
        register_doctor(core, email="Iyer@EXAMPLE.org")
    assert err.value.field == "email"
    assert count(core, "patient_info") == count(core, "doctor_info") == 1
    assert len(audit_rows(core, action="patient.signup")) == 1
    assert len(audit_rows(core, action="doctor.signup")) == 1


def test_duplicate_registration_number_is_a_conflict(core: MedLink) -> None:
    register_doctor(core, registration_number="KMC-77/2010")
    with pytest.raises(ConflictError) as err:
        register_doctor(core, registration_number="kmc-77/2010")
    assert err.value.field == "registration_number"
    assert count(core, "doctor_info") == 1


def test_a_plus91_number_must_be_an_indian_mobile() -> None:
    from medlink.services import validation

    assert validation.phone("+91 98765 43210") == "+919876543210"
    with pytest.raises(ValidationError) as info:
        validation.phone("+91 58765 43210")
    assert info.value.field == "phone"
    assert validation.phone("+44 20 7946 0958") == "+442079460958"
