"""``doctor_profile``: the public profile of a verified doctor, for anyone signed in.

``app.show("doctor_profile", doctor_id=7)`` shows doctor 7; a doctor who opens it without an id sees
their own. ``back="screen_name"`` adds a Back button (and Escape) to return there, e.g. to search
results. Contact details appear only if the doctor made them public.
"""

from __future__ import annotations

from tkinter import ttk
from typing import Any

from medlink.errors import MedLinkError, NotFound
from medlink.models import PublicDoctorProfile
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import (
    VERIFIED_BADGE,
    Details,
    ScrollArea,
    autowrap,
    bind_tree,
    ensure_styles,
    phone_display,
    years,
)

NOT_PUBLIC = "Not public. Book an appointment to get in touch through MedLink."


@register_screen("doctor_profile")
class DoctorProfileScreen(Screen):
    title = "Doctor profile"
    roles = ("patient", "doctor", "admin")
    padding = 0

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(0, weight=1)
        self.scroll = ScrollArea(self, padding=(32, 22, 28, 24))
        self.scroll.grid(row=0, column=0, sticky="nsew")
        body = self.scroll.body
        body.columnconfigure(0, weight=1, uniform="profile")
        body.columnconfigure(1, weight=1, uniform="profile")
        self.back_button = ttk.Button(body, text="\u2190 Back", style="Link.TButton", command=self._on_back)
        top = ttk.Frame(body)
        top.grid(row=1, column=0, columnspan=2, sticky="ew")
        self.doctor_name = ttk.Label(top, text="", style="Title.TLabel")
        self.doctor_name.pack(side="left")
        self.badge = ttk.Label(top, text=VERIFIED_BADGE, style="Badge.TLabel")
        self.subtitle = ttk.Label(body, text="", style="Lead.TLabel")
        self.subtitle.grid(row=2, column=0, columnspan=2, sticky="w", pady=(6, 20))
        self.message = ttk.Label(body, text="", style="Error.TLabel")
        about = self._card(body, 0, "Qualifications and education")
        self.qualifications = autowrap(ttk.Label(about, text="", justify="left", wraplength=380))
        self.qualifications.grid(row=1, column=0, sticky="new")
        ttk.Label(about, text="About", style="Heading.TLabel").grid(row=2, column=0, sticky="w", pady=(20, 10))
        self.bio = autowrap(ttk.Label(about, text="", justify="left", wraplength=380))
        self.bio.grid(row=3, column=0, sticky="new")
        practice = self._card(body, 1, "Practice")
        self.practice = Details(practice, label_width=11, wrap=200)
        self.practice.grid(row=1, column=0, sticky="new")
        ttk.Label(practice, text="Contact", style="Heading.TLabel").grid(row=2, column=0, sticky="w",
                                                                           pady=(20, 10))
        self.contact = Details(practice, label_width=11, wrap=200)
        self.contact.grid(row=3, column=0, sticky="new")
        self.contact_note = autowrap(ttk.Label(practice, text=NOT_PUBLIC, style="Muted.TLabel", justify="left"))
        self.contact_note.grid(row=4, column=0, sticky="new")
        self.cards = (about, practice)
        self.scroll.enable_wheel()
        bind_tree(self, "<Escape>", self._on_back)
        self.back_to: str | None = None
        self.profile: PublicDoctorProfile | None = None

    def _card(self, body: ttk.Frame, column: int, heading: str) -> ttk.Frame:
        card = ttk.Frame(body, style="Card.TFrame", padding=(24, 20))
        card.grid(row=3, column=column, sticky="nsew", padx=(0, 0 if column else 18))
        card.columnconfigure(0, weight=1)
        ttk.Label(card, text=heading, style="Heading.TLabel").grid(row=0, column=0, sticky="w", pady=(0, 10))
        return card

    def refresh(self, doctor_id: int | None = None, back: str | None = None, **context: Any) -> None:
        session = self.app.session
        if doctor_id is None and session is not None and session.role == "doctor":
            doctor_id = session.user_id
        self.back_to = back
        if back:
            self.back_button.grid(row=0, column=0, sticky="w", pady=(0, 8))
        else:
            self.back_button.grid_remove()
        self.message.grid_remove()
        self.scroll.scroll_to_top()
        if doctor_id is None:
            self._show_missing(NotFound("No doctor was chosen."))
            return
        self.run_task(self.ml.doctors.profile, doctor_id, session, on_done=self._show, on_error=self._show_missing)

    def _show(self, profile: PublicDoctorProfile) -> None:
        self.profile = profile
        self.app.title(f"MedLink \u2014 {profile.name}")
        self.doctor_name.configure(text=profile.name)
        if profile.verified:
            self.badge.pack(side="left", padx=(14, 0), pady=(4, 0))
        else:
            self.badge.pack_forget()
        self.subtitle.configure(text=f"{profile.specialty}  \u00b7  {profile.city}  \u00b7  "
                                     f"{years(profile.experience_years)} of experience")
        self.qualifications.configure(text=profile.qualifications)
        self.bio.configure(text=(profile.bio or "").strip() or "The doctor has not written a bio yet.",
                           style="TLabel" if (profile.bio or "").strip() else "Muted.TLabel")
        self.practice.set([
            ("Hospital", profile.hospital),
            ("Address", profile.hospital_address or profile.city),
            ("City", profile.city),
            ("Experience", years(profile.experience_years)),
            ("Registration", profile.registration_number),
        ])
        contact = (("E-mail", profile.email or ""), ("Phone", phone_display(profile.phone)))
        public = [(label, value) for label, value in contact if value]
        self.contact.set(public)
        if public:
            self.contact_note.grid_remove()
        else:
            self.contact_note.grid()
        for card in self.cards:
            card.grid()

    def _show_missing(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.profile = None
        self.doctor_name.configure(text="Doctor not found")
        self.badge.pack_forget()
        self.subtitle.configure(text="")
        self.message.configure(text=error.message)
        for card in self.cards:
            card.grid_remove()
        self.message.grid(row=2, column=0, columnspan=2, sticky="w", pady=(6, 20))

    def _on_back(self) -> None:
        if self.back_to:
            self.app.show(self.back_to)
