"""Fees, the GST arithmetic and bills with gap-free receipt numbers (issue 5), on SQLite and MariaDB.

The money rule (DESIGN): subtotal = consultation + lab test + medication; GST = subtotal x rate,
rounded half-up to 0.01 once; total = subtotal + GST + other fees + extra charges. The clock stands
at Monday 30 November 2026, 08:30 local (financial year 2026-27) unless a test moves it. Every
assertion about a change reads the stored rows, not only what the service returned.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError, NotFound, PermissionDenied, ValidationError
from medlink.models import Breakdown, Fees
from medlink.services.billing import compute, financial_year
from medlink.services.session import Session
from tests.conftest import make_settings
from tests.services_fixtures import audit_rows, doctor_row, query
from tests.test_appointments import NEXT_MONDAY, NOW, Clinic, open_clinic

D = Decimal
FEES = ("consultation", "lab_test", "medication", "other")
AMOUNT_FIELDS = ("consultation", "lab_test", "medication", "other", "extra_charges")
FEE_COLUMNS = {"consultation": "consultation_fee", "lab_test": "lab_test_fee", "medication": "medication_fee",
               "other": "other_fees"}


# -- helpers -----------------------------------------------------------------------------------------
def slot(i: int) -> tuple[dt.date, str]:
    """The i-th 15-minute slot of the weekday mornings from next Monday (16 a morning, Monday to Friday)."""
    assert 0 <= i < 80, "the clinic's doctors work weekday mornings only"
    day, index = divmod(i, 16)
    return NEXT_MONDAY + dt.timedelta(days=day), f"{9 + index // 4:02d}:{index % 4 * 15:02d}"


def book(clinic: Clinic, patient: Session, doctor_id: int, count: int = 1, start: int = 0,
         mode: str = "offline") -> list[int]:
    """``count`` appointments of ``patient`` with the doctor; their ids."""
    ids = []
    for i in range(start, start + count):
        day, time = slot(i)
        ids.append(clinic.ml.appointments.book(patient, doctor_id=doctor_id, date=day, time=time, mode=mode,
                                               reason="Cough for a week").appointment_id)
    return ids


def bill_rows(clinic: Clinic) -> list[dict[str, Any]]:
    return query(clinic.ml, "SELECT * FROM bills ORDER BY bill_id")


def counters(clinic: Clinic) -> dict[str, int]:
    return {r["financial_year"]: int(r["last_sequence"])
            for r in query(clinic.ml, "SELECT * FROM receipt_counters ORDER BY financial_year")}


def receipt_numbers(clinic: Clinic) -> list[str]:
    return [r["receipt_number"] for r in bill_rows(clinic)]


def two_decimals(value: Decimal) -> bool:
    return isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent == -2


def half_up_gst(subtotal: Decimal, rate: Decimal) -> Decimal:
    """subtotal x rate / 100, rounded half-up to whole paise, computed with exact fractions."""
    paise = Fraction(subtotal) * Fraction(rate)  # rupees x rate / 100 x 100 paise
    return D(math.floor(paise + Fraction(1, 2))).scaleb(-2)


@contextmanager
def clinic_on(settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(settings)


@pytest.fixture
def clinic(settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(settings)


@pytest.fixture
def visit(clinic: Clinic) -> tuple[Session, int, Session, int, int]:
    """A booked appointment: (doctor, doctor_id, patient, patient_id, appointment_id)."""
    doctor, doctor_id = clinic.doctor()
    patient, patient_id = clinic.patient(name="Asha Rao")
    return doctor, doctor_id, patient, patient_id, book(clinic, patient, doctor_id)[0]


# -- compute: the arithmetic ----------------------------------------------------------------------------
# consultation, lab test, medication, other, extra, rate -> subtotal, gst, total
CASES = [
    pytest.param("0", "0", "0", "0", "0", "18", "0.00", "0.00", "0.00", id="zeros"),
    pytest.param("500", "0", "0", "0", "0", "18", "500.00", "90.00", "590.00", id="consultation-only"),
    pytest.param("0.25", "0", "0", "0", "0", "18", "0.25", "0.05", "0.30", id="0.045-rounds-half-up"),
    pytest.param("2.25", "0", "0", "0", "0", "18", "2.25", "0.41", "2.66", id="0.405-rounds-half-up"),
    pytest.param("333.33", "0", "0", "0", "0", "18", "333.33", "60.00", "393.33", id="59.9994-rounds-up"),
    pytest.param("0.25", "0.25", "0.25", "0", "0", "18", "0.75", "0.14", "0.89", id="gst-rounded-once"),
    pytest.param("0", "120.50", "45.25", "0", "0", "18", "165.75", "29.84", "195.59", id="lab-and-medication-taxed"),
    pytest.param("100", "0", "0", "50", "25.50", "18", "100.00", "18.00", "193.50", id="other-and-extra-untaxed"),
    pytest.param("0", "0", "0", "60", "99.99", "18", "0.00", "0.00", "159.99", id="only-untaxed-parts"),
    pytest.param("1234.50", "250", "99.99", "100", "1500", "18", "1584.49", "285.21", "3469.70", id="mixed"),
    pytest.param("9999999.99", "9999999.99", "9999999.99", "9999999.99", "9999999.99", "18",
                 "29999999.97", "5399999.99", "55399999.94", id="largest-amounts"),
    pytest.param("500", "0", "0", "0", "0", "5", "500.00", "25.00", "525.00", id="rate-5"),
    pytest.param("0.10", "0", "0", "0", "0", "5", "0.10", "0.01", "0.11", id="rate-5-half-paisa"),
    pytest.param("0.04", "0", "0", "0", "0", "12.5", "0.04", "0.01", "0.05", id="rate-12.5-half-paisa"),
    pytest.param("999.99", "0", "0", "10", "0", "0", "999.99", "0.00", "1009.99", id="rate-0"),
]


@pytest.mark.parametrize(("c", "lab", "med", "other", "extra", "rate", "subtotal", "gst", "total"), CASES)
def test_compute_table(c: str, lab: str, med: str, other: str, extra: str, rate: str, subtotal: str, gst: str,
                       total: str) -> None:
    b = compute(consultation=c, lab_test=lab, medication=med, other=other, extra_charges=extra, gst_rate=D(rate))
    assert (b.subtotal, b.gst, b.total) == (D(subtotal), D(gst), D(total))
    assert (b.consultation, b.lab_test, b.medication, b.other, b.extra) == tuple(map(D, (c, lab, med, other, extra)))
    assert b.gst_rate == D(rate)
    assert all(two_decimals(x) for x in (b.consultation, b.lab_test, b.medication, b.subtotal, b.gst, b.other,
                                         b.extra, b.total))


def test_compute_takes_numbers_as_well_as_text() -> None:
    as_text = compute(consultation="499.50", lab_test="0", medication="10", other="0", extra_charges="1")
    assert compute(consultation=D("499.5"), lab_test=0, medication=10, other=D("0.00"), extra_charges=1) == as_text
    assert compute(consultation=499.5, lab_test=0.0, medication=10, other=0, extra_charges=1.0) == as_text
    assert compute(consultation=" 499.50 ", lab_test="0", medication="10.0", other="0", extra_charges="1") == as_text


def test_service_compute_uses_the_configured_rate(ml: Any, db_url: str, tmp_path: Path) -> None:
    """``ml.billing.compute`` at 18% by default, and at ``MEDLINK_GST_RATE`` when it is set."""
    eighteen = [p.values for p in CASES if p.values[5] == "18"]
    for c, lab, med, other, extra, _, subtotal, gst, total in eighteen:
        b = ml.billing.compute(consultation=c, lab_test=lab, medication=med, other=other, extra_charges=extra)
        assert (b.subtotal, b.gst, b.total, b.gst_rate) == (D(subtotal), D(gst), D(total), D(18))
    five = make_settings(db_url, tmp_path, gst_rate="5")
    assert five.gst_rate == D(5)
    with MedLink(five) as core:  # the same database, another configuration
        for c, lab, med, other, extra, _, subtotal, gst, total in [p.values for p in CASES if p.values[5] == "5"]:
            b = core.billing.compute(consultation=c, lab_test=lab, medication=med, other=other, extra_charges=extra)
            assert (b.subtotal, b.gst, b.total, b.gst_rate) == (D(subtotal), D(gst), D(total), D(5))


paise = st.integers(min_value=0, max_value=999_999_999)  # Rs. 0.00 to Rs. 9,999,999.99


def as_input(p: int, form: int) -> Any:
    """An amount of ``p`` paise as a Decimal, as text, or (when whole rupees) as an int."""
    if form == 0:
        return D(p).scaleb(-2)
    if form == 1 or p % 100:
        return f"{p // 100}.{p % 100:02d}"
    return p // 100


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(amounts=st.lists(st.tuples(paise, st.integers(0, 2)), min_size=5, max_size=5),
       rate=st.sampled_from(["0", "5", "12", "12.5", "18", "28", "0.25", "18.00"]))
def test_compute_property(amounts: list[tuple[int, int]], rate: str) -> None:
    c, lab, med, other, extra = (as_input(p, form) for p, form in amounts)
    b = compute(consultation=c, lab_test=lab, medication=med, other=other, extra_charges=extra, gst_rate=D(rate))
    given_parts = [D(p).scaleb(-2) for p, _ in amounts]
    assert [b.consultation, b.lab_test, b.medication, b.other, b.extra] == given_parts
    assert b.subtotal == b.consultation + b.lab_test + b.medication
    assert b.gst == half_up_gst(b.subtotal, D(rate))  # rounded once, from the unrounded product
    assert b.total == b.subtotal + b.gst + b.other + b.extra
    values = (b.consultation, b.lab_test, b.medication, b.subtotal, b.gst, b.other, b.extra, b.total)
    assert all(two_decimals(x) and x >= 0 and not x.is_signed() for x in values), b
    assert isinstance(b, Breakdown)


BAD_AMOUNTS = ["-1", "-0.01", -5, D("-0.01"), "abc", "", "   ", "12abc", "1,000", "Rs. 500", "NaN", "nan", "sNaN",
               "Infinity", "-Infinity", "inf", float("nan"), float("inf"), D("Infinity"), "1e9", "10000000",
               10_000_000, "1.005", "0.001", 1.005, True, False, None, [], {"amount": 1}]


@pytest.mark.parametrize("field", AMOUNT_FIELDS)
@pytest.mark.parametrize("bad", BAD_AMOUNTS, ids=repr)
def test_compute_refuses_bad_amounts(field: str, bad: Any) -> None:
    amounts: dict[str, Any] = {name: "10" for name in AMOUNT_FIELDS}
    amounts[field] = bad
    with pytest.raises(ValidationError) as caught:
        compute(**amounts)
    assert caught.value.field == field


def test_negative_zero_is_plain_zero() -> None:
    """"-0" is an amount of nothing, not a negative one: no receipt may print "Rs. -0.00"."""
    b = compute(consultation="-0", lab_test="-0.00", medication=D("-0"), other="-0", extra_charges="-0.0")
    values = (b.consultation, b.lab_test, b.medication, b.subtotal, b.gst, b.other, b.extra, b.total)
    assert all(x == 0 and not x.is_signed() for x in values), b


@pytest.mark.parametrize(("day", "year"), [(dt.date(2026, 4, 1), "2026-27"), (dt.date(2027, 3, 31), "2026-27"),
                                          (dt.date(2026, 3, 31), "2025-26"), (dt.date(2099, 12, 31), "2099-00")])
def test_financial_year_runs_april_to_march(day: dt.date, year: str) -> None:
    assert financial_year(day) == year


# -- fees ------------------------------------------------------------------------------------------------
def test_fees_default_to_the_settings_for_a_doctor_who_set_none(db_url: str, tmp_path: Path) -> None:
    custom = make_settings(db_url, tmp_path, default_consultation_fee="650", default_lab_test_fee="120.5",
                           default_medication_fee="0", default_other_fees="40")
    with clinic_on(custom) as clinic:
        _, doctor_id = clinic.doctor()
        fees = clinic.ml.billing.fees(doctor_id)
        assert fees == Fees(consultation=D("650.00"), lab_test=D("120.50"), medication=D("0.00"), other=D("40.00"),
                            defaults=frozenset(FEES))
        row = doctor_row(clinic.ml, doctor_id)
        assert [row[c] for c in FEE_COLUMNS.values()] == [None] * 4
        # one fee left unset (a doctor row from before fees existed) is the only default
        with clinic.ml.db.transaction() as tx:
            tx.execute("UPDATE doctor_info SET consultation_fee = ?, lab_test_fee = NULL, medication_fee = ?, "
                       "other_fees = ? WHERE doctor_id = ?", (D("700"), D("15.25"), D("0"), doctor_id))
        assert clinic.ml.billing.fees(doctor_id) == Fees(D("700.00"), D("120.50"), D("15.25"), D("0.00"),
                                                         frozenset({"lab_test"}))


def test_set_fees_stores_them_and_none_stay_defaults(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    _, other_id = clinic.doctor()
    assert clinic.ml.billing.fees(doctor_id).defaults == frozenset(FEES)
    # the same values as the defaults, entered by the doctor, are the doctor's own
    fees = clinic.ml.billing.set_fees(doctor, consultation="500", lab_test=0, medication="0.00", other=D("0"))
    assert fees == Fees(D("500.00"), D("0.00"), D("0.00"), D("0.00"), frozenset())
    fees = clinic.ml.billing.set_fees(doctor, consultation="750", lab_test="120.5", medication=D("45.25"),
                                      other=60)
    assert fees == Fees(D("750.00"), D("120.50"), D("45.25"), D("60.00"), frozenset())
    assert clinic.ml.billing.fees(doctor_id) == fees
    row = doctor_row(clinic.ml, doctor_id)
    assert [row[c] for c in FEE_COLUMNS.values()] == [D("750.00"), D("120.50"), D("45.25"), D("60.00")]
    assert clinic.ml.billing.fees(other_id).defaults == frozenset(FEES)  # nobody else's fees changed
    audit = audit_rows(clinic.ml, action="billing.fees.update")
    assert [(a["actor_role"], a["actor_id"], a["outcome"]) for a in audit] == [("doctor", doctor_id, "ok")] * 2


def test_only_doctors_set_fees(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, patient_id = clinic.patient()
    before = doctor_row(clinic.ml, doctor_id)
    clinic.ml.auth.logout(doctor)
    for session in (patient, clinic.admin, doctor, None, "forged"):  # the doctor's session has ended
        with pytest.raises(PermissionDenied):
            clinic.ml.billing.set_fees(session, consultation="1", lab_test="1", medication="1", other="1")
    assert doctor_row(clinic.ml, doctor_id) == before
    denied = audit_rows(clinic.ml, action="billing.fees.update", outcome="denied")
    assert [(a["actor_role"], a["actor_id"]) for a in denied][:2] == [("patient", patient_id),
                                                                      ("admin", clinic.admin.user_id)]
    assert len(denied) == 5
    assert audit_rows(clinic.ml, action="billing.fees.update", outcome="ok") == []


@pytest.mark.parametrize("bad", ["-1", "abc", "NaN", "Infinity", "1e9", "1.001", True, None])
def test_set_fees_refuses_bad_amounts_and_changes_nothing(clinic: Clinic, bad: Any) -> None:
    doctor, doctor_id = clinic.doctor()
    clinic.ml.billing.set_fees(doctor, consultation="800", lab_test="100", medication="50", other="25")
    before = doctor_row(clinic.ml, doctor_id)
    for field in FEES:
        amounts: dict[str, Any] = {name: "1" for name in FEES}
        amounts[field] = bad
        with pytest.raises(ValidationError) as caught:
            clinic.ml.billing.set_fees(doctor, **amounts)
        assert caught.value.field == field
    assert doctor_row(clinic.ml, doctor_id) == before
    assert clinic.ml.billing.fees(doctor_id) == Fees(D("800.00"), D("100.00"), D("50.00"), D("25.00"), frozenset())


def test_fees_of_an_unknown_doctor(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor()
    for unknown in (doctor_id + 1000, str(doctor_id), None):
        with pytest.raises(NotFound):
            clinic.ml.billing.fees(unknown)


# -- create_bill -----------------------------------------------------------------------------------------
def test_bill_row_keeps_every_part_and_equals_compute(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor(name="Dr. Meera Pillai")
    patient, patient_id = clinic.patient(name="Asha Rao")
    clinic.ml.billing.set_fees(doctor, consultation="333.33", lab_test="120.50", medication="45.25", other="60")
    appointment_id = book(clinic, patient, doctor_id)[0]
    bill = clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges="99.99",
                                         additional_details="Dressing kit.\nReview in a week.")
    expected = clinic.ml.billing.compute(consultation="333.33", lab_test="120.50", medication="45.25", other="60",
                                         extra_charges="99.99")
    assert (expected.subtotal, expected.gst, expected.total) == (D("499.08"), D("89.83"), D("748.90"))
    [row] = bill_rows(clinic)
    assert {k: row[k] for k in ("consultation_fee", "lab_test_fee", "medication_fee", "other_fees", "extra_charges",
                                "subtotal", "gst_rate", "gst_amount", "total_amount")} == {
        "consultation_fee": expected.consultation, "lab_test_fee": expected.lab_test,
        "medication_fee": expected.medication, "other_fees": expected.other, "extra_charges": expected.extra,
        "subtotal": expected.subtotal, "gst_rate": expected.gst_rate, "gst_amount": expected.gst,
        "total_amount": expected.total}
    assert (row["receipt_number"], row["financial_year"], row["receipt_sequence"]) == ("ML/2026-27/000001",
                                                                                         "2026-27", 1)
    assert (row["appointment_id"], row["patient_id"], row["doctor_id"]) == (appointment_id, patient_id, doctor_id)
    assert row["additional_details"] == "Dressing kit.\nReview in a week."
    assert row["created_at"] == NOW
    assert all(two_decimals(row[c]) for c in ("consultation_fee", "subtotal", "gst_amount", "total_amount"))
    # what the service returned is the stored row, with the names
    assert (bill.bill_id, bill.receipt_number, bill.total_amount, bill.gst_amount, bill.created_at) == \
        (row["bill_id"], row["receipt_number"], row["total_amount"], row["gst_amount"], row["created_at"])
    assert (bill.patient_name, bill.doctor_name) == ("Asha Rao", "Dr. Meera Pillai")
    assert bill.receipt_path and Path(bill.receipt_path).is_file()


def test_a_doctor_who_set_no_fees_bills_at_the_defaults(clinic: Clinic, visit: tuple) -> None:
    doctor, _, _, _, appointment_id = visit
    bill = clinic.ml.billing.create_bill(doctor, appointment_id)
    assert (bill.consultation_fee, bill.lab_test_fee, bill.medication_fee, bill.other_fees, bill.extra_charges) == \
        (D("500.00"), D("0.00"), D("0.00"), D("0.00"), D("0.00"))
    assert (bill.subtotal, bill.gst_rate, bill.gst_amount, bill.total_amount) == \
        (D("500.00"), D("18.00"), D("90.00"), D("590.00"))
    assert bill.additional_details == ""


def test_a_custom_gst_rate_is_billed_and_stored(db_url: str, tmp_path: Path) -> None:
    with clinic_on(make_settings(db_url, tmp_path, gst_rate="5")) as clinic:
        doctor, doctor_id = clinic.doctor()
        patient, _ = clinic.patient()
        bill = clinic.ml.billing.create_bill(doctor, book(clinic, patient, doctor_id)[0], extra_charges="10")
        [row] = bill_rows(clinic)
        assert (row["gst_rate"], row["gst_amount"], row["total_amount"]) == (D("5.00"), D("25.00"), D("535.00"))
        assert bill.total_amount == D("535.00")


def test_a_completed_appointment_is_billed(clinic: Clinic, visit: tuple) -> None:
    doctor, _, _, _, appointment_id = visit
    clinic.set_local(NEXT_MONDAY, "09:20")
    assert clinic.ml.appointments.complete(doctor, appointment_id).status == "completed"
    assert clinic.ml.billing.create_bill(doctor, appointment_id).receipt_number == "ML/2026-27/000001"


def test_only_the_appointments_own_doctor_bills_it(clinic: Clinic, visit: tuple) -> None:
    doctor, _, patient, patient_id, appointment_id = visit
    other, other_id = clinic.doctor(name="Dr. Other")
    with pytest.raises(PermissionDenied):
        clinic.ml.billing.create_bill(other, appointment_id)
    denied = audit_rows(clinic.ml, action="billing.create", outcome="denied")
    assert [(a["actor_role"], a["actor_id"], a["subject_role"], a["subject_id"], a["object_type"], a["object_id"])
            for a in denied] == [("doctor", other_id, "patient", patient_id, "appointment", str(appointment_id))]
    for session in (patient, clinic.admin, None):
        with pytest.raises(PermissionDenied):
            clinic.ml.billing.create_bill(session, appointment_id)
    assert [a["actor_role"] for a in audit_rows(clinic.ml, action="billing.create", outcome="denied")] == \
        ["doctor", "patient", "admin", "anonymous"]
    assert bill_rows(clinic) == []
    assert query(clinic.ml, "SELECT * FROM email_outbox WHERE kind = 'bill_issued'") == []
    # the refusals took no number
    assert clinic.ml.billing.create_bill(doctor, appointment_id).receipt_number == "ML/2026-27/000001"


def test_cancelled_and_no_show_appointments_are_not_billed(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    by_patient, by_doctor, missed, seen = book(clinic, patient, doctor_id, 4)
    clinic.ml.appointments.cancel(patient, by_patient)
    clinic.ml.appointments.cancel(doctor, by_doctor)
    clinic.set_local(NEXT_MONDAY, "12:00")
    clinic.ml.appointments.mark_no_show(doctor, missed)
    statuses = {r["appointment_id"]: r["status"] for r in clinic.rows()}
    assert [statuses[i] for i in (by_patient, by_doctor, missed, seen)] == \
        ["cancelled_by_patient", "cancelled_by_doctor", "no_show", "booked"]
    for appointment_id in (by_patient, by_doctor, missed):
        with pytest.raises(ConflictError):
            clinic.ml.billing.create_bill(doctor, appointment_id)
    assert bill_rows(clinic) == []
    assert clinic.ml.billing.create_bill(doctor, seen).receipt_number == "ML/2026-27/000001"


def test_one_bill_per_appointment(clinic: Clinic, visit: tuple) -> None:
    doctor, doctor_id, patient, _, appointment_id = visit
    first = clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges="10")
    with pytest.raises(ConflictError):
        clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges="20")
    rows = bill_rows(clinic)
    assert [(r["bill_id"], r["extra_charges"]) for r in rows] == [(first.bill_id, D("10.00"))]
    assert len(query(clinic.ml, "SELECT * FROM email_outbox WHERE kind = 'bill_issued'")) == 1
    assert len(query(clinic.ml, "SELECT * FROM medical_records WHERE kind = 'receipt'")) == 1
    # the refused second bill left no gap
    second = clinic.ml.billing.create_bill(doctor, book(clinic, patient, doctor_id, start=1)[0])
    assert second.receipt_number == "ML/2026-27/000002"
    assert counters(clinic) == {"2026-27": 2}


def test_unknown_appointments_and_bad_input_are_refused_without_a_trace(clinic: Clinic, visit: tuple) -> None:
    doctor, _, _, _, appointment_id = visit
    for unknown in (appointment_id + 1000, str(appointment_id), None):
        with pytest.raises(NotFound):
            clinic.ml.billing.create_bill(doctor, unknown)
    for extra in ("-1", "abc", "NaN", "1e9", "0.001", True, None):
        with pytest.raises(ValidationError) as caught:
            clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges=extra)
        assert caught.value.field == "extra_charges"
    for details in ("x" * 1001, "bad\x00byte", 42):
        with pytest.raises(ValidationError) as caught:
            clinic.ml.billing.create_bill(doctor, appointment_id, additional_details=details)
        assert caught.value.field == "additional_details"
    assert bill_rows(clinic) == []
    assert sum(counters(clinic).values()) == 0
    assert audit_rows(clinic.ml, action="billing.create", outcome="ok") == []
    assert clinic.ml.billing.create_bill(doctor, appointment_id).receipt_number == "ML/2026-27/000001"


def test_a_bill_that_fails_midway_rolls_back_its_number(clinic: Clinic, visit: tuple,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The number is taken, the row inserted, then queueing the e-mail fails: nothing stays."""
    doctor, _, _, _, appointment_id = visit

    def broken(tx: Any, bill: dict[str, Any]) -> None:
        assert bill["receipt_number"] == "ML/2026-27/000001"
        raise RuntimeError("mail queue broke")

    monkeypatch.setattr(clinic.ml.billing.notifier, "bill_issued", broken)
    with pytest.raises(RuntimeError):
        clinic.ml.billing.create_bill(doctor, appointment_id)
    assert bill_rows(clinic) == []
    assert counters(clinic) == {}  # even the year's counter row went with the failed unit
    assert audit_rows(clinic.ml, action="billing.create") == []
    monkeypatch.undo()
    assert clinic.ml.billing.create_bill(doctor, appointment_id).receipt_number == "ML/2026-27/000001"


