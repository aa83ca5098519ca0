"""Fees, the GST arithmetic, bills with gap-free receipt numbers, and receipt PDFs.

The money rule (DESIGN): subtotal = consultation + lab test + medication; GST = subtotal x rate,
rounded half-up to 0.01 once; total = subtotal + GST + other fees + extra charges.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import re
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from medlink.dao import appointments, bills, doctors, medical_records, patients
from medlink.db import IntegrityViolation, Tx
from medlink.errors import ConflictError, NotFound, ValidationError
from medlink.models import Bill, Breakdown, Fees, from_row
from medlink.services import validation as v
from medlink.services.base import Service
from medlink.services.crypto import RecordCipher
from medlink.services.receipts import ReceiptData, render_receipt
from medlink.services.session import Session

log = logging.getLogger("medlink.billing")
CENT = Decimal("0.01")
DOCTOR, PEOPLE = ("doctor",), ("patient", "doctor")
FEE_NAMES = ("consultation", "lab_test", "medication", "other")
BILLABLE = ("booked", "completed")
COUNTER_KEYS = ("PRIMARY", "sqlite_autoindex_receipt_counters_1")  # receipt_counters' key on each backend


def compute(*, consultation: Any, lab_test: Any, medication: Any, other: Any, extra_charges: Any = 0,
            gst_rate: Decimal = Decimal("18")) -> Breakdown:
    """The receipt's arithmetic, in Decimal, each amount rounded half-up to 0.01."""
    parts = {name: v.money(value, name, label) for name, value, label in (
        ("consultation", consultation, "Consultation fee"), ("lab_test", lab_test, "Lab test fee"),
        ("medication", medication, "Medication fee"), ("other", other, "Other fees"),
        ("extra_charges", extra_charges, "Extra charges"))}
    subtotal = parts["consultation"] + parts["lab_test"] + parts["medication"]
    gst = (subtotal * Decimal(gst_rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP)
    total = (subtotal + gst + parts["other"] + parts["extra_charges"]).quantize(CENT, rounding=ROUND_HALF_UP)
    return Breakdown(consultation=parts["consultation"], lab_test=parts["lab_test"], medication=parts["medication"],
                     subtotal=subtotal, gst_rate=Decimal(gst_rate), gst=gst, other=parts["other"],
                     extra=parts["extra_charges"], total=total)


def financial_year(day: dt.date) -> str:
    """India's financial year, April to March: 2026-11-27 -> "2026-27"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{(start + 1) % 100:02d}"


def receipt_file_name(bill: dict[str, Any]) -> str:
    """A name unique to this bill: the receipt number plus a fingerprint of the row, so a file left
    by another database with the same number is never taken for this bill's receipt."""
    fingerprint = hashlib.sha256(f"{bill['receipt_number']}|{bill['bill_id']}|{bill['patient_id']}|"
                                 f"{bill['created_at']:%Y%m%d%H%M%S}|{bill['total_amount']}".encode()).hexdigest()
    return re.sub(r"[^A-Za-z0-9-]", "-", bill["receipt_number"]) + f"-{fingerprint[:10]}.pdf"


class BillingService(Service):
    def __init__(self, *args: Any, cipher: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._cipher_factory = cipher
        self._cipher: RecordCipher | None = None
        # Financial years whose counter row this process has seen committed: a counter row is never
        # deleted, so their bills lock it straight away instead of first checking that it exists.
        self._counted_years: set[str] = set()

    @property
    def cipher(self) -> RecordCipher:
        if self._cipher is None:
            self._cipher = self._cipher_factory()
        return self._cipher

    # -- fees --------------------------------------------------------------------------------------
    def set_fees(self, session: Session, *, consultation: Any, lab_test: Any, medication: Any, other: Any) -> Fees:
        """The doctor enters their fees: each non-negative, at most two decimals."""
        session = self.authorize(session, DOCTOR, "billing.fees.update")
        amounts = [v.money(consultation, "consultation", "Consultation fee"),
                   v.money(lab_test, "lab_test", "Lab test fee"), v.money(medication, "medication", "Medication fee"),
                   v.money(other, "other", "Other fees")]

        def unit(tx: Tx) -> None:
            doctors.set_fees(tx, session.user_id, *amounts)
            self.audit.record(tx, actor=session, action="billing.fees.update", subject=session.actor)

        self.run(unit)
        return self.fees(session.user_id)

    def fees(self, doctor_id: int) -> Fees:
        """The fees in force for a doctor, the configured defaults filled in where none were set."""
        with self.db.transaction() as tx:
            row = doctors.get(tx, doctor_id) if isinstance(doctor_id, int) else None
        if row is None:
            raise NotFound("This doctor is not listed on MedLink.")
        return self._fees_of(row)

    def _fees_of(self, row: dict[str, Any]) -> Fees:
        s = self.settings
        defaults = {"consultation": s.default_consultation_fee, "lab_test": s.default_lab_test_fee,
                    "medication": s.default_medication_fee, "other": s.default_other_fees}
        columns = {"consultation": "consultation_fee", "lab_test": "lab_test_fee", "medication": "medication_fee",
                   "other": "other_fees"}
        used_default = frozenset(name for name, column in columns.items() if row[column] is None)
        values = {name: Decimal(defaults[name] if name in used_default else row[column]).quantize(CENT)
                  for name, column in columns.items()}
        return Fees(defaults=used_default, **values)

    def compute(self, *, consultation: Any, lab_test: Any, medication: Any, other: Any,
                extra_charges: Any = 0) -> Breakdown:
        """``compute`` at the configured GST rate."""
        return compute(consultation=consultation, lab_test=lab_test, medication=medication, other=other,
                       extra_charges=extra_charges, gst_rate=self.settings.gst_rate)

    def preview(self, session: Session, appointment_id: int, extra_charges: Any = 0) -> Breakdown:
        """What ``create_bill`` would charge, for the doctor to check before saving."""
        session = self.authorize(session, DOCTOR, "billing.preview", obj=("appointment", appointment_id))

        def unit(tx: Tx) -> dict:
            appt = appointments.get(tx, appointment_id) if isinstance(appointment_id, int) else None
            if appt is None:
                raise NotFound("No such appointment.")
            if appt["doctor_id"] != session.user_id:
                raise self.refuse(session, "billing.preview", subject=("patient", appt["patient_id"]),
                                  obj=("appointment", appointment_id))
            return doctors.get(tx, session.user_id)

        doctor = self.run(unit)
        fees = self._fees_of(doctor)
        return self.compute(consultation=fees.consultation, lab_test=fees.lab_test, medication=fees.medication,
                            other=fees.other, extra_charges=extra_charges)

    # -- bills -------------------------------------------------------------------------------------
    def create_bill(self, session: Session, appointment_id: int, extra_charges: Any = 0,
                    additional_details: str = "") -> Bill:
        """Bill an appointment (its own doctor only; booked or completed; once). The receipt number
        is the next of the financial year; the PDF is saved and attached to the patient's records.

        The receipt is drawn inside the bill's transaction, after everything else is written and
        before the audit row (which stays the last step), so that its sealed copy is attached in the
        same commit. If the drawing (or the sealing) fails, the bill still commits, without it, and
        the error is raised once the bill is saved; ``receipt_path`` rebuilds the receipt then."""
        session = self.authorize(session, DOCTOR, "billing.create", obj=("appointment", appointment_id))
        extra = v.money(extra_charges, "extra_charges", "Extra charges")
        details = v.text(additional_details, "additional_details", "Additional details", required=False,
                         max_length=1000, multiline=True)
        year = financial_year(self.clock.local_now().date())

        def unit(tx: Tx) -> tuple[dict[str, Any], bytes | None, Exception | None]:
            appt = appointments.get(tx, appointment_id, for_update=True) if isinstance(appointment_id, int) else None
            if appt is None:
                raise NotFound("No such appointment.")
            if appt["doctor_id"] != session.user_id:
                raise self.refuse(session, "billing.create", subject=("patient", appt["patient_id"]),
                                  obj=("appointment", appointment_id))
            if appt["status"] not in BILLABLE:
                raise ConflictError(f"A {appt['status'].replace('_', ' ')} appointment cannot be billed.")
            doctor = doctors.get(tx, session.user_id)
            if doctor["verification_status"] != "verified":
                raise ConflictError("Only a verified doctor can issue bills.")
            # A second bill of the appointment is refused by uq_bill_appointment at the INSERT (below):
            # the appointment's row lock above already serialises desktops billing it at once.
            fees = self._fees_of(doctor)
            b = self.compute(consultation=fees.consultation, lab_test=fees.lab_test, medication=fees.medication,
                             other=fees.other, extra_charges=extra)
            try:
                sequence = bills.next_receipt_sequence(tx, year) if year in self._counted_years else None
            except LookupError:  # the counter row is gone (a restored database): make it again
                sequence = None
            if sequence is None:  # the year's first bill seen by this process
                bills.ensure_counter(tx, year)
                sequence = bills.next_receipt_sequence(tx, year)
            bill_id = bills.insert(tx, {
                "receipt_number": f"ML/{year}/{sequence:06d}", "financial_year": year, "receipt_sequence": sequence,
                "appointment_id": appointment_id, "patient_id": appt["patient_id"], "doctor_id": session.user_id,
                "consultation_fee": b.consultation, "lab_test_fee": b.lab_test, "medication_fee": b.medication,
                "other_fees": b.other, "extra_charges": b.extra, "subtotal": b.subtotal, "gst_rate": b.gst_rate,
                "gst_amount": b.gst, "total_amount": b.total, "additional_details": details,
                "created_at": self.clock.utc_now()})
            # the stored row (the receipt is drawn from exactly what is kept), and the patient it names
            bill, patient = bills.get_with_patient(tx, bill_id)
            self.notifier.bill_issued(tx, bill)
            # Everything the receipt names, read under this unit's locks: no second read after the commit.
            rows = {"bill": bill, "patient": patient, "doctor": doctor, "appointment": appt, "attached": None}
            pdf, failure = self._draw_and_attach(tx, rows)
            self.audit.record(tx, actor=session, action="billing.create", subject=("patient", appt["patient_id"]),
                              obj=("bill", bill_id))
            return rows, pdf, failure

        for attempt in (1, 2):
            try:
                rows, pdf, failure = self.run(unit)
                break
            except IntegrityViolation as exc:
                if exc.constraint == "uq_bill_appointment":
                    raise ConflictError("This appointment has already been billed.") from None
                if attempt == 2 or exc.constraint not in COUNTER_KEYS:
                    raise  # else: another desktop opened the year's counter at the same moment; go again
        self._counted_years.add(year)
        path = None
        if pdf is not None:
            try:
                path = self._write_receipt(rows["bill"], pdf)
            except OSError:
                # The bill is saved; its receipt is rebuilt when opened (receipt_path).
                log.exception("receipt file of bill %s could not be written", rows["bill"]["bill_id"])
        if failure is not None:
            raise failure
        return from_row(Bill, rows["bill"], patient_name=rows["patient"]["name"], doctor_name=rows["doctor"]["name"],
                        receipt_path=str(path) if path else None)

    def bills(self, session: Session, limit: int = 100, offset: int = 0) -> list[Bill]:
        """The caller's own bills: a patient's bills, or those a doctor issued; newest first."""
        session = self.authorize(session, PEOPLE, "billing.list")
        limit, offset = v.page(limit, offset)

        def unit(tx: Tx) -> list[dict]:
            rows = bills.with_names(tx, session.role, (session.user_id,), limit, offset)
            self.audit.record(tx, actor=session, action="billing.list", subject=session.actor,
                              detail=f"{len(rows)} rows")
            return rows

        return [from_row(Bill, r) for r in self.run(unit)]

    def receipt_path(self, session: Session, bill_id: int) -> Path:
        """The receipt PDF of a bill, rebuilt from the bill row if the file is missing; for the
        bill's patient or doctor. Opening is audited."""
        session = self.authorize(session, PEOPLE, "receipt.open", obj=("bill", bill_id))

        def unit(tx: Tx) -> None:
            row = bills.get(tx, bill_id) if isinstance(bill_id, int) else None
            if row is None:
                raise NotFound("No such bill.")
            if (session.role, session.user_id) not in (("patient", row["patient_id"]), ("doctor", row["doctor_id"])):
                raise self.refuse(session, "receipt.open", subject=("patient", row["patient_id"]),
                                  obj=("bill", bill_id))
            self.audit.record(tx, actor=session, action="receipt.open", subject=("patient", row["patient_id"]),
                              obj=("bill", bill_id))

        self.run(unit)
        return self._save_receipt(bill_id)[0]

    # -- receipts ----------------------------------------------------------------------------------
    def receipt_pdf(self, bill_id: int) -> bytes:
        """Render a bill's receipt from the database rows alone."""
        return self._render(self._rows(bill_id))

    def _rows(self, bill_id: int) -> dict[str, Any]:
        """The bill and everything its receipt names, read in one transaction."""
        with self.db.transaction() as tx:
            bill = bills.get(tx, bill_id)
            if bill is None:
                raise NotFound("No such bill.")
            return {"bill": bill, "patient": patients.get(tx, bill["patient_id"]),
                    "doctor": doctors.get(tx, bill["doctor_id"]), "appointment": appointments.get(
                        tx, bill["appointment_id"]), "attached": medical_records.receipt_for_bill(tx, bill_id)}

    def _render(self, rows: dict[str, Any]) -> bytes:
        offset = self.clock.local_now() - self.clock.utc_now()
        return render_receipt(ReceiptData(self.settings.clinic_name, self.settings.clinic_address, rows["bill"],
                                          rows["patient"], rows["doctor"], rows["appointment"],
                                          issued_local=rows["bill"]["created_at"] + offset))

    def _save_receipt(self, bill_id: int) -> tuple[Path, dict[str, Any]]:
        """Write the receipt file if it is not there yet (never overwriting one), and attach it to
        the patient's records once. Returns the path and the rows it was drawn from."""
        rows = self._rows(bill_id)
        bill = rows["bill"]
        path = self._receipt_file(bill)
        pdf = None
        if not path.exists():
            pdf = self._render(rows)
            self._write_receipt(bill, pdf)
        if rows["attached"] is None:
            self._attach(bill, pdf if pdf is not None else self._render(rows))
        return path, rows

    def _receipt_file(self, bill: dict[str, Any]) -> Path:
        folder = self.settings.records_dir / "receipts"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / receipt_file_name(bill)

    def _write_receipt(self, bill: dict[str, Any], pdf: bytes) -> Path:
        """The bill's receipt file, written unless it is there already (a file is never overwritten)."""
        path = self._receipt_file(bill)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # written a moment ago by another request
        else:
            with os.fdopen(fd, "wb") as handle:
                handle.write(pdf)
        return path

    def _draw_and_attach(self, tx: Tx, rows: dict[str, Any]) -> tuple[bytes | None, Exception | None]:
        """A new bill's receipt drawn, and its sealed copy attached in the bill's own transaction.
        Returns the PDF (None if the drawing failed) and the error that stopped the drawing or the
        sealing, if one did: it is raised after the commit, so the bill is saved all the same."""
        bill, pdf = rows["bill"], None
        try:
            pdf = self._render(rows)
            sealed = self.cipher.seal(pdf, bill["patient_id"])
        except Exception as exc:  # noqa: BLE001 - raised again once the bill is committed
            log.error("receipt of bill %s could not be drawn or sealed: %r", bill["bill_id"], exc)
            return pdf, exc
        self._insert_record(tx, bill, pdf, sealed)
        return pdf, None

    def _attach(self, bill: dict[str, Any], pdf: bytes) -> None:
        """Attach the receipt of an older bill that has none yet (its own transaction)."""
        sealed = self.cipher.seal(pdf, bill["patient_id"])
        try:
            self.run(lambda tx: self._insert_record(tx, bill, pdf, sealed))
        except IntegrityViolation as exc:
            if exc.constraint != "uq_record_bill":  # attached a moment ago by another request: done
                raise

    def _insert_record(self, tx: Tx, bill: dict[str, Any], pdf: bytes, sealed: bytes) -> None:
        """The receipt's sealed copy in the patient's records, shared with the doctor who issued it."""
        now = self.clock.utc_now()
        record_id = medical_records.insert(
            tx, patient_id=bill["patient_id"], uploaded_by=bill["doctor_id"], uploader_role="doctor",
            original_filename=receipt_file_name(bill), content_type="application/pdf", size_bytes=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(), content=sealed, upload_date=now, kind="receipt",
            bill_id=bill["bill_id"])
        medical_records.add_shares(tx, record_id, {bill["doctor_id"]}, now)  # a new record: shared with no one yet


def validate_fee_form(values: dict[str, Any]) -> dict[str, Decimal]:
    """The fee section's values, checked as ``set_fees`` checks them (for inline errors)."""
    labels = {"consultation": "Consultation fee", "lab_test": "Lab test fee", "medication": "Medication fee",
              "other": "Other fees"}
    unknown = set(values) - set(labels)
    if unknown:
        raise ValidationError("Unknown fee.", sorted(unknown)[0])
    return {name: v.money(values[name], name, labels[name]) for name in labels if name in values}
