"""Fees, receipts and bills on the doctor's side (issue 5): the receipt dialog shows the breakdown with
GST before saving and follows the extra charges as typed; the saved bill holds the total shown; Open
hands over the receipt PDF; the fee section marks defaults and saves new fees."""

from __future__ import annotations

import tkinter as tk
from decimal import Decimal
from pathlib import Path

import pytest

from medlink.ui.doctor_bills import DoctorBillsScreen
from medlink.ui.doctor_fees import DoctorFeesScreen
from medlink.ui.doctor_schedule import DoctorScheduleScreen
from medlink.ui.receipt_dialog import ReceiptDialog
from tests.gui import doctor_clinic
from tests.gui.doctor_clinic import Clinic, doctor_window, go_to, settle_all
from tests.gui.flows import PATIENT, settle, type_into
from tests.gui.helpers import wait_until

pytestmark = pytest.mark.gui
clinic, make_clinic, open_app = doctor_clinic.clinic, doctor_clinic.make_clinic, doctor_clinic.open_app


def the_dialog(app: tk.Tk) -> ReceiptDialog:
    found = [w for w in app.winfo_children() if isinstance(w, ReceiptDialog)]
    assert len(found) == 1
    return found[0]


def test_generate_receipt_shows_the_breakdown_then_saves_the_bill_shown(clinic: Clinic, open_app) -> None:
    booking = clinic.book(mode="offline", reason="Rash on both arms")
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Schedule", "doctor_schedule")
    assert isinstance(screen, DoctorScheduleScreen)
    screen.views.buttons["upcoming"].invoke()
    settle(app, screen)
    screen.table.select(str(booking.appointment_id))
    app.update()
    screen.receipt_button.invoke()
    dialog = the_dialog(app)
    wait_until(app, lambda: dialog.base is not None)

    amounts = dialog.amounts()  # the configured defaults: consultation 500, nothing else
    assert amounts["consultation"] == "Consultation fee: Rs. 500.00"
    assert amounts["subtotal"] == "Subtotal: Rs. 500.00"
    assert amounts["gst"] == "GST @ 18%: Rs. 90.00"
    assert amounts["total"] == "Total: Rs. 590.00"
    assert clinic.query("SELECT COUNT(*) AS n FROM bills")[0]["n"] == 0  # nothing saved by looking

    type_into(dialog.extra.widget, "12.345")
    app.update()
    assert "two decimals" in dialog.extra.error_text
    assert dialog.amounts()["total"] == "Total: \u2014"
    type_into(dialog.extra.widget, "150.50")
    type_into(dialog.details.widget, "Patch test done.")
    app.update()
    assert dialog.extra.error_text == ""
    assert dialog.amounts()["extra"] == "Extra charges: Rs. 150.50"
    assert dialog.amounts()["total"] == "Total: Rs. 740.50"

    dialog.primary_button.invoke()
    wait_until(app, lambda: dialog.bill is not None, timeout=15)
    settle_all(app)
    bill = clinic.query("SELECT * FROM bills")
    assert len(bill) == 1
    assert (bill[0]["total_amount"], bill[0]["gst_amount"], bill[0]["extra_charges"]) == \
        (Decimal("740.50"), Decimal("90.00"), Decimal("150.50"))
    assert bill[0]["additional_details"] == "Patch test done."
    assert dialog.saved.cget("text").startswith("Receipt ML/2026-27/000001 saved.")
    assert screen.result.cget("text") == "Receipt ML/2026-27/000001 saved."

    dialog.primary_button.invoke()  # now "Open receipt"
    wait_until(app, lambda: any(d.kind == "open" for d in app.dialogs))
    opened = Path(next(d.message for d in app.dialogs if d.kind == "open"))
    assert opened.suffix == ".pdf" and opened.read_bytes().startswith(b"%PDF")
    assert [d for d in app.dialogs if d.kind == "error"] == []


