"""dao.appointments: booking, status, moves, queries; a slot never holds two live appointments,
also when eight desktops book it at the same moment."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest

from medlink.dao import appointments
from medlink.db import Database, IntegrityViolation, Tx
from tests.factories import DAY, NOW, TEN, make_appointment, make_booking, make_doctor, make_patient

T = dt.time
LATER = NOW + dt.timedelta(hours=1)


def test_insert_and_get(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        doctor_id = make_doctor(tx)
        appointment_id = appointments.insert(
            tx, patient_id=patient_id, doctor_id=doctor_id, appointment_date=DAY, appointment_day="Monday",
            appointment_time=T(10, 15), mode="offline", reason="Fever for 3 days", created_at=NOW,
            idempotency_key="book-1")
    with db.transaction() as tx:
        row = appointments.get(tx, appointment_id)
        locked = appointments.get(tx, appointment_id, for_update=True)
        assert appointments.get(tx, appointment_id + 1) is None
    assert row == {
        "appointment_id": appointment_id, "patient_id": patient_id, "doctor_id": doctor_id,
        "appointment_date": DAY, "appointment_day": "Monday", "appointment_time": T(10, 15), "mode": "offline",
        "status": "booked", "reason": "Fever for 3 days", "idempotency_key": "book-1", "created_at": NOW,
        "updated_at": NOW,
    }
    assert locked == row


def test_by_idempotency_key(db: Database) -> None:
    _, _, appointment_id = make_booking(db, idempotency_key="9f1c")
    make_booking(db, idempotency_key=None)
    make_booking(db, idempotency_key=None)  # NULL keys never collide
    with db.transaction() as tx:
        assert appointments.by_idempotency_key(tx, "9f1c")["appointment_id"] == appointment_id
        assert appointments.by_idempotency_key(tx, "other") is None


@pytest.mark.parametrize("status", ["completed", "cancelled_by_patient", "cancelled_by_doctor", "no_show"])
def test_set_status_records_it_and_frees_the_slot(db: Database, status: str) -> None:
    patient_id, doctor_id, appointment_id = make_booking(db)
    with db.transaction() as tx:
        assert appointments.set_status(tx, appointment_id, status, LATER) == 1
    with db.transaction() as tx:
        row = appointments.get(tx, appointment_id)
        assert appointments.booked_times(tx, doctor_id, DAY) == set()
        second = make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id)  # the slot is free again
        again = make_appointment(tx, patient_id=patient_id, doctor_id=make_doctor(tx))  # and the patient's time
    assert (row["status"], row["updated_at"], row["created_at"]) == (status, LATER, NOW)
    assert second != appointment_id and again != appointment_id


def test_set_status_refuses_an_unknown_status(db: Database) -> None:
    _, _, appointment_id = make_booking(db)
    with pytest.raises(ValueError, match="unknown status"), db.transaction() as tx:
        appointments.set_status(tx, appointment_id, "cancelled", LATER)
    with db.transaction() as tx:
        assert appointments.get(tx, appointment_id)["status"] == "booked"
        assert appointments.set_status(tx, 987654, "completed", LATER) == 0


def test_a_taken_slot_is_refused(db: Database) -> None:
    _, doctor_id, _ = make_booking(db)
    with pytest.raises(IntegrityViolation) as info:
        make_appointment(db, patient_id=make_patient(db), doctor_id=doctor_id)
    assert (info.value.kind, info.value.constraint) == ("unique", "uq_appointment_live_slot")
    with db.transaction() as tx:
        assert appointments.count_live(tx, doctor_id, DAY, TEN) == 1


def test_several_cancelled_rows_may_share_a_slot(db: Database) -> None:
    doctor_id = make_doctor(db)
    for _ in range(3):
        make_appointment(db, patient_id=make_patient(db), doctor_id=doctor_id, status="cancelled_by_doctor")
    live = make_appointment(db, patient_id=make_patient(db), doctor_id=doctor_id)
    with db.transaction() as tx:
        assert appointments.count_live(tx, doctor_id, DAY, TEN) == 1
        assert [r["appointment_id"] for r in appointments.for_doctor(tx, doctor_id, status="booked")] == [live]


def test_move_to_a_free_slot(db: Database) -> None:
    _, doctor_id, appointment_id = make_booking(db)
    new_day = DAY + dt.timedelta(days=1)
    with db.transaction() as tx:
        assert appointments.move(tx, appointment_id, new_day, "Tuesday", T(11, 30), LATER) == 1
    with db.transaction() as tx:
        row = appointments.get(tx, appointment_id)
        assert appointments.booked_times(tx, doctor_id, DAY) == set()
        assert appointments.booked_times(tx, doctor_id, new_day) == {T(11, 30)}
    assert (row["appointment_date"], row["appointment_day"], row["appointment_time"], row["updated_at"]) == (
        new_day, "Tuesday", T(11, 30), LATER)
    assert row["status"] == "booked"


def test_move_onto_a_taken_slot_is_refused_and_changes_nothing(db: Database) -> None:
    _, doctor_id, taken = make_booking(db, time=T(9))
    mover = make_appointment(db, patient_id=make_patient(db), doctor_id=doctor_id, time=T(10))
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        appointments.move(tx, mover, DAY, "Monday", T(9), LATER)
    assert info.value.constraint == "uq_appointment_live_slot"
    with db.transaction() as tx:
        assert appointments.get(tx, mover)["appointment_time"] == T(10)
        assert appointments.get(tx, taken)["appointment_time"] == T(9)


def test_move_onto_a_cancelled_slot_is_allowed(db: Database) -> None:
    _, doctor_id, cancelled = make_booking(db, time=T(9))
    with db.transaction() as tx:
        appointments.set_status(tx, cancelled, "cancelled_by_patient", LATER)
    mover = make_appointment(db, patient_id=make_patient(db), doctor_id=doctor_id, time=T(10))
    with db.transaction() as tx:
        appointments.move(tx, mover, DAY, "Monday", T(9), LATER)
        assert appointments.booked_times(tx, doctor_id, DAY) == {T(9)}


def test_booked_times_only_includes_live_appointments_of_that_doctor_and_day(db: Database) -> None:
    with db.transaction() as tx:
        doctor_id = make_doctor(tx)
        other_doctor = make_doctor(tx)
        for time, status in [(T(9), "booked"), (T(9, 30), "completed"), (T(10), "cancelled_by_patient"),
                             (T(10, 30), "cancelled_by_doctor"), (T(11), "no_show"), (T(16, 45), "booked")]:
            make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id, time=time, status=status)
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id, date=DAY + dt.timedelta(days=1),
                         time=T(12))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=other_doctor, time=T(13))
    with db.transaction() as tx:
        assert appointments.booked_times(tx, doctor_id, DAY) == {T(9), T(16, 45)}
        assert appointments.booked_times(tx, doctor_id, DAY - dt.timedelta(days=1)) == set()


def test_for_patient_newest_first_with_the_doctors_details(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        doctor_id = make_doctor(tx, name="Dr. Meera Shah", hospital="Lotus Clinic", specialty="Dermatology")
        other_patient = make_patient(tx)
        first = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, date=DAY, time=T(9))
        second = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, date=DAY, time=T(15))
        third = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id,
                                 date=DAY + dt.timedelta(days=2), time=T(8), status="completed")
        make_appointment(tx, patient_id=other_patient, doctor_id=doctor_id, time=T(11))
    with db.transaction() as tx:
        rows = appointments.for_patient(tx, patient_id)
        page = appointments.for_patient(tx, patient_id, limit=1, offset=1)
    assert [r["appointment_id"] for r in rows] == [third, second, first]
    assert [r["appointment_id"] for r in page] == [second]
    assert (rows[0]["doctor_name"], rows[0]["hospital"], rows[0]["specialty"]) == (
        "Dr. Meera Shah", "Lotus Clinic", "Dermatology")
    assert rows[0]["status"] == "completed"


def test_for_doctor_filters_by_date_range_and_status_in_time_order(db: Database) -> None:
    days = [DAY + dt.timedelta(days=n) for n in range(4)]
    with db.transaction() as tx:
        doctor_id = make_doctor(tx)
        other_doctor = make_doctor(tx)
        p = make_patient(tx, name="Kiran Das")
        a0 = make_appointment(tx, patient_id=p, doctor_id=doctor_id, date=days[0], time=T(9))
        a1_late = make_appointment(tx, patient_id=p, doctor_id=doctor_id, date=days[1], time=T(15))
        a1_early = make_appointment(tx, patient_id=p, doctor_id=doctor_id, date=days[1], time=T(8),
                                    status="cancelled_by_patient")
        a2 = make_appointment(tx, patient_id=p, doctor_id=doctor_id, date=days[2], time=T(10), status="completed")
        a3 = make_appointment(tx, patient_id=p, doctor_id=doctor_id, date=days[3], time=T(10))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=other_doctor, date=days[1], time=T(12))

    def ids(**kw: Any) -> list[int]:
        with db.transaction() as tx:
            return [r["appointment_id"] for r in appointments.for_doctor(tx, doctor_id, **kw)]

    assert ids() == [a0, a1_early, a1_late, a2, a3]
    assert ids(start=days[1], end=days[2]) == [a1_early, a1_late, a2]
    assert ids(start=days[2]) == [a2, a3]
    assert ids(end=days[0]) == [a0]
    assert ids(status="booked") == [a0, a1_late, a3]
    assert ids(start=days[1], end=days[3], status="booked") == [a1_late, a3]
    assert ids(status="no_show") == []
    assert ids(limit=2, offset=1) == [a1_early, a1_late]
    with db.transaction() as tx:
        assert appointments.for_doctor(tx, doctor_id, end=days[0])[0]["patient_name"] == "Kiran Das"


def test_has_relationship_and_count_live(db: Database) -> None:
    with db.transaction() as tx:
        patient_id, doctor_id, appointment_id = make_booking(tx)
        stranger = make_patient(tx)
        other_doctor = make_doctor(tx)
        assert appointments.has_relationship(tx, doctor_id, patient_id)
        assert not appointments.has_relationship(tx, doctor_id, stranger)
        assert not appointments.has_relationship(tx, other_doctor, patient_id)
        assert appointments.count_live(tx, doctor_id, DAY, TEN) == 1
        assert appointments.count_live(tx, doctor_id, DAY, T(10, 15)) == 0
        appointments.set_status(tx, appointment_id, "completed", LATER)
        assert appointments.count_live(tx, doctor_id, DAY, TEN) == 0
        assert appointments.has_relationship(tx, doctor_id, patient_id)  # a past appointment still counts


def test_one_patient_cannot_hold_two_live_appointments_at_the_same_time(db: Database) -> None:
    patient_id, _, _ = make_booking(db)
    with pytest.raises(IntegrityViolation) as info:
        make_appointment(db, patient_id=patient_id, doctor_id=make_doctor(db))
    assert (info.value.kind, info.value.constraint) == ("unique", "uq_appointment_patient_time")
    make_appointment(db, patient_id=patient_id, doctor_id=make_doctor(db), time=T(10, 15))  # another time is fine


# --- races between desktops ----------------------------------------------------------------------


def _race(urls: list[str], attempt: Any) -> list[Any]:
    """Run ``attempt(tx, n)`` in one thread per URL, each with its own Database, all at once.
    Returns each thread's result or exception."""
    databases = [Database(url) for url in urls]
    barrier = threading.Barrier(len(urls))
    results: list[Any] = [None] * len(urls)

    def work(n: int) -> None:
        try:
            barrier.wait(10)
            results[n] = databases[n].run(lambda tx: attempt(tx, n))
        except BaseException as exc:  # noqa: BLE001 - returned to the test
            results[n] = exc

    threads = [threading.Thread(target=work, args=(n,)) for n in range(len(urls))]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads), "a booking thread hung"
    finally:
        for database in databases:
            database.close()
    return results


