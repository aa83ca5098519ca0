"""The search index and its counts (migrations 003-006, issue 8), on SQLite and MariaDB.

Triggers keep them: after any change to a doctor, made through the DAO or by hand, the listing
counts equal a count of doctor_info, the word counts a count of the words, every signature holds
its doctor's words, and the words find exactly the listed doctors whose name, specialty, hospital
or qualifications hold a word starting with them. The ways a search may take to a page (merge the
first rows of each word's list, gather every match, walk the listed doctors in name order) give
the same pages.
"""

from __future__ import annotations

import itertools
import re
from decimal import Decimal
from typing import Any

import pytest

from medlink.dao import appointments, doctors
from medlink.db import Database
from medlink.db.words import required_bits
from tests.factories import NOW, make_appointment, make_doctor, make_patient

DEFAULT_FEE = Decimal("500.00")
SPECIALTIES = ("Cardiology", "Dermatology", "General Physician")
CITIES = ("Chennai", "Pune", "Mysuru")
CAPS = (None, Decimal("0"), Decimal("300"), Decimal("499.99"), Decimal("500"), Decimal("1000"))
WORDS = ("dr", "car", "cardio", "cardiology", "derm", "apollo", "care", "mbbs", "md", "dm", "iyer", "rao", "kumar",
         "dev", "jose", "100", "z", "general", "physician")
_WORD = re.compile(r"[^\W_]+")


def listed(db: Database) -> list[dict[str, Any]]:
    with db.transaction() as tx:
        return tx.query("SELECT doctor_id, name, specialty, hospital, qualifications, city, consultation_fee "
                        "FROM doctor_info WHERE verification_status = 'verified' AND is_active = 1")


def expected_count(rows: list[dict[str, Any]], specialty: str | None, city: str | None, cap: Decimal | None) -> int:
    def fee(r: dict[str, Any]) -> Decimal:
        return DEFAULT_FEE if r["consultation_fee"] is None else Decimal(str(r["consultation_fee"]))

    return sum(1 for r in rows if (specialty is None or r["specialty"].lower() == specialty.lower())
               and (city is None or r["city"].lower() == city.lower()) and (cap is None or fee(r) <= cap))


def fold(text: str) -> str:
    return text.lower().replace("é", "e")


def words_of(r: dict[str, Any]) -> list[str]:
    return _WORD.findall(fold(" ".join((r["name"], r["specialty"], r["hospital"], r["qualifications"]))))


def expected_ids(rows: list[dict[str, Any]], words: list[str]) -> list[int]:
    found = []
    words = [fold(w) for w in words]
    for r in rows:
        tokens = words_of(r)
        if all(any(t.startswith(w) for t in tokens) for w in words):
            found.append(int(r["doctor_id"]))
    return sorted(found)


def check(db: Database) -> None:
    """Counts and words agree with doctor_info as it is now."""
    rows = listed(db)
    with db.transaction() as tx:
        for specialty, city, cap in itertools.product((None, *SPECIALTIES), (None, *CITIES), CAPS):
            assert doctors.listing_count(tx, specialty=specialty, city=city, max_fee=cap, default_fee=DEFAULT_FEE) \
                == expected_count(rows, specialty, city, cap), (specialty, city, cap)
        if db.backend == "sqlite":  # the counts of each word's rows (sql/sqlite/006) follow the words
            assert {(r["term"], r["n"]) for r in tx.query(
                "SELECT term, COUNT(*) AS n FROM doctor_search_terms GROUP BY term")} == {
                (r["term"], r["doctors"]) for r in tx.query(
                    "SELECT term, doctors FROM doctor_search_words WHERE doctors > 0")}
        # Every row's signature holds the bits of every word of its doctor (or the search would miss them).
        signatures = {(r["doctor_id"], r["signature"]) for r in tx.query(
            "SELECT doctor_id, signature FROM doctor_search_terms")}
        assert len(signatures) == len({d for d, _ in signatures}) == len(rows)  # one signature a doctor
        for doctor_id, held in signatures:
            [r] = [r for r in rows if r["doctor_id"] == doctor_id]
            for word in words_of(r):
                assert held & required_bits(word) == required_bits(word), (r["name"], word)
        for words in [[w] for w in WORDS] + [["cardio", "rao"], ["dr", "md"], ["care", "pune"], ["jose", "md"],
                                             ["JOSÉ", "mbbs", "car"], ["dr", "dr"]]:
            query = dict(terms=words, specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE)
            want = expected_ids(rows, words)
            assert doctors.search_count(tx, **query) == len(want), words
            assert sorted(r["doctor_id"] for r in doctors.search(tx, limit=200, **query)) == want, words


