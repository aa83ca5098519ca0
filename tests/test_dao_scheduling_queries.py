"""The DAO queries behind search and scheduling (issue 4), on SQLite and MariaDB:
doctors.search / search_count / search_ids / summaries / facet_values,
availability.hours_for_doctors / leave_for_doctors,
appointments.booked_for_doctors / for_patient_window / get_detail.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from medlink.dao import appointments, availability, doctors
from medlink.db import Database
from tests.factories import make_appointment, make_doctor, make_patient

DEFAULT_FEE = Decimal("500.00")
MON = dt.date(2030, 1, 14)  # a Monday


def d(days: int) -> dt.date:
    return MON + dt.timedelta(days=days)


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def q(**overrides: Any) -> dict[str, Any]:
    query: dict[str, Any] = dict(terms=[], specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE)
    query.update(overrides)
    return query


# -- doctors ---------------------------------------------------------------------------------------------
@pytest.fixture
def roster(db: Database) -> dict[str, int]:
    with db.transaction() as tx:
        ids = {
            "asha": make_doctor(tx, name="Dr. Asha Menon", specialty="Cardiology", hospital="Heart & Co",
                                city="Kochi", experience_years=15, qualifications="MBBS, DM Cardiology"),
            "bhanu": make_doctor(tx, name="Dr. Bhanu Prakash", specialty="ENT", hospital="Ear 100% Clinic",
                                 city="Kochi", experience_years=4, qualifications="MBBS, MS_ENT"),
            "chetan": make_doctor(tx, name="Dr. Chetan Rao", specialty="Cardiology", hospital="Metro Hospital",
                                  city="Mysuru", experience_years=15, qualifications="MBBS, MD (Medicine)"),
            "divya": make_doctor(tx, name="Dr. Divya Shetty!", specialty="Dermatology", hospital="Metro Hospital",
                                 city="Mysuru", experience_years=9, qualifications="MBBS, DDVL"),
            "pending": make_doctor(tx, name="Dr. Pending Cardio", specialty="Neurology", city="Agra",
                                   verification_status="pending"),
            "rejected": make_doctor(tx, name="Dr. Rejected Cardio", specialty="Neurology", city="Agra",
                                    verification_status="rejected"),
            "retired": make_doctor(tx, name="Dr. Retired Cardio", specialty="Geriatrics", city="Goa"),
        }
        doctors.set_fees(tx, ids["asha"], Decimal("1500.00"), 0, 0, 0)
        doctors.set_fees(tx, ids["bhanu"], Decimal("450.00"), 0, 0, 0)
        doctors.set_fees(tx, ids["divya"], Decimal("500.00"), 0, 0, 0)  # chetan: NULL, the default applies
        doctors.set_fees(tx, ids["pending"], Decimal("1.00"), 0, 0, 0)
        tx.execute("UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (ids["retired"],))
    return ids


def search(db: Database, order: str = "name", limit: int = 50, offset: int = 0, **query: Any) -> list[str]:
    with db.transaction() as tx:
        return [r["name"] for r in doctors.search(tx, order=order, limit=limit, offset=offset, **q(**query))]


def test_search_finds_verified_active_doctors_only(db: Database, roster: dict[str, int]) -> None:
    assert search(db) == ["Dr. Asha Menon", "Dr. Bhanu Prakash", "Dr. Chetan Rao", "Dr. Divya Shetty!"]
    assert search(db, terms=["cardio"]) == ["Dr. Asha Menon", "Dr. Chetan Rao"]
    assert search(db, city="Agra") == search(db, city="Goa") == []
    assert search(db, max_fee=Decimal("1.00")) == []
    with db.transaction() as tx:
        assert doctors.search_count(tx, **q()) == 4
        assert doctors.search_count(tx, **q(terms=["cardio"])) == 2
        visible = sorted(roster[k] for k in ("asha", "bhanu", "chetan", "divya"))
        assert doctors.search_ids(tx, cap=100, **q()) == visible


@pytest.mark.parametrize(("terms", "expected"), [
    (["menon"], ["Dr. Asha Menon"]),                          # name
    (["ent"], ["Dr. Bhanu Prakash"]),                         # specialty (and MS_ENT): any case
    (["METRO"], ["Dr. Chetan Rao", "Dr. Divya Shetty!"]),     # hospital
    (["ddvl"], ["Dr. Divya Shetty!"]),                        # qualifications
    (["mbbs", "metro", "derm"], ["Dr. Divya Shetty!"]),       # every term, each in any column
    (["metro", "menon"], []),
    (["&"], ["Dr. Asha Menon"]),
    (["%"], ["Dr. Bhanu Prakash"]),                           # literal percent
    (["_"], ["Dr. Bhanu Prakash"]),                           # literal underscore
    (["ms_e"], ["Dr. Bhanu Prakash"]),
    (["m_tro"], []),
    (["!"], ["Dr. Divya Shetty!"]),                           # the escape character itself is literal
    (["y!"], ["Dr. Divya Shetty!"]),
    (["!%"], []),
    (["!!"], []),
    (["(medicine)"], ["Dr. Chetan Rao"]),
    (["' OR '1'='1"], []),
    (["Pending"], []),
])
def test_search_terms(db: Database, roster: dict[str, int], terms: list[str], expected: list[str]) -> None:
    assert search(db, terms=terms) == expected
    with db.transaction() as tx:
        assert doctors.search_count(tx, **q(terms=terms)) == len(expected)
        assert len(doctors.search_ids(tx, cap=100, **q(terms=terms))) == len(expected)


@pytest.mark.parametrize(("max_fee", "default_fee", "expected"), [
    (Decimal("450.00"), DEFAULT_FEE, ["Dr. Bhanu Prakash"]),
    (Decimal("500.00"), DEFAULT_FEE, ["Dr. Bhanu Prakash", "Dr. Chetan Rao", "Dr. Divya Shetty!"]),
    (Decimal("999.99"), DEFAULT_FEE, ["Dr. Bhanu Prakash", "Dr. Chetan Rao", "Dr. Divya Shetty!"]),
    (Decimal("1500"), DEFAULT_FEE, ["Dr. Asha Menon", "Dr. Bhanu Prakash", "Dr. Chetan Rao", "Dr. Divya Shetty!"]),
    (Decimal("500.00"), Decimal("750.00"), ["Dr. Bhanu Prakash", "Dr. Divya Shetty!"]),
    (Decimal("750.00"), Decimal("750.00"), ["Dr. Bhanu Prakash", "Dr. Chetan Rao", "Dr. Divya Shetty!"]),
    (Decimal("0"), Decimal("0"), ["Dr. Chetan Rao"]),
])
def test_search_fee_cap_uses_the_fee_in_force(db: Database, roster: dict[str, int], max_fee: Decimal,
                                              default_fee: Decimal, expected: list[str]) -> None:
    assert search(db, max_fee=max_fee, default_fee=default_fee) == expected
    with db.transaction() as tx:
        assert doctors.search_count(tx, **q(max_fee=max_fee, default_fee=default_fee)) == len(expected)
        assert len(doctors.search_ids(tx, cap=100, **q(max_fee=max_fee, default_fee=default_fee))) == len(expected)


def test_search_orders_and_pages(db: Database, roster: dict[str, int]) -> None:
    by_fee = ["Dr. Bhanu Prakash", "Dr. Chetan Rao", "Dr. Divya Shetty!", "Dr. Asha Menon"]  # 450, 500*, 500, 1500
    assert search(db, order="fee") == by_fee
    assert search(db, order="fee", default_fee=Decimal("2000")) == \
        ["Dr. Bhanu Prakash", "Dr. Divya Shetty!", "Dr. Asha Menon", "Dr. Chetan Rao"]
    assert search(db, order="experience") == \
        ["Dr. Asha Menon", "Dr. Chetan Rao", "Dr. Divya Shetty!", "Dr. Bhanu Prakash"]  # 15, 15 by name, 9, 4
    assert search(db, order="fee", limit=2, offset=1) == by_fee[1:3]
    assert search(db, order="name", limit=3, offset=3) == ["Dr. Divya Shetty!"]
    assert search(db, order="name", limit=3, offset=4) == []
    with db.transaction() as tx, pytest.raises(KeyError):
        doctors.search(tx, order="earliest", limit=5, offset=0, **q())  # computed in the service, not in SQL


def test_search_rows_carry_the_fee_in_force(db: Database, roster: dict[str, int]) -> None:
    with db.transaction() as tx:
        rows = {r["doctor_id"]: r for r in doctors.search(tx, order="name", limit=50, offset=0, **q())}
    assert {k: money(rows[roster[k]]["fee_in_force"]) for k in ("asha", "bhanu", "chetan", "divya")} == \
        {"asha": Decimal("1500.00"), "bhanu": Decimal("450.00"), "chetan": DEFAULT_FEE, "divya": Decimal("500.00")}
    chetan = rows[roster["chetan"]]
    assert (chetan["specialty"], chetan["hospital"], chetan["city"], chetan["experience_years"],
            chetan["qualifications"], chetan["slot_minutes"], chetan["verification_status"]) == \
        ("Cardiology", "Metro Hospital", "Mysuru", 15, "MBBS, MD (Medicine)", 15, "verified")
    assert chetan["consultation_fee"] is None
    assert not {"password_hash", "email", "phone", "registration_number"} & set(chetan)


def test_search_ids_are_capped_and_in_id_order(db: Database, roster: dict[str, int]) -> None:
    with db.transaction() as tx:
        assert doctors.search_ids(tx, cap=2, **q()) == \
            sorted([roster["asha"], roster["bhanu"]])
        assert doctors.search_ids(tx, cap=100, **q(city="Mysuru")) == sorted([roster["chetan"], roster["divya"]])
        assert doctors.search_ids(tx, cap=100, **q(specialty="Cardiology", max_fee=Decimal("500"))) == \
            [roster["chetan"]]


def test_summaries_of_the_ids_asked_for(db: Database, roster: dict[str, int]) -> None:
    with db.transaction() as tx:
        rows = doctors.summaries(tx, [roster["divya"], roster["chetan"], 999_999], Decimal("650.00"))
        assert doctors.summaries(tx, [], DEFAULT_FEE) == []
    by_id = {r["doctor_id"]: r for r in rows}
    assert set(by_id) == {roster["divya"], roster["chetan"]}
    assert by_id[roster["chetan"]]["name"] == "Dr. Chetan Rao"
    assert money(by_id[roster["chetan"]]["fee_in_force"]) == Decimal("650.00")
    assert money(by_id[roster["divya"]]["fee_in_force"]) == Decimal("500.00")


def test_facet_values_are_distinct_sorted_and_verified_only(db: Database, roster: dict[str, int]) -> None:
    with db.transaction() as tx:
        assert doctors.facet_values(tx, "specialty") == ["Cardiology", "Dermatology", "ENT"]
        assert doctors.facet_values(tx, "city") == ["Kochi", "Mysuru"]
        for column in ("hospital", "name; DROP TABLE doctor_info", "verification_status"):
            with pytest.raises(KeyError):
                doctors.facet_values(tx, column)


def test_facet_values_of_an_empty_directory(db: Database) -> None:
    with db.transaction() as tx:
        assert doctors.facet_values(tx, "specialty") == []
        assert doctors.search_count(tx, **q()) == 0
        assert doctors.search_ids(tx, cap=10, **q()) == []


# -- availability ----------------------------------------------------------------------------------------
def test_hours_for_doctors(db: Database) -> None:
    with db.transaction() as tx:
        one, two, three = make_doctor(tx), make_doctor(tx), make_doctor(tx)
        availability.replace_hours(tx, one, [(2, t("14:00"), t("16:00")), (0, t("09:00"), t("12:00")),
                                             (0, t("07:00"), t("08:00"))])
        availability.replace_hours(tx, two, [(6, t("10:00"), t("11:30"))])
        availability.replace_hours(tx, three, [(1, t("09:00"), t("10:00"))])
        rows = availability.hours_for_doctors(tx, [two, one, 999_999])
        assert availability.hours_for_doctors(tx, []) == []
        assert availability.hours_for_doctors(tx, [999_999]) == []
    assert [(r["doctor_id"], r["weekday"], r["start_time"], r["end_time"]) for r in rows] == [
        (one, 0, t("07:00"), t("08:00")), (one, 0, t("09:00"), t("12:00")), (one, 2, t("14:00"), t("16:00")),
        (two, 6, t("10:00"), t("11:30"))]
    with db.transaction() as tx:  # the same, a week per doctor
        weeks = availability.weeks_for_doctors(tx, [two, one, 999_999])
        assert availability.weeks_for_doctors(tx, []) == {} == availability.weeks_for_doctors(tx, [999_999])
    assert sorted(weeks) == sorted([one, two])
    assert dict(weeks[one]) == {0: ((t("07:00"), t("08:00")), (t("09:00"), t("12:00"))), 2: ((t("14:00"), t("16:00")),)}
    assert dict(weeks[two]) == {6: ((t("10:00"), t("11:30")),)}


def test_hours_for_many_doctors_at_once(db: Database) -> None:
    with db.transaction() as tx:
        ids = [make_doctor(tx) for _ in range(40)]
        for weekday, doctor_id in enumerate(ids):
            availability.replace_hours(tx, doctor_id, [(weekday % 7, t("09:00"), t("10:00"))])
        rows = availability.hours_for_doctors(tx, ids + list(range(100_000, 100_500)))
    assert [(r["doctor_id"], r["weekday"]) for r in rows] == [(doctor_id, i % 7) for i, doctor_id in enumerate(ids)]


def test_leave_for_doctors_between_two_days_both_included(db: Database) -> None:
    with db.transaction() as tx:
        one, two, other = make_doctor(tx), make_doctor(tx), make_doctor(tx)
        for doctor_id, day in ((one, d(-1)), (one, d(0)), (one, d(6)), (one, d(7)), (two, d(3)), (other, d(2))):
            availability.add_leave(tx, doctor_id, day)
        rows = availability.leave_for_doctors(tx, [one, two], d(0), d(6))
        assert availability.leave_for_doctors(tx, [], d(0), d(6)) == []
        assert availability.leave_for_doctors(tx, [one], d(1), d(5)) == []
        assert availability.leave_for_doctors(tx, [one], d(6), d(0)) == []
    assert sorted((r["doctor_id"], r["leave_date"]) for r in rows) == [(one, d(0)), (one, d(6)), (two, d(3))]
    assert all(isinstance(r["leave_date"], dt.date) for r in rows)


# -- appointments ----------------------------------------------------------------------------------------
def test_booked_for_doctors_lists_live_bookings_between_two_days(db: Database) -> None:
    with db.transaction() as tx:
        patient = make_patient(tx)
        one, two, other = make_doctor(tx), make_doctor(tx), make_doctor(tx)
        make_appointment(tx, patient_id=patient, doctor_id=one, date=d(0), time=t("09:00"))
        make_appointment(tx, patient_id=patient, doctor_id=one, date=d(0), time=t("09:15"),
                         status="cancelled_by_patient")
        make_appointment(tx, patient_id=patient, doctor_id=one, date=d(0), time=t("09:30"), status="completed")
        make_appointment(tx, patient_id=patient, doctor_id=two, date=d(13), time=t("12:45"))
        make_appointment(tx, patient_id=patient, doctor_id=two, date=d(14), time=t("12:45"))  # after the range
        make_appointment(tx, patient_id=patient, doctor_id=two, date=d(-1), time=t("12:45"))  # before it
        make_appointment(tx, patient_id=patient, doctor_id=other, date=d(1), time=t("10:00"))
        rows = appointments.booked_for_doctors(tx, [one, two], d(0), d(13))
        assert appointments.booked_for_doctors(tx, [], d(0), d(13)) == []
    assert sorted((r["doctor_id"], r["appointment_date"], r["appointment_time"]) for r in rows) == [
        (one, d(0), t("09:00")), (two, d(13), t("12:45"))]
    assert all(isinstance(r["appointment_time"], dt.time) for r in rows)


@pytest.fixture
def week(db: Database) -> dict[str, int]:
    """One patient's appointments around Wednesday 11:00 (d(2)), with another patient's among them."""
    with db.transaction() as tx:
        patient, stranger = make_patient(tx, name="Asha Rao"), make_patient(tx, name="Someone Else")
        doctor = make_doctor(tx, name="Dr. Meera Pillai", hospital="Lakshmi Clinic", specialty="ENT")
        other = make_doctor(tx, name="Dr. Kiran Bedi", hospital="Sunrise", specialty="Dermatology")
        ids = {
            "patient": patient, "doctor": doctor,
            "monday": make_appointment(tx, patient_id=patient, doctor_id=doctor, date=d(0), time=t("16:00")),
            "wed_10_45": make_appointment(tx, patient_id=patient, doctor_id=other, date=d(2), time=t("10:45"),
                                          status="completed"),
            "wed_11_00": make_appointment(tx, patient_id=patient, doctor_id=doctor, date=d(2), time=t("11:00")),
            "wed_11_15": make_appointment(tx, patient_id=patient, doctor_id=doctor, date=d(2), time=t("11:15"),
                                          status="cancelled_by_doctor"),
            "thursday": make_appointment(tx, patient_id=patient, doctor_id=other, date=d(3), time=t("09:00")),
            "next_week": make_appointment(tx, patient_id=patient, doctor_id=doctor, date=d(7), time=t("08:00")),
        }
        make_appointment(tx, patient_id=stranger, doctor_id=doctor, date=d(2), time=t("12:00"))
        make_appointment(tx, patient_id=stranger, doctor_id=doctor, date=d(0), time=t("09:00"))
    return ids


def window(db: Database, patient_id: int, upcoming: bool, limit: int = 100, offset: int = 0,
           now: tuple[dt.date, dt.time] = (d(2), t("11:00"))) -> list[dict[str, Any]]:
    with db.transaction() as tx:
        return appointments.for_patient_window(tx, patient_id, now[0], now[1], upcoming, limit, offset)


def test_for_patient_window_upcoming_from_now_soonest_first(db: Database, week: dict[str, int]) -> None:
    rows = window(db, week["patient"], True)
    assert [r["appointment_id"] for r in rows] == \
        [week["wed_11_00"], week["wed_11_15"], week["thursday"], week["next_week"]]
    first = rows[0]
    assert (first["doctor_name"], first["hospital"], first["specialty"], first["appointment_day"],
            first["appointment_time"], first["mode"], first["status"]) == \
        ("Dr. Meera Pillai", "Lakshmi Clinic", "ENT", "Wednesday", t("11:00"), "online", "booked")
    assert rows[2]["doctor_name"] == "Dr. Kiran Bedi"
    assert [r["appointment_id"] for r in window(db, week["patient"], True, limit=2, offset=1)] == \
        [week["wed_11_15"], week["thursday"]]


def test_for_patient_window_past_newest_first(db: Database, week: dict[str, int]) -> None:
    rows = window(db, week["patient"], False)
    assert [r["appointment_id"] for r in rows] == [week["wed_10_45"], week["monday"]]
    assert rows[0]["status"] == "completed"
    assert [r["appointment_id"] for r in window(db, week["patient"], False, limit=1, offset=1)] == [week["monday"]]


def test_for_patient_window_at_other_moments(db: Database, week: dict[str, int]) -> None:
    everything = {week[k] for k in ("monday", "wed_10_45", "wed_11_00", "wed_11_15", "thursday", "next_week")}
    for now in ((d(2), t("11:01")), (d(-30), t("00:00")), (d(30), t("23:59")), (d(3), t("09:00"))):
        upcoming = {r["appointment_id"] for r in window(db, week["patient"], True, now=now)}
        past = {r["appointment_id"] for r in window(db, week["patient"], False, now=now)}
        assert not upcoming & past
        assert upcoming | past == everything
    assert [r["appointment_id"] for r in window(db, week["patient"], True, now=(d(3), t("09:00")))] == \
        [week["thursday"], week["next_week"]]
    assert window(db, week["patient"], True, now=(d(30), t("00:00"))) == []
    assert window(db, 999_999, True) == window(db, 999_999, False) == []


def test_get_detail_joins_both_names(db: Database, week: dict[str, int]) -> None:
    with db.transaction() as tx:
        row = appointments.get_detail(tx, week["wed_11_00"])
        assert appointments.get_detail(tx, 999_999) is None
    assert row is not None
    assert (row["appointment_id"], row["patient_id"], row["doctor_id"], row["appointment_date"],
            row["appointment_day"], row["appointment_time"], row["status"]) == \
        (week["wed_11_00"], week["patient"], week["doctor"], d(2), "Wednesday", t("11:00"), "booked")
    assert (row["doctor_name"], row["hospital"], row["specialty"], row["patient_name"]) == \
        ("Dr. Meera Pillai", "Lakshmi Clinic", "ENT", "Asha Rao")
    assert isinstance(row["created_at"], dt.datetime) and isinstance(row["updated_at"], dt.datetime)
    assert "password_hash" not in row and "idempotency_key" not in row
