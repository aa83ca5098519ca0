"""A clinic for the doctor-side GUI tests: a core on a fixed clock (so "after the start" of an
appointment is reachable without waiting), a verified doctor with weekly hours, a patient, and a
window signed in as the doctor.

The clock stands at Monday 30 November 2026, 08:30 local (03:00 UTC) until a test moves it.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.models import Appointment
from medlink.services.clock import FixedClock
from medlink.services.passwords import PasswordParams
from medlink.services.session import Session
from medlink.ui.app import MedLinkApp
from medlink.ui.screen import Screen
from tests.gui.flows import DOCTOR, PATIENT, SECRET, register_doctor, register_patient, sign_in, wait_for_screen
from tests.gui.helpers import button_with_text, wait_until

NOW = dt.datetime(2026, 11, 30, 3, 0)      # UTC: Monday 30 November 2026, 08:30 in the clinic
MONDAY = dt.date(2026, 11, 30)
TUESDAY = dt.date(2026, 12, 1)
WEEKDAYS = [(w, "09:00", "13:00") for w in range(5)]
ADMIN_PASSWORD = "Admin-staple-77"


class Clinic:
    """The core, its clock, a verified doctor (hours Monday to Friday 09:00-13:00, 15-minute slots)
    and a signed-in patient."""

    def __init__(self, tmp_path: Path, meet_provider: str) -> None:
        settings = Settings.load(
            env_file=tmp_path / "no.env", db_url=f"sqlite:///{tmp_path / 'gui.db'}", data_dir=tmp_path / "data",
            records_dir=tmp_path / "records", outbox_dir=tmp_path / "outbox", meet_provider=meet_provider)
        self.clock = FixedClock(NOW)
        self.ml = MedLink(settings, clock=self.clock, password_params=PasswordParams(1, 1024, 1))
        self.ml.init_db()
        self.ml.auth.create_admin(username="admin", password=ADMIN_PASSWORD)
        admin = self.ml.auth.login("admin", "admin", ADMIN_PASSWORD)
        self.doctor_id = register_doctor(self.ml)
        self.ml.admin.verify_doctor(admin, self.doctor_id)
        self.doctor = self.ml.auth.login("doctor", DOCTOR["email"], SECRET)
        self.ml.doctors.set_availability(self.doctor, WEEKDAYS, slot_minutes=15)
        self.patient_id = register_patient(self.ml)
        self.patient: Session = self.ml.auth.login("patient", PATIENT["email"], SECRET)

    def book(self, *, date: dt.date = TUESDAY, time: str = "10:00", mode: str = "online",
             reason: str = "Cough for a week") -> Appointment:
        """The patient books through the service, as the patient's screens would."""
        return self.ml.appointments.book(self.patient, doctor_id=self.doctor_id, date=date, time=time, mode=mode,
                                         reason=reason)

    def set_local(self, day: dt.date, hhmm: str) -> None:
        """Move the clock so that clinic time is ``day`` at ``hhmm``."""
        self.clock.utc = dt.datetime.combine(day, dt.time.fromisoformat(hhmm)) - self.clock.local_offset

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self.ml.db.transaction() as tx:
            return tx.query(sql, params)

    def close(self) -> None:
        self.ml.close()


@pytest.fixture
def make_clinic(tmp_path: Path) -> Iterator[Callable[..., Clinic]]:
    """``make_clinic(meet_provider="manual")``: one clinic per test, closed afterwards."""
    made: list[Clinic] = []

    def make(meet_provider: str = "manual") -> Clinic:
        made.append(Clinic(tmp_path, meet_provider))
        return made[-1]

    yield make
    for clinic in made:
        clinic.close()


@pytest.fixture
def clinic(make_clinic: Callable[..., Clinic]) -> Clinic:
    return make_clinic()


@pytest.fixture
def open_app(make_clinic: Callable[..., Clinic]) -> Iterator[Callable[[Clinic], MedLinkApp]]:
    """``open_app(clinic)``: the window on the clinic's core, dialogs recorded, the mail worker off.
    (It depends on ``make_clinic`` so the windows close before the cores do.)"""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        pytest.skip("GUI tests need an X display: DISPLAY is not set (run them under `xvfb-run -a`)")
    windows: list[MedLinkApp] = []

    def open_window(clinic: Clinic) -> MedLinkApp:
        window = MedLinkApp(clinic.ml)
        window.testing = True
        window.mail_worker_enabled = False
        window.update()
        windows.append(window)
        return window

    yield open_window
    for window in windows:
        window.destroy()
    windows.clear()
    gc.collect()  # on the Tk thread, as in conftest


def doctor_window(clinic: Clinic, open_app: Callable[[Clinic], MedLinkApp]) -> MedLinkApp:
    """A window with the clinic's doctor signed in through the login screen, on their home."""
    app = open_app(clinic)
    sign_in(app, "doctor", DOCTOR["email"], SECRET, expect="doctor_home")
    return app


def go_to(app: MedLinkApp, label: str, screen: str) -> Screen:
    """Press the navigation item ``label`` and wait for ``screen`` to have loaded."""
    wait_until(app, lambda: any(b.cget("text") == label for b in app._nav_buttons.values()))
    button_with_text(app._nav_items, label).invoke()
    return wait_for_screen(app, screen)


def settle_all(app: MedLinkApp) -> None:
    """Wait until no background task of the window is pending (reads that keep the screen usable)."""
    from medlink.ui.tasks import pending_tasks

    wait_until(app, lambda: pending_tasks() == 0)
