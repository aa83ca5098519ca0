"""The welcome screen: what everyone sees first, the two portals, and the hidden admin entry."""

from __future__ import annotations

from typing import Any

import pytest

from medlink.ui.app import MedLinkApp, ShownDialog
from medlink.ui.screen import Screen
from medlink.ui.welcome import TAGLINE, WelcomeScreen
from tests.gui.helpers import button_with_text, buttons, label_texts, pump, wait_until

pytestmark = pytest.mark.gui


class Destination(Screen):
    """Stands in for a screen a later release adds."""

    shown = 0

    def refresh(self, **context: Any) -> None:
        type(self).shown += 1


def destination(name: str) -> type[Screen]:
    return type(f"Destination_{name}", (Destination,), {"shown": 0})


def test_window_titled_medlink_shows_welcome_with_both_portals(app: MedLinkApp) -> None:
    assert app.title() == "MedLink"
    assert isinstance(app.current_screen, WelcomeScreen)
    assert app.current_screen.winfo_ismapped()
    patient = button_with_text(app, "Patient portal")
    doctor = button_with_text(app, "Doctor portal")
    assert patient.winfo_ismapped() and doctor.winfo_ismapped()
    assert TAGLINE in label_texts(app.current_screen)


def test_no_visible_admin_entry(app: MedLinkApp) -> None:
    texts = [str(b.cget("text")).lower() for b in buttons(app) if b.winfo_ismapped()]
    assert not [t for t in texts if "admin" in t]


def test_background_fills_the_screen_and_follows_resizes(app: MedLinkApp) -> None:
    screen = app.current_screen
    assert isinstance(screen, WelcomeScreen)

    def backdrop_matches() -> bool:
        names = app.tk.splitlist(screen.backdrop.cget("image"))
        if not names:
            return False
        size = (int(app.tk.call("image", "width", names[0])), int(app.tk.call("image", "height", names[0])))
        return size == (screen.winfo_width(), screen.winfo_height())

    wait_until(app, backdrop_matches)
    app.geometry("1000x650")
    wait_until(app, lambda: screen.winfo_width() == 1000)
    wait_until(app, backdrop_matches)


def test_portal_without_its_screen_says_so(app: MedLinkApp) -> None:
    app.screens.pop("doctor_login", None)  # as in a build without the doctor portal
    button_with_text(app, "Doctor portal").invoke()
    assert isinstance(app.current_screen, WelcomeScreen)
    assert app.dialogs == [
        ShownDialog("info", "Doctor portal", "The doctor portal is not available in this version yet.")]


def test_portals_navigate_by_name_once_registered(app: MedLinkApp) -> None:
    patient_login, doctor_login = destination("patient_login"), destination("doctor_login")
    app.register_screen("patient_login", patient_login)
    app.register_screen("doctor_login", doctor_login)
    button_with_text(app, "Patient portal").invoke()
    assert isinstance(app.current_screen, patient_login)
    app.show("welcome")
    button_with_text(app, "Doctor portal").invoke()
    assert isinstance(app.current_screen, doctor_login)
    assert app.dialogs == []


def test_tab_moves_between_portals_and_enter_opens_the_focused_one(app: MedLinkApp) -> None:
    doctor_login = destination("doctor_login")
    app.register_screen("doctor_login", doctor_login)
    patient = button_with_text(app, "Patient portal")
    doctor = button_with_text(app, "Doctor portal")
    # The keyboard starts on the patient portal: it gets the focus whenever the window does.
    assert str(app.tk.call("focus", "-lastfor", app)) == str(patient)
    assert patient.tk_focusNext() is doctor
    assert doctor.tk_focusNext() is patient
    doctor.focus_force()
    wait_until(app, lambda: app.focus_get() is doctor)
    doctor.event_generate("<Return>")
    wait_until(app, lambda: isinstance(app.current_screen, doctor_login))


@pytest.mark.parametrize("keys", ["<Control-Shift-A>", "<Control-Shift-a>"])
def test_admin_shortcut_opens_the_hidden_admin_login(app: MedLinkApp, keys: str) -> None:
    admin_login = destination("admin_login")
    app.register_screen("admin_login", admin_login)
    patient = button_with_text(app, "Patient portal")
    patient.focus_force()
    wait_until(app, lambda: app.focus_get() is patient)
    patient.event_generate(keys)
    wait_until(app, lambda: isinstance(app.current_screen, admin_login))
    assert admin_login.shown == 1


def test_admin_shortcut_without_admin_screen_does_nothing(app: MedLinkApp) -> None:
    app.screens.pop("admin_login", None)  # as in a build without the administrator's screens
    patient = button_with_text(app, "Patient portal")
    patient.focus_force()
    wait_until(app, lambda: app.focus_get() is patient)
    patient.event_generate("<Control-Shift-A>")
    pump(app)
    assert isinstance(app.current_screen, WelcomeScreen)
    assert app.dialogs == []
