"""Finding a doctor (issue 4): verified doctors only, free text, filters, neutral orders, paging and
the next open slot, on SQLite and MariaDB.

The clock stands at Monday 30 November 2026, 08:30 local unless a test moves it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.dao import doctors
from medlink.errors import ValidationError
from medlink.services.clock import FixedClock
from tests.conftest import make_settings
from tests.services_fixtures import execute
from tests.test_appointments import (
    FAST,
    MONDAY,
    NEXT_MONDAY,
    NOW,
    TUESDAY,
    WEDNESDAY,
    Clinic,
    open_clinic,
)


@pytest.fixture
def clinic(settings: Settings) -> Iterator[Clinic]:
    yield from open_clinic(settings)


ANITA, BALA, CHITRA, DEV = "Dr. Anita Bose", "Dr. Bala Chandran", "Dr. Chitra Das", "Dr. Dev Eshwar"


def at(day: dt.date, hhmm: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(hhmm))


def set_fee(clinic: Clinic, doctor_id: int, consultation: str) -> None:
    with clinic.ml.db.transaction() as tx:
        doctors.set_fees(tx, doctor_id, Decimal(consultation), Decimal("0"), Decimal("0"), Decimal("0"))


@pytest.fixture
def directory(clinic: Clinic) -> dict[str, int]:
    """Four verified doctors, one pending and one rejected:

    ============  ===========  ===============  =======  ===  ==========  =========================
    doctor        specialty    hospital         city     yrs  fee         hours (next open slot)
    ============  ===========  ===============  =======  ===  ==========  =========================
    Anita Bose    Cardiology   Heart Institute  Kolkata  20   1200        Mon 09-10 (today 09:00)
    Bala Chandran Dermatology  Skin 100% Care   Chennai   5   none (500)  Tue 09-13 (Tue 09:00)
    Chitra Das    Cardiology   City Hospital    Chennai  12   300         none (None)
    Dev Eshwar    Pediatrics   City Hospital    Kolkata   8   800         Mon, Wed; on leave today
    ============  ===========  ===============  =======  ===  ==========  =========================
    """
    _, anita = clinic.doctor(name=ANITA, specialty="Cardiology", hospital="Heart Institute", city="Kolkata",
                             experience_years=20, qualifications="MBBS, DM Cardiology", hours=[(0, "09:00", "10:00")])
    _, bala = clinic.doctor(name=BALA, specialty="Dermatology", hospital="Skin 100% Care", city="Chennai",
                            experience_years=5, qualifications="MBBS, MD_Derm (Madras)", hours=[(1, "09:00", "13:00")])
    _, chitra = clinic.doctor(name=CHITRA, specialty="Cardiology", hospital="City Hospital", city="Chennai",
                              experience_years=12, qualifications="MBBS, MD Medicine", hours=None)
    dev_session, dev = clinic.doctor(name=DEV, specialty="Pediatrics", hospital="City Hospital", city="Kolkata",
                                     experience_years=8, qualifications="MBBS, DCH",
                                     hours=[(0, "09:00", "13:00"), (2, "09:00", "13:00")])
    clinic.ml.doctors.add_leave(dev_session, MONDAY)
    set_fee(clinic, anita, "1200")
    set_fee(clinic, chitra, "300")
    set_fee(clinic, dev, "800")
    clinic.doctor(name="Dr. Pema Cardio", specialty="Cardiology", hospital="Heart Institute", city="Pune",
                  qualifications="MBBS, DM Cardiology", verify=False)
    _, rejected = clinic.doctor(name="Dr. Ravi Anand", specialty="Oncology", hospital="Heart Institute",
                                city="Shimla", qualifications="MBBS, DM Cardiology", verify=False)
    clinic.ml.admin.reject_doctor(clinic.admin, rejected, "The registration number does not match.")
    return {"anita": anita, "bala": bala, "chitra": chitra, "dev": dev}


def names(clinic: Clinic, **query: Any) -> list[str]:
    return [r.name for r in clinic.ml.doctors.search(**query).results]


# -- verified only ---------------------------------------------------------------------------------------
def test_only_verified_doctors_are_found(clinic: Clinic, directory: dict[str, int]) -> None:
    page = clinic.ml.doctors.search()
    assert [r.name for r in page.results] == [ANITA, BALA, CHITRA, DEV]
    assert page.total == 4
    assert all(r.verified for r in page.results)
    for text in ("Pema", "Ravi", "Oncology", "Heart"):
        assert all(name in (ANITA, BALA, CHITRA, DEV) for name in names(clinic, text=text))
    assert names(clinic, city="Pune") == []
    assert names(clinic, specialty="Oncology") == []


def test_specialties_and_cities_list_verified_doctors_only(clinic: Clinic, directory: dict[str, int]) -> None:
    assert clinic.ml.doctors.specialties() == ["Cardiology", "Dermatology", "Pediatrics"]
    assert clinic.ml.doctors.cities() == ["Chennai", "Kolkata"]


def test_a_doctor_disabled_or_verified_later_appears_accordingly(clinic: Clinic, directory: dict[str, int]) -> None:
    execute(clinic.ml, "UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (directory["bala"],))
    assert names(clinic) == [ANITA, CHITRA, DEV]
    assert "Dermatology" not in clinic.ml.doctors.specialties()
    _, late = clinic.doctor(name="Dr. Zoya Khan", specialty="ENT", city="Agra", verify=False)
    assert names(clinic, text="zoya") == []
    clinic.ml.admin.verify_doctor(clinic.admin, late)
    assert names(clinic, text="zoya") == ["Dr. Zoya Khan"]
    assert clinic.ml.doctors.cities() == ["Agra", "Chennai", "Kolkata"]


def test_results_carry_what_the_list_shows(clinic: Clinic, directory: dict[str, int]) -> None:
    anita, bala, chitra, dev = clinic.ml.doctors.search().results
    assert (anita.doctor_id, anita.name, anita.specialty, anita.hospital, anita.city, anita.experience_years,
            anita.qualifications, anita.consultation_fee, anita.verified, anita.next_open_slot) == \
        (directory["anita"], ANITA, "Cardiology", "Heart Institute", "Kolkata", 20, "MBBS, DM Cardiology",
         Decimal("1200.00"), True, at(MONDAY, "09:00"))
    assert bala.consultation_fee == Decimal("500.00")  # no fee of their own: the configured default
    assert (bala.next_open_slot, chitra.next_open_slot, dev.next_open_slot) == \
        (at(TUESDAY, "09:00"), None, at(WEDNESDAY, "09:00"))
    assert isinstance(dev.consultation_fee, Decimal) and dev.consultation_fee == Decimal("800.00")


# -- free text -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "expected"), [
    ("cardio", [ANITA, CHITRA]),                  # specialty, any case
    ("CARDIOLOGY", [ANITA, CHITRA]),
    ("Heart", [ANITA]),                           # hospital
    ("bose", [ANITA]),                            # name
    ("dcH", [DEV]),                               # qualifications
    ("madras", [BALA]),
    ("city hospital", [CHITRA, DEV]),             # every word must match ...
    ("cardiology dm", [ANITA]),                   # ... in any of the fields
    ("cardiology  pediatrics", []),
    ("  chitra  ", [CHITRA]),
    ("", [ANITA, BALA, CHITRA, DEV]),
    ("   ", [ANITA, BALA, CHITRA, DEV]),
    ("nobody", []),
    ("Chennai", []),                              # the city is a filter, not free text
])
def test_free_text(clinic: Clinic, directory: dict[str, int], text: str, expected: list[str]) -> None:
    page = clinic.ml.doctors.search(text=text)
    assert [r.name for r in page.results] == expected
    assert page.total == len(expected)


@pytest.mark.parametrize(("text", "expected"), [
    ("%", [BALA]),                # only the hospital "Skin 100% Care" holds a percent sign
    ("100%", [BALA]),
    ("0%c", []),                  # "%" is not "anything"
    ("_", [BALA]),                # only "MD_Derm" holds an underscore
    ("md_d", [BALA]),
    ("c_ty", []),                 # "_" is not "any one character"
    ("!", []),                    # nor is the escape character special
    ("!%", []),
    ("\\", []),
    ("'", []),
    ("' OR '1'='1", []),
    ("\"; DROP TABLE doctor_info; --", []),
])
def test_pattern_characters_in_the_text_are_literal(clinic: Clinic, directory: dict[str, int], text: str,
                                                    expected: list[str]) -> None:
    assert names(clinic, text=text) == expected
    assert clinic.ml.doctors.search().total == 4


def test_free_text_is_bounded(clinic: Clinic, directory: dict[str, int]) -> None:
    with pytest.raises(ValidationError) as caught:
        clinic.ml.doctors.search(text="x" * 101)
    assert caught.value.field == "text"
    for bad in ("car\x00dio", 42):
        with pytest.raises(ValidationError):
            clinic.ml.doctors.search(text=bad)  # type: ignore[arg-type]
    assert names(clinic, text="mbbs " * 9) == [ANITA, BALA, CHITRA, DEV]


# -- filters ---------------------------------------------------------------------------------------------
def test_specialty_and_city_filters(clinic: Clinic, directory: dict[str, int]) -> None:
    assert names(clinic, specialty="Cardiology") == [ANITA, CHITRA]
    assert names(clinic, city="Chennai") == [BALA, CHITRA]
    assert names(clinic, specialty="Cardiology", city="Chennai") == [CHITRA]
    assert names(clinic, text="city", city="Kolkata") == [DEV]
    assert names(clinic, specialty="", city=None) == [ANITA, BALA, CHITRA, DEV]
    assert names(clinic, specialty="Neurology") == []


@pytest.mark.parametrize(("max_fee", "expected"), [
    (None, [ANITA, BALA, CHITRA, DEV]),
    ("", [ANITA, BALA, CHITRA, DEV]),
    (300, [CHITRA]),
    ("499.99", [CHITRA]),
    ("500", [BALA, CHITRA]),                        # Bala set no fee: the default 500 counts
    (Decimal("600"), [BALA, CHITRA]),
    ("1000", [BALA, CHITRA, DEV]),
    (1200, [ANITA, BALA, CHITRA, DEV]),
    ("0", []),
    ("5000000", [ANITA, BALA, CHITRA, DEV]),
])
def test_max_fee_filter(clinic: Clinic, directory: dict[str, int], max_fee: Any, expected: list[str]) -> None:
    page = clinic.ml.doctors.search(max_fee=max_fee)
    assert [r.name for r in page.results] == expected
    assert page.total == len(expected)
    assert all(r.consultation_fee <= Decimal(str(max_fee)) for r in page.results if max_fee not in (None, ""))


def test_the_configured_default_fee_is_the_fee_of_doctors_without_one(clinic: Clinic, directory: dict[str, int],
                                                                     settings: Settings, tmp_path: Path) -> None:
    dearer = make_settings(settings.db_url, tmp_path, default_consultation_fee="900")
    with MedLink(dearer, password_params=FAST, clock=FixedClock(NOW)) as ml:
        assert [r.name for r in ml.doctors.search(max_fee="600").results] == [CHITRA]
        assert [r.name for r in ml.doctors.search(max_fee="900").results] == [BALA, CHITRA, DEV]
        by_fee = ml.doctors.search(order="fee").results
        assert [(r.name, r.consultation_fee) for r in by_fee] == [
            (CHITRA, Decimal("300.00")), (DEV, Decimal("800.00")), (BALA, Decimal("900.00")),
            (ANITA, Decimal("1200.00"))]


@pytest.mark.parametrize(("query", "field"), [
    (dict(max_fee=-1), "max_fee"),
    (dict(max_fee="-0.01"), "max_fee"),
    (dict(max_fee="abc"), "max_fee"),
    (dict(max_fee="12.345"), "max_fee"),
    (dict(max_fee="NaN"), "max_fee"),
    (dict(max_fee=True), "max_fee"),
    (dict(order="rating"), "order"),
    (dict(order="name; DROP TABLE doctor_info"), "order"),
    (dict(order="d.name"), "order"),
    (dict(order=""), "order"),
    (dict(specialty="x" * 101), "specialty"),
    (dict(city=7), "city"),
])
def test_bad_search_input_is_refused(clinic: Clinic, directory: dict[str, int], query: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        clinic.ml.doctors.search(**query)
    assert caught.value.field == field


# -- orders ----------------------------------------------------------------------------------------------
def test_the_default_order_is_by_name_and_says_so(clinic: Clinic, directory: dict[str, int]) -> None:
    page = clinic.ml.doctors.search()
    assert (page.order, page.order_text) == ("name", "Sorted by name, A to Z.")
    assert [r.name for r in page.results] == [ANITA, BALA, CHITRA, DEV]


@pytest.mark.parametrize(("order", "expected", "text"), [
    ("name", [ANITA, BALA, CHITRA, DEV], "Sorted by name, A to Z."),
    ("fee", [CHITRA, BALA, DEV, ANITA], "Sorted by consultation fee, lowest first."),
    ("experience", [ANITA, CHITRA, DEV, BALA], "Sorted by years of experience, most first."),
    ("earliest", [ANITA, BALA, DEV, CHITRA], "Sorted by the earliest open slot."),
])
def test_orders(clinic: Clinic, directory: dict[str, int], order: str, expected: list[str], text: str) -> None:
    page = clinic.ml.doctors.search(order=order)
    assert [r.name for r in page.results] == expected
    assert (page.order, page.order_text, page.total) == (order, text, 4)


def test_the_fee_order_places_doctors_without_a_fee_at_the_default(clinic: Clinic,
                                                                   directory: dict[str, int]) -> None:
    set_fee(clinic, directory["chitra"], "499.99")
    set_fee(clinic, directory["dev"], "500.01")
    assert names(clinic, order="fee") == [CHITRA, BALA, DEV, ANITA]
    assert names(clinic, order="fee", max_fee="500") == [CHITRA, BALA]


def test_ties_keep_a_neutral_order(clinic: Clinic, directory: dict[str, int]) -> None:
    _, twin = clinic.doctor(name="Dr. Aarav Bose", specialty="Cardiology", experience_years=12,
                            hours=[(1, "09:00", "13:00")])
    set_fee(clinic, twin, "300")
    assert names(clinic, order="fee")[:2] == ["Dr. Aarav Bose", CHITRA]  # same fee: by name
    assert names(clinic, order="experience")[1:3] == ["Dr. Aarav Bose", CHITRA]  # same years: by name
    assert names(clinic, order="earliest")[1:3] == ["Dr. Aarav Bose", BALA]  # same first slot: by name


# -- paging ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("order", ["name", "fee", "experience", "earliest"])
def test_paging(clinic: Clinic, directory: dict[str, int], order: str) -> None:
    whole = names(clinic, order=order)
    pages = [clinic.ml.doctors.search(order=order, limit=3, offset=offset) for offset in (0, 3, 6)]
    assert [[r.name for r in p.results] for p in pages] == [whole[:3], whole[3:], []]
    assert [(p.total, p.offset, p.limit) for p in pages] == [(4, 0, 3), (4, 3, 3), (4, 6, 3)]
    assert names(clinic, order=order, limit=2, offset=1) == whole[1:3]
    filtered = clinic.ml.doctors.search(order=order, specialty="Cardiology", limit=1, offset=1)
    assert (len(filtered.results), filtered.total) == (1, 2)


@pytest.mark.parametrize("order", ["name", "fee", "earliest"])
def test_a_search_of_words_counts_up_to_a_cap(clinic: Clinic, directory: dict[str, int], order: str,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """Past TOTAL_CAP matches a search of words says "more" instead of counting every doctor; filters
    alone are counted exactly (from the listing counts), and so are words with fewer matches."""
    from medlink.dao import doctors

    monkeypatch.setattr(doctors, "TOTAL_CAP", 2)
    words = [clinic.ml.doctors.search(text="dr", order=order, limit=1, offset=k) for k in (0, 1, 3)]
    assert [(p.total, p.more, len(p.results)) for p in words] == [(2, True, 1), (2, True, 1), (2, True, 1)]
    exact = clinic.ml.doctors.search(text="cardiology", order=order, limit=1)
    assert (exact.total, exact.more) == (2, False)
    assert (clinic.ml.doctors.search(order=order, limit=1).total, clinic.ml.doctors.search(limit=1).more) == (4, False)
    assert names(clinic, text="dr", order=order, limit=10) == names(clinic, order=order, limit=10)


def test_paging_bounds_are_clamped(clinic: Clinic, directory: dict[str, int]) -> None:
    assert clinic.ml.doctors.search(limit=0).limit == 1
    assert clinic.ml.doctors.search(limit=10_000).limit == 200
    assert clinic.ml.doctors.search(offset=-5).offset == 0


# -- next open slot --------------------------------------------------------------------------------------
def slots_by_name(clinic: Clinic, **query: Any) -> dict[str, dt.datetime | None]:
    return {r.name: r.next_open_slot for r in clinic.ml.doctors.search(**query).results}


def test_next_open_slot_skips_taken_slots_and_the_past(clinic: Clinic, directory: dict[str, int]) -> None:
    patient, _ = clinic.patient()
    clinic.ml.appointments.book(patient, doctor_id=directory["anita"], date=MONDAY, time="09:00")
    assert slots_by_name(clinic)[ANITA] == at(MONDAY, "09:15")
    clinic.set_local(MONDAY, "09:20")
    assert slots_by_name(clinic)[ANITA] == at(MONDAY, "09:30")
    for time in ("09:30", "09:45"):
        clinic.ml.appointments.book(patient, doctor_id=directory["anita"], date=MONDAY, time=time)
    assert slots_by_name(clinic)[ANITA] == at(NEXT_MONDAY, "09:00")
    assert names(clinic, order="earliest") == [BALA, DEV, ANITA, CHITRA]


def test_next_open_slot_skips_days_off(clinic: Clinic, directory: dict[str, int]) -> None:
    session, _ = clinic.doctor(hours=[(0, "09:00", "10:00"), (2, "09:00", "10:00")], name="Dr. Eve Fern")
    clinic.ml.doctors.add_leave(session, MONDAY)
    clinic.ml.doctors.add_leave(session, WEDNESDAY)
    assert slots_by_name(clinic)["Dr. Eve Fern"] == at(NEXT_MONDAY, "09:00")
    clinic.ml.doctors.remove_leave(session, WEDNESDAY)
    assert slots_by_name(clinic)["Dr. Eve Fern"] == at(WEDNESDAY, "09:00")


def test_next_open_slot_looks_two_weeks_ahead(clinic: Clinic, directory: dict[str, int]) -> None:
    session, _ = clinic.doctor(hours=[(0, "09:00", "09:15")], name="Dr. Gita Hari")
    for week in range(3):
        clinic.ml.doctors.add_leave(session, MONDAY + dt.timedelta(weeks=week))
    assert slots_by_name(clinic)["Dr. Gita Hari"] is None  # the Monday after that is beyond 14 days
    assert names(clinic, order="earliest")[-2:] == [CHITRA, "Dr. Gita Hari"]


def test_search_agrees_with_open_slots(clinic: Clinic, directory: dict[str, int]) -> None:
    clinic.set_local(TUESDAY, "11:50")
    for result in clinic.ml.doctors.search().results:
        if result.next_open_slot is None:
            continue
        day = result.next_open_slot.date()
        assert clinic.slots(result.doctor_id, day)[0] == result.next_open_slot.strftime("%H:%M")
        for earlier in range((day - TUESDAY).days):
            assert clinic.slots(result.doctor_id, TUESDAY + dt.timedelta(days=earlier)) == []


@pytest.fixture
def many(clinic: Clinic) -> Iterator[list[int]]:
    """Thirty verified doctors with no hours at all but the last five."""
    ids = []
    for i in range(30):
        hours = [(1, "09:00", "10:00")] if i >= 25 else None
        _, doctor_id = clinic.doctor(name=f"Dr. Many {i:02d}", specialty="General Physician", city="Agra",
                                     hours=hours)
        ids.append(doctor_id)
    yield ids


def test_earliest_order_pages_across_many_doctors(clinic: Clinic, many: list[int]) -> None:
    first = clinic.ml.doctors.search(order="earliest", city="Agra", limit=5)
    assert [r.name for r in first.results] == [f"Dr. Many {i}" for i in range(25, 30)]
    assert first.total == 30
    rest = clinic.ml.doctors.search(order="earliest", city="Agra", limit=50, offset=5)
    assert [r.name for r in rest.results] == [f"Dr. Many {i:02d}" for i in range(25)]
    assert all(r.next_open_slot is None for r in rest.results)
