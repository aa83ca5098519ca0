"""Small helpers that insert rows through the DAO, for reuse by tests.

Each ``make_*`` takes an open ``Tx``, a ``Database`` or a ``MedLink`` (then it runs in a
transaction of its own) and returns the new row's id. Every argument has a sensible default;
e-mails, usernames and registration numbers are unique per call.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from decimal import Decimal
from typing import Any, TypeVar

from medlink.dao import admins, appointments, bills, doctors, patients
from medlink.db import Database, Tx

T = TypeVar("T")

NOW = dt.datetime(2030, 1, 7, 9, 0, 0)  # UTC, naive, as the application writes it
DAY = dt.date(2030, 1, 14)  # a Monday
TEN = dt.time(10, 0)
PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"  # never checked by the DAO

_counter = itertools.count(1)


def unique(prefix: str = "x") -> str:
    """A short text that no other call in this process returns."""
    return f"{prefix}{next(_counter)}"


def in_tx(target: Any, work: Callable[[Tx], T]) -> T:
    """Run ``work(tx)`` on an open Tx, or in a new transaction of a Database / MedLink."""
    if isinstance(target, Tx):
        return work(target)
    database = target if isinstance(target, Database) else target.db
    with database.transaction() as tx:
        return work(tx)


def make_patient(target: Any, **fields: Any) -> int:
    values: dict[str, Any] = dict(
        email=f"{unique('patient')}@example.org", name="Asha Rao", phone="+91 98450 00001",
        password_hash=PASSWORD_HASH, date_of_birth=dt.date(1990, 5, 17), gender="female",
        address="12 MG Road, Bengaluru", medical_history="", created_at=NOW,
    )
    values.update(fields)
    return in_tx(target, lambda tx: patients.insert(tx, **values))


def make_doctor(target: Any, **fields: Any) -> int:
    """A doctor, verified unless ``verification_status`` says otherwise."""
    values: dict[str, Any] = dict(
        email=f"{unique('doctor')}@example.org", name="Dr. Vikram Iyer", phone="+91 98450 00002",
        password_hash=PASSWORD_HASH, qualifications="MBBS, MD (General Medicine)", specialty="General Physician",
        hospital="City Care Hospital", city="Bengaluru", experience_years=12,
        registration_number=unique("KMC-"), bio="", created_at=NOW, verification_status="verified",
    )
    values.update(fields)
    return in_tx(target, lambda tx: doctors.insert(tx, **values))


def make_admin(target: Any, username: str | None = None, password_hash: str = PASSWORD_HASH,
               created_at: dt.datetime = NOW) -> int:
    name = username or unique("admin")
    return in_tx(target, lambda tx: admins.insert(tx, name, password_hash, created_at))


def make_appointment(target: Any, *, patient_id: int, doctor_id: int, date: dt.date = DAY,
                     time: dt.time = TEN, mode: str = "online", reason: str = "", status: str = "booked",
                     created_at: dt.datetime = NOW, idempotency_key: str | None = None) -> int:
    """A booked appointment; a ``status`` other than booked is set right after the insert."""

    def work(tx: Tx) -> int:
        appointment_id = appointments.insert(
            tx, patient_id=patient_id, doctor_id=doctor_id, appointment_date=date,
            appointment_day=date.strftime("%A"), appointment_time=time, mode=mode, reason=reason,
            created_at=created_at, idempotency_key=idempotency_key)
        if status != "booked":
            appointments.set_status(tx, appointment_id, status, created_at)
        return appointment_id

    return in_tx(target, work)


def bill_row(*, appointment_id: int, patient_id: int, doctor_id: int, financial_year: str = "2029-30",
             sequence: int = 1, **fields: Any) -> dict[str, Any]:
    """Every column of a bill (500 + 100 + 50.50, 18% GST, 20 other fees), ready for ``bills.insert``."""
    row: dict[str, Any] = dict(
        receipt_number=f"ML/{financial_year}/{sequence:06d}", financial_year=financial_year,
        receipt_sequence=sequence, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id,
        consultation_fee=Decimal("500.00"), lab_test_fee=Decimal("100.00"), medication_fee=Decimal("50.50"),
        other_fees=Decimal("20.00"), extra_charges=Decimal("0.00"), subtotal=Decimal("650.50"),
        gst_rate=Decimal("18.00"), gst_amount=Decimal("117.09"), total_amount=Decimal("787.59"),
        additional_details="", created_at=NOW,
    )
    row.update(fields)
    return row


def make_bill(target: Any, *, appointment_id: int, patient_id: int, doctor_id: int, **fields: Any) -> int:
    row = bill_row(appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id, **fields)
    return in_tx(target, lambda tx: bills.insert(tx, row))


def make_booking(target: Any, **appointment_fields: Any) -> tuple[int, int, int]:
    """A new patient, a new verified doctor and a booked appointment: (patient_id, doctor_id, appointment_id)."""

    def work(tx: Tx) -> tuple[int, int, int]:
        patient_id = make_patient(tx)
        doctor_id = make_doctor(tx)
        appointment_id = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, **appointment_fields)
        return patient_id, doctor_id, appointment_id

    return in_tx(target, work)
