"""``doctor_home``: a signed-in doctor's start page. A banner tells where the application stands —
awaiting verification, rejected (with the administrator's reason and what to do), or verified (with
the badge) — followed by the practice details patients will see. "Public profile" joins the
navigation column once the doctor is verified."""

from __future__ import annotations

from tkinter import ttk
from typing import Any

from medlink.models import DoctorProfile
from medlink.ui.navigation import navigation_for
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Banner, Details, autowrap, long_date, scrolling_page, years

PENDING_TEXT = ("Your application is awaiting verification by a MedLink administrator. "
                "Patients cannot find or book you until then.")
REJECTED_TODO = ("What to do: correct or complete your details under My profile, then press "
                 "\u201cSend for verification again\u201d.")
PENDING_STEPS = (
    "1.  An administrator checks your registration number against the medical council's register "
    "and reviews your qualifications.\n"
    "2.  The decision shows on this page the next time you sign in.\n"
    "3.  Meanwhile, keep your profile complete and accurate under My profile: it is what the administrator checks.")
VERIFIED_TEXT = "Patients can find you in search, read your public profile and book appointments with you."


def status_banner(profile: DoctorProfile, new_account: bool = False) -> tuple[str, str, str, bool]:
    """(kind, title, message, badge) of the banner for this doctor's verification state."""
    status = profile.verification_status
    if status == "verified":
        verified_on = f" since {long_date(profile.verified_at)}" if profile.verified_at else ""
        return "ok", f"Verified by MedLink{verified_on}", VERIFIED_TEXT, True
    if status == "rejected":
        reason = (profile.rejection_reason or "No reason was recorded.").strip()
        return "alert", "Your application was not approved", \
            f"The administrator's reason: \u201c{reason}\u201d\n\n{REJECTED_TODO}", False
    title = "Application received \u2014 awaiting verification" if new_account else "Awaiting verification"
    return "warn", title, PENDING_TEXT, False


@register_screen("doctor_home")
class DoctorHomeScreen(Screen):
    title = "Home"
    roles = ("doctor",)
    padding = 0

    def _build(self) -> None:
        self.scroll, page = scrolling_page(self)
        self.page = page
        page.columnconfigure(0, weight=3, uniform="home")
        page.columnconfigure(1, weight=2, uniform="home")
        self.heading = ttk.Label(page, text="", style="Title.TLabel")
        self.heading.grid(row=0, column=0, columnspan=2, sticky="w")
        self.lead = ttk.Label(page, text="", style="Muted.TLabel")
        self.lead.grid(row=1, column=0, columnspan=2, sticky="w", pady=(4, 18))
        self.banner = Banner(page)
        self.banner.grid(row=2, column=0, columnspan=2, sticky="ew", pady=(0, 18))
        practice = self._card(3, 0, "Your practice")
        self.practice = Details(practice, label_width=16, wrap=300)
        self.practice.grid(row=1, column=0, sticky="nsew")
        actions = self._card(3, 1, "Your profile")
        self.profile_note = autowrap(ttk.Label(actions, text="", justify="left", wraplength=250,
                                               style="Muted.TLabel"))
        self.profile_note.grid(row=1, column=0, sticky="new")
        buttons = ttk.Frame(actions)
        buttons.grid(row=2, column=0, sticky="sew", pady=(16, 0))
        actions.rowconfigure(1, weight=1)
        self.edit_button = ttk.Button(buttons, text="Edit my profile", command=self._on_edit)
        self.edit_button.pack(fill="x")
        self.public_button = ttk.Button(buttons, text="View my public profile", command=self._on_public)
        self.resubmit_button = ttk.Button(buttons, text="Send for verification again", style="Primary.TButton",
                                          command=self._on_resubmit)
        self.next_card = self._card(4, 0, "What happens next", span=2)
        self.next_card.grid_configure(pady=(18, 0))
        self.next_heading = self.next_card.grid_slaves(row=0, column=0)[0]
        self.next_text = autowrap(ttk.Label(self.next_card, text="", justify="left", wraplength=600))
        self.next_text.grid(row=1, column=0, sticky="new")
        self.scroll.enable_wheel()
        self.profile: DoctorProfile | None = None

    def _card(self, row: int, column: int, heading: str, span: int = 1) -> ttk.Frame:
        card = ttk.Frame(self.page, style="Card.TFrame", padding=(22, 18))
        card.grid(row=row, column=column, columnspan=span, sticky="nsew", padx=(0, 0 if column or span > 1 else 18))
        card.columnconfigure(0, weight=1)
        ttk.Label(card, text=heading, style="Heading.TLabel").grid(row=0, column=0, sticky="w", pady=(0, 12))
        return card

    def refresh(self, new_account: bool = False, **context: Any) -> None:
        session = self.app.session
        self.heading.configure(text=f"Welcome, {session.name}" if session else "Welcome")
        self.lead.configure(text="Thank you for registering with MedLink." if new_account
                            else "Your practice on MedLink at a glance.")
        self._new_account = new_account
        self.run_task(self.ml.doctors.my_profile, session, on_done=self._show_profile)

    def _show_profile(self, profile: DoctorProfile) -> None:
        self.profile = profile
        self.banner.show(*status_banner(profile, self._new_account))
        self.practice.set([
            ("Specialty", profile.specialty),
            ("Hospital or clinic", profile.hospital),
            ("Address", profile.hospital_address or "Not given"),
            ("City", profile.city),
            ("Experience", years(profile.experience_years)),
            ("Registration no.", profile.registration_number),
            ("Applied on", long_date(profile.created_at)),
        ])
        verified = profile.verification_status == "verified"
        if profile.verification_status == "rejected":
            self.resubmit_button.pack(fill="x", pady=(8, 0))
        else:
            self.resubmit_button.pack_forget()
        if verified:
            self.public_button.pack(fill="x", pady=(8, 0))
            note = "Keep your qualifications, hospital and bio up to date: patients read them before booking."
        else:
            self.public_button.pack_forget()
            note = ("Patients will see your name, qualifications, specialty, hospital, experience and bio. "
                    "Your e-mail and phone stay private unless you choose to show them.")
        self.profile_note.configure(text=note)
        self._show_next(profile)
        self.scroll.enable_wheel()  # the detail labels made just now
        self.app.set_navigation(navigation_for(self.app, "doctor", verified=verified))

    def _show_next(self, profile: DoctorProfile) -> None:
        status = profile.verification_status
        if status == "rejected":
            self.next_card.grid_remove()
            return
        self.next_card.grid()
        if status == "verified":
            shown = "are shown" if profile.contact_public else "are not shown"
            self.next_heading.configure(text="How patients find you")
            self.next_text.configure(text=(
                f"Patients find you when they search for your name, \u201c{profile.specialty}\u201d or "
                f"\u201c{profile.hospital}\u201d, or choose {profile.city} as the city. Your e-mail and phone "
                f"{shown} on your public profile; change that under My profile."))
        else:
            self.next_heading.configure(text="What happens next")
            self.next_text.configure(text=PENDING_STEPS)

    def _on_resubmit(self) -> None:
        if self.app.ask_yes_no("Send again?", "Send your corrected application to the administrator for "
                               "verification?", default=True):
            self.run_task(self.ml.doctors.resubmit, self.app.session, on_done=self._show_profile)

    def _on_edit(self) -> None:
        self.app.show("doctor_own_profile")

    def _on_public(self) -> None:
        if self.profile is not None:
            self.app.show("doctor_profile", doctor_id=self.profile.doctor_id)
