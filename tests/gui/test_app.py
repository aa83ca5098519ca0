"""MedLinkApp: the screen router, navigation column, session header, dialogs and error reporting."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from tkinter import ttk
from types import SimpleNamespace
from typing import Any

import pytest

from medlink.errors import PermissionDenied, ServiceUnavailable, ValidationError
from medlink.ui.app import MedLinkApp, ShownDialog
from medlink.ui.screen import SCREEN_MODULES, SCREENS, Screen, ScreenRegistry, load_screen_modules
from medlink.ui.welcome import WelcomeScreen
from tests.gui.helpers import button_with_text, label_texts, wait_until

pytestmark = pytest.mark.gui


class CountingScreen(Screen):
    title = "Counting"

    def __init__(self, app: MedLinkApp) -> None:
        super().__init__(app)
        self.builds = 0
        self.refreshes: list[dict[str, Any]] = []

    def _build(self) -> None:
        self.builds += 1
        ttk.Label(self, text="Counting screen").pack()

    def refresh(self, **context: Any) -> None:
        self.refreshes.append(context)


class PatientOnlyScreen(Screen):
    roles = ("patient",)


def run_callback(app: MedLinkApp, callback: Callable[[], object]) -> None:
    """Invoke ``callback`` the way Tk runs a button command, so its errors take Tk's path."""
    button = ttk.Button(app, command=callback)
    button.invoke()
    button.destroy()


def test_window_size_and_resizable(app: MedLinkApp) -> None:
    assert (app.winfo_width(), app.winfo_height()) == (1100, 720)
    assert app.resizable() == (True, True)
    assert app.minsize() == (900, 600)


def test_show_builds_once_and_refreshes_on_every_show(app: MedLinkApp) -> None:
    app.register_screen("counting", CountingScreen)
    first = app.show("counting", doctor_id=7)
    app.show("welcome")
    second = app.show(CountingScreen, doctor_id=8)
    assert first is second is app.current_screen
    assert isinstance(first, CountingScreen)
    assert first.builds == 1
    assert first.refreshes == [{"doctor_id": 7}, {"doctor_id": 8}]
    assert app.title() == "MedLink — Counting"


def test_only_the_current_screen_is_mapped(app: MedLinkApp) -> None:
    welcome = app.current_screen
    app.register_screen("counting", CountingScreen)
    counting = app.show("counting")
    app.update()
    assert counting.winfo_ismapped()
    assert welcome is not None and not welcome.winfo_ismapped()


def test_unknown_screen_name_is_a_bug(app: MedLinkApp) -> None:
    with pytest.raises(LookupError, match="no_such_screen"):
        app.show("no_such_screen")


def test_the_table_of_screen_modules_names_every_screen_where_it_is_registered() -> None:
    load_screen_modules()
    registered = {name: cls.__module__ for name, cls in SCREENS.items() if cls.__module__.startswith("medlink.ui.")}
    assert registered == {name: f"medlink.ui.{module}" for name, module in SCREEN_MODULES.items()}


def test_the_registry_imports_a_module_on_first_lookup_and_finds_unlisted_screens() -> None:
    load_screen_modules()  # every screen module is loaded: the registry is given deliberately wrong places
    registry = ScreenRegistry({"counting": CountingScreen}, {"welcome": "welcome", "patient_login": "signup"})
    assert "patient_login" in registry and "counting" in registry
    assert registry["welcome"] is WelcomeScreen
    assert registry["patient_login"] is SCREENS["patient_login"]  # not in signup: found where it is
    assert "doctor_home" in registry  # listed nowhere: found among the registered screens
    registry.pop("doctor_login")
    assert "doctor_login" not in registry
    registry["doctor_login"] = CountingScreen
    assert registry["doctor_login"] is CountingScreen
    assert set(registry) == set(SCREENS) | {"counting"}
    assert "no_such_screen" not in registry
    with pytest.raises(KeyError):
        registry["no_such_screen"]


OPEN_THEN_SIGN_IN = """
import sys
from tests.conftest import make_settings
from medlink.core import MedLink
from medlink.ui.app import MedLinkApp
import json
import pathlib
tmp = pathlib.Path(sys.argv[1])
with MedLink(make_settings(f"sqlite:///{tmp / 'start.db'}", tmp)) as ml:
    ml.init_db()
    app = MedLinkApp(ml)
    app.update()
    print(json.dumps(sorted(m for m in sys.modules if m.startswith(("medlink.ui.", "medlink.services.",
                                                                     "tkcalendar", "pyperclip", "PIL")))))
    app.show("patient_login")
    print("medlink.ui.login" in sys.modules)
    app.destroy()
"""


def test_the_window_opens_with_the_welcome_screen_module_only(tmp_path: Path) -> None:
    if not os.environ.get("DISPLAY"):
        pytest.skip("needs an X display")
    done = subprocess.run([sys.executable, "-c", OPEN_THEN_SIGN_IN, str(tmp_path)], capture_output=True, text=True,
                          cwd=Path(__file__).resolve().parents[2], timeout=120)
    assert done.returncode == 0, done.stderr
    at_start, login_loaded = done.stdout.splitlines()
    assert json.loads(at_start) == ["medlink.services.clock", "medlink.ui.app", "medlink.ui.images",
                                    "medlink.ui.screen", "medlink.ui.tasks", "medlink.ui.theme", "medlink.ui.welcome"]
    assert login_loaded == "True"


