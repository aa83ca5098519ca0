"""``doctor_bills``: the receipts the doctor issued, newest first, a page at a time (issue 5).
Beside the list, the selected bill's breakdown and Open, which hands the receipt PDF (rebuilt from
the bill row if its file is gone) to the system's viewer."""

from __future__ import annotations

import datetime as dt
from tkinter import ttk
from typing import Any

from medlink.errors import MedLinkError
from medlink.models import Bill
from medlink.ui.breakdown import BreakdownView, bill_breakdown, money
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Column, DataTable, Pager, Row, autowrap, ensure_styles

PAGE_SIZE = 50
COLUMNS = (  # the receipt number, date and total fit; the patient's name takes the rest
    Column("receipt", "Receipt no.", 156, stretch=False),
    Column("date", "Date", 100, stretch=False),
    Column("patient", "Patient", 150),
    Column("total", "Total", 112, anchor="e", stretch=False),
)
EMPTY_TEXT = "No bills yet. Generate a receipt from an appointment in your schedule."
NO_SELECTION = "Select a bill to see its charges."


def bill_row(bill: Bill, offset: dt.timedelta) -> Row:
    issued = bill.created_at + offset
    return Row(str(bill.bill_id), (bill.receipt_number, f"{issued.day} {issued:%b %Y}", bill.patient_name,
                                   money(bill.total_amount)),
               {"receipt": bill.receipt_number, "date": (bill.created_at, bill.bill_id), "total": bill.total_amount})


@register_screen("doctor_bills")
class DoctorBillsScreen(Screen):
    title = "Bills"
    roles = ("doctor",)
    padding = (28, 22, 24, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(2, weight=1)
        top = ttk.Frame(self)
        top.grid(row=0, column=0, columnspan=2, sticky="ew")
        ttk.Label(top, text="Bills", style="Title.TLabel").pack(side="left")
        ttk.Button(top, text="Reload", command=self._load).pack(side="right")
        autowrap(ttk.Label(self, text=f"Receipts you issued, newest first, {PAGE_SIZE} to a page.",
                           style="Muted.TLabel", wraplength=600)).grid(row=1, column=0, columnspan=2, sticky="ew",
                                                                       pady=(4, 14))
        self.table = DataTable(self, COLUMNS, height=12, empty_text=EMPTY_TEXT)
        self.table.grid(row=2, column=0, sticky="nsew")
        self.table.on_select(self._on_select)
        self.table.tree.bind("<Double-1>", lambda _e: self._on_open(), add="+")
        self.table.tree.bind("<Return>", lambda _e: self._on_open(), add="+")
        self.pager = Pager(self, self._on_page, page_size=PAGE_SIZE)
        self.pager.grid(row=3, column=0, sticky="ew", pady=(8, 0))
        self._build_panel()
        self.bills: dict[str, Bill] = {}

    def _build_panel(self) -> None:
        panel = ttk.Frame(self, style="Card.TFrame", padding=(20, 14, 20, 16))
        panel.grid(row=2, column=1, rowspan=2, sticky="nsew", padx=(16, 0))
        panel.columnconfigure(0, weight=1)
        self.panel_title = ttk.Label(panel, text="Receipt", style="Heading.TLabel")
        self.panel_title.grid(row=0, column=0, sticky="w")
        self.panel_caption = autowrap(ttk.Label(panel, text=NO_SELECTION, style="Muted.TLabel", justify="left",
                                                wraplength=230))
        self.panel_caption.grid(row=1, column=0, sticky="ew", pady=(2, 12))
        self.breakdown = BreakdownView(panel)
        self.breakdown.grid(row=2, column=0, sticky="ew")
        self.details = autowrap(ttk.Label(panel, text="", style="Muted.TLabel", justify="left", wraplength=230))
        self.details.grid(row=3, column=0, sticky="ew", pady=(10, 0))
        panel.rowconfigure(4, weight=1)
        self.message = autowrap(ttk.Label(panel, text="", style="Error.TLabel", justify="left", wraplength=230))
        self.message.grid(row=5, column=0, sticky="ew", pady=(8, 0))
        self.open_button = ttk.Button(panel, text="Open receipt", style="Primary.TButton", command=self._on_open)
        self.open_button.grid(row=6, column=0, sticky="e", pady=(10, 0))

    def refresh(self, **context: Any) -> None:
        self.pager.offset = 0
        self._load()

    def focus_first(self) -> None:
        self.table.tree.focus_set()

    def _load(self) -> None:
        self.message.configure(text="")
        self.run_task(self.ml.billing.bills, self.app.session, limit=PAGE_SIZE + 1, offset=self.pager.offset,
                      on_done=self._show)

    def _on_page(self, offset: int) -> None:
        self.pager.offset = offset
        self._load()

    def _show(self, fetched: list[Bill]) -> None:
        shown = fetched[:PAGE_SIZE]
        self.pager.show(self.pager.offset, len(shown), more=len(fetched) > PAGE_SIZE)
        offset = self.ml.clock.local_now() - self.ml.clock.utc_now()
        self.bills = {str(b.bill_id): b for b in shown}
        self.table.set_rows(bill_row(b, offset) for b in shown)
        if self.table.selected_id() is None and shown:
            self.table.select(str(shown[0].bill_id))
        self._on_select(self.table.selected_id())

    def selected(self) -> Bill | None:
        iid = self.table.selected_id()
        return self.bills.get(iid) if iid else None

    def _on_select(self, _iid: str | None) -> None:
        bill = self.selected()
        self.message.configure(text="")
        if bill is None:
            self.panel_title.configure(text="Receipt")
            self.panel_caption.configure(text=NO_SELECTION)
            self.breakdown.show(None)
            self.details.configure(text="")
        else:
            issued = bill.created_at + (self.ml.clock.local_now() - self.ml.clock.utc_now())
            self.panel_title.configure(text=bill.receipt_number)
            self.panel_caption.configure(text=f"{bill.patient_name} \u00b7 {issued.day} {issued:%b %Y}, "
                                              f"{issued:%H:%M}")
            self.breakdown.show(bill_breakdown(bill))
            self.details.configure(text=bill.additional_details.strip())
        self._sync_buttons()

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not self.is_busy:
            self._sync_buttons()

    def _sync_buttons(self) -> None:
        if not self.is_busy:
            self.pager.update_buttons()
            self.open_button.state(["!disabled" if self.selected() else "disabled"])

    def _on_open(self) -> None:
        bill = self.selected()
        if bill is not None and not self.is_busy:
            self.message.configure(text="")
            self.run_task(self.ml.billing.receipt_path, self.app.session, bill.bill_id, on_done=self.app.open_file,
                          on_error=self._open_failed)

    def _open_failed(self, error: BaseException) -> None:
        if not isinstance(error, MedLinkError):
            raise error
        self.message.configure(text=error.message)
