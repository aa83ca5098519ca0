"""The patient side: find a doctor, book from the profile, the appointment list with its video link,
records (upload, share, open), the health chat and the bills.

The demo clinic is seeded on a clock standing at Monday 30 November 2026, 08:30 local time, so every
demo doctor has open slots from 09:00 today. Asha Verma (a demo patient) is signed in through the
sign-in screen; other people act through the services.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from reportlab.pdfgen import canvas

from medlink.config import Settings
from medlink.core import MedLink
from medlink.seed import DEMO_SECRET, seed_demo
from medlink.services.clock import FixedClock
from medlink.services.passwords import PasswordParams
from medlink.services.session import Session
from medlink.ui.app import MedLinkApp
from medlink.ui.booking import SLOT_TAKEN_NOTE
from medlink.ui.find_doctor import NEUTRAL
from medlink.ui.my_appointments import NO_LINK_YET
from tests.gui.flows import settle, sign_in, type_into, visible_texts, wait_for_screen
from tests.gui.helpers import button_with_text, wait_until

pytestmark = pytest.mark.gui

NOW_UTC = dt.datetime(2026, 11, 30, 3, 0)  # Monday 30 November 2026, 08:30 in India
TODAY = dt.date(2026, 11, 30)
ASHA, RAHUL = "asha@demo.medlink", "rahul@demo.medlink"
ANANYA, ROHAN = 1, 2  # demo doctors: General Physician (15-minute slots), Cardiology (20-minute slots)
SLOT_TAKEN = "This slot has just been taken. Please choose another time."


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[MedLink]:
    settings = Settings.load(
        env_file=tmp_path / "no.env", db_url=f"sqlite:///{tmp_path / 'gui.db'}", data_dir=tmp_path / "data",
        records_dir=tmp_path / "records", outbox_dir=tmp_path / "outbox", meet_provider="jitsi",
    )
    core = MedLink(settings, clock=FixedClock(NOW_UTC), password_params=PasswordParams(1, 1024, 1))
    core.init_db()
    seed_demo(core)
    try:
        yield core
    finally:
        core.close()


@pytest.fixture
def app(clinic: MedLink) -> Iterator[MedLinkApp]:
    """The window with Asha signed in, on her home screen."""
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY"):
        pytest.skip("GUI tests need an X display: DISPLAY is not set (run them under `xvfb-run -a`)")
    window = MedLinkApp(clinic)
    window.testing = True
    window.mail_worker_enabled = False  # the outbox is sent when a test says so
    window.update()
    try:
        sign_in(window, "patient", ASHA, DEMO_SECRET, expect="patient_home")
        yield window
    finally:
        window.destroy()
        del window
        gc.collect()  # on the Tk thread (see tests/gui/conftest.py)


def session_of(ml: MedLink, role: str, login: str) -> Session:
    return ml.auth.login(role, login, DEMO_SECRET)


def appointment_rows(ml: MedLink) -> list[dict]:
    with ml.db.transaction() as tx:
        return tx.query("SELECT a.appointment_id, a.doctor_id, a.appointment_date, a.appointment_day, "
                        "a.appointment_time, a.mode, a.status, a.reason FROM appointments a "
                        "JOIN patient_info p ON p.patient_id = a.patient_id WHERE p.email = ? "
                        "ORDER BY a.appointment_id", (ASHA,))


def open_from_navigation(app: MedLinkApp, label: str, name: str):
    button_with_text(app._nav_items, label).invoke()
    return wait_for_screen(app, name)


def slots_of(profile) -> list[str]:
    return profile.slot_field.choices.values()


def small_pdf(path: Path) -> bytes:
    page = canvas.Canvas(str(path))
    page.drawString(72, 720, "Haemoglobin 13.1 g/dL")
    page.save()
    return path.read_bytes()


# --- issue 4: find, book, list, cancel -------------------------------------------------------------------

def test_patient_searches_books_sees_and_cancels_an_appointment(app: MedLinkApp, clinic: MedLink) -> None:
    assert [label for label, _ in navigation_labels(app)] == [
        "Home", "Find a doctor", "Appointments", "Records", "Bills", "Chat", "My profile"]
    search = open_from_navigation(app, "Find a doctor", "find_doctor")
    assert len(search.table.row_ids()) == 13 and search.pager.label.cget("text") == "1\u201313 of 13"
    type_into(search.form.fields["specialty"].widget, "Cardiology")
    button_with_text(search, "Search").invoke()
    wait_until(app, lambda: search.table.row_ids() == [str(ROHAN)])
    doctor, specialty, hospital, city, fee, experience, next_slot = search.table.tree.item(str(ROHAN), "values")
    assert (doctor, specialty, city, fee, experience, next_slot) == (
        "\u2713 Dr. Rohan Mehta", "Cardiology", "Mumbai", "1,200", "18 years", "Today 09:00")
    assert search.order_note.cget("text").startswith("Sorted by name, A to Z. " + NEUTRAL)
    search.table.select(str(ROHAN))
    search.view_button.invoke()

    profile = wait_for_screen(app, "doctor_profile")
    wait_until(app, lambda: slots_of(profile)[:3] == ["09:00", "09:20", "09:40"])
    assert profile.date_field.previous_button.instate(["disabled"])  # no day before today
    texts = visible_texts(profile)
    assert "Rs. 1,200" in texts and "18% GST is added" in texts and "09:00\u201313:00, 16:00\u201319:00" in texts
    profile.date_field.next_button.invoke()  # Tuesday
    wait_until(app, lambda: "Tuesday" in profile.slot_field.label.cget("text") and not profile.is_busy)
    assert slots_of(profile)[-1] == "12:40"  # Tuesdays end at 13:00
    profile.slot_field.choose("10:00")
    profile.mode_field.choices.buttons["online"].invoke()
    type_into(profile.reason_field.widget, "Palpitations after climbing stairs")
    profile.book_button.invoke()

    appointments = wait_for_screen(app, "my_appointments")
    [row] = appointment_rows(clinic)
    assert (row["doctor_id"], row["appointment_date"], row["appointment_day"], row["mode"], row["status"],
            row["reason"]) == (ROHAN, dt.date(2026, 12, 1), "Tuesday", "online", "booked",
                               "Palpitations after climbing stairs")
    assert str(row["appointment_time"]).startswith("10:00")
    iid = str(row["appointment_id"])
    assert appointments.table.selected_id() == iid
    assert appointments.table.tree.item(iid, "values") == (
        "Dr. Rohan Mehta", "Sunrise Heart Centre", "1 Dec 2026", "Tuesday", "10:00", "Online", "Booked",
        "Waiting to send")
    assert "is booked" in appointments.banner.message.cget("text")

    app.answers.append(True)  # "Cancel appointment?" -> yes
    appointments.cancel_button.invoke()
    wait_until(app, lambda: appointment_rows(clinic)[0]["status"] == "cancelled_by_patient")
    assert app.dialogs[-1].kind == "question" and "Dr. Rohan Mehta" in app.dialogs[-1].message
    wait_until(app, lambda: appointments.table.tree.item(iid, "values")[6] == "Cancelled by you")
    settle(app, appointments)
    assert not appointments.actions.winfo_ismapped()  # nothing left to cancel or move


def test_a_search_with_very_many_matches_says_more_and_pages_on(app: MedLinkApp, clinic: MedLink,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Past the count's cap the screen says "More than ..." and the pager goes on while pages are full."""
    from medlink.dao import doctors
    from medlink.ui import find_doctor

    monkeypatch.setattr(doctors, "TOTAL_CAP", 3)
    monkeypatch.setattr(find_doctor, "PAGE_SIZE", 5)
    search = open_from_navigation(app, "Find a doctor", "find_doctor")
    type_into(search.form.fields["text"].widget, "dr")
    search.form.fields["text"].widget.event_generate("<Return>")
    wait_until(app, lambda: search.found.cget("text") == "More than 3 doctors found")
    assert search.pager.label.cget("text") == "1\u20135" and search.pager.next_button.instate(["!disabled"])
    first = search.table.row_ids()
    search.pager.next_button.invoke()
    wait_until(app, lambda: search.pager.label.cget("text") == "6\u201310")
    assert not set(first) & set(search.table.row_ids())
    search.pager.next_button.invoke()
    wait_until(app, lambda: search.pager.label.cget("text") == "11\u201313")
    assert search.pager.next_button.instate(["disabled"]) and search.found.cget("text") == "More than 3 doctors found"