def test_a_bill_that_fails_after_its_receipt_was_drawn_leaves_no_receipt(clinic: Clinic, visit: tuple,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The receipt's sealed copy is attached in the bill's own transaction, and its file written only
    after the commit: a unit that fails at its last step (the audit row) leaves neither behind."""
    doctor, _, _, _, appointment_id = visit
    audit = clinic.ml.billing.audit
    original = audit.record

    def broken(tx: Any, **kwargs: Any) -> int:
        if kwargs.get("action") == "billing.create":
            raise RuntimeError("audit trail broke")
        return original(tx, **kwargs)

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        clinic.ml.billing.create_bill(doctor, appointment_id)
    assert bill_rows(clinic) == [] and counters(clinic) == {}
    assert query(clinic.ml, "SELECT record_id FROM medical_records") == []
    folder = clinic.ml.settings.records_dir / "receipts"
    assert not folder.exists() or list(folder.iterdir()) == []
    monkeypatch.undo()
    bill = clinic.ml.billing.create_bill(doctor, appointment_id)
    assert bill.receipt_number == "ML/2026-27/000001" and Path(bill.receipt_path).is_file()
    assert len(query(clinic.ml, "SELECT record_id FROM medical_records WHERE kind = 'receipt'")) == 1


def test_a_bill_whose_receipt_cannot_be_drawn_is_still_saved(clinic: Clinic, visit: tuple,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """The drawing fails: the bill, its number, its mail and its audit row are committed all the same,
    the error is raised, and the receipt is drawn and attached when it is next asked for."""
    import medlink.services.billing as billing_module

    doctor, _, patient, patient_id, appointment_id = visit

    def broken(data: Any) -> bytes:
        raise RuntimeError("drawing broke")

    monkeypatch.setattr(billing_module, "render_receipt", broken)
    with pytest.raises(RuntimeError, match="drawing broke"):
        clinic.ml.billing.create_bill(doctor, appointment_id)
    [row] = bill_rows(clinic)
    assert row["receipt_number"] == "ML/2026-27/000001" and counters(clinic) == {"2026-27": 1}
    assert len(audit_rows(clinic.ml, action="billing.create", outcome="ok")) == 1
    assert len(query(clinic.ml, "SELECT * FROM email_outbox WHERE kind = 'bill_issued'")) == 1
    assert query(clinic.ml, "SELECT record_id FROM medical_records") == []
    monkeypatch.undo()
    path = clinic.ml.billing.receipt_path(patient, row["bill_id"])
    assert path.is_file() and path.read_bytes().startswith(b"%PDF-")
    [record] = query(clinic.ml, "SELECT * FROM medical_records WHERE kind = 'receipt'")
    assert (record["bill_id"], record["patient_id"]) == (row["bill_id"], patient_id)
    second = clinic.ml.billing.create_bill(doctor, book(clinic, patient, doctor.user_id, start=1)[0])
    assert second.receipt_number == "ML/2026-27/000002" and Path(second.receipt_path).is_file()


def test_receipt_numbers_restart_each_financial_year(clinic: Clinic) -> None:
    doctor, doctor_id = clinic.doctor()
    patient, _ = clinic.patient()
    appointments = book(clinic, patient, doctor_id, 6)
    issued = [clinic.ml.billing.create_bill(doctor, a).receipt_number for a in appointments[:2]]
    clinic.set_local(dt.date(2027, 3, 31), "23:59")  # the last minute of 2026-27, clinic time
    issued.append(clinic.ml.billing.create_bill(doctor, appointments[2]).receipt_number)
    clinic.set_local(dt.date(2027, 4, 1), "00:00")  # still 31 March in UTC, but 1 April in the clinic
    issued += [clinic.ml.billing.create_bill(doctor, a).receipt_number for a in appointments[3:5]]
    clinic.set_local(dt.date(2028, 4, 2), "10:00")
    issued.append(clinic.ml.billing.create_bill(doctor, appointments[5]).receipt_number)
    assert issued == ["ML/2026-27/000001", "ML/2026-27/000002", "ML/2026-27/000003",
                      "ML/2027-28/000001", "ML/2027-28/000002", "ML/2028-29/000001"]
    assert receipt_numbers(clinic) == issued
    assert [(r["financial_year"], r["receipt_sequence"]) for r in bill_rows(clinic)] == \
        [("2026-27", 1), ("2026-27", 2), ("2026-27", 3), ("2027-28", 1), ("2027-28", 2), ("2028-29", 1)]
    assert counters(clinic) == {"2026-27": 3, "2027-28": 2, "2028-29": 1}


def test_a_new_bill_queues_its_email_and_audit_row(clinic: Clinic, visit: tuple) -> None:
    doctor, doctor_id, _, patient_id, appointment_id = visit
    bill = clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges="1000")
    [mail] = query(clinic.ml, "SELECT * FROM email_outbox WHERE kind = 'bill_issued'")
    email = query(clinic.ml, "SELECT email FROM patient_info WHERE patient_id = ?", (patient_id,))[0]["email"]
    assert (mail["recipient"], mail["status"], mail["dedupe_key"]) == (email, "pending", f"bill:{bill.bill_id}:issued")
    assert bill.receipt_number in mail["subject"]
    assert "Rs. 1,590.00" in mail["body_text"] and "Asha Rao" in mail["body_text"]
    assert "Cough" not in mail["body_text"] + (mail["body_html"] or "")  # never the reason for the visit
    created = audit_rows(clinic.ml, action="billing.create", outcome="ok")
    assert [(a["actor_role"], a["actor_id"], a["subject_role"], a["subject_id"], a["object_type"], a["object_id"])
            for a in created] == [("doctor", doctor_id, "patient", patient_id, "bill", str(bill.bill_id))]


def test_preview_shows_what_the_bill_will_charge(clinic: Clinic, visit: tuple) -> None:
    doctor, _, patient, _, appointment_id = visit
    clinic.ml.billing.set_fees(doctor, consultation="700", lab_test="200", medication="0", other="50")
    preview = clinic.ml.billing.preview(doctor, appointment_id, extra_charges="25")
    bill = clinic.ml.billing.create_bill(doctor, appointment_id, extra_charges="25")
    assert (preview.subtotal, preview.gst, preview.total) == (bill.subtotal, bill.gst_amount, bill.total_amount) == \
        (D("900.00"), D("162.00"), D("1137.00"))
    with pytest.raises(PermissionDenied):
        clinic.ml.billing.preview(patient, appointment_id)
