"""Sign-up screens: a patient signs up and lands at home; a doctor signs up and is told they await
verification; every error shows under its field, and nothing typed is lost when the service refuses."""

from __future__ import annotations

import pytest

from medlink.core import MedLink
from medlink.ui.app import MedLinkApp
from medlink.ui.forms import MISMATCH
from medlink.ui.signup import SignUpScreen
from tests.gui.flows import (
    DOCTOR,
    PATIENT,
    SECRET,
    fill,
    header_texts,
    log_out,
    register_patient,
    settle,
    sign_in,
    visible_texts,
    wait_for_screen,
)
from tests.gui.helpers import button_with_text

pytestmark = pytest.mark.gui


def open_sign_up(app: MedLinkApp, portal: str) -> SignUpScreen:
    button_with_text(app, portal).invoke()
    button_with_text(app.current_screen, "Create an account").invoke()
    screen = app.current_screen
    assert isinstance(screen, SignUpScreen)
    return screen


def count_patients(ml: MedLink) -> int:
    with ml.db.transaction() as tx:
        return int(tx.query_one("SELECT COUNT(*) AS n FROM patient_info")["n"])


def test_patient_signs_up_lands_at_home_then_signs_in_again(fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    screen = open_sign_up(fast_app, "Patient portal")
    fill(screen.form, PATIENT)
    button_with_text(screen, "Create account").invoke()
    home = wait_for_screen(fast_app, "patient_home")
    assert PATIENT["name"] in header_texts(fast_app)
    assert "Good" in home.greeting.cget("text") and "Meera" in home.greeting.cget("text")
    assert "+91 98470 12345" in visible_texts(home)  # the summary card, loaded from the database
    assert screen.form.values()["password"] == ""  # the sign-up form keeps nothing once done

    log_out(fast_app)
    sign_in(fast_app, "patient", PATIENT["email"], SECRET, expect="patient_home")
    assert PATIENT["name"] in header_texts(fast_app)
    assert fast_app.session is not None and fast_app.session.name == PATIENT["name"]


def test_doctor_signs_up_and_is_told_they_await_verification(fast_app: MedLinkApp) -> None:
    screen = open_sign_up(fast_app, "Doctor portal")
    fill(screen.form, DOCTOR)
    button_with_text(screen, "Send application").invoke()
    home = wait_for_screen(fast_app, "doctor_home")
    assert "awaiting verification" in home.banner.message.cget("text")
    assert "Patients cannot find or book you" in home.banner.message.cget("text")
    assert home.banner.winfo_ismapped()
    assert "Public profile" not in [b.cget("text") for b in fast_app._nav_buttons.values()]
    assert DOCTOR["name"] in header_texts(fast_app)


def test_bad_email_and_mismatched_confirmation_show_under_their_fields(
        fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    screen = open_sign_up(fast_app, "Patient portal")
    fill(screen.form, {**PATIENT, "email": "meera.pillai@", "confirm_password": SECRET + "x"})
    button_with_text(screen, "Create account").invoke()
    assert not screen.is_busy  # checked in the form: nothing was sent
    assert screen.form.error_of("email") == "Enter an e-mail address such as name@example.com."
    assert screen.form.error_of("confirm_password") == MISMATCH
    assert screen.form.error_of("name") == "" and screen.form.error_of("phone") == ""
    email = screen.form.fields["email"]
    assert email.widget.instate(["invalid"])
    fast_app.update()
    assert email.error.winfo_ismapped() and email.error.master is email.frame  # right under the field
    assert email.error.winfo_y() > email.widget.winfo_y() + email.widget.winfo_height() - 1
    assert abs(email.error.winfo_x() - email.widget.winfo_x()) <= 4
    assert count_patients(fast_ml) == 0
    # Correcting the fields clears the marks on the next try.
    fill(screen.form, {"email": PATIENT["email"], "confirm_password": SECRET})
    button_with_text(screen, "Create account").invoke()
    wait_for_screen(fast_app, "patient_home")
    assert count_patients(fast_ml) == 1


def test_every_problem_is_shown_at_once(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("patient_signup")
    button_with_text(screen, "Create account").invoke()
    shown = {name for name in screen.form.fields if screen.form.error_of(name)}
    assert {"name", "email", "phone", "date_of_birth", "gender", "password"} <= shown
    assert screen.form.message.cget("text") == "Please correct the fields marked in red."


def test_taken_email_is_shown_under_the_email_field_and_nothing_typed_is_lost(
        fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    register_patient(fast_ml)
    screen = fast_app.show("patient_signup")
    other = {**PATIENT, "name": "Meera P. Nair", "phone": "9123456780"}
    fill(screen.form, other)
    button_with_text(screen, "Create account").invoke()
    settle(fast_app, screen)
    assert fast_app.current_screen is screen and fast_app.session is None
    assert "already exists" in screen.form.error_of("email")
    assert screen.form.values() == other  # passwords included: nothing typed is lost


def test_doctor_form_checks_its_own_fields(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("doctor_signup")
    fill(screen.form, {**DOCTOR, "experience_years": "eight", "registration_number": "#", "qualifications": " "})
    button_with_text(screen, "Send application").invoke()
    assert screen.form.error_of("experience_years") == "Years of experience must be a whole number."
    assert "registration number" in screen.form.error_of("registration_number")
    assert screen.form.error_of("qualifications") == "Enter the qualifications and education."


def test_escape_goes_back_to_the_login_and_tab_leaves_a_text_box(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("patient_signup")
    fast_app.update()
    address = screen.form.fields["address"].widget
    address.focus_force()
    address.event_generate("<Tab>")
    fast_app.update()
    assert fast_app.focus_get() is screen.form.fields["medical_history"].widget
    assert screen.form.fields["address"].get() == ""  # Tab moved on; it typed nothing
    screen.form.fields["name"].widget.event_generate("<Escape>")
    assert fast_app.current_screen.name == "patient_login"


def test_the_mouse_wheel_scrolls_the_long_form_from_over_a_field(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("doctor_signup")
    fast_app.update()
    canvas = screen.scroll.canvas
    assert screen.scroll.scrollbar.winfo_ismapped()  # the form is longer than the card
    assert canvas.yview()[0] == 0.0
    screen.form.fields["name"].widget.event_generate("<Button-5>", x=5, y=5)
    fast_app.update()
    assert canvas.yview()[0] > 0.0
    # Tab into a field below the fold scrolls it into view.
    screen.scroll.scroll_to_top()
    fast_app.update()
    confirm = screen.form.fields["confirm_password"].widget
    confirm.focus_force()
    confirm.event_generate("<FocusIn>")
    fast_app.update()
    top = confirm.winfo_rooty() - canvas.winfo_rooty()
    assert top >= 0 and top + confirm.winfo_height() <= canvas.winfo_height()