def navigation_labels(app: MedLinkApp) -> list[tuple[str, object]]:
    return [(button.cget("text"), key) for key, button in app._nav_buttons.items()]


def test_a_slot_taken_meanwhile_is_refused_and_the_open_times_refreshed(app: MedLinkApp, clinic: MedLink) -> None:
    profile = app.show("doctor_profile", doctor_id=ROHAN, back="find_doctor")
    wait_until(app, lambda: "09:20" in slots_of(profile) and not profile.is_busy)
    profile.slot_field.choose("09:20")
    type_into(profile.reason_field.widget, "Follow-up of ECG")
    key = profile.booking_key
    clinic.appointments.book(session_of(clinic, "patient", RAHUL), doctor_id=ROHAN, date=TODAY, time="09:20")
    profile.book_button.invoke()
    wait_until(app, lambda: "09:20" not in slots_of(profile) and not profile.is_busy)
    assert profile.form.error_of("time") == SLOT_TAKEN
    assert SLOT_TAKEN_NOTE in profile.form.message.cget("text")
    assert app.current_screen is profile and appointment_rows(clinic) == []
    assert profile.reason_field.get() == "Follow-up of ECG" and profile.booking_key == key  # nothing lost
    profile.slot_field.choose("09:40")
    profile.book_button.invoke()
    wait_for_screen(app, "my_appointments")
    assert [str(r["appointment_time"])[:5] for r in appointment_rows(clinic)] == ["09:40"]


