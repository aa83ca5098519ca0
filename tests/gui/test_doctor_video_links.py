"""Video-call links from the schedule (issue 6), for each ``meet_provider``: a pasted link is checked
inline and, once accepted, shown in the appointment's details with Copy link and Open; a Meet capture
that finds nothing falls back to pasting; Jitsi makes a room at once."""

from __future__ import annotations

import tkinter as tk
from collections.abc import Callable

import pytest

from medlink.ui.app import MedLinkApp
from medlink.ui.doctor_schedule import DoctorScheduleScreen
from medlink.ui.video_link_dialog import CAPTURE_FAILED, CaptureDialog, PasteLinkDialog
from tests.gui import doctor_clinic
from tests.gui.doctor_clinic import Clinic, doctor_window, go_to, settle_all
from tests.gui.flows import settle, type_into
from tests.gui.helpers import wait_until

pytestmark = pytest.mark.gui
clinic, make_clinic, open_app = doctor_clinic.clinic, doctor_clinic.make_clinic, doctor_clinic.open_app

MEET = "https://meet.google.com/abc-defg-hij"


def dialogs_of(app: tk.Tk, kind: type) -> list:
    return [w for w in app.winfo_children() if isinstance(w, kind) and w.winfo_exists()]


def schedule_with_online_booking(clinic: Clinic, open_app: Callable[[Clinic], MedLinkApp]
                                 ) -> tuple[DoctorScheduleScreen, int]:
    booking = clinic.book(mode="online", reason="Fever follow-up")
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Schedule", "doctor_schedule")
    assert isinstance(screen, DoctorScheduleScreen)
    screen.views.buttons["upcoming"].invoke()
    settle(app, screen)
    screen.table.select(str(booking.appointment_id))
    app.update()
    settle_all(app)
    return screen, booking.appointment_id


def stored_link(clinic: Clinic, appointment_id: int) -> str | None:
    rows = clinic.query("SELECT meeting_link FROM video_calls WHERE appointment_id = ?", (appointment_id,))
    return rows[0]["meeting_link"] if rows else None


def test_a_pasted_link_is_checked_inline_then_shown_in_the_details(make_clinic, open_app) -> None:
    clinic = make_clinic("manual")
    screen, appointment_id = schedule_with_online_booking(clinic, open_app)
    app = screen.app
    assert screen.link_text.cget("text").startswith("No link yet")
    assert screen.copy_button.instate(["disabled"]) and screen.video_button.cget("text") == "Create video link"

    screen.video_button.invoke()
    (dialog,) = dialogs_of(app, PasteLinkDialog)
    type_into(dialog.link.widget, "http://x")
    dialog.primary_button.invoke()
    assert dialog.link.error_text == "The link must be a full https:// address."
    assert dialog.link.get() == "http://x" and stored_link(clinic, appointment_id) is None

    type_into(dialog.link.widget, MEET)
    dialog.primary_button.invoke()
    wait_until(app, lambda: not dialog.winfo_exists())
    assert stored_link(clinic, appointment_id) == MEET
    assert screen.link_text.cget("text") == MEET
    assert screen.video_button.cget("text") == "Change video link"
    assert "e-mailed to the patient" in screen.result.cget("text")

    screen.open_link_button.invoke()
    assert app.dialogs[-1].kind == "link" and app.dialogs[-1].message == MEET
    screen.copy_button.invoke()
    wait_until(app, lambda: screen.copied.cget("text") == "Copied")


def test_a_failed_meet_capture_falls_back_to_pasting(make_clinic, open_app) -> None:
    clinic = make_clinic("google-meet")
    screen, appointment_id = schedule_with_online_booking(clinic, open_app)
    app = screen.app
    calls: list[object] = []

    def capture_nothing(cancel=None, **_options):  # the browser showed no Meet link
        calls.append(cancel)
        return None

    app.ml.video.capture = capture_nothing  # type: ignore[method-assign]
    screen.video_button.invoke()
    assert dialogs_of(app, CaptureDialog)
    wait_until(app, lambda: dialogs_of(app, PasteLinkDialog))
    (paste,) = dialogs_of(app, PasteLinkDialog)
    assert paste.note.cget("text") == CAPTURE_FAILED
    assert not dialogs_of(app, CaptureDialog)
    assert len(calls) == 1 and calls[0] is not None  # the Cancel event was handed to the capture
    type_into(paste.link.widget, MEET)
    paste.primary_button.invoke()
    wait_until(app, lambda: stored_link(clinic, appointment_id) == MEET)


def test_a_captured_meet_link_is_saved_and_cancel_stops_the_capture(make_clinic, open_app) -> None:
    clinic = make_clinic("google-meet")
    screen, appointment_id = schedule_with_online_booking(clinic, open_app)
    app = screen.app
    app.ml.video.capture = lambda cancel=None, **_o: MEET  # type: ignore[method-assign]
    screen.video_button.invoke()
    wait_until(app, lambda: stored_link(clinic, appointment_id) == MEET and screen.link_text.cget("text") == MEET)
    assert not dialogs_of(app, CaptureDialog)

    def wait_for_cancel(cancel=None, **_options):
        cancel.wait(5)
        return None

    app.ml.video.capture = wait_for_cancel  # type: ignore[method-assign]
    screen.video_button.invoke()
    (progress,) = dialogs_of(app, CaptureDialog)
    assert progress.status.cget("text") == "Opening Google Meet in your browser\u2026"
    progress.cancel_button.invoke()
    assert progress.cancel_event.is_set()
    (paste,) = dialogs_of(app, PasteLinkDialog)
    paste.cancel_button.invoke()
    assert not dialogs_of(app, PasteLinkDialog) and stored_link(clinic, appointment_id) == MEET


def test_jitsi_makes_a_room_straight_away(make_clinic, open_app) -> None:
    clinic = make_clinic("jitsi")
    screen, appointment_id = schedule_with_online_booking(clinic, open_app)
    first = stored_link(clinic, appointment_id)  # Jitsi rooms are made at booking
    assert first and first.startswith("https://meet.jit.si/")
    assert screen.link_text.cget("text") == first
    screen.video_button.invoke()  # "Change video link": a new room, no dialog
    settle(screen.app, screen)
    assert not dialogs_of(screen.app, PasteLinkDialog) and not dialogs_of(screen.app, CaptureDialog)
    second = stored_link(clinic, appointment_id)
    assert second != first and second.startswith("https://meet.jit.si/")
    assert screen.link_text.cget("text") == second
