"""Billing races on MariaDB (issue 5): several desktops, each with its own MedLink and connections
to one database and one clock, issue bills at the same instant. Receipt numbers come from one locked
counter row per financial year, so they stay distinct and consecutive (1..N, no gaps) whatever the
interleaving; deadlock retries inside the service are allowed, failures are not.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError
from tests.services_fixtures import PASSWORD, query, unique
from tests.test_appointments import Clinic, open_clinic
from tests.test_billing import book
from tests.test_booking_concurrency import attempt, desktops, race

pytestmark = pytest.mark.mysql

DOCTORS = 6
ROUNDS = 10


@pytest.fixture
def clinic(mysql_settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(mysql_settings)


def bills(clinic: Clinic) -> list[dict[str, Any]]:
    return query(clinic.ml, "SELECT * FROM bills ORDER BY bill_id")


def assert_gap_free(clinic: Clinic, count: int) -> None:
    """``count`` bills numbered 1..count in 2026-27, in the order they were inserted."""
    rows = bills(clinic)
    assert len(rows) == count
    assert [r["receipt_sequence"] for r in rows] == list(range(1, count + 1))
    assert [r["receipt_number"] for r in rows] == [f"ML/2026-27/{n:06d}" for n in range(1, count + 1)]
    assert {r["financial_year"] for r in rows} == {"2026-27"}
    counter = query(clinic.ml, "SELECT last_sequence FROM receipt_counters WHERE financial_year = '2026-27'")
    assert [int(r["last_sequence"]) for r in counter] == [count]


def test_six_doctors_billing_at_the_same_moment_get_consecutive_numbers(clinic: Clinic) -> None:
    emails, appointments = [], []
    for _ in range(DOCTORS):
        email = f"{unique('racer')}@example.org"
        _, doctor_id = clinic.doctor(email=email)
        patient, _ = clinic.patient()
        emails.append(email)
        appointments.append(book(clinic, patient, doctor_id, ROUNDS))
    cores = desktops(clinic.ml.settings, clinic.clock, DOCTORS)
    barrier = threading.Barrier(DOCTORS, timeout=60)

    def desktop(i: int, core: MedLink) -> list[Any]:
        session = core.auth.login("doctor", emails[i], PASSWORD)
        issued = []
        for round_no in range(ROUNDS):
            barrier.wait()
            bill = core.billing.create_bill(session, appointments[i][round_no], extra_charges=str(i))
            issued.append((bill.appointment_id, bill.receipt_number, Path(bill.receipt_path)))
        return issued

    try:
        results = race(cores, desktop)
    finally:
        for core in cores:
            core.close()

    total = DOCTORS * ROUNDS
    assert_gap_free(clinic, total)
    issued = [entry for per_desktop in results for entry in per_desktop]
    assert len({number for _, number, _ in issued}) == total
    assert sorted(a for a, _, _ in issued) == sorted(a for per_doctor in appointments for a in per_doctor)
    by_appointment = {r["appointment_id"]: r["receipt_number"] for r in bills(clinic)}
    assert all(by_appointment[a] == number for a, number, _ in issued)  # each desktop was told its own number
    assert len({path for _, _, path in issued}) == total and all(path.is_file() for _, _, path in issued)
    assert int(query(clinic.ml, "SELECT COUNT(*) AS n FROM medical_records WHERE kind = 'receipt'")[0]["n"]) == total
    assert int(query(clinic.ml, "SELECT COUNT(*) AS n FROM email_outbox WHERE kind = 'bill_issued'")[0]["n"]) == total
    assert int(query(clinic.ml, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'billing.create' "
                                "AND outcome = 'ok'")[0]["n"]) == total
    assert clinic.ml.audit.verify().ok  # the audit chain stayed whole under concurrent appends


def test_desktops_billing_one_appointment_at_once_make_one_bill(clinic: Clinic) -> None:
    """The same doctor signed in on four desktops presses "Generate receipt" on one appointment at
    once: one bill, three ConflictErrors, and the refused attempts leave no gap."""
    desks, rounds = 4, 5
    email = f"{unique('racer')}@example.org"
    _, doctor_id = clinic.doctor(email=email)
    patient, _ = clinic.patient()
    appointment_ids = book(clinic, patient, doctor_id, rounds)
    cores = desktops(clinic.ml.settings, clinic.clock, desks)
    barrier = threading.Barrier(desks, timeout=60)

    def desktop(i: int, core: MedLink) -> list[Any]:
        session = core.auth.login("doctor", email, PASSWORD)
        outcomes = []
        for appointment_id in appointment_ids:
            barrier.wait()
            outcomes.append(attempt(lambda a=appointment_id: core.billing.create_bill(session, a)))
        return outcomes

    try:
        results = race(cores, desktop)
    finally:
        for core in cores:
            core.close()

    for round_no, appointment_id in enumerate(appointment_ids):
        outcomes = [results[i][round_no] for i in range(desks)]
        winners = [o for o in outcomes if not isinstance(o, ConflictError)]
        assert len(winners) == 1, outcomes
        assert winners[0].appointment_id == appointment_id
    assert_gap_free(clinic, rounds)
    assert int(query(clinic.ml, "SELECT COUNT(*) AS n FROM medical_records WHERE kind = 'receipt'")[0]["n"]) == rounds
