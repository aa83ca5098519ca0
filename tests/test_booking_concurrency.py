"""Booking races on MariaDB (issue 4): several desktops, each with its own MedLink and its own
connections to one database, go for the same slot at the same instant. The unique index decides:
exactly one wins, everyone else gets ``ConflictError``, and the table holds one live booking per slot.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import ConflictError
from medlink.services.clock import FixedClock
from tests.services_fixtures import ADMIN_PASSWORD, patient_form, query, unique
from tests.test_appointments import FAST, NEXT_MONDAY, Clinic, open_clinic

pytestmark = pytest.mark.mysql

DESKTOPS = 8
ROUNDS = 20
SLOTS = [f"{9 + i // 4:02d}:{i % 4 * 15:02d}" for i in range(ROUNDS)]  # 09:00 ... 13:45


@pytest.fixture
def clinic(mysql_settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(mysql_settings)


def desktops(settings: Settings, clock: FixedClock, count: int) -> list[MedLink]:
    """``count`` cores on the same database and the same clock, each with its own connections."""
    return [MedLink(settings, password_params=FAST, clock=clock) for _ in range(count)]


def race(cores: list[MedLink], work: Callable[[int, MedLink], list[Any]]) -> list[list[Any]]:
    """Run ``work(i, core)`` on a thread per core; returns each thread's list of outcomes."""
    results: list[list[Any]] = [[] for _ in cores]
    failures: list[BaseException] = []

    def run(i: int) -> None:
        try:
            results[i] = work(i, cores[i])
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(i,), name=f"desktop-{i}") for i in range(len(cores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a desktop hung"
    assert not failures, failures
    return results


def attempt(call: Callable[[], Any]) -> Any:
    """The call's result, or the ConflictError it raised (anything else fails the test)."""
    try:
        return call()
    except ConflictError as exc:
        return exc


def test_eight_desktops_booking_one_slot_get_one_booking_twenty_times(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor(hours=[(0, "09:00", "14:00")], slot=15)
    forms = []
    for _ in range(DESKTOPS):
        form = patient_form()
        clinic.ml.auth.register_patient(**form)
        forms.append(form)
    cores = desktops(clinic.ml.settings, clinic.clock, DESKTOPS)
    barrier = threading.Barrier(DESKTOPS, timeout=60)

    def desktop(i: int, core: MedLink) -> list[Any]:
        session = core.auth.login("patient", forms[i]["email"], forms[i]["password"])
        outcomes = []
        for time in SLOTS:
            barrier.wait()
            outcomes.append(attempt(lambda time=time: core.appointments.book(
                session, doctor_id=doctor_id, date=NEXT_MONDAY, time=time, mode="online")))
        return outcomes

    try:
        results = race(cores, desktop)
    finally:
        for core in cores:
            core.close()

    for round_no, time in enumerate(SLOTS):
        outcomes = [results[i][round_no] for i in range(DESKTOPS)]
        winners = [o for o in outcomes if not isinstance(o, ConflictError)]
        assert len(winners) == 1, (time, outcomes)
        assert sum(isinstance(o, ConflictError) for o in outcomes) == DESKTOPS - 1
        assert (winners[0].appointment_time, winners[0].status) == (dt.time.fromisoformat(time), "booked")
    rows = query(clinic.ml, "SELECT appointment_time, COUNT(*) AS n, SUM(status = 'booked') AS live "
                            "FROM appointments WHERE doctor_id = ? AND appointment_date = ? GROUP BY appointment_time "
                            "ORDER BY appointment_time", (doctor_id, NEXT_MONDAY))
    assert [(r["appointment_time"], int(r["n"]), int(r["live"])) for r in rows] == \
        [(dt.time.fromisoformat(s), 1, 1) for s in SLOTS]
    assert clinic.slots(doctor_id, NEXT_MONDAY) == []
    booked = query(clinic.ml, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'appointment.book' "
                              "AND outcome = 'ok'")[0]["n"]
    assert int(booked) == ROUNDS
    check = clinic.ml.audit.verify()
    assert check.ok, check.describe()


def test_two_patients_rescheduling_onto_one_free_slot(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor(hours=[(0, "09:00", "14:00")], slot=15)
    forms, sessions = [], []
    for _ in range(2):
        form = patient_form()
        clinic.ml.auth.register_patient(**form)
        forms.append(form)
        sessions.append(clinic.ml.auth.login("patient", form["email"], form["password"]))
    rounds = 5
    # round r: patient 0 holds slot 3r, patient 1 slot 3r+1; both move to slot 3r+2
    held = [[clinic.ml.appointments.book(sessions[p], doctor_id=doctor_id, date=NEXT_MONDAY,
                                         time=SLOTS[3 * r + p]).appointment_id for p in range(2)]
            for r in range(rounds)]
    cores = desktops(clinic.ml.settings, clinic.clock, 2)
    barrier = threading.Barrier(2, timeout=60)

    def desktop(i: int, core: MedLink) -> list[Any]:
        session = core.auth.login("patient", forms[i]["email"], forms[i]["password"])
        outcomes = []
        for r in range(rounds):
            barrier.wait()
            outcomes.append(attempt(lambda r=r: core.appointments.reschedule(
                session, held[r][i], date=NEXT_MONDAY, time=SLOTS[3 * r + 2])))
        return outcomes

    try:
        results = race(cores, desktop)
    finally:
        for core in cores:
            core.close()

    for r in range(rounds):
        target = dt.time.fromisoformat(SLOTS[3 * r + 2])
        outcomes = [results[0][r], results[1][r]]
        winner = [i for i in range(2) if not isinstance(outcomes[i], ConflictError)]
        assert len(winner) == 1, outcomes
        loser = 1 - winner[0]
        assert outcomes[winner[0]].appointment_time == target
        won, lost = clinic.row(held[r][winner[0]]), clinic.row(held[r][loser])
        assert (won["appointment_time"], won["status"]) == (target, "booked")
        assert (lost["appointment_time"], lost["status"]) == (dt.time.fromisoformat(SLOTS[3 * r + loser]), "booked")
        open_now = clinic.slots(doctor_id, NEXT_MONDAY)
        assert SLOTS[3 * r + winner[0]] in open_now  # the winner's old slot was released
        assert SLOTS[3 * r + loser] not in open_now and SLOTS[3 * r + 2] not in open_now
    assert len(clinic.rows()) == 2 * rounds
    check = clinic.ml.audit.verify()
    assert check.ok, check.describe()


def test_the_same_request_sent_twice_at_once_books_once(clinic: Clinic) -> None:
    _, doctor_id = clinic.doctor(hours=[(0, "09:00", "14:00")], slot=15)
    form = patient_form()
    clinic.ml.auth.register_patient(**form)
    cores = desktops(clinic.ml.settings, clinic.clock, 4)
    barrier = threading.Barrier(4, timeout=60)

    def desktop(i: int, core: MedLink) -> list[Any]:
        session = core.auth.login("patient", form["email"], form["password"])
        outcomes = []
        for r in range(5):
            barrier.wait()
            outcomes.append(attempt(lambda r=r: core.appointments.book(
                session, doctor_id=doctor_id, date=NEXT_MONDAY, time=SLOTS[r], idempotency_key=f"req-{r}")))
        return outcomes

    try:
        results = race(cores, desktop)
    finally:
        for core in cores:
            core.close()
    for r in range(5):
        outcomes = [results[i][r] for i in range(4)]
        assert not any(isinstance(o, ConflictError) for o in outcomes), outcomes
        assert len({o.appointment_id for o in outcomes}) == 1
    assert len(clinic.rows()) == 5



def test_administrators_verifying_doctors_at_once_all_succeed_and_the_index_counts_hold(clinic: Clinic) -> None:
    """Every verification writes the counts of the doctor's words (migration 006) and of the listing
    (003): rows that every doctor shares ("dr", "mbbs"). Eight desktops verifying eight doctors at once
    wait for each other, or deadlock and retry, and every verification lands."""
    doctors = [clinic.doctor(verify=False, name=f"Dr. Race {chr(65 + i)} Mehta", qualifications="MBBS, MD")[1]
               for i in range(DESKTOPS)]
    username = unique("admin-")
    clinic.ml.auth.create_admin(username=username, password=ADMIN_PASSWORD)
    cores = desktops(clinic.ml.settings, clinic.clock, DESKTOPS)
    try:
        admins = [core.auth.login("admin", username, ADMIN_PASSWORD) for core in cores]
        outcomes = race(cores, lambda i, core: [core.admin.verify_doctor(admins[i], doctors[i]) or "verified"])
    finally:
        for core in cores:
            core.close()
    assert outcomes == [["verified"]] * DESKTOPS
    page = clinic.ml.doctors.search(text="race mehta", limit=50)
    assert sorted(r.doctor_id for r in page.results) == sorted(doctors) and page.total == DESKTOPS
    counts = {r["term"]: int(r["doctors"]) for r in query(
        clinic.ml, "SELECT term, doctors FROM doctor_search_words WHERE term IN ('race', 'mehta', 'mbbs')")}
    assert counts == {r["term"]: int(r["n"]) for r in query(
        clinic.ml, "SELECT term, COUNT(*) AS n FROM doctor_search_terms WHERE term IN ('race', 'mehta', 'mbbs') "
                   "GROUP BY term")}
    assert counts["race"] == DESKTOPS