def test_booking_without_a_time_says_so_under_the_times(app: MedLinkApp, clinic: MedLink) -> None:
    profile = app.show("doctor_profile", doctor_id=ANANYA)
    wait_until(app, lambda: slots_of(profile) and not profile.is_busy)
    profile.book_button.invoke()
    assert profile.form.error_of("time") == "Choose one of the open times."
    assert appointment_rows(clinic) == []


# --- issue 6: the video link in the appointment's details -----------------------------------------------

def test_an_online_appointment_shows_its_jitsi_link_and_copies_it(app: MedLinkApp, clinic: MedLink) -> None:
    asha = session_of(clinic, "patient", ASHA)
    online = clinic.appointments.book(asha, doctor_id=ROHAN, date=TODAY, time="16:00", mode="online")
    in_person = clinic.appointments.book(asha, doctor_id=ANANYA, date=TODAY, time="10:00", mode="offline")
    link = clinic.video.link_for(asha, online.appointment_id)
    assert link is not None and link.meeting_link.startswith("https://meet.jit.si/")
    assert clinic.mailer.send_pending() >= 2  # the confirmations go out (as .eml files here)
    appointments = open_from_navigation(app, "Appointments", "my_appointments")
    assert appointments.table.row_ids() == [str(in_person.appointment_id), str(online.appointment_id)]
    assert [appointments.table.tree.item(i, "values")[7] for i in appointments.table.row_ids()] == ["Sent", "Sent"]
    assert "In person at Lakshmi Family Clinic." in appointments.link_text.cget("text")  # the 10:00 one
    appointments.table.select(str(online.appointment_id))
    wait_until(app, lambda: appointments.link_text.cget("text") == link.meeting_link)
    settle(app, appointments)
    assert appointments.copy_button.winfo_ismapped() and appointments.open_button.winfo_ismapped()
    appointments.copy_button.invoke()
    wait_until(app, lambda: appointments.copied.cget("text").startswith("Link copied"))
    assert app.clipboard_get() == link.meeting_link
    settle(app, appointments)
    appointments.open_button.invoke()
    assert (app.dialogs[-1].kind, app.dialogs[-1].message) == ("link", link.meeting_link)