def test_eight_desktops_booking_one_slot_at_once_get_exactly_one_booking(db: Database, db_url: str) -> None:
    with db.transaction() as tx:
        doctor_id = make_doctor(tx)
        patient_ids = [make_patient(tx) for _ in range(8)]
    for round_ in range(5):
        slot = T(9 + round_, 30)

        def book(tx: Tx, n: int, slot: dt.time = slot) -> int:
            return make_appointment(tx, patient_id=patient_ids[n], doctor_id=doctor_id, time=slot)

        results = _race([db_url] * 8, book)
        won = [r for r in results if isinstance(r, int)]
        lost = [r for r in results if isinstance(r, IntegrityViolation)]
        assert len(won) == 1, results
        assert len(lost) == 7, results
        assert {(e.kind, e.constraint) for e in lost} == {("unique", "uq_appointment_live_slot")}
        with db.transaction() as tx:
            assert appointments.count_live(tx, doctor_id, DAY, slot) == 1
            assert appointments.booked_times(tx, doctor_id, DAY) == {T(9 + r, 30) for r in range(round_ + 1)}
            winner = appointments.get(tx, won[0])
            assert winner["appointment_time"] == slot
            appointments.set_status(tx, won[0], "cancelled_by_patient", LATER)
        loser = next(p for p in patient_ids if p != winner["patient_id"])
        rebooked = make_appointment(db, patient_id=loser, doctor_id=doctor_id, time=slot)
        with db.transaction() as tx:
            assert appointments.get(tx, rebooked)["status"] == "booked"
            assert appointments.count_live(tx, doctor_id, DAY, slot) == 1


