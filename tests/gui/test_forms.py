"""The pure parts of the account screens: form checks, banners, table rows, formatting (no display)."""

from __future__ import annotations

import datetime as dt

from medlink.models import DoctorProfile
from medlink.ui.admin_audit import audit_row, party
from medlink.ui.admin_home import REASON_TOO_SHORT, check_reason, credentials
from medlink.ui.doctor_home import PENDING_TEXT, status_banner
from medlink.ui.forms import MISMATCH, changed_fields, collect_errors, confirmation_error, password_errors
from medlink.ui.navigation import navigation_for
from medlink.ui.patient_profile import check_patient_profile
from medlink.ui.signup import check_doctor_signup, check_patient_signup
from medlink.ui.widgets import age_on, greeting, long_date, phone_display
from tests.gui.flows import DOCTOR, PATIENT

TODAY = dt.date(2026, 11, 27)


def doctor(**changes: object) -> DoctorProfile:
    values = dict(
        doctor_id=7, name="Dr. Sana Kapoor", email="sana@example.in", phone="+919811122233",
        qualifications="MBBS, MD", specialty="Dermatology", hospital="SkinFirst", hospital_address="",
        city="Delhi", experience_years=8, registration_number="DMC/R/1", bio=None, contact_public=False,
        slot_minutes=15, verification_status="pending", rejection_reason=None, verified_at=None,
        created_at=dt.datetime(2026, 11, 1, 9, 30))
    values.update(changes)
    return DoctorProfile(**values)  # type: ignore[arg-type]


def test_confirmation_is_compared_exactly_as_typed() -> None:
    assert confirmation_error("Tulsi-2024", "Tulsi-2024") is None
    assert confirmation_error("Tulsi-2024", "Tulsi-2024 ") == MISMATCH
    assert confirmation_error("Tulsi-2024", "tulsi-2024") == MISMATCH


def test_password_errors_report_the_policy_before_the_confirmation() -> None:
    assert password_errors({"password": "short", "confirm_password": "short"}) == {
        "password": "Use at least 8 characters."}
    assert password_errors({"password": "Tulsi-garden-1", "confirm_password": "x"}) == {"confirm_password": MISMATCH}
    assert password_errors({"password": "Tulsi-garden-1", "confirm_password": "Tulsi-garden-1"}) == {}


def test_collect_errors_keeps_the_service_messages_by_field() -> None:
    from medlink.services import validation

    found = collect_errors({"email": "a@", "phone": "98470 12345"},
                           {"email": validation.email, "phone": validation.phone})
    assert found == {"email": "Enter an e-mail address such as name@example.com."}


def test_complete_sign_up_forms_pass() -> None:
    assert check_patient_signup(PATIENT, TODAY) == {}
    assert check_doctor_signup(DOCTOR) == {}


def test_patient_sign_up_finds_each_problem() -> None:
    found = check_patient_signup({**PATIENT, "date_of_birth": "2030-01-01", "gender": "", "name": "  "}, TODAY)
    assert found == {"date_of_birth": "The date of birth must be in the past.", "gender": "Enter the gender.",
                     "name": "Enter the name."}


def test_profile_check_and_changed_fields() -> None:
    saved = {"name": "Meera", "phone": "+91 98470 12345", "address": ""}
    assert changed_fields({"name": " Meera ", "phone": "+91 98470 12345", "address": ""}, saved) == {}
    assert changed_fields({"name": "Meera", "phone": "9123456789", "address": ""}, saved) == {"phone": "9123456789"}
    assert "phone" in check_patient_profile({**PATIENT, "phone": "123"}, TODAY)


def test_rejection_reason_needs_five_characters() -> None:
    assert check_reason("  no  ") == REASON_TOO_SHORT
    assert check_reason("Not on the register") is None


def test_banner_for_each_verification_state() -> None:
    kind, _title, message, badge = status_banner(doctor())
    assert (kind, message, badge) == ("warn", PENDING_TEXT, False)
    kind, title, message, badge = status_banner(doctor(verification_status="rejected", rejection_reason="Bad number"))
    assert kind == "alert" and "Bad number" in message and "What to do" in message and not badge
    kind, title, _message, badge = status_banner(doctor(verification_status="verified",
                                                        verified_at=dt.datetime(2026, 11, 20, 8)))
    assert badge and title == "Verified by MedLink since 20 November 2026"


def test_admin_sees_every_credential() -> None:
    shown = dict(credentials(doctor(bio="Acne care", contact_public=True)))
    assert shown["Registration no."] == "DMC/R/1" and shown["Qualifications"] == "MBBS, MD"
    assert shown["Short bio"] == "Acne care" and shown["Contact public"] == "Yes"
    assert shown["Hospital address"] == "Not given"


def test_audit_rows_read_as_people_and_local_time() -> None:
    entry = {"audit_id": 12, "occurred_at": dt.datetime(2026, 11, 27, 3, 0), "actor_role": "anonymous",
             "actor_id": None, "action": "patient.login", "subject_role": "patient", "subject_id": 4,
             "outcome": "failed", "detail": "failure 1"}
    row = audit_row(entry, dt.timedelta(hours=5, minutes=30))
    assert list(row.values) == ["2026-11-27 08:30:00", "Not signed in", "patient.login", "Patient #4", "failed",
                                "failure 1"]
    assert party(None, None) == "\u2014" and party("admin", 1) == "Admin #1"


def test_formatting() -> None:
    assert phone_display("+919847012345") == "+91 98470 12345"
    assert phone_display("+447700900123") == "+447700900123"
    assert long_date(dt.date(1988, 3, 4)) == "4 March 1988"
    assert age_on(dt.date(1988, 11, 28), TODAY) == 37 and age_on(dt.date(1988, 11, 27), TODAY) == 38
    assert [greeting(h) for h in (7, 13, 19)] == ["Good morning", "Good afternoon", "Good evening"]


class FakeApp:
    def __init__(self, screens: set[str]) -> None:
        self.screens = screens

    def has_screen(self, name: str) -> bool:
        return name in self.screens


def test_navigation_lists_only_existing_screens_and_public_profile_once_verified() -> None:
    app = FakeApp({"doctor_home", "doctor_own_profile", "doctor_profile"})
    assert navigation_for(app, "doctor") == [("Home", "doctor_home"), ("My profile", "doctor_own_profile")]
    assert navigation_for(app, "doctor", verified=True)[-1] == ("Public profile", "doctor_profile")
    assert navigation_for(FakeApp({"patient_home"}), "patient") == [("Home", "patient_home")]
