"""The administrator's hidden screens: pending doctors (verify, reject with a reason) and the audit
trail; and what the doctor sees afterwards."""

from __future__ import annotations

import pytest

from medlink.core import MedLink
from medlink.ui.admin_home import EMPTY_TEXT, REASON_TOO_SHORT, AdminHomeScreen
from medlink.ui.app import MedLinkApp
from medlink.ui.widgets import VERIFIED_BADGE
from tests.gui.flows import (
    DOCTOR,
    SECRET,
    fill,
    log_out,
    register_doctor,
    settle,
    sign_in,
    type_into,
    visible_texts,
    wait_for_screen,
)
from tests.gui.helpers import button_with_text, wait_until

pytestmark = pytest.mark.gui

ADMIN = "clinic-admin"
REASON = "Your registration number is not on the Delhi Medical Council register."


@pytest.fixture
def admin(fast_ml: MedLink) -> str:
    fast_ml.auth.create_admin(username=ADMIN, password=SECRET)
    return ADMIN


def open_admin_login_with_shortcut(app: MedLinkApp) -> None:
    """Ctrl+Shift+A on the focused window: the only way to the administrator's sign-in."""
    app.show("welcome")
    portal = button_with_text(app, "Patient portal")
    portal.focus_force()
    wait_until(app, lambda: app.focus_get() is portal)
    app.focus_get().event_generate("<Control-Shift-A>")
    wait_until(app, lambda: app.current_screen.name == "admin_login")


def sign_in_as_admin(app: MedLinkApp) -> AdminHomeScreen:
    open_admin_login_with_shortcut(app)
    screen = app.current_screen
    fill(screen.form, {"login": ADMIN, "password": SECRET})
    button_with_text(screen, "Sign in").invoke()
    home = wait_for_screen(app, "admin_home")
    assert isinstance(home, AdminHomeScreen)
    return home


def test_admin_verifies_a_new_doctor_who_then_sees_the_badge(fast_app: MedLinkApp, fast_ml: MedLink,
                                                            admin: str) -> None:
    screen = fast_app.show("doctor_signup")
    fill(screen.form, DOCTOR)
    button_with_text(screen, "Send application").invoke()
    wait_for_screen(fast_app, "doctor_home")
    log_out(fast_app)

    home = sign_in_as_admin(fast_app)
    [row] = home.table.row_ids()
    values = home.table.tree.item(row, "values")
    assert list(values[:4]) == [DOCTOR["name"], DOCTOR["specialty"], DOCTOR["city"], DOCTOR["registration_number"]]
    home.table.select(row)
    fast_app.update()
    shown = visible_texts(home)
    for credential in ("MD Dermatology (PGIMER, 2016)", "SkinFirst Clinic", "14 Rajpur Road, Delhi", "8 years",
                       DOCTOR["email"], "+91 98111 22233", "Acne and pigmentation."):
        assert credential in shown
    fast_app.answers.append(True)
    home.verify_button.invoke()
    settle(fast_app, home)
    wait_until(fast_app, lambda: not home.table.row_ids())
    assert fast_app.dialogs[-1].kind == "question" and DOCTOR["name"] in fast_app.dialogs[-1].message
    assert "is verified" in home.status.cget("text")
    assert home.table.empty.winfo_ismapped() and home.table.empty.cget("text") == EMPTY_TEXT
    log_out(fast_app)

    doctor_home = sign_in(fast_app, "doctor", DOCTOR["email"], SECRET, expect="doctor_home")
    assert doctor_home.banner.badge.winfo_ismapped() and doctor_home.banner.badge.cget("text") == VERIFIED_BADGE
    assert "Verified by MedLink" in doctor_home.banner.title.cget("text")
    assert "Public profile" in [b.cget("text") for b in fast_app._nav_buttons.values()]
    assert fast_ml.doctors.search(text="Kapoor")  # patients can find the doctor now