def test_one_patient_booking_eight_doctors_at_once_gets_one(db: Database, db_url: str) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        doctor_ids = [make_doctor(tx) for _ in range(8)]

    def book(tx: Tx, n: int) -> int:
        return make_appointment(tx, patient_id=patient_id, doctor_id=doctor_ids[n])

    results = _race([db_url] * 8, book)
    assert len([r for r in results if isinstance(r, int)]) == 1, results
    lost = [r for r in results if isinstance(r, IntegrityViolation)]
    assert len(lost) == 7, results
    assert {e.constraint for e in lost} == {"uq_appointment_patient_time"}
    with db.transaction() as tx:
        assert len(appointments.for_patient(tx, patient_id)) == 1


def test_booked_for_doctors_lists_live_bookings_of_several_doctors(db: Database) -> None:
    with db.transaction() as tx:
        d1, d2, d3 = make_doctor(tx), make_doctor(tx), make_doctor(tx)
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=d1, date=DAY, time=T(9))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=d1, date=DAY + dt.timedelta(days=2), time=T(11))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=d1, date=DAY + dt.timedelta(days=3), time=T(9))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=d2, date=DAY, time=T(10), status="no_show")
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=d2, date=DAY + dt.timedelta(days=1), time=T(15))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=d3, date=DAY, time=T(9))
    with db.transaction() as tx:
        rows = appointments.booked_for_doctors(tx, [d1, d2], DAY, DAY + dt.timedelta(days=2))
        assert appointments.booked_for_doctors(tx, [], DAY, DAY) == []
    assert sorted((r["doctor_id"], r["appointment_date"], r["appointment_time"]) for r in rows) == sorted([
        (d1, DAY, T(9)), (d1, DAY + dt.timedelta(days=2), T(11)), (d2, DAY + dt.timedelta(days=1), T(15))])


