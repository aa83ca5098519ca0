"""The welcome screen: where everyone starts, and where Log out returns to.

Two doors: the patient portal and the doctor portal (the screens ``patient_login`` and
``doctor_login``). A door whose screen is not registered yet says so instead of failing. The
administrator's entry has no button: Ctrl+Shift+A (bound by the app) opens it.
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from medlink import __version__
from medlink.ui.images import cover_image
from medlink.ui.screen import Screen, register_screen
from medlink.ui.tasks import BackgroundTask, run_in_background

if TYPE_CHECKING:
    from PIL import Image, ImageTk

TAGLINE = "Find the right doctor — neutrally. Your records stay yours."
PRIVACY_NOTE = "Your medical records are encrypted and shared only with the doctors you choose."
RESIZE_DELAY_MS = 60

PORTALS = (
    ("Patient portal", "patient_login", "Find a doctor, book a visit,\nkeep your records and bills."),
    ("Doctor portal", "doctor_login", "Manage your schedule, fees\nand your patients' shared records."),
)


@register_screen("welcome")
class WelcomeScreen(Screen):
    padding = 0

    def _build(self) -> None:
        self.backdrop = ttk.Label(self, style="Backdrop.TLabel")
        self.backdrop.place(x=0, y=0, relwidth=1, relheight=1)
        card = self.card = ttk.Frame(self, style="Card.TFrame", padding=(56, 40, 56, 28))
        card.place(relx=0.5, rely=0.47, anchor="center")
        logo = self.app.images.photo("logo", max_width=340)
        ttk.Label(card, image=logo or "", text="" if logo else "MedLink", style="Title.TLabel").pack()
        ttk.Label(card, text=TAGLINE, style="Lead.TLabel").pack(pady=(18, 30))
        self.portal_buttons = self._build_portals(card)
        ttk.Frame(card, style="Rule.TFrame", height=1).pack(fill="x", pady=(30, 14))
        ttk.Label(card, text=PRIVACY_NOTE, style="Muted.TLabel").pack()
        ttk.Label(card, text=f"MedLink {__version__}", style="Muted.TLabel").pack(pady=(4, 0))
        self._resize_job: str | None = None
        self._backdrop_key: tuple[object, ...] | None = None
        self._backdrop_task: BackgroundTask | None = None
        self._backdrop_photo: ImageTk.PhotoImage | None = None
        self.bind("<Configure>", self._on_resize)
        card.bind("<Configure>", self._on_resize)

    def _build_portals(self, card: ttk.Frame) -> list[ttk.Button]:
        row = ttk.Frame(card)
        row.pack()
        buttons = []
        for column, (label, screen_name, caption) in enumerate(PORTALS):
            button = ttk.Button(row, text=label, style="Portal.TButton", width=16,
                                command=lambda n=screen_name, t=label: self._open_portal(n, t))
            button.grid(row=0, column=column, padx=14)
            ttk.Label(row, text=caption, style="Muted.TLabel", justify="center").grid(
                row=1, column=column, pady=(10, 0))
            buttons.append(button)
        return buttons

    def refresh(self, **context: Any) -> None:
        self._draw_backdrop()

    def focus_first(self) -> None:
        self.portal_buttons[0].focus_set()

    def _open_portal(self, screen_name: str, label: str) -> None:
        if self.app.has_screen(screen_name):
            self.app.show(screen_name)
        else:
            self.app.notify_info(label, f"The {label.lower()} is not available in this version yet.")

    def _on_resize(self, event: tk.Event) -> None:
        if self._resize_job is not None:
            self.after_cancel(self._resize_job)
        self._resize_job = self.after(RESIZE_DELAY_MS, self._draw_backdrop)

    def _draw_backdrop(self) -> None:
        """Scale the background to the screen, with the card's shadow, on a worker."""
        self._resize_job = None
        card = self.card
        box = (card.winfo_x(), card.winfo_y(), card.winfo_x() + card.winfo_width(),
               card.winfo_y() + card.winfo_height()) if card.winfo_ismapped() else None
        key = (self.winfo_width(), self.winfo_height(), box)
        if key == self._backdrop_key or key[0] < 2 or key[1] < 2:
            return
        self._backdrop_key = key
        if self._backdrop_task is not None:
            self._backdrop_task.cancel()
        # The worker gets plain values only: a widget freed on a worker thread would abort Tcl.
        self._backdrop_task = run_in_background(self, cover_image, "background", *key,
                                                on_done=self._show_backdrop)

    def _show_backdrop(self, image: Image.Image | None) -> None:
        if image is not None:
            self._backdrop_photo = self.app.images.to_photo(image)
            self.backdrop.configure(image=self._backdrop_photo)
