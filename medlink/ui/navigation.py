"""Where each role goes: its home screen and the items of its navigation column, in one place.

A later feature adds its screen to :data:`NAVIGATION`; an item whose screen is not registered in
the window is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from medlink.services.session import Session
    from medlink.ui.app import MedLinkApp

HOME = {"patient": "patient_home", "doctor": "doctor_home", "admin": "admin_home"}
LOGIN = {"patient": "patient_login", "doctor": "doctor_login", "admin": "admin_login"}


@dataclass(frozen=True)
class NavItem:
    label: str
    screen: str
    verified_only: bool = False   # doctors: shown only once an administrator verified them


# In the order of DESIGN.md's navigation column; later features insert their screens here
# (patient: Find a doctor, Appointments, Records, Bills, Chat; doctor: Schedule, Availability, Fees,
# Patient records, Bills).
NAVIGATION: dict[str, tuple[NavItem, ...]] = {
    "patient": (
        NavItem("Home", "patient_home"),
        NavItem("Find a doctor", "find_doctor"),
        NavItem("Appointments", "my_appointments"),
        NavItem("Records", "patient_records"),
        NavItem("Bills", "patient_bills"),
        NavItem("Chat", "patient_chat"),
        NavItem("My profile", "patient_profile"),
    ),
    "doctor": (
        NavItem("Home", "doctor_home"),
        NavItem("Schedule", "doctor_schedule", verified_only=True),   # nobody books a pending doctor
        NavItem("Availability", "doctor_availability"),                # set up while awaiting verification
        NavItem("Fees", "doctor_fees"),
        NavItem("Patient records", "doctor_patient_records", verified_only=True),
        NavItem("Bills", "doctor_bills", verified_only=True),
        NavItem("My profile", "doctor_own_profile"),
        NavItem("Public profile", "doctor_profile", verified_only=True),
    ),
    "admin": (
        NavItem("Pending doctors", "admin_home"),
        NavItem("Audit", "admin_audit"),
    ),
}


def navigation_for(app: MedLinkApp, role: str, *, verified: bool = False) -> list[tuple[str, str]]:
    """The ``(label, screen)`` items of ``role``'s navigation column that exist in this window."""
    return [(item.label, item.screen) for item in NAVIGATION.get(role, ())
            if app.has_screen(item.screen) and (verified or not item.verified_only)]


def enter(app: MedLinkApp, session: Session, **context: Any) -> None:
    """Sign ``session`` in to the window: header, navigation column, and the role's home screen
    (shown with ``context``)."""
    app.set_session(session)
    app.set_navigation(navigation_for(app, session.role))
    app.show(HOME[session.role], **context)
