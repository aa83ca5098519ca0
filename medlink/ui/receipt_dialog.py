""""Generate receipt" for one appointment (issue 5): the breakdown is shown before anything is saved
and follows the extra charges as they are typed; Save makes the bill and its PDF on a worker, then the
dialog says which receipt was saved and offers to open it."""

from __future__ import annotations

from collections.abc import Callable
from tkinter import ttk
from typing import TYPE_CHECKING, Any

from medlink.errors import MedLinkError, ValidationError
from medlink.models import Appointment, Bill, Breakdown
from medlink.ui.breakdown import BreakdownView, bill_breakdown, money, watch_entry
from medlink.ui.forms import Form
from medlink.ui.widgets import ModalDialog, autowrap, clock_time, day_and_date

if TYPE_CHECKING:
    from medlink.core import MedLink
    from medlink.ui.app import MedLinkApp

MODES = {"online": "online", "offline": "in person"}
FEES_NOTE = "Your fees as set under Fees. GST is charged on consultation, lab test and medication."


def appointment_line(appointment: Appointment) -> str:
    """``Asha Verma · Tuesday, 1 December 2026 at 10:00 · online``."""
    return (f"{appointment.patient_name} \u00b7 {day_and_date(appointment.appointment_date)} at "
            f"{clock_time(appointment.appointment_time)} \u00b7 {MODES.get(appointment.mode, appointment.mode)}")


class ReceiptDialog(ModalDialog):
    """Open with ``ReceiptDialog(app, appointment, on_saved).open()``; ``on_saved(bill)`` runs on the
    Tk thread once the bill is stored."""

    def __init__(self, app: MedLinkApp, appointment: Appointment, on_saved: Callable[[Bill], object]) -> None:
        super().__init__(app, "Generate receipt", "Save receipt", self._on_save, width=640)
        self.appointment = appointment
        self.on_saved = on_saved
        self.base: Breakdown | None = None     # the preview without extra charges
        self.bill: Bill | None = None
        body = self.body
        body.columnconfigure(0, weight=1, uniform="receipt")
        body.columnconfigure(1, weight=1, uniform="receipt")
        self.about = autowrap(ttk.Label(body, text=appointment_line(appointment), style="Muted.TLabel",
                                        justify="left", wraplength=640))
        self.about.grid(row=0, column=0, columnspan=2, sticky="ew", pady=(0, 14))
        card = ttk.Frame(body, style="Subtle.TFrame", padding=(18, 12))
        card.grid(row=1, column=0, sticky="nsew", padx=(0, 22))
        card.columnconfigure(0, weight=1)
        self.breakdown = BreakdownView(card, style="Subtle.TFrame")
        self.breakdown.grid(row=0, column=0, sticky="ew")
        self.note = autowrap(ttk.Label(card, text="Reading your fees\u2026", style="SubtleMuted.TLabel",
                                       justify="left", wraplength=260))
        self.note.grid(row=1, column=0, sticky="ew", pady=(10, 0))
        self.fields = ttk.Frame(body)
        self.fields.grid(row=1, column=1, sticky="new")
        self.fields.columnconfigure(0, weight=1)
        self.saved = autowrap(ttk.Label(body, text="", style="Success.TLabel", justify="left", wraplength=300))
        self.form = Form(self._on_save, busy=lambda: self.is_busy)
        self.form.message = self.message
        self.extra = self.form.entry(self.fields, "extra_charges", "Extra charges (Rs.)",
                                     "Added after GST, e.g. 150 or 99.50. Leave empty for none.", width=16)
        self.extra.frame.grid(row=0, column=0, sticky="ew")
        self.details = self.form.text(self.fields, "additional_details", "Additional details",
                                      "Printed on the receipt (optional).", height=4, width=30)
        self.details.frame.grid(row=1, column=0, sticky="ew", pady=(4, 0))
        watch_entry(self.extra.widget, self._on_extra_changed)  # type: ignore[arg-type]
        self.primary_button.state(["disabled"])  # until the fees are read
        self.run_task(self.ml.billing.preview, app.session, appointment.appointment_id, on_done=self._show_preview,
                      on_error=self._preview_failed)

    @property
    def ml(self) -> MedLink:
        return self.app.ml

    def open(self) -> None:
        super().open()
        self.extra.focus()

    def close(self) -> None:
        if not self.is_busy:  # a bill being saved is not abandoned half-way
            super().close()

    # --- the breakdown --------------------------------------------------------------------------

    def _show_preview(self, breakdown: Breakdown) -> None:
        self.base = breakdown
        self.note.configure(text=FEES_NOTE)
        self.primary_button.state(["!disabled"])
        self._on_extra_changed()

    def _preview_failed(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.note.configure(text="")
        self.show_message(error.message)

    def extra_amount(self) -> str:
        return self.extra.get().strip() or "0"

    def _on_extra_changed(self) -> None:
        """Recompute the breakdown for the extra charges typed so far (pure arithmetic, on this thread)."""
        if self.base is None or self.bill is not None or not self.winfo_exists():
            return
        b = self.base
        try:
            shown = self.ml.billing.compute(consultation=b.consultation, lab_test=b.lab_test, medication=b.medication,
                                            other=b.other, extra_charges=self.extra_amount())
        except ValidationError as exc:
            self.extra.set_error(exc.message)
            self.breakdown.show(b)
            self.breakdown.set_amount("extra", "\u2014")
            self.breakdown.set_amount("total", "\u2014")
            return
        self.extra.set_error("")
        self.breakdown.show(shown)

    # --- saving ---------------------------------------------------------------------------------

    def _on_save(self) -> None:
        if self.is_busy or self.base is None or self.bill is not None:
            return
        self.show_message("")
        if self.extra.error_text:
            self.extra.focus()
            return
        self.run_task(self.ml.billing.create_bill, self.app.session, self.appointment.appointment_id,
                      self.extra_amount(), self.details.get(), on_done=self._on_saved, on_error=self.form.show_failure)

    def _on_saved(self, bill: Bill) -> None:
        self.bill = bill
        self.breakdown.show(bill_breakdown(bill))
        self.note.configure(text=f"Total charged: {money(bill.total_amount)}")
        self.fields.grid_remove()
        self.saved.configure(text=f"Receipt {bill.receipt_number} saved. It was added to "
                                  f"{bill.patient_name or self.appointment.patient_name}'s records.")
        self.saved.grid(row=1, column=1, sticky="new")
        self.heading.configure(text="Receipt saved")
        self.primary_button.configure(text="Open receipt")
        self.cancel_button.configure(text="Close")
        self._on_submit = self._on_open
        self.on_saved(bill)

    def _on_open(self) -> None:
        if self.bill is not None and not self.is_busy:
            self.show_message("")
            self.run_task(self.ml.billing.receipt_path, self.app.session, self.bill.bill_id,
                          on_done=self.app.open_file, on_error=self._open_failed)

    def _open_failed(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.show_message(error.message)

    # for tests and the screenshot script
    def amounts(self) -> dict[str, Any]:
        return self.breakdown.texts()