def test_for_patient_window_splits_upcoming_and_past_at_now(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        doctor_id = make_doctor(tx, name="Dr. Meera Shah")
        yesterday = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, date=DAY - dt.timedelta(days=1),
                                     time=T(16), status="completed")
        this_morning = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, time=T(9))
        right_now = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, time=T(12))
        this_evening = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, time=T(18))
        next_week = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, date=DAY + dt.timedelta(days=7),
                                     time=T(8), status="cancelled_by_doctor")
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id, time=T(13))

    def ids(upcoming: bool, **kw: int) -> list[int]:
        with db.transaction() as tx:
            rows = appointments.for_patient_window(tx, patient_id, DAY, T(12), upcoming, **kw)
        assert all(r["doctor_name"] == "Dr. Meera Shah" for r in rows)
        return [r["appointment_id"] for r in rows]

    assert ids(True) == [right_now, this_evening, next_week]
    assert ids(False) == [this_morning, yesterday]
    assert ids(True, limit=1, offset=1) == [this_evening]
    assert ids(False, limit=1) == [this_morning]


def test_get_detail_has_both_names(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx, name="Kiran Das")
        doctor_id = make_doctor(tx, name="Dr. Meera Shah", hospital="Lotus Clinic", specialty="Dermatology")
        appointment_id = make_appointment(tx, patient_id=patient_id, doctor_id=doctor_id, reason="Rash")
    with db.transaction() as tx:
        row = appointments.get_detail(tx, appointment_id)
        assert appointments.get_detail(tx, appointment_id + 1) is None
    assert (row["patient_name"], row["doctor_name"], row["hospital"], row["specialty"]) == (
        "Kiran Das", "Dr. Meera Shah", "Lotus Clinic", "Dermatology")
    assert (row["appointment_date"], row["appointment_time"], row["reason"], row["status"]) == (
        DAY, TEN, "Rash", "booked")


