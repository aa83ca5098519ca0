"""dao.bills: receipt numbering per financial year, insert, get, by_appointment, for_patient/for_doctor."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medlink.dao import bills
from medlink.db import Database
from tests.factories import NOW, bill_row, make_appointment, make_bill, make_booking, make_doctor, make_patient


def _take(db: Database, year: str) -> int:
    with db.transaction() as tx:
        bills.ensure_counter(tx, year)
        return bills.next_receipt_sequence(tx, year)


def test_next_receipt_sequence_counts_per_financial_year(db: Database) -> None:
    assert [_take(db, "2029-30") for _ in range(3)] == [1, 2, 3]
    assert [_take(db, "2030-31") for _ in range(2)] == [1, 2]
    assert _take(db, "2029-30") == 4
    with db.transaction() as tx:
        counters = {r["financial_year"]: r["last_sequence"]
                    for r in tx.query("SELECT financial_year, last_sequence FROM receipt_counters")}
    assert counters == {"2029-30": 4, "2030-31": 2}


def test_next_receipt_sequence_in_one_transaction(db: Database) -> None:
    with db.transaction() as tx:
        bills.ensure_counter(tx, "2031-32")
        assert [bills.next_receipt_sequence(tx, "2031-32") for _ in range(3)] == [1, 2, 3]


def test_ensure_counter_starts_at_zero_and_keeps_an_existing_count(db: Database) -> None:
    with db.transaction() as tx:
        bills.ensure_counter(tx, "2029-30")
        assert tx.scalar("SELECT last_sequence FROM receipt_counters WHERE financial_year = '2029-30'") == 0
    assert _take(db, "2029-30") == 1
    with db.transaction() as tx:
        bills.ensure_counter(tx, "2029-30")
        bills.ensure_counter(tx, "2029-30")
        assert tx.scalar("SELECT COUNT(*) AS n FROM receipt_counters") == 1
        assert tx.scalar("SELECT last_sequence FROM receipt_counters WHERE financial_year = '2029-30'") == 1


def test_next_receipt_sequence_without_a_counter_is_refused(db: Database) -> None:
    with pytest.raises(LookupError, match="2040-41"), db.transaction() as tx:
        bills.next_receipt_sequence(tx, "2040-41")
    with db.transaction() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM receipt_counters") == 0


def test_a_rolled_back_number_is_taken_again(db: Database) -> None:
    assert _take(db, "2029-30") == 1
    with pytest.raises(RuntimeError), db.transaction() as tx:
        assert bills.next_receipt_sequence(tx, "2029-30") == 2
        raise RuntimeError("the PDF could not be written")
    assert _take(db, "2029-30") == 2  # no gap


def test_insert_and_get_every_column(db: Database) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    row = bill_row(appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id, sequence=41,
                   extra_charges=Decimal("35.00"), total_amount=Decimal("822.59"), additional_details="X-ray")
    with db.transaction() as tx:
        bill_id = bills.insert(tx, row)
    with db.transaction() as tx:
        stored = bills.get(tx, bill_id)
        assert bills.get(tx, bill_id + 1) is None
    assert stored == {"bill_id": bill_id, **row}
    assert stored["receipt_number"] == "ML/2029-30/000041"
    assert str(stored["total_amount"]) == "822.59"


def test_insert_without_every_column_is_refused(db: Database) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    row = bill_row(appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id)
    del row["gst_amount"]
    with pytest.raises(ValueError, match="gst_amount"), db.transaction() as tx:
        bills.insert(tx, row)
    with db.transaction() as tx:
        assert tx.scalar("SELECT COUNT(*) AS n FROM bills") == 0


def test_by_appointment(db: Database) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    other_appointment = make_appointment(db, patient_id=patient_id, doctor_id=doctor_id, time=dt.time(11))
    bill_id = make_bill(db, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id)
    with db.transaction() as tx:
        assert bills.by_appointment(tx, appointment_id)["bill_id"] == bill_id
        assert bills.by_appointment(tx, other_appointment) is None


def test_for_patient_and_for_doctor_newest_first_with_paging(db: Database) -> None:
    with db.transaction() as tx:
        patient_id, doctor_id, _ = make_booking(tx)
        other_patient = make_patient(tx)
        ids = []
        for n, hour in enumerate((9, 10, 11)):
            appointment_id = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, time=dt.time(hour, 30))
            ids.append(make_bill(tx, appointment_id=appointment_id, patient_id=patient_id, doctor_id=doctor_id,
                                 sequence=n + 1, created_at=NOW + dt.timedelta(days=n)))
        theirs_appointment = make_appointment(tx, patient_id=other_patient, doctor_id=doctor_id, time=dt.time(15))
        theirs = make_bill(tx, appointment_id=theirs_appointment, patient_id=other_patient, doctor_id=doctor_id,
                           sequence=9, created_at=NOW + dt.timedelta(days=1, hours=1))
    with db.transaction() as tx:
        mine = [b["bill_id"] for b in bills.for_patient(tx, patient_id)]
        page = [b["bill_id"] for b in bills.for_patient(tx, patient_id, limit=1, offset=1)]
        doctor = [b["bill_id"] for b in bills.for_doctor(tx, doctor_id)]
        doctor_page = [b["bill_id"] for b in bills.for_doctor(tx, doctor_id, limit=2)]
        assert bills.for_patient(tx, 987654) == []
    assert mine == [ids[2], ids[1], ids[0]]
    assert page == [ids[1]]
    assert doctor == [ids[2], theirs, ids[1], ids[0]]
    assert doctor_page == [ids[2], theirs]


def test_with_names_by_patient_doctor_and_bill(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx, name="Asha Rao")
        doctor_id = make_doctor(tx, name="Dr. Vikram Iyer")
        other_patient = make_patient(tx, name="Ravi Kumar")
        first = make_bill(tx, appointment_id=make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id),
                          patient_id=patient_id, doctor_id=doctor_id, sequence=1, created_at=NOW)
        second = make_bill(tx, appointment_id=make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id,
                                                               time=dt.time(12)),
                           patient_id=patient_id, doctor_id=doctor_id, sequence=2,
                           created_at=NOW + dt.timedelta(days=1))
        theirs = make_bill(tx, appointment_id=make_appointment(tx, patient_id=other_patient, doctor_id=doctor_id,
                                                               time=dt.time(13)),
                           patient_id=other_patient, doctor_id=doctor_id, sequence=3,
                           created_at=NOW + dt.timedelta(hours=1))
    with db.transaction() as tx:
        mine = bills.with_names(tx, "patient", (patient_id,), 100, 0)
        doctor = bills.with_names(tx, "doctor", (doctor_id,), 2, 1)
        one = bills.with_names(tx, "bill", (theirs,), 100, 0)
        assert bills.with_names(tx, "bill", (987654,), 100, 0) == []
    assert [b["bill_id"] for b in mine] == [second, first]
    assert {(b["patient_name"], b["doctor_name"]) for b in mine} == {("Asha Rao", "Dr. Vikram Iyer")}
    assert [b["bill_id"] for b in doctor] == [theirs, first]
    assert len(one) == 1 and one[0]["patient_name"] == "Ravi Kumar"
    assert one[0]["total_amount"] == Decimal("787.59") and one[0]["receipt_number"] == "ML/2029-30/000003"


def test_with_names_refuses_a_filter_of_its_own_making(db: Database) -> None:
    with db.transaction() as tx:
        for where in ("b.patient_id = ? OR 1 = 1", "appointment", ""):
            with pytest.raises(ValueError, match="unknown filter"):
                bills.with_names(tx, where, (1,), 10, 0)
