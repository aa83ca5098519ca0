"""Results that services hand to the UI: frozen dataclasses with named fields."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any, TypeVar

T = TypeVar("T")


def from_row(cls: type[T], row: dict[str, Any], **extra: Any) -> T:
    """Build ``cls`` from a row, taking only the fields it declares."""
    names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    values = {k: row[k] for k in names if k in row}
    values.update(extra)
    return cls(**values)


@dataclass(frozen=True)
class PatientProfile:
    patient_id: int
    name: str
    email: str
    phone: str
    date_of_birth: dt.date
    gender: str
    address: str
    medical_history: str | None
    created_at: dt.datetime


@dataclass(frozen=True)
class DoctorProfile:
    """Everything a doctor gave about themselves: for the doctor and the administrator only."""

    doctor_id: int
    name: str
    email: str
    phone: str
    qualifications: str
    specialty: str
    hospital: str
    hospital_address: str
    city: str
    experience_years: int
    registration_number: str
    bio: str | None
    contact_public: bool
    slot_minutes: int
    verification_status: str
    rejection_reason: str | None
    verified_at: dt.datetime | None
    created_at: dt.datetime
    consultation_fee: Decimal | None = None
    lab_test_fee: Decimal | None = None
    medication_fee: Decimal | None = None
    other_fees: Decimal | None = None


@dataclass(frozen=True)
class PublicDoctorProfile:
    """What anyone signed in may see of a verified doctor. Contact details only if the doctor
    made them public; never the password hash or login data."""

    doctor_id: int
    name: str
    qualifications: str
    specialty: str
    hospital: str
    hospital_address: str
    city: str
    experience_years: int
    registration_number: str
    bio: str | None
    verified: bool
    email: str | None
    phone: str | None


@dataclass(frozen=True)
class DoctorSummary:
    """One search result."""

    doctor_id: int
    name: str
    specialty: str
    hospital: str
    city: str
    experience_years: int
    qualifications: str
    consultation_fee: Decimal
    verified: bool
    next_open_slot: dt.datetime | None


@dataclass(frozen=True)
class SearchPage:
    """One page of a search. ``total`` counts every match, except that a search of words stops
    counting past ``medlink.dao.doctors.TOTAL_CAP``: then ``more`` is true and ``total`` is that cap
    ("more than 1,000 doctors found")."""

    results: list[DoctorSummary]
    total: int
    offset: int
    limit: int
    order: str
    order_text: str
    more: bool = False


@dataclass(frozen=True)
class WeeklyHours:
    """A doctor's timetable: ``ranges`` as (weekday 0 = Monday, "HH:MM", "HH:MM")."""

    ranges: list[tuple[int, str, str]]
    slot_minutes: int


@dataclass(frozen=True)
class Appointment:
    appointment_id: int
    patient_id: int
    doctor_id: int
    appointment_date: dt.date
    appointment_day: str
    appointment_time: dt.time
    mode: str
    status: str
    reason: str
    created_at: dt.datetime
    updated_at: dt.datetime
    doctor_name: str = ""
    hospital: str = ""
    specialty: str = ""
    patient_name: str = ""
    confirmation: str | None = None  # outbox status of the booking confirmation: pending, sent, failed

    @property
    def starts_at(self) -> dt.datetime:
        return dt.datetime.combine(self.appointment_date, self.appointment_time)

    @property
    def time_text(self) -> str:
        return f"{self.appointment_time.hour:02d}:{self.appointment_time.minute:02d}"


@dataclass(frozen=True)
class Fees:
    """The fees in force for a doctor; ``defaults`` names those taken from the settings."""

    consultation: Decimal
    lab_test: Decimal
    medication: Decimal
    other: Decimal
    defaults: frozenset[str]


@dataclass(frozen=True)
class Breakdown:
    consultation: Decimal
    lab_test: Decimal
    medication: Decimal
    subtotal: Decimal
    gst_rate: Decimal
    gst: Decimal
    other: Decimal
    extra: Decimal
    total: Decimal


@dataclass(frozen=True)
class Bill:
    bill_id: int
    receipt_number: str
    appointment_id: int
    patient_id: int
    doctor_id: int
    consultation_fee: Decimal
    lab_test_fee: Decimal
    medication_fee: Decimal
    other_fees: Decimal
    extra_charges: Decimal
    subtotal: Decimal
    gst_rate: Decimal
    gst_amount: Decimal
    total_amount: Decimal
    additional_details: str
    created_at: dt.datetime
    patient_name: str = ""
    doctor_name: str = ""
    receipt_path: str | None = None


@dataclass(frozen=True)
class RecordMeta:
    """A medical record without its content: a patient's upload or a receipt."""

    record_id: int
    patient_id: int
    kind: str
    original_filename: str
    content_type: str
    size_bytes: int
    upload_date: dt.datetime
    uploader_role: str
    shared_with: tuple[tuple[int, str], ...] = ()


@dataclass(frozen=True)
class PatientOfDoctor:
    patient_id: int
    name: str
    last_visit: dt.date | None


@dataclass(frozen=True)
class VideoLink:
    appointment_id: int
    provider: str
    meeting_link: str
    meeting_code: str
    call_date: dt.date