def test_a_refused_bill_keeps_what_was_typed(clinic: Clinic, open_app) -> None:
    booking = clinic.book(mode="offline")
    clinic.ml.billing.create_bill(clinic.doctor, booking.appointment_id)  # billed already, elsewhere
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Schedule", "doctor_schedule")
    screen.views.buttons["upcoming"].invoke()
    settle(app, screen)
    screen.table.select(str(booking.appointment_id))
    app.update()
    screen.receipt_button.invoke()
    dialog = the_dialog(app)
    wait_until(app, lambda: dialog.base is not None)
    type_into(dialog.extra.widget, "75")
    dialog.primary_button.invoke()
    settle_all(app)
    assert dialog.message.cget("text") == "This appointment has already been billed."
    assert dialog.extra.get() == "75" and dialog.winfo_exists()
    assert clinic.query("SELECT COUNT(*) AS n FROM bills")[0]["n"] == 1


def test_the_fee_section_marks_defaults_and_saves_new_fees(clinic: Clinic, open_app) -> None:
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Fees", "doctor_fees")
    assert isinstance(screen, DoctorFeesScreen)
    assert screen.defaults_shown() == {"consultation", "lab_test", "medication", "other"}
    assert screen.form.fields["consultation"].get() == "500"
    assert screen.example.texts()["total"] == "Total: Rs. 590.00"

    type_into(screen.form.fields["lab_test"].widget, "-5")
    app.update()
    assert screen.form.error_of("lab_test") == "Lab test fee cannot be negative."
    type_into(screen.form.fields["consultation"].widget, "800")
    type_into(screen.form.fields["lab_test"].widget, "250")
    type_into(screen.form.fields["other"].widget, "99.50")
    app.update()
    assert screen.form.error_of("lab_test") == ""
    assert screen.example.texts()["gst"] == "GST @ 18%: Rs. 189.00"     # 18% of 1,050
    assert screen.example.texts()["total"] == "Total: Rs. 1,338.50"     # 1,050 + 189 + 99.50

    screen.save_button.invoke()
    settle(app, screen)
    row = clinic.query("SELECT consultation_fee, lab_test_fee, medication_fee, other_fees FROM doctor_info "
                       "WHERE doctor_id = ?", (clinic.doctor_id,))[0]
    assert tuple(row.values()) == (Decimal("800.00"), Decimal("250.00"), Decimal("0.00"), Decimal("99.50"))
    assert screen.saved.cget("text") == "Your fees were saved."
    assert screen.defaults_shown() == set()


def test_bad_fees_are_refused_under_their_field(clinic: Clinic, open_app) -> None:
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Fees", "doctor_fees")
    type_into(screen.form.fields["medication"].widget, "")
    type_into(screen.form.fields["consultation"].widget, "1e9")
    screen.save_button.invoke()
    settle(app, screen)
    assert screen.form.error_of("consultation") != ""
    assert screen.form.fields["consultation"].get() == "1e9"
    assert clinic.query("SELECT consultation_fee FROM doctor_info WHERE doctor_id = ?",
                        (clinic.doctor_id,))[0]["consultation_fee"] is None


def test_bills_list_the_receipts_issued_and_open_them(clinic: Clinic, open_app) -> None:
    booking = clinic.book(mode="offline")
    bill = clinic.ml.billing.create_bill(clinic.doctor, booking.appointment_id, extra_charges="10")
    app = doctor_window(clinic, open_app)
    screen = go_to(app, "Bills", "doctor_bills")
    assert isinstance(screen, DoctorBillsScreen)
    values = screen.table.tree.item(str(bill.bill_id), "values")
    assert (values[0], values[2], values[3]) == ("ML/2026-27/000001", PATIENT["name"], "Rs. 600.00")
    assert screen.breakdown.texts()["total"] == "Total: Rs. 600.00"
    screen.open_button.invoke()
    settle(app, screen)
    opened = [d.message for d in app.dialogs if d.kind == "open"]
    assert len(opened) == 1 and Path(opened[0]).read_bytes().startswith(b"%PDF")
