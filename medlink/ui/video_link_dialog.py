""""Create video link" for an online appointment (issue 6), by ``settings.meet_provider``:

- ``jitsi``: a new private room straight away (``ml.video.create_link`` on the screen's worker);
- ``google-meet``: the browser capture (``ml.video.capture``) on a worker behind a progress dialog
  whose Cancel stops it; a capture that finds no link, or is cancelled, falls back to pasting one;
- ``manual``: a dialog where the doctor pastes a link (https only, checked before and by the service).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING

from medlink.errors import MedLinkError, ValidationError
from medlink.models import Appointment, VideoLink
from medlink.services.video import check_link
from medlink.ui.forms import Form
from medlink.ui.receipt_dialog import appointment_line
from medlink.ui.tasks import BackgroundTask, run_in_background
from medlink.ui.widgets import ModalDialog, autowrap

if TYPE_CHECKING:
    from medlink.core import MedLink
    from medlink.ui.app import MedLinkApp
    from medlink.ui.screen import Screen

log = logging.getLogger("medlink.ui")

PASTE_NOTE = ("Create the meeting in Google Meet, Zoom or any video service, then paste its address here. "
              "The patient is e-mailed the link.")
CAPTURE_FAILED = "The link could not be read from the browser. Copy it from the address bar and paste it here."
CAPTURING = "Opening Google Meet in your browser\u2026"
CAPTURE_HINT = "Sign in to Google in the browser if it asks. Keep the new meeting's tab in front until this closes."

LinkCallback = Callable[[VideoLink], object]


def create_video_link(screen: Screen, appointment: Appointment, on_created: LinkCallback,
                      on_error: Callable[[BaseException], object]) -> None:
    """Start making the appointment's link the way the configured provider does it."""
    provider = screen.ml.video.provider
    if provider == "jitsi":
        screen.run_task(screen.ml.video.create_link, screen.app.session, appointment.appointment_id,
                        on_done=on_created, on_error=on_error)
    elif provider == "google-meet":
        CaptureDialog(screen.app, appointment, on_created).open()
    else:
        PasteLinkDialog(screen.app, appointment, on_created).open()


class PasteLinkDialog(ModalDialog):
    """The doctor pastes a meeting link; Save stores it (``ml.video.create_link``) on a worker."""

    @property
    def ml(self) -> MedLink:
        return self.app.ml

    def __init__(self, app: MedLinkApp, appointment: Appointment, on_created: LinkCallback, *,
                 note: str = PASTE_NOTE, link: str = "") -> None:
        super().__init__(app, "Video link", "Save link", self._on_save, width=440)
        self.appointment = appointment
        self.on_created = on_created
        ttk.Label(self.body, text=appointment_line(appointment)).grid(row=0, column=0, sticky="w", pady=(0, 6))
        self.note = autowrap(ttk.Label(self.body, text=note, style="Muted.TLabel", justify="left", wraplength=440))
        self.note.grid(row=1, column=0, sticky="ew", pady=(0, 12))
        self.form = Form(self._on_save, busy=lambda: self.is_busy)
        self.form.message = self.message
        self.link = self.form.entry(self.body, "meeting_link", "Meeting link",
                                    "A full https:// address, e.g. https://meet.google.com/abc-defg-hij", width=48)
        self.link.frame.grid(row=2, column=0, sticky="ew")
        self.link.set(link)

    def open(self) -> None:
        super().open()
        self.link.focus()

    def close(self) -> None:
        if not self.is_busy:
            super().close()

    def _on_save(self) -> None:
        if self.is_busy:
            return
        self.form.clear_errors()
        text = self.link.get().strip()
        try:
            check_link(text, "manual")
        except ValidationError as exc:
            self.form.show_failure(exc)
            return
        self.run_task(self.ml.video.create_link, self.app.session, self.appointment.appointment_id, text,
                      on_done=self._on_saved, on_error=self.form.show_failure)

    def _on_saved(self, link: VideoLink) -> None:
        super().close()  # still busy while this runs: close() alone would wait
        self.on_created(link)


class CaptureDialog(ModalDialog):
    """Progress while the browser capture runs on a worker; Cancel stops it between steps."""

    @property
    def ml(self) -> MedLink:
        return self.app.ml

    def __init__(self, app: MedLinkApp, appointment: Appointment, on_created: LinkCallback) -> None:
        super().__init__(app, "Creating a Google Meet link", "", self._on_cancel, width=400)
        self.primary_button.pack_forget()  # the one action while it runs is Cancel
        self.appointment = appointment
        self.on_created = on_created
        self.cancel_event = threading.Event()
        self.status = ttk.Label(self.body, text=CAPTURING)
        self.status.grid(row=0, column=0, sticky="w")
        self.bar = ttk.Progressbar(self.body, mode="indeterminate", length=400)
        self.bar.grid(row=1, column=0, sticky="ew", pady=(10, 10))
        autowrap(ttk.Label(self.body, text=CAPTURE_HINT, style="Muted.TLabel", justify="left",
                           wraplength=400)).grid(row=2, column=0, sticky="ew")
        self.bar.start(12)
        self._task: BackgroundTask | None = run_in_background(
            self, self.ml.video.capture, self.cancel_event, on_done=self._on_captured, on_error=self._on_capture_error)

    def open(self) -> None:
        super().open()
        self.cancel_button.focus_set()

    def close(self) -> None:
        """Cancel (the button, Escape, the close box): stop the capture; the doctor may paste a link."""
        self._on_cancel()

    def _on_cancel(self) -> None:
        self._fall_back(note=PASTE_NOTE)

    def _fall_back(self, note: str, link: str = "", error: str = "") -> None:
        self.cancel_event.set()
        if self._task is not None:
            self._task.cancel()
            self._task = None
        app, appointment, on_created = self.app, self.appointment, self.on_created
        if self.winfo_exists():
            self.bar.stop()
            super().close()
        dialog = PasteLinkDialog(app, appointment, on_created, note=note, link=link)
        dialog.open()
        if error:
            dialog.link.set_error(error)

    def _on_captured(self, link: str | None) -> None:
        self._task = None
        if self.cancel_event.is_set():
            return
        if not link:
            self._fall_back(note=CAPTURE_FAILED)
            return
        self.status.configure(text="Saving the link\u2026")
        self._task = run_in_background(self, self.ml.video.create_link, self.app.session,
                                       self.appointment.appointment_id, link, on_done=self._on_saved,
                                       on_error=lambda error, link=link: self._on_save_error(link, error))

    def _on_capture_error(self, error: BaseException) -> None:
        # No display, pyautogui missing, a browser that would not open: the doctor pastes instead.
        log.warning("Meet capture failed: %s", type(error).__name__, exc_info=error)
        self._task = None
        if not self.cancel_event.is_set():
            self._fall_back(note=CAPTURE_FAILED)

    def _on_saved(self, link: VideoLink) -> None:
        self._task = None
        self.bar.stop()
        super().close()
        self.on_created(link)

    def _on_save_error(self, link: str, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self._task = None
        self._fall_back(note=PASTE_NOTE, link=link, error=error.message)