def test_screen_with_roles_needs_a_matching_session(app: MedLinkApp) -> None:
    app.register_screen("patient_only", PatientOnlyScreen)
    with pytest.raises(PermissionDenied):
        app.show("patient_only")
    app.set_session(SimpleNamespace(role="doctor", name="Dr. Rao", user_id=1))
    with pytest.raises(PermissionDenied):
        app.show("patient_only")
    app.set_session(SimpleNamespace(role="patient", name="Asha", user_id=2))
    assert isinstance(app.show("patient_only"), PatientOnlyScreen)


def test_validation_error_in_a_callback_is_shown_with_its_message(app: MedLinkApp) -> None:
    def fail() -> None:
        raise ValidationError("Please enter a valid e-mail address.", field="email")

    run_callback(app, fail)
    assert app.dialogs == [
        ShownDialog("error", "Please check your input", "Please enter a valid e-mail address.")]


def test_service_unavailable_is_shown_plainly(app: MedLinkApp) -> None:
    error = ServiceUnavailable("The database cannot be reached.")
    app.report_callback_exception(ServiceUnavailable, error, None)
    assert app.dialogs == [ShownDialog("error", "Service unavailable", "The database cannot be reached.")]


def test_unexpected_error_is_logged_with_its_trace_and_shown_as_internal(
        app: MedLinkApp, caplog: pytest.LogCaptureFixture) -> None:
    def fail() -> None:
        raise RuntimeError("SELECT * FROM patient_info went wrong")

    with caplog.at_level(logging.ERROR, logger="medlink.ui"):
        run_callback(app, fail)
    log_file = app.ml.settings.log_file
    assert app.dialogs == [ShownDialog(
        "error", "Internal error", f"An internal error occurred. Details were written to {log_file}.")]
    assert "SELECT" not in app.dialogs[0].message
    [record] = [r for r in caplog.records if r.name == "medlink.ui"]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    written = log_file.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in written
    assert "RuntimeError: SELECT * FROM patient_info went wrong" in written


def test_ask_yes_no_answers_from_the_test_queue_then_the_default(app: MedLinkApp) -> None:
    app.answers.append(True)
    assert app.ask_yes_no("Cancel appointment", "Cancel the visit on 3 May?") is True
    assert app.ask_yes_no("Cancel appointment", "Cancel the visit on 4 May?") is False
    assert app.ask_yes_no("Leave", "Leave this page?", default=True) is True
    assert [d.kind for d in app.dialogs] == ["question"] * 3
    assert app.dialogs[0].message == "Cancel the visit on 3 May?"


def test_navigation_column_hidden_until_filled_and_marks_the_current_screen(app: MedLinkApp) -> None:
    app.register_screen("counting", CountingScreen)
    clicked = []
    assert not button_with_text_or_none(app, "Counting")
    app.set_navigation([("Counting", "counting"), ("Chat", lambda: clicked.append("chat"))])
    app.update()
    counting_button = button_with_text(app, "Counting")
    assert counting_button.winfo_ismapped()
    counting_button.invoke()
    assert isinstance(app.current_screen, CountingScreen)
    assert counting_button.instate(["selected"])
    button_with_text(app, "Chat").invoke()
    assert clicked == ["chat"]
    app.set_navigation([])
    app.update()
    assert not button_with_text_or_none(app, "Counting")


def button_with_text_or_none(app: MedLinkApp, text: str) -> bool:
    try:
        return button_with_text(app, text).winfo_ismapped()
    except AssertionError:
        return False


def test_header_shows_who_is_signed_in_and_log_out_returns_to_welcome(
        app: MedLinkApp, monkeypatch: pytest.MonkeyPatch) -> None:
    logged_out = []
    fake_auth = SimpleNamespace(
        logout=lambda s, reason: logged_out.append((s, reason, threading.current_thread())))
    monkeypatch.setattr(app.ml, "auth", fake_auth)
    assert not button_with_text(app, "Log out").winfo_ismapped()
    session = SimpleNamespace(role="doctor", name="Dr. Meera Iyer", user_id=4)
    app.set_session(session)
    app.register_screen("counting", CountingScreen)
    app.show("counting")
    app.update()
    assert {"Dr. Meera Iyer", "Doctor"} <= set(label_texts(app))
    button_with_text(app, "Log out").invoke()
    wait_until(app, lambda: logged_out)
    [(ended, reason, thread)] = logged_out
    assert ended is session and reason == "user"
    assert thread is not threading.main_thread()
    assert app.session is None
    assert isinstance(app.current_screen, WelcomeScreen)
    assert not button_with_text(app, "Log out").winfo_ismapped()


def test_idle_session_is_signed_out(app: MedLinkApp, monkeypatch: pytest.MonkeyPatch) -> None:
    reasons: list[str] = []
    monkeypatch.setattr(app.ml, "auth", SimpleNamespace(logout=lambda s, reason: reasons.append(reason)))
    app.set_session(SimpleNamespace(role="patient", name="Asha", user_id=2))
    minutes = app.ml.settings.idle_logoff_minutes
    start = app._last_activity
    assert app.check_idle(now=start + minutes * 60 - 1) is False
    assert app.session is not None
    assert app.check_idle(now=start + minutes * 60 + 1) is True
    assert app.session is None
    wait_until(app, lambda: reasons == ["idle"])
    assert app.dialogs == [ShownDialog("info", "Signed out",
                                       f"You were signed out after {minutes} minutes without activity.")]
