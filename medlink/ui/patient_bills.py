"""``patient_bills``: the patient's bills, newest first — receipt number, date, doctor and total, the
sum of the totals, and the selected bill's charges line by line. "Open receipt" fetches the receipt
PDF on a worker (rebuilt from the bill if the file is gone) and hands it to the system's viewer."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from tkinter import ttk
from typing import Any

from medlink.models import Bill
from medlink.ui.forms import button_row
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Column, DataTable, Pager, Row, amount_text, ensure_styles, rupees

PAGE_SIZE = 50
EMPTY = "No bills yet.\nYour doctor issues a bill and receipt after an appointment."
COLUMNS = (
    Column("receipt", "Receipt no.", 170),
    Column("date", "Date", 100, stretch=False),
    Column("doctor", "Doctor", 130),
    Column("total", "Total (Rs.)", 100, anchor="e", stretch=False),
)


def bill_date(bill: Bill, offset: dt.timedelta) -> dt.date:
    """The local day a bill was issued (bills keep UTC)."""
    return (bill.created_at + offset).date()


def bill_rows(bills: list[Bill], offset: dt.timedelta) -> list[Row]:
    rows = []
    for bill in bills:
        day = bill_date(bill, offset)
        rows.append(Row(str(bill.bill_id), (bill.receipt_number, f"{day.day} {day:%b %Y}", bill.doctor_name,
                                            amount_text(bill.total_amount, always_paise=True)),
                        {"date": bill.created_at, "total": bill.total_amount}))
    return rows


def charge_lines(bill: Bill) -> list[tuple[str, str]]:
    """The bill's charges in the order of the receipt."""
    rate = f"{Decimal(bill.gst_rate).normalize():f}"
    lines = [("Consultation", rupees(bill.consultation_fee, True)), ("Lab tests", rupees(bill.lab_test_fee, True)),
             ("Medication", rupees(bill.medication_fee, True)), ("Subtotal", rupees(bill.subtotal, True)),
             (f"GST ({rate}%)", rupees(bill.gst_amount, True)), ("Other fees", rupees(bill.other_fees, True)),
             ("Extra charges", rupees(bill.extra_charges, True))]
    if bill.additional_details.strip():
        lines.append(("Details", bill.additional_details.strip()))
    return lines


def sum_text(bills: list[Bill], whole_list: bool) -> str:
    total = sum((b.total_amount for b in bills), Decimal(0))
    count = "1 bill" if len(bills) == 1 else f"{len(bills)} bills"
    return f"Total of {'your' if whole_list else 'these'} {count}: {rupees(total, True)}"


class ChargeLines(ttk.Frame):
    """A receipt's charges: names on the left, amounts right-aligned, the total in bold under a rule."""

    def __init__(self, parent: ttk.Frame) -> None:
        super().__init__(parent)
        self.columnconfigure(0, weight=1)
        self._widgets: list[ttk.Widget] = []

    def set(self, lines: list[tuple[str, str]], total: str) -> None:
        for widget in self._widgets:
            widget.destroy()
        self._widgets = []
        for row, (name, amount) in enumerate(lines):
            self._add(ttk.Label(self, text=name, style="Muted.TLabel"), row=row, column=0, sticky="nw", pady=2)
            self._add(ttk.Label(self, text=amount, justify="right", wraplength=180), row=row, column=1,
                      sticky="ne", pady=2, padx=(12, 0))
        if total:
            row = len(lines)
            self._add(ttk.Frame(self, style="Rule.TFrame", height=1), row=row, column=0, columnspan=2, sticky="ew",
                      pady=(8, 6))
            self._add(ttk.Label(self, text="Total", style="FieldLabel.TLabel"), row=row + 1, column=0, sticky="w")
            self._add(ttk.Label(self, text=total, style="FieldLabel.TLabel"), row=row + 1, column=1, sticky="e")

    def texts(self) -> list[str]:
        return [str(w.cget("text")) for w in self._widgets if isinstance(w, ttk.Label)]

    def _add(self, widget: ttk.Widget, **grid: Any) -> None:
        widget.grid(**grid)
        self._widgets.append(widget)


