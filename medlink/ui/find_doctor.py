"""``find_doctor``: a patient searches the verified doctors.

Free text (name, specialty, hospital, qualifications), specialty and city ("Any" first), highest fee
and the order: Name (the neutral default), Earliest open slot, Fee or Experience. The database sorts
and pages (20 at a time); a line under the results says what the order is, and that MedLink never
promotes anyone. Enter searches; choosing a specialty, city or order searches at once. Double-click,
Enter or "View profile" opens the doctor's profile, whose Back returns here with the search kept.

``app.show("find_doctor", specialty="Cardiology")`` starts a search for that specialty (the chat's
"Find Cardiology doctors").
"""

from __future__ import annotations

import tkinter as tk
from tkinter import ttk
from typing import Any

from medlink.models import SearchPage
from medlink.ui.forms import Form
from medlink.ui.screen import Screen, register_screen
from medlink.ui.widgets import Column, DataTable, Pager, Row, amount_text, autowrap, ensure_styles, slot_text, years

PAGE_SIZE = 20
ANY = "Any"
ORDERS = {"Name": "name", "Earliest open slot": "earliest", "Fee": "fee", "Experience": "experience"}
HEADING_ORDERS = {"name": "name", "fee": "fee", "experience": "experience", "next_slot": "earliest"}
NEUTRAL = "MedLink never promotes a doctor or hospital."
VERIFIED_MARK = "\u2713"
VERIFIED_NOTE = f"{VERIFIED_MARK} Verified by MedLink."
EMPTY = "No verified doctor matches your search.\nTry fewer words, another city or a higher fee."
COLUMNS = (
    Column("name", "Doctor", 175),
    Column("specialty", "Specialty", 130),
    Column("hospital", "Hospital", 160),
    Column("city", "City", 85),
    Column("fee", "Fee (Rs.)", 90, anchor="e", stretch=False),
    Column("experience", "Experience", 108, anchor="e", stretch=False),
    Column("next_slot", "Next open slot", 135, stretch=False),
)


def search_rows(page: SearchPage, today: Any) -> list[Row]:
    """The table's rows for a page of results."""
    return [Row(str(d.doctor_id), (f"{VERIFIED_MARK} {d.name}" if d.verified else d.name, d.specialty, d.hospital,
                                   d.city, amount_text(d.consultation_fee), years(d.experience_years),
                                   slot_text(d.next_open_slot, today)),
                {"name": d.name.casefold(), "fee": d.consultation_fee, "experience": d.experience_years,
                 "next_slot": d.next_open_slot})
            for d in page.results]


def order_line(page: SearchPage, local: str | None = None) -> str:
    """What the order is; ``local`` names a column this page was re-ordered by."""
    if local:
        return f"This page is re-ordered by {local.lower()}; the list is {page.order_text[0].lower()}" \
               f"{page.order_text[1:]} {NEUTRAL} {VERIFIED_NOTE}"
    return f"{page.order_text} {NEUTRAL} {VERIFIED_NOTE}"


def found_text(total: int, more: bool = False) -> str:
    """What the count line says; ``more``: the search stopped counting at ``total``."""
    if more:
        return f"More than {total:,} doctors found"
    return "No doctors found" if total == 0 else "1 doctor found" if total == 1 else f"{total:,} doctors found"