def test_an_online_appointment_without_a_link_says_the_doctor_has_not_made_it(
        app: MedLinkApp, clinic: MedLink) -> None:
    booked = clinic.appointments.book(session_of(clinic, "patient", ASHA), doctor_id=ROHAN, date=TODAY,
                                      time="16:20", mode="online")
    with clinic.db.transaction() as tx:  # as with Google Meet, where the doctor makes the link later
        tx.execute("DELETE FROM video_calls WHERE appointment_id = ?", (booked.appointment_id,))
    appointments = open_from_navigation(app, "Appointments", "my_appointments")
    assert appointments.table.selected_id() == str(booked.appointment_id)
    wait_until(app, lambda: appointments.link_text.cget("text") == NO_LINK_YET)
    assert not appointments.copy_button.winfo_ismapped()


def test_reschedule_moves_the_appointment_to_another_open_time(app: MedLinkApp, clinic: MedLink) -> None:
    booked = clinic.appointments.book(session_of(clinic, "patient", ASHA), doctor_id=ANANYA, date=TODAY,
                                      time="11:00")
    appointments = open_from_navigation(app, "Appointments", "my_appointments")
    appointments.reschedule_button.invoke()
    dialog = appointments.reschedule_dialog
    wait_until(app, lambda: "11:15" in dialog.slots.choices.values() and not dialog.is_busy)
    assert "11:00" not in dialog.slots.choices.values()  # its own slot is the one being left
    dialog.date.next_button.invoke()
    wait_until(app, lambda: "Tuesday" in dialog.slots.label.cget("text") and not dialog.is_busy)
    dialog.slots.choose("09:30")
    dialog.primary_button.invoke()
    wait_until(app, lambda: not dialog.winfo_exists())
    [row] = appointment_rows(clinic)
    assert (row["appointment_id"], row["appointment_date"], str(row["appointment_time"])[:5], row["status"]) == (
        booked.appointment_id, dt.date(2026, 12, 1), "09:30", "booked")
    wait_until(app, lambda: "Appointment moved" in appointments.banner.title.cget("text"))


# --- issue 7: records and the chat -------------------------------------------------------------------------

def test_patient_uploads_a_pdf_shares_it_sees_it_and_opens_it(
        app: MedLinkApp, clinic: MedLink, tmp_path: Path) -> None:
    asha = session_of(clinic, "patient", ASHA)
    clinic.appointments.book(asha, doctor_id=ROHAN, date=TODAY, time="09:00")
    pdf = tmp_path / "Blood report.pdf"
    content = small_pdf(pdf)
    records = open_from_navigation(app, "Records", "patient_records")
    assert records.table.row_ids() == [] and records.table.empty.winfo_ismapped()
    app.answers.append(str(pdf))  # what the file dialog returns
    records.upload_button.invoke()
    wait_until(app, lambda: records.share_dialog is not None and records.share_dialog.winfo_exists())
    dialog = records.share_dialog
    assert app.dialogs[-1].kind == "file"
    assert list(dialog.boxes) == [ROHAN]
    dialog.boxes[ROHAN].invoke()
    dialog.primary_button.invoke()
    wait_until(app, lambda: len(records.table.row_ids()) == 1 and not records.is_busy)
    [iid] = records.table.row_ids()
    assert records.table.tree.item(iid, "values") == (
        "30 Nov 2026", "PDF", "1 KB", "Blood report.pdf", "You and Dr. Rohan Mehta")
    assert "Blood report.pdf was uploaded" in records.status.cget("text")
    with clinic.db.transaction() as tx:
        stored = tx.query_one("SELECT content FROM medical_records WHERE record_id = ?", (int(iid),))
    assert content not in bytes(stored["content"])  # encrypted at rest
    rohan = session_of(clinic, "doctor", "doctor2@demo.medlink")
    assert [r.original_filename for r in clinic.records.list(rohan, patient_id=asha.user_id)] == ["Blood report.pdf"]

    records.table.select(iid)
    records.open_button.invoke()
    wait_until(app, lambda: app.dialogs[-1].kind == "open")
    assert Path(app.dialogs[-1].message).read_bytes() == content