@register_screen("patient_bills")
class PatientBillsScreen(Screen):
    title = "Bills"
    roles = ("patient",)
    padding = (32, 24, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=3, uniform="bills")
        self.columnconfigure(1, weight=2, uniform="bills")
        self.rowconfigure(2, weight=1)
        ttk.Label(self, text="Bills", style="Title.TLabel").grid(row=0, column=0, columnspan=2, sticky="w")
        ttk.Label(self, text="Receipts for your appointments, newest first. Each receipt is also kept in your "
                             "records.", style="Muted.TLabel").grid(row=1, column=0, columnspan=2, sticky="w",
                                                                   pady=(4, 14))
        self.table = DataTable(self, COLUMNS, height=10, empty_text=EMPTY)
        self.table.grid(row=2, column=0, sticky="nsew", padx=(0, 18))
        self.table.on_select(lambda _iid: self._show_selected())
        for sequence in ("<Double-1>", "<Return>", "<KP_Enter>"):
            self.table.tree.bind(sequence, lambda _e: self._on_open(), add="+")
        footer = ttk.Frame(self)
        footer.grid(row=3, column=0, sticky="ew", pady=(10, 0), padx=(0, 18))
        self.sum = ttk.Label(footer, text="", style="Heading.TLabel")
        self.sum.pack(side="left")
        self.pager = Pager(footer, self._load, PAGE_SIZE)
        self._build_receipt()
        self.bills: dict[str, Bill] = {}

    def _build_receipt(self) -> None:
        card = ttk.Frame(self, style="Card.TFrame", padding=(22, 18))
        card.grid(row=2, column=1, rowspan=2, sticky="nsew")
        card.columnconfigure(0, weight=1)
        card.rowconfigure(3, weight=1)
        self.receipt_heading = ttk.Label(card, text="Receipt", style="Heading.TLabel")
        self.receipt_heading.grid(row=0, column=0, sticky="w")
        self.receipt_caption = ttk.Label(card, text="", style="Muted.TLabel")
        self.receipt_caption.grid(row=1, column=0, sticky="w", pady=(2, 12))
        self.charges = ChargeLines(card)
        self.charges.grid(row=2, column=0, sticky="new")
        row, self.open_button = button_row(card, ("Open receipt", self._on_open))
        row.grid(row=4, column=0, sticky="e", pady=(12, 0))

    def refresh(self, **context: Any) -> None:
        self._load(self.pager.offset)

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    def _load(self, offset: int) -> None:
        self.run_task(self.ml.billing.bills, self.app.session, limit=PAGE_SIZE + 1, offset=offset,
                      on_done=lambda bills: self._show_list(bills, offset))

    def _show_list(self, bills: list[Bill], offset: int) -> None:
        shown = bills[:PAGE_SIZE]
        more = len(bills) > PAGE_SIZE
        self.bills = {str(b.bill_id): b for b in shown}
        self.table.set_rows(bill_rows(shown, self._utc_offset()))
        self.sum.configure(text=sum_text(shown, whole_list=offset == 0 and not more) if shown else "")
        if offset or more:
            self.pager.pack(side="right")
            self.pager.show(offset, len(shown), more=more)
        else:
            self.pager.pack_forget()
        if self.table.selected_id() is None and shown:
            self.table.select(str(shown[0].bill_id))
        self._show_selected()

    def _utc_offset(self) -> dt.timedelta:
        return self.ml.clock.local_now() - self.ml.clock.utc_now()

    def selected(self) -> Bill | None:
        return self.bills.get(self.table.selected_id() or "")

    def _show_selected(self) -> None:
        bill = self.selected()
        if bill is None:
            self.receipt_heading.configure(text="Receipt")
            self.receipt_caption.configure(text="Choose a bill to see its charges.")
            self.charges.set([], "")
        else:
            day = bill_date(bill, self._utc_offset())
            self.receipt_heading.configure(text=bill.receipt_number)
            self.receipt_caption.configure(text=f"{bill.doctor_name}, {day.day} {day:%B %Y}")
            self.charges.set(charge_lines(bill), rupees(bill.total_amount, True))
        self._update_actions()

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not busy:
            self._update_actions()

    def _update_actions(self) -> None:
        if self.is_busy:
            return  # the end of the task calls this again
        self.open_button.state(["!disabled" if self.selected() else "disabled"])
        self.pager.update_buttons()

    def _on_open(self) -> None:
        bill = self.selected()
        if bill is None or self.is_busy:
            return
        self.run_task(self.ml.billing.receipt_path, self.app.session, bill.bill_id, on_done=self.app.open_file)