@pytest.fixture
def directory(db: Database) -> dict[str, int]:
    with db.transaction() as tx:
        ids = {
            "rao": make_doctor(tx, name="Dr. Anita Rao", specialty="Cardiology", hospital="Apollo Care",
                               city="Chennai", qualifications="MBBS, DM Cardiology"),
            "iyer": make_doctor(tx, name="Dr. Bala Iyer", specialty="Dermatology", hospital="Skin 100% Care",
                                city="Pune", qualifications="MBBS, MD_Derm (Madras)"),
            "kumar": make_doctor(tx, name="Dr. Dev_Kumar", specialty="General Physician", hospital="City Clinic",
                                 city="Mysuru", qualifications="MBBS"),
            "jose": make_doctor(tx, name="Dr. José Fernandes", specialty="cardiology", hospital="Goa Heart Care",
                                city="PUNE", qualifications="MBBS, MD"),
            "pending": make_doctor(tx, name="Dr. Pending Rao", specialty="Cardiology", city="Chennai",
                                   verification_status="pending"),
        }
        doctors.set_fees(tx, ids["rao"], Decimal("300.00"), 0, 0, 0)
        doctors.set_fees(tx, ids["iyer"], Decimal("900.00"), 0, 0, 0)
    return ids


def test_counts_and_words_follow_every_change(db: Database, directory: dict[str, int]) -> None:
    check(db)
    with db.transaction() as tx:  # verified by an administrator
        doctors.set_verification(tx, directory["pending"], "verified", None, NOW, None)
    check(db)
    with db.transaction() as tx:  # a profile edited through the DAO: new words, another city
        doctors.update(tx, directory["rao"], {"hospital": "Zen Heart Institute", "city": "Pune"})
    check(db)
    with db.transaction() as tx:  # fees set, changed, and removed by hand
        doctors.set_fees(tx, directory["kumar"], Decimal("499.99"), 0, 0, 0)
        tx.execute("UPDATE doctor_info SET consultation_fee = NULL WHERE doctor_id = ?", (directory["iyer"],))
    check(db)
    with db.transaction() as tx:  # disabled by hand, rejected, then a login's counters change (no effect)
        tx.execute("UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (directory["jose"],))
        doctors.set_verification(tx, directory["kumar"], "rejected", None, NOW, "Not a real council number.")
        tx.execute("UPDATE doctor_info SET failed_logins = failed_logins + 1 WHERE doctor_id = ?", (directory["rao"],))
    check(db)
    with db.transaction() as tx:  # back again, the specialty renamed in another case, then one removed
        tx.execute("UPDATE doctor_info SET is_active = 1, specialty = 'CARDIOLOGY' WHERE doctor_id = ?",
                   (directory["jose"],))
        tx.execute("DELETE FROM doctor_info WHERE doctor_id = ?", (directory["iyer"],))
    check(db)


def test_words_match_the_start_of_a_word_and_other_text_anywhere(db: Database, directory: dict[str, int]) -> None:
    def found(*terms: str) -> list[int]:
        with db.transaction() as tx:
            return sorted(r["doctor_id"] for r in doctors.search(
                tx, terms=list(terms), specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE))

    assert found("cardio") == sorted([directory["rao"], directory["jose"]])
    assert found("ardio") == []  # a word of letters and digits matches the start of a word, not its middle
    assert found("JOSE") == [directory["jose"]]  # case and accents do not matter
    assert found("kumar") == [directory["kumar"]]  # "_" separates words
    assert found("100%") == [directory["iyer"]]  # any other text is matched anywhere, literally
    assert found("0%") == [directory["iyer"]]
    assert found("md_d") == [directory["iyer"]]
    assert found("c_re") == []
    assert found("जोस") == []  # words of any script are looked up; this one nobody has


@pytest.mark.parametrize("query", [
    dict(terms=["care"]), dict(terms=["mbbs"]), dict(terms=["mbbs", "md"]), dict(terms=["mbbs"], city="Pune"),
    dict(terms=["care"], specialty="Cardiology"), dict(terms=["mbbs"], max_fee=Decimal("400")),
    dict(terms=["mbbs", "100%"]), dict(terms=["dr"], offset=1, limit=2), dict(terms=["c"]),
    dict(terms=["ca", "m"], city="pune", specialty="CARDIOLOGY"), dict(terms=["zz"]), dict(terms=["rao", "a"]),
    dict(terms=["a", "d"]), dict(terms=["care", "md", "mbbs"], max_fee=Decimal("500")),
])
def test_the_ways_to_a_page_of_words_agree(db: Database, directory: dict[str, int], query: dict) -> None:
    """Merging each word's first rows, gathering every match, and walking the listed doctors in
    name order give the same page, and the count (capped or not) agrees."""
    full = dict(terms=[], specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE)
    full.update(query)
    counted = {k: v for k, v in full.items() if k not in ("limit", "offset")}
    rows = listed(db)
    with db.transaction() as tx:
        plan = doctors.word_plan(tx, full["terms"])
        pages = {way: [r["doctor_id"] for r in doctors.search(tx, way=way, **full)]
                 for way in ("lists", "gather", "walk") if way != "lists" or plan.expansions is not None}
        total = doctors.search_count(tx, **counted)
        assert doctors.search_count(tx, cap=2, **counted) == min(total, 2)
    assert len(pages) == (3 if plan.expansions is not None else 2)
    assert len(set(map(tuple, pages.values()))) == 1, pages
    words = [w for w in full["terms"] if w.isalnum()]
    want = [d for d in expected_ids(rows, words)
            if all(other in fold(" ".join(r[c] for c in ("name", "specialty", "hospital", "qualifications")))
                   for r in rows if r["doctor_id"] == d for other in full["terms"] if not other.isalnum())
            and expected_count([r for r in rows if r["doctor_id"] == d], full["specialty"], full["city"],
                               full["max_fee"])]
    assert total == len(want)
    by_name = sorted(want, key=lambda d: next((r["name"].lower(), d) for r in rows if r["doctor_id"] == d))
    offset, limit = full.get("offset", 0), full.get("limit", 50)
    assert pages["walk"] == by_name[offset:offset + limit]


def test_a_word_starting_many_words_and_a_crowded_word(db: Database, directory: dict[str, int],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A short word that starts more distinct words than WORDS_CAP is gathered (few rows) or walked
    (many rows); both give every doctor in name order, page after page."""
    with db.transaction() as tx:
        made = [make_doctor(tx, name=f"Dr. Zed {chr(ord('A') + n % 26)}{n:02d}", hospital=f"Zedclinic{n:02d}",
                            qualifications="MBBS") for n in range(doctors.WORDS_CAP + 6)]
    with db.transaction() as tx:
        plan = doctors.word_plan(tx, ["zedc"])
        assert plan.expansions is None and plan.way == "gather"
        monkeypatch.setattr(doctors, "FEW_ROWS", 5)
        assert doctors.word_plan(tx, ["zedc"]).way == "walk"
        marks = ", ".join("?" for _ in made)
        expected = [r["doctor_id"] for r in tx.query(
            f"SELECT doctor_id FROM doctor_info WHERE doctor_id IN ({marks}) ORDER BY name, doctor_id", made)]
        for terms in (["zedc"], ["zedc", "mbbs"], ["mbbs", "zed"], ["dr", "zedc", "z"]):
            query = dict(terms=terms, specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE)
            for way in ("gather", "walk"):
                pages = [r["doctor_id"] for offset in range(0, len(made), 7)
                         for r in doctors.search(tx, way=way, limit=7, offset=offset, **query)]
                assert pages == expected, (terms, way)
            assert doctors.search_count(tx, **query) == len(made), terms


def test_the_two_ways_to_a_doctors_patients_agree(db: Database, directory: dict[str, int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    doctor = directory["rao"]
    for n, name in enumerate(["Zara Khan", "asha Verma", "Asha Verma", "Bala", "Chitra", "Dev"]):
        patient = make_patient(db, name=name)
        for k in range(n % 3 + 1):
            make_appointment(db, patient_id=patient, doctor_id=doctor, date=dt.date(2030, 1, 7 + k),
                             time=dt.time(9 + n, 0), status="completed" if k else "booked")
    with db.transaction() as tx:
        small = appointments.patients_of_doctor(tx, doctor, limit=4, offset=1)
        monkeypatch.setattr(appointments, "LARGE_PRACTICE", 1)
        large = appointments.patients_of_doctor(tx, doctor, limit=4, offset=1)
    assert large == small and len(small) == 4


def test_words_of_any_script_with_their_marks(db: Database, directory: dict[str, int]) -> None:
    """Devanagari's vowel signs are part of their word (they are marks, not separators)."""
    with db.transaction() as tx:
        sharma = make_doctor(tx, name="डॉ. अनीता शर्मा", hospital="Ayushman Arogya", qualifications="BAMS")
    with db.transaction() as tx:
        def found(*terms: str) -> list[int]:
            return [r["doctor_id"] for r in doctors.search(
                tx, terms=list(terms), specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE)]

        assert found("शर्मा") == [sharma]
        assert found("अनी") == [sharma]  # the start of a word
        assert found("र्मा") == []  # not its middle
        assert found("शर्मा", "bams") == [sharma]