def test_a_file_that_is_not_a_pdf_or_picture_is_refused_with_the_reason(
        app: MedLinkApp, clinic: MedLink, tmp_path: Path) -> None:
    script = tmp_path / "notes.pdf"
    script.write_text("#!/bin/sh\necho hello\n")
    records = open_from_navigation(app, "Records", "patient_records")
    app.answers.append(str(script))
    records.upload_button.invoke()
    wait_until(app, lambda: records.share_dialog is not None)
    records.share_dialog.primary_button.invoke()
    wait_until(app, lambda: records.status.cget("text") == "Only PDF, JPEG and PNG files can be uploaded.")
    assert str(records.status.cget("style")) == "Error.TLabel" and records.table.row_ids() == []


def test_the_chat_answers_and_offers_to_find_the_specialty(app: MedLinkApp, clinic: MedLink) -> None:
    chat = open_from_navigation(app, "Chat", "patient_chat")
    wait_until(app, lambda: "Hello, Asha Verma!" in chat.history_text())  # the greeting warmed the bot
    type_into(chat.entry, "what is dengue")
    chat.entry.event_generate("<Return>")
    wait_until(app, lambda: len(chat.replies) == 2 and not chat.is_busy)
    answer = chat.history_text().split("what is dengue", 1)[1]
    assert "Dengue is a viral infection" in answer and "This is general information, not a diagnosis." in answer
    assert chat.entry.get() == ""
    [suggestion] = chat.suggestion_buttons
    assert suggestion.cget("text") == "Find General Physician doctors"
    suggestion.invoke()
    search = wait_for_screen(app, "find_doctor")
    assert search.form.fields["specialty"].get() == "General Physician"
    wait_until(app, lambda: sorted(search.table.row_ids()) == ["1", "13"])


# --- issue 5: the patient's bills -------------------------------------------------------------------------

def test_bills_list_a_bill_with_its_total_and_open_its_receipt(app: MedLinkApp, clinic: MedLink) -> None:
    booked = clinic.appointments.book(session_of(clinic, "patient", ASHA), doctor_id=ANANYA, date=TODAY,
                                      time="09:00")
    doctor = session_of(clinic, "doctor", "doctor1@demo.medlink")
    bill = clinic.billing.create_bill(doctor, booked.appointment_id, extra_charges="100",
                                      additional_details="Dressing")
    home = app.show("patient_home")
    wait_until(app, lambda: home.bills_summary.cget("text") == "1 bill, Rs. 622.00 in total")
    button_with_text(home, "View bills \u203a").invoke()
    bills = wait_for_screen(app, "patient_bills")
    assert bills.table.tree.item(str(bill.bill_id), "values") == (
        bill.receipt_number, "30 Nov 2026", "Dr. Ananya Iyer", "622.00")
    assert bills.sum.cget("text") == "Total of your 1 bill: Rs. 622.00"
    lines = bills.charges.texts()
    assert lines[lines.index("GST (18%)") + 1] == "Rs. 72.00" and lines[-1] == "Rs. 622.00"
    bills.open_button.invoke()
    wait_until(app, lambda: app.dialogs and app.dialogs[-1].kind == "open")
    receipt = Path(app.dialogs[-1].message)
    assert receipt.suffix == ".pdf" and receipt.read_bytes().startswith(b"%PDF-")