def test_verify_asks_first_and_does_nothing_when_declined(fast_app: MedLinkApp, fast_ml: MedLink,
                                                         admin: str) -> None:
    register_doctor(fast_ml)
    home = sign_in_as_admin(fast_app)
    fast_app.answers.append(False)
    home.verify_button.invoke()
    assert not home.is_busy
    assert len(home.table.row_ids()) == 1


def test_rejecting_needs_a_reason_and_the_doctor_reads_it(fast_app: MedLinkApp, fast_ml: MedLink,
                                                         admin: str) -> None:
    register_doctor(fast_ml)
    home = sign_in_as_admin(fast_app)
    assert home.table.selected_id() is not None  # the first application is selected
    home.reject_button.invoke()
    assert home.form.error_of("reason") == REASON_TOO_SHORT
    type_into(home.form.fields["reason"].widget, "no")
    home.reject_button.invoke()
    assert home.form.error_of("reason") == REASON_TOO_SHORT
    assert not home.is_busy
    type_into(home.form.fields["reason"].widget, REASON)
    home.reject_button.invoke()
    settle(fast_app, home)
    wait_until(fast_app, lambda: not home.table.row_ids())
    assert home.form.error_of("reason") == ""
    assert "rejected" in home.status.cget("text")
    log_out(fast_app)

    doctor_home = sign_in(fast_app, "doctor", DOCTOR["email"], SECRET, expect="doctor_home")
    message = doctor_home.banner.message.cget("text")
    assert REASON in message and "What to do" in message
    assert not doctor_home.banner.badge.winfo_ismapped()

    # Having corrected the profile, the doctor sends the application again: back on the pending list.
    fast_app.answers.append(True)
    button_with_text(doctor_home, "Send for verification again").invoke()
    wait_until(fast_app, lambda: "Awaiting verification" in doctor_home.banner.title.cget("text"))
    with fast_ml.db.transaction() as tx:
        status = tx.scalar("SELECT verification_status FROM doctor_info WHERE email = ?", (DOCTOR["email"],))
    assert status == "pending"


def test_empty_list_says_so_and_disables_the_decision(fast_app: MedLinkApp, admin: str) -> None:
    home = sign_in_as_admin(fast_app)
    fast_app.update()
    assert home.table.empty.winfo_ismapped() and home.table.empty.cget("text") == EMPTY_TEXT
    assert home.verify_button.instate(["disabled"]) and home.reject_button.instate(["disabled"])


def test_table_sorts_by_a_clicked_heading(fast_app: MedLinkApp, fast_ml: MedLink, admin: str) -> None:
    register_doctor(fast_ml, name="Dr. Zoya Khan", email="zoya@example.in", registration_number="DMC/R/1")
    register_doctor(fast_ml, name="Dr. Amit Shah", email="amit@example.in", registration_number="DMC/R/2")
    home = sign_in_as_admin(fast_app)

    def names() -> list[str]:
        return [home.table.tree.item(i, "values")[0] for i in home.table.row_ids()]

    assert names() == ["Dr. Zoya Khan", "Dr. Amit Shah"]  # oldest application first
    home.table.tree.heading("name", "command")  # the heading is clickable
    home.table.sort_by("name")
    assert names() == ["Dr. Amit Shah", "Dr. Zoya Khan"]
    assert home.table.tree.heading("name", "text").endswith("\u25b2")
    home.table.sort_by("name")
    assert names() == ["Dr. Zoya Khan", "Dr. Amit Shah"]
    assert set(home.table.tree.item(home.table.row_ids()[1], "tags")) >= {"odd"}  # still striped


def test_audit_screen_lists_entries_and_checks_the_chain(fast_app: MedLinkApp, admin: str) -> None:
    sign_in_as_admin(fast_app)
    button_with_text(fast_app, "Audit").invoke()
    audit = wait_for_screen(fast_app, "admin_audit")
    actions = [audit.table.tree.item(i, "values")[2] for i in audit.table.row_ids()]
    assert "admin.login" in actions and "admin.create" in actions
    button_with_text(audit, "Check the chain").invoke()
    settle(fast_app, audit)
    assert audit.result.cget("text").startswith("Audit trail intact:")
