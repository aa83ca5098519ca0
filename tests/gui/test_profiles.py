"""Profiles (the patient's, the doctor's own and a doctor's public one), changing the password, and
log-off closing every screen that showed personal data."""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk

import pytest

from medlink.core import MedLink
from medlink.ui.app import MedLinkApp
from medlink.ui.doctor_profile import NOT_PUBLIC
from medlink.ui.forms import MISMATCH
from medlink.ui.screen import descendants
from medlink.ui.welcome import WelcomeScreen
from tests.gui.flows import (
    DOCTOR,
    PATIENT,
    SECRET,
    header_texts,
    register_doctor,
    register_patient,
    settle,
    sign_in,
    type_into,
    visible_texts,
    wait_for_screen,
)
from tests.gui.helpers import button_with_text

pytestmark = pytest.mark.gui


@pytest.fixture
def patient_app(fast_app: MedLinkApp, fast_ml: MedLink) -> MedLinkApp:
    register_patient(fast_ml)
    sign_in(fast_app, "patient", PATIENT["email"], SECRET, expect="patient_home")
    return fast_app


def open_profile(app: MedLinkApp, label: str = "My profile", name: str = "patient_profile"):
    button_with_text(app, label).invoke()
    return wait_for_screen(app, name)


def stored_patient(ml: MedLink) -> dict:
    with ml.db.transaction() as tx:
        return tx.query_one("SELECT name, phone, medical_history FROM patient_info WHERE email = ?",
                            (PATIENT["email"],))


def test_patient_changes_their_phone_and_the_database_holds_it(patient_app: MedLinkApp, fast_ml: MedLink) -> None:
    profile = open_profile(patient_app)
    assert profile.form.fields["phone"].get() == "+91 98470 12345"
    assert profile.form.fields["medical_history"].get() == PATIENT["medical_history"]
    type_into(profile.form.fields["phone"].widget, "91234 56789")
    button_with_text(profile, "Save changes").invoke()
    settle(patient_app, profile)
    assert profile.saved.cget("text") == "Your profile was saved."
    assert stored_patient(fast_ml)["phone"] == "+919123456789"
    assert profile.form.fields["phone"].get() == "+91 91234 56789"


def test_invalid_phone_is_shown_under_it_and_nothing_is_saved(patient_app: MedLinkApp, fast_ml: MedLink) -> None:
    profile = open_profile(patient_app)
    type_into(profile.form.fields["phone"].widget, "12345")
    button_with_text(profile, "Save changes").invoke()
    assert "10-digit mobile number" in profile.form.error_of("phone")
    assert profile.form.fields["phone"].get() == "12345"
    assert stored_patient(fast_ml)["phone"] == "+919847012345"


def test_cancel_puts_back_what_is_saved(patient_app: MedLinkApp) -> None:
    profile = open_profile(patient_app)
    type_into(profile.form.fields["medical_history"].widget, "Something else entirely")
    button_with_text(profile, "Cancel").invoke()
    assert profile.form.fields["medical_history"].get() == PATIENT["medical_history"]
    assert profile.saved.cget("text") == "Changes discarded."


def test_renaming_updates_the_header(patient_app: MedLinkApp, fast_ml: MedLink) -> None:
    profile = open_profile(patient_app)
    type_into(profile.form.fields["name"].widget, "Meera Nair")
    button_with_text(profile, "Save changes").invoke()
    settle(patient_app, profile)
    assert "Meera Nair" in header_texts(patient_app)
    assert stored_patient(fast_ml)["name"] == "Meera Nair"


def test_change_password_checks_the_confirmation_then_the_current_password(
        patient_app: MedLinkApp, fast_ml: MedLink) -> None:
    profile = open_profile(patient_app)
    section = profile.password
    for name, text in (("current_password", SECRET), ("new_password", "Neem-tree-2025"),
                       ("confirm_password", "Neem-tree-2026")):
        type_into(section.form.fields[name].widget, text)
    button_with_text(profile, "Change password").invoke()
    assert section.form.error_of("confirm_password") == MISMATCH
    type_into(section.form.fields["confirm_password"].widget, "Neem-tree-2025")
    type_into(section.form.fields["current_password"].widget, "not-my-password")
    button_with_text(profile, "Change password").invoke()
    settle(patient_app, profile)
    assert section.form.error_of("current_password") == "The current password is not correct."
    type_into(section.form.fields["current_password"].widget, SECRET)
    button_with_text(profile, "Change password").invoke()
    settle(patient_app, profile)
    assert section.done.cget("text") == "Your password was changed."
    assert all(f.get() == "" for f in section.form.fields.values())
    assert fast_ml.auth.login("patient", PATIENT["email"], "Neem-tree-2025").role == "patient"


def test_idle_log_off_closes_every_personal_screen(patient_app: MedLinkApp) -> None:
    profile = open_profile(patient_app)
    dialog = tk.Toplevel(patient_app)  # e.g. a receipt preview left open
    minutes = patient_app.ml.settings.idle_logoff_minutes
    assert patient_app.check_idle(now=patient_app._last_activity + minutes * 60 + 1) is True
    assert isinstance(patient_app.current_screen, WelcomeScreen)
    assert patient_app.session is None
    assert not profile.winfo_exists()
    assert not dialog.winfo_exists()
    screens = [w for w in patient_app.content.winfo_children()]
    assert screens == [patient_app.current_screen]
    entries = [w.get() for w in descendants(patient_app) if isinstance(w, ttk.Entry)]
    shown = visible_texts(patient_app) + " ".join(entries)
    assert PATIENT["email"] not in shown and "Allergic" not in shown and PATIENT["name"] not in shown
    # Signing in again builds the screens afresh.
    sign_in(patient_app, "patient", PATIENT["email"], SECRET, expect="patient_home")
    again = open_profile(patient_app)
    assert again is not profile and again.form.fields["phone"].get() == "+91 98470 12345"