@register_screen("find_doctor")
class FindDoctorScreen(Screen):
    title = "Find a doctor"
    roles = ("patient",)
    padding = (32, 24, 28, 20)

    def _build(self) -> None:
        ensure_styles(self.app)
        self.columnconfigure(0, weight=1)
        self.rowconfigure(3, weight=1)
        ttk.Label(self, text="Find a doctor", style="Title.TLabel").grid(row=0, column=0, sticky="w")
        self._build_filters()
        bar = ttk.Frame(self)
        bar.grid(row=2, column=0, sticky="ew", pady=(16, 8))
        self.found = ttk.Label(bar, text="", style="Heading.TLabel")
        self.found.pack(side="left", anchor="s")
        self.view_button = ttk.Button(bar, text="View profile", style="Primary.TButton", command=self._on_view)
        self.view_button.pack(side="right")
        self.order_field = self.form.choice(bar, "order", "", list(ORDERS), width=16)
        self.order_field.label.grid_remove()
        self.order_field.error.grid_remove()
        self.order_field.frame.pack(side="right", padx=(0, 18))
        ttk.Label(bar, text="Sort by", style="FieldLabel.TLabel").pack(side="right", padx=(0, 8))
        self.order_field.set("Name")
        self.order_field.widget.bind("<<ComboboxSelected>>", lambda _e: self._search(0), add="+")
        self.table = DataTable(self, COLUMNS, height=9, empty_text=EMPTY)
        self.table.grid(row=3, column=0, sticky="nsew")
        for key, order in HEADING_ORDERS.items():
            self.table.tree.heading(key, command=lambda o=order: self._sort_on_server(o))
        for column in COLUMNS:
            if column.key not in HEADING_ORDERS:
                self.table.tree.heading(column.key, command=lambda c=column: self._sort_page(c))
        self.table.on_select(lambda _iid: self._update_actions())
        for sequence in ("<Double-1>", "<Return>", "<KP_Enter>"):
            self.table.tree.bind(sequence, self._on_open_event, add="+")
        footer = ttk.Frame(self)
        footer.grid(row=4, column=0, sticky="ew", pady=(10, 0))
        footer.columnconfigure(0, weight=1)
        self.order_note = autowrap(ttk.Label(footer, text="", style="Muted.TLabel", justify="left", wraplength=420))
        self.order_note.grid(row=0, column=0, sticky="ew", padx=(0, 16))
        self.pager = Pager(footer, self._search, PAGE_SIZE)
        self.pager.grid(row=0, column=1, sticky="e")
        self.page: SearchPage | None = None
        self._request = 0
        self._facets_loaded = False

    def _build_filters(self) -> None:
        card = ttk.Frame(self, style="Card.TFrame", padding=(20, 14, 20, 4))
        card.grid(row=1, column=0, sticky="ew", pady=(14, 0))
        self.form = Form(lambda: self._search(0))
        fields = (
            (self.form.entry(card, "text", "Name or keyword", width=20), 3),
            (self.form.choice(card, "specialty", "Specialty", [ANY], width=16), 2),
            (self.form.choice(card, "city", "City", [ANY], width=11), 1),
            (self.form.entry(card, "max_fee", "Highest fee (Rs.)", width=12), 1),
        )
        for index, (field, weight) in enumerate(fields):
            field.frame.grid(row=0, column=index, sticky="new", padx=(0, 12))
            card.columnconfigure(index, weight=weight)
        self.search_button = ttk.Button(card, text="Search", style="Primary.TButton", width=0,
                                        command=lambda: self._search(0))
        self.search_button.grid(row=0, column=len(fields), sticky="w", pady=(22, 0))
        self.form.set_values({"specialty": ANY, "city": ANY})
        for name in ("specialty", "city"):
            self.form.fields[name].widget.bind("<<ComboboxSelected>>", lambda _e: self._search(0), add="+")

    # --- showing ------------------------------------------------------------------------------------

    def refresh(self, specialty: str | None = None, **context: Any) -> None:
        if not self._facets_loaded:
            self.run_task(self.ml.doctors.specialties, on_done=lambda values: self._set_choices("specialty", values))
            self.run_task(self.ml.doctors.cities, on_done=lambda values: self._set_choices("city", values))
        if specialty is not None:
            self.form.set_values({"specialty": specialty, "text": "", "max_fee": ""})
            self._search(0)
        else:
            self._search(self.pager.offset)  # back from a profile: the same page, with fresh open slots

    def focus_first(self) -> None:
        self.form.fields["text"].focus()

    def _set_choices(self, name: str, values: list[str]) -> None:
        self._facets_loaded = True
        self.form.fields[name].widget.configure(values=[ANY, *values])

    def _search(self, offset: int) -> None:
        values = self.form.values()
        self.form.clear_errors()
        self._request += 1
        request = self._request
        self.run_task(self.ml.doctors.search, text=values["text"],
                      specialty=None if values["specialty"] in ("", ANY) else values["specialty"],
                      city=None if values["city"] in ("", ANY) else values["city"],
                      max_fee=values["max_fee"].strip() or None, limit=PAGE_SIZE, offset=offset,
                      order=ORDERS.get(values["order"], "name"),
                      on_done=lambda page: self._show_page(page, request), on_error=self.form.show_failure)

    def _show_page(self, page: SearchPage, request: int) -> None:
        if request != self._request:
            return  # a newer search is on its way
        self.page = page
        self.table.set_rows(search_rows(page, self.ml.clock.today()))
        key = next((k for k, o in HEADING_ORDERS.items() if o == page.order), None)
        self.table.show_order(key, descending=page.order == "experience")
        self.order_note.configure(text=order_line(page))
        self.found.configure(text=found_text(page.total, page.more))
        if page.more:  # not counted to the end: a next page while this one is full
            self.pager.show(page.offset, len(page.results), more=len(page.results) == page.limit)
        else:
            self.pager.show(page.offset, len(page.results), page.total)
        rows = self.table.row_ids()
        if rows and self.table.selected_id() is None:
            self.table.select(rows[0])
        self._update_actions()

    def _sort_on_server(self, order: str) -> None:
        label = next(name for name, value in ORDERS.items() if value == order)
        self.form.fields["order"].set(label)
        self._search(0)

    def _sort_page(self, column: Any) -> None:
        self.table.sort_by(column.key)
        if self.page is not None:
            self.order_note.configure(text=order_line(self.page, column.title))

    # --- actions ------------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        super()._set_busy(busy)
        if not busy:
            self._update_actions()

    def _update_actions(self) -> None:
        if self.is_busy:
            return  # the end of the task calls this again
        self.view_button.state(["!disabled" if self.table.selected_id() else "disabled"])
        self.pager.update_buttons()

    def _on_open_event(self, event: tk.Event) -> str | None:
        if event.type == tk.EventType.ButtonPress and not self.table.tree.identify_row(event.y):
            return None  # a double-click on a heading or the empty area
        self._on_view()
        return "break"

    def _on_view(self) -> None:
        doctor_id = self.table.selected_id()
        if doctor_id is None or self.page is None:
            return
        doctor = next((d for d in self.page.results if d.doctor_id == int(doctor_id)), None)
        day = doctor.next_open_slot.date() if doctor is not None and doctor.next_open_slot else None
        self.app.show("doctor_profile", doctor_id=int(doctor_id), back="find_doctor", day=day)