def test_doctors_of_patient_distinct_by_name(db: Database) -> None:
    with db.transaction() as tx:
        patient_id = make_patient(tx)
        zeta = make_doctor(tx, name="Dr. Zeta Menon", specialty="ENT")
        alpha = make_doctor(tx, name="Dr. Alpha Bose", specialty="Cardiology")
        make_doctor(tx, name="Dr. Never Seen")
        make_appointment(tx, patient_id=patient_id, doctor_id=zeta, time=T(9))
        make_appointment(tx, patient_id=patient_id, doctor_id=zeta, time=T(10), status="completed")
        make_appointment(tx, patient_id=patient_id, doctor_id=alpha, time=T(11), status="cancelled_by_patient")
    with db.transaction() as tx:
        rows = appointments.doctors_of_patient(tx, patient_id)
        assert appointments.doctors_of_patient(tx, 987654) == []
    assert rows == [{"doctor_id": alpha, "name": "Dr. Alpha Bose", "specialty": "Cardiology"},
                    {"doctor_id": zeta, "name": "Dr. Zeta Menon", "specialty": "ENT"}]


def test_patients_of_doctor_with_their_last_visit_as_a_date(db: Database) -> None:
    with db.transaction() as tx:
        doctor_id = make_doctor(tx)
        other_doctor = make_doctor(tx)
        kiran = make_patient(tx, name="Kiran Das")
        asha = make_patient(tx, name="Asha Rao")
        stranger = make_patient(tx, name="Bina Roy")
        make_appointment(tx, patient_id=kiran, doctor_id=doctor_id, date=DAY, time=T(9))
        make_appointment(tx, patient_id=kiran, doctor_id=doctor_id, date=DAY + dt.timedelta(days=30), time=T(9))
        make_appointment(tx, patient_id=kiran, doctor_id=doctor_id, date=DAY - dt.timedelta(days=30), time=T(9))
        make_appointment(tx, patient_id=asha, doctor_id=doctor_id, date=DAY, time=T(10), status="completed")
        make_appointment(tx, patient_id=stranger, doctor_id=other_doctor, date=DAY, time=T(11))
    with db.transaction() as tx:
        rows = appointments.patients_of_doctor(tx, doctor_id)
        page = appointments.patients_of_doctor(tx, doctor_id, limit=1, offset=1)
    assert rows == [{"patient_id": asha, "name": "Asha Rao", "last_visit": DAY},
                    {"patient_id": kiran, "name": "Kiran Das", "last_visit": DAY + dt.timedelta(days=30)}]
    assert type(rows[0]["last_visit"]) is dt.date
    assert [r["patient_id"] for r in page] == [kiran]


def test_starting_between_lists_live_appointments_of_those_days_soonest_first(db: Database) -> None:
    """The DAO narrows by date; the caller (the reminder job) compares the exact start time."""
    with db.transaction() as tx:
        doctor_id = make_doctor(tx)
        before = make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id,
                                  date=DAY - dt.timedelta(days=1), time=T(23, 45))
        first_day_late = make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id, time=T(18))
        first_day_early = make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id, time=T(8))
        make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id, time=T(12), status="cancelled_by_doctor")
        next_day = make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id,
                                    date=DAY + dt.timedelta(days=1), time=T(9))
        after = make_appointment(tx, patient_id=make_patient(tx), doctor_id=doctor_id,
                                 date=DAY + dt.timedelta(days=2), time=T(0, 15))
    start = dt.datetime.combine(DAY, T(12))
    end = start + dt.timedelta(hours=24)
    with db.transaction() as tx:
        rows = appointments.starting_between(tx, start, end)
        limited = appointments.starting_between(tx, start, end, limit=1)
    ids = [r["appointment_id"] for r in rows]
    assert ids == [first_day_early, first_day_late, next_day]
    assert before not in ids and after not in ids
    assert all(r["status"] == "booked" for r in rows)
    assert [r["appointment_id"] for r in limited] == [first_day_early]