def test_log_out_button_closes_the_screens_too(patient_app: MedLinkApp) -> None:
    home = patient_app.current_screen
    button_with_text(patient_app, "Log out").invoke()
    wait_for_screen(patient_app, "welcome")
    assert not home.winfo_exists()
    assert patient_app.dialogs == []


@pytest.fixture
def verified_doctor(fast_ml: MedLink) -> int:
    doctor_id = register_doctor(fast_ml)
    fast_ml.auth.create_admin(username="clinic-admin", password=SECRET)
    admin = fast_ml.auth.login("admin", "clinic-admin", SECRET)
    fast_ml.admin.verify_doctor(admin, doctor_id)
    fast_ml.auth.logout(admin)
    return doctor_id


def test_doctor_edits_own_profile_with_the_registration_number_read_only(
        fast_app: MedLinkApp, fast_ml: MedLink, verified_doctor: int) -> None:
    sign_in(fast_app, "doctor", DOCTOR["email"], SECRET, expect="doctor_home")
    own = open_profile(fast_app, "My profile", "doctor_own_profile")
    assert own.form.fields["registration_number"].get() == DOCTOR["registration_number"]
    assert "registration_number" not in own.form.values()
    type_into(own.form.fields["experience_years"].widget, "9")
    own.form.fields["contact_public"].widget.invoke()
    button_with_text(own, "Save changes").invoke()
    settle(fast_app, own)
    assert own.saved.cget("text") == "Your profile was saved."
    public = fast_ml.doctors.profile(verified_doctor)
    assert public.experience_years == 9 and public.email == DOCTOR["email"]


def test_changing_a_verified_specialty_asks_first_then_awaits_verification(
        fast_app: MedLinkApp, fast_ml: MedLink, verified_doctor: int) -> None:
    sign_in(fast_app, "doctor", DOCTOR["email"], SECRET, expect="doctor_home")
    own = open_profile(fast_app, "My profile", "doctor_own_profile")
    type_into(own.form.fields["specialty"].widget, "Cosmetology")
    fast_app.answers.append(False)  # "Save anyway?" -> no: nothing is sent
    button_with_text(own, "Save changes").invoke()
    settle(fast_app, own)
    assert fast_ml.doctors.profile(verified_doctor).specialty == "Dermatology"
    assert fast_app.dialogs[-1].title == "Verify again?"
    fast_app.answers.append(True)
    button_with_text(own, "Save changes").invoke()
    settle(fast_app, own)
    assert own.saved.cget("text") == "Your profile was saved and is awaiting verification again."
    with fast_ml.db.transaction() as tx:
        row = tx.query_one("SELECT specialty, verification_status FROM doctor_info WHERE doctor_id = ?",
                           (verified_doctor,))
    assert row == {"specialty": "Cosmetology", "verification_status": "pending"}
    assert "doctor_profile" not in fast_app._nav_buttons  # no public profile while unverified


def test_public_profile_shows_credentials_and_hides_private_contact(
        fast_app: MedLinkApp, fast_ml: MedLink, verified_doctor: int) -> None:
    register_patient(fast_ml)
    sign_in(fast_app, "patient", PATIENT["email"], SECRET, expect="patient_home")
    screen = fast_app.show("doctor_profile", doctor_id=verified_doctor, back="patient_home")
    settle(fast_app, screen)
    fast_app.update()
    text = visible_texts(screen)
    for shown in (DOCTOR["name"], "Dermatology", "SkinFirst Clinic", "14 Rajpur Road, Delhi", "8 years",
                  "MD Dermatology (PGIMER, 2016)", "Acne and pigmentation.", NOT_PUBLIC):
        assert shown in text
    assert DOCTOR["email"] not in text and "98111" not in text
    assert screen.badge.winfo_ismapped()
    screen.back_button.invoke()
    assert fast_app.current_screen.name == "patient_home"


def test_doctor_reaches_their_public_profile_from_the_navigation(
        fast_app: MedLinkApp, verified_doctor: int) -> None:
    sign_in(fast_app, "doctor", DOCTOR["email"], SECRET, expect="doctor_home")
    button_with_text(fast_app, "Public profile").invoke()
    screen = wait_for_screen(fast_app, "doctor_profile")
    assert screen.doctor_name.cget("text") == DOCTOR["name"]


def test_change_password_link_on_home_opens_the_password_section(patient_app: MedLinkApp) -> None:
    button_with_text(patient_app.current_screen, "Change password").invoke()
    profile = wait_for_screen(patient_app, "patient_profile")
    patient_app.update()
    current = profile.password.form.fields["current_password"].widget
    assert str(patient_app.tk.call("focus", "-lastfor", patient_app)) == str(current)
    top = current.winfo_rooty() - profile.scroll.canvas.winfo_rooty()
    assert 0 <= top < profile.scroll.canvas.winfo_height()
