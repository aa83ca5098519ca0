"""The sign-in screens: what a failed sign-in shows, the keys, and the way to each home."""

from __future__ import annotations

import pytest

from medlink.core import MedLink
from medlink.errors import ServiceUnavailable
from medlink.services.auth import LOGIN_FAILED
from medlink.ui.app import MedLinkApp
from medlink.ui.login import LoginScreen
from medlink.ui.welcome import WelcomeScreen
from tests.gui.flows import PATIENT, SECRET, fill, header_texts, register_patient, settle, sign_in, wait_for_screen
from tests.gui.helpers import button_with_text, wait_until

pytestmark = pytest.mark.gui


def focus_target(app: MedLinkApp) -> str:
    """The widget that has (or gets, when the window is focused) the keyboard focus."""
    return str(app.tk.call("focus", "-lastfor", app))


def focus(app: MedLinkApp, widget) -> None:
    widget.focus_force()
    wait_until(app, lambda: app.focus_get() is widget)


def test_wrong_password_shows_on_the_form_clears_the_password_and_keeps_the_login(
        fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    register_patient(fast_ml)
    screen = sign_in(fast_app, "patient", PATIENT["email"], "not-the-password")
    assert isinstance(screen, LoginScreen) and fast_app.current_screen is screen
    assert screen.form.message is not None and screen.form.message.cget("text") == LOGIN_FAILED
    assert screen.form.message.winfo_ismapped()
    assert fast_app.session is None
    assert screen.form.fields["password"].get() == ""
    assert screen.form.fields["login"].get() == PATIENT["email"]
    assert fast_app.dialogs == []  # on the form, not in a pop-up


def test_unknown_account_gets_the_same_message(fast_app: MedLinkApp) -> None:
    screen = sign_in(fast_app, "doctor", "nobody@example.in", SECRET)
    assert screen.form.message.cget("text") == LOGIN_FAILED
    assert fast_app.session is None


def test_locked_account_says_until_when(fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    register_patient(fast_ml)
    for _ in range(fast_ml.settings.max_failed_logins):
        screen = sign_in(fast_app, "patient", PATIENT["email"], "wrong-password")
    assert "locked until" in screen.form.message.cget("text")
    screen = sign_in(fast_app, "patient", PATIENT["email"], SECRET)
    assert "locked until" in screen.form.message.cget("text")
    assert fast_app.session is None


def test_empty_fields_are_marked_without_calling_the_service(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("patient_login")
    button_with_text(screen, "Sign in").invoke()
    assert not screen.is_busy
    assert screen.form.error_of("login") == "Enter your e-mail address."
    assert screen.form.error_of("password") == "Enter your password."


def test_enter_in_the_password_field_signs_in_and_escape_goes_back(fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    register_patient(fast_ml)
    screen = fast_app.show("patient_login")
    fast_app.update()
    assert focus_target(fast_app) == str(screen.form.fields["login"].widget)  # the first field has the focus
    focus(fast_app, screen.form.fields["login"].widget)
    screen.form.fields["login"].widget.event_generate("<Escape>")
    wait_until(fast_app, lambda: isinstance(fast_app.current_screen, WelcomeScreen))

    screen = fast_app.show("patient_login")
    fill(screen.form, {"login": PATIENT["email"], "password": SECRET})
    password = screen.form.fields["password"].widget
    focus(fast_app, password)
    password.event_generate("<Return>")
    home = wait_for_screen(fast_app, "patient_home")
    assert fast_app.session is not None and fast_app.session.role == "patient"
    assert PATIENT["name"] in header_texts(fast_app)
    assert home.winfo_ismapped()


def test_tab_goes_from_login_to_password_to_sign_in(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("doctor_login")
    fast_app.update()
    login = screen.form.fields["login"].widget
    password = screen.form.fields["password"].widget
    assert login.tk_focusNext() is password
    assert password.tk_focusNext() is button_with_text(screen, "Sign in")


def test_create_an_account_link_opens_the_sign_up(fast_app: MedLinkApp) -> None:
    button_with_text(fast_app, "Doctor portal").invoke()
    screen = fast_app.current_screen
    assert screen is not None and screen.name == "doctor_login"
    button_with_text(screen, "Create an account").invoke()
    assert fast_app.current_screen.name == "doctor_signup"


def test_admin_login_has_no_sign_up_link_and_asks_for_a_name(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("admin_login")
    assert screen.form.fields["login"].label.cget("text") == "Administrator name"
    with pytest.raises(AssertionError):
        button_with_text(screen, "Create an account")


def test_password_is_masked(fast_app: MedLinkApp) -> None:
    screen = fast_app.show("patient_login")
    assert screen.form.fields["password"].widget.cget("show") != ""
    assert screen.form.fields["login"].widget.cget("show") == ""


def test_each_role_reaches_its_home(fast_app: MedLinkApp, fast_ml: MedLink) -> None:
    fast_ml.auth.create_admin(username="clinic-admin", password=SECRET)
    sign_in(fast_app, "admin", "clinic-admin", expect="admin_home")
    assert {"clinic-admin", "Administrator"} <= set(header_texts(fast_app))
    assert [b.cget("text") for b in fast_app._nav_buttons.values()] == ["Pending doctors", "Audit"]
    settle(fast_app)
    button_with_text(fast_app, "Log out").invoke()
    wait_for_screen(fast_app, "welcome")
    assert fast_app.session is None


def test_unreachable_database_shows_on_the_form(fast_app: MedLinkApp, fast_ml: MedLink,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def unreachable(role: str, login: str, password: str) -> None:
        raise ServiceUnavailable("The database cannot be reached. Check the network and try again.")

    monkeypatch.setattr(fast_ml.auth, "login", unreachable)
    screen = sign_in(fast_app, "patient", PATIENT["email"], SECRET)
    assert screen.form.message.cget("text") == "The database cannot be reached. Check the network and try again."
    assert screen.form.fields["login"].get() == PATIENT["email"]
    assert fast_app.dialogs == [] and fast_app.session is None


def test_an_unexpected_failure_is_reported_as_an_internal_error(fast_app: MedLinkApp, fast_ml: MedLink,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(role: str, login: str, password: str) -> None:
        raise RuntimeError("SELECT went wrong")

    monkeypatch.setattr(fast_ml.auth, "login", broken)
    screen = sign_in(fast_app, "patient", PATIENT["email"], SECRET)
    assert [d.title for d in fast_app.dialogs] == ["Internal error"]
    assert "SELECT" not in screen.form.message.cget("text")
    assert screen.form.fields["password"].get() == ""
