"""What the window does for the doctor side beyond its screens: the background mail worker (sends the
outbox on a worker, never blocking Tk, one round at a time, off when told), the purge of decrypted
copies at start and log-out, and the doctor's navigation column."""

from __future__ import annotations

import threading
import time

import pytest

import medlink.ui.app as app_module
from medlink.ui.app import MedLinkApp
from tests.gui import doctor_clinic
from tests.gui.doctor_clinic import Clinic, doctor_window
from tests.gui.flows import PATIENT, SECRET, log_out, register_doctor, sign_in
from tests.gui.helpers import pump, wait_until

pytestmark = pytest.mark.gui
clinic, make_clinic, open_app = doctor_clinic.clinic, doctor_clinic.make_clinic, doctor_clinic.open_app


def eml_files(clinic: Clinic) -> list:
    folder = clinic.ml.settings.outbox_dir
    return sorted(folder.glob("*.eml")) if folder.is_dir() else []


def recipients(clinic: Clinic) -> set[str]:
    return {line for f in eml_files(clinic) for line in f.read_text().splitlines() if line.startswith("To:")}


def test_the_mail_worker_sends_on_a_worker_without_blocking_tk(clinic: Clinic, open_app, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "MAIL_START_DELAY_MS", 20)
    monkeypatch.setattr(app_module, "MAIL_INTERVAL_MS", 60)
    clinic.book(mode="offline")  # queues the confirmation (and the doctor's notice)
    assert eml_files(clinic) == []
    release, calls, threads = threading.Event(), [], []
    send_due = clinic.ml.mailer.send_due

    def slow_send_due():  # a mail server that takes its time
        calls.append(time.monotonic())
        threads.append(threading.current_thread())
        release.wait(10)
        return send_due()

    clinic.ml.mailer.send_due = slow_send_due  # type: ignore[method-assign]
    app = open_app(clinic)
    app.mail_worker_enabled = True
    try:
        ticks = []
        for delay in range(100, 600, 100):  # Tk keeps running its own timers meanwhile
            app.after(delay, lambda: ticks.append(time.monotonic()))
        wait_until(app, lambda: calls)
        pump(app, 0.6)
        assert len(ticks) == 5, "the Tk loop was blocked"
        assert len(calls) == 1, "a round started while the last was still sending"
        assert threads[0] is not threading.main_thread()
        assert eml_files(clinic) == []

        release.set()
        wait_until(app, lambda: f"To: {PATIENT['email']}" in recipients(clinic))  # the confirmation, as .eml
        assert app.dialogs == []

        app.mail_worker_enabled = False
        count = len(calls)
        pump(app, 0.3)
        assert len(calls) == count
    finally:
        release.set()  # never leave the worker waiting


def test_mail_worker_failures_are_logged_not_shown(clinic: Clinic, open_app, monkeypatch, caplog) -> None:
    monkeypatch.setattr(app_module, "MAIL_START_DELAY_MS", 10)
    monkeypatch.setattr(app_module, "MAIL_INTERVAL_MS", 40)

    def broken():
        raise OSError("mail server on fire")

    clinic.ml.mailer.send_due = broken  # type: ignore[method-assign]
    app = open_app(clinic)
    app.mail_worker_enabled = True
    with caplog.at_level("WARNING", logger="medlink.ui"):
        wait_until(app, lambda: any("background upkeep failed" in r.getMessage() for r in caplog.records))
    assert app.dialogs == []


def test_decrypted_copies_are_purged_at_log_out(clinic: Clinic, open_app) -> None:
    app = doctor_window(clinic, open_app)
    opened = clinic.ml.settings.records_dir / "opened"
    opened.mkdir(parents=True, exist_ok=True)
    left = opened / "copy.pdf"
    left.write_bytes(b"%PDF-1.4 plaintext")
    log_out(app)
    wait_until(app, lambda: not left.exists())


def test_decrypted_copies_are_purged_at_start(clinic: Clinic, open_app) -> None:
    opened = clinic.ml.settings.records_dir / "opened"
    opened.mkdir(parents=True, exist_ok=True)
    left = opened / "from-last-time.png"
    left.write_bytes(b"\x89PNG plaintext")
    app = open_app(clinic)
    wait_until(app, lambda: not left.exists())


def nav_labels(app: MedLinkApp) -> list[str]:
    return [str(b.cget("text")) for b in app._nav_buttons.values()]


def test_navigation_of_a_verified_and_a_pending_doctor(clinic: Clinic, open_app) -> None:
    app = doctor_window(clinic, open_app)
    wait_until(app, lambda: "Schedule" in nav_labels(app))
    assert nav_labels(app) == ["Home", "Schedule", "Availability", "Fees", "Patient records", "Bills", "My profile",
                               "Public profile"]
    log_out(app)
    register_doctor(clinic.ml, email="new.doctor@example.in", registration_number="DMC/R/99999")
    sign_in(app, "doctor", "new.doctor@example.in", SECRET, expect="doctor_home")
    pump(app, 0.1)
    assert nav_labels(app) == ["Home", "Availability", "Fees", "My profile"]