def test_enter_searches_and_a_bad_fee_is_shown_under_its_field(app: MedLinkApp) -> None:
    search = open_from_navigation(app, "Find a doctor", "find_doctor")
    text = search.form.fields["text"].widget
    type_into(text, "mehta")
    text.event_generate("<Return>")
    wait_until(app, lambda: search.table.row_ids() == [str(ROHAN)] and not search.is_busy)
    assert search.found.cget("text") == "1 doctor found"
    type_into(text, "")
    type_into(search.form.fields["max_fee"].widget, "a lot")
    search.search_button.invoke()
    wait_until(app, lambda: search.form.error_of("max_fee") != "")
    assert search.table.row_ids() == [str(ROHAN)]  # the last results stay until a search succeeds
    type_into(search.form.fields["max_fee"].widget, "500")
    type_into(search.form.fields["order"].widget, "Fee")
    search.form.fields["order"].widget.event_generate("<<ComboboxSelected>>")
    wait_until(app, lambda: search.order_note.cget("text").startswith("Sorted by consultation fee"))
    fees = [search.table.tree.item(iid, "values")[4] for iid in search.table.row_ids()]
    assert fees == ["300", "400", "500"] and search.form.error_of("max_fee") == ""


def test_past_appointments_show_what_became_of_them(app: MedLinkApp, clinic: MedLink) -> None:
    booked = clinic.appointments.book(session_of(clinic, "patient", ASHA), doctor_id=ANANYA, date=TODAY,
                                      time="09:00")
    clinic.clock.advance(hours=2)
    clinic.appointments.complete(session_of(clinic, "doctor", "doctor1@demo.medlink"), booked.appointment_id)
    appointments = open_from_navigation(app, "Appointments", "my_appointments")
    assert appointments.table.row_ids() == [] and appointments.table.empty.winfo_ismapped()
    appointments.view.buttons["past"].invoke()
    wait_until(app, lambda: appointments.table.row_ids() == [str(booked.appointment_id)])
    settle(app, appointments)
    assert appointments.table.tree.item(str(booked.appointment_id), "values")[6] == "Completed"
    assert not appointments.actions.winfo_ismapped()


def test_a_receipt_can_be_neither_deleted_nor_hidden_from_its_doctor(app: MedLinkApp, clinic: MedLink) -> None:
    booked = clinic.appointments.book(session_of(clinic, "patient", ASHA), doctor_id=ANANYA, date=TODAY,
                                      time="09:15")
    clinic.billing.create_bill(session_of(clinic, "doctor", "doctor1@demo.medlink"), booked.appointment_id)
    records = open_from_navigation(app, "Records", "patient_records")
    [iid] = records.table.row_ids()
    _date, kind, _size, name, shared = records.table.tree.item(iid, "values")
    assert (kind, name, shared) == ("Receipt", "Receipt ML/2026-27/000001", "You and Dr. Ananya Iyer")
    asked = len(app.dialogs)
    records.delete_button.invoke()
    wait_until(app, lambda: records.status.cget("text") == "A receipt stays with its bill and cannot be deleted.")
    assert len(app.dialogs) == asked and records.table.row_ids() == [iid]
    records.share_button.invoke()
    wait_until(app, lambda: records.share_dialog is not None and not records.is_busy)
    dialog = records.share_dialog
    dialog.boxes[ANANYA].invoke()  # unticked
    dialog.primary_button.invoke()
    wait_until(app, lambda: dialog.message.cget("text") == "A receipt stays shared with the doctor who issued it.")
    dialog.cancel_button.invoke()
    assert not dialog.winfo_exists()
