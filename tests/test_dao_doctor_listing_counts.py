"""dao.doctor_listing_counts: the fee range of the listed doctors, from the counts the triggers of
migration 003 keep, on SQLite and MariaDB. Every change goes through doctor_info (the DAO or plain
SQL); the counts follow by themselves."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from medlink.dao import doctor_listing_counts, doctors
from medlink.db import Database
from tests.factories import NOW, make_doctor

DEFAULT_FEE = Decimal("500.00")


def fee_range(db: Database, specialty: str | None = None, default_fee: Decimal = DEFAULT_FEE) -> tuple[Any, ...]:
    with db.transaction() as tx:
        row = doctor_listing_counts.fee_range(tx, specialty=specialty, default_fee=default_fee)
    return row["lowest"], row["highest"], row["doctors"]


def fee(amount: str) -> Decimal:
    return Decimal(amount)


@pytest.fixture
def directory(db: Database) -> dict[str, int]:
    """Three listed cardiologists (one with no fee set), one listed dermatologist, and three doctors
    patients cannot find: awaiting verification, rejected, disabled."""
    with db.transaction() as tx:
        ids = {
            "rao": make_doctor(tx, name="Dr. Anita Rao", specialty="Cardiology", city="Chennai"),
            "mehta": make_doctor(tx, name="Dr. Rohan Mehta", specialty="Cardiology", city="Pune"),
            "no_fee": make_doctor(tx, name="Dr. Kiran Shah", specialty="Cardiology", city="Pune"),
            "iyer": make_doctor(tx, name="Dr. Bala Iyer", specialty="Dermatology", city="Pune"),
            "pending": make_doctor(tx, name="Dr. Nikhil Joshi", specialty="Cardiology", verification_status="pending"),
            "rejected": make_doctor(tx, name="Dr. Zed Pinto", specialty="Dermatology", verification_status="rejected"),
            "disabled": make_doctor(tx, name="Dr. Off Duty", specialty="Cardiology"),
        }
        doctors.set_fees(tx, ids["rao"], fee("1200.00"), 0, 0, 0)
        doctors.set_fees(tx, ids["mehta"], fee("799.50"), 0, 0, 0)
        doctors.set_fees(tx, ids["iyer"], fee("400.00"), 0, 0, 0)
        for cheap in ("pending", "rejected", "disabled"):  # would be the lowest and highest if they counted
            doctors.set_fees(tx, ids[cheap], fee("50.00") if cheap != "rejected" else fee("9000.00"), 0, 0, 0)
        tx.execute("UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (ids["disabled"],))
    return ids


def test_nobody_listed_gives_no_fees_and_no_doctors(db: Database) -> None:
    assert fee_range(db) == (None, None, 0)
    make_doctor(db, specialty="Cardiology", verification_status="pending")
    assert fee_range(db) == (None, None, 0)
    assert fee_range(db, "Cardiology") == (None, None, 0)


def test_the_range_overall_and_per_specialty(db: Database, directory: dict[str, int]) -> None:
    # the doctor with no fee set is billed the default (500), within the cardiologists' range
    assert fee_range(db, "Cardiology") == (fee("500.00"), fee("1200.00"), 3)
    assert fee_range(db, "Dermatology") == (fee("400.00"), fee("400.00"), 1)
    assert fee_range(db) == (fee("400.00"), fee("1200.00"), 4)
    assert fee_range(db, "cardiology") == fee_range(db, "CARDIOLOGY") == fee_range(db, "Cardiology")
    assert fee_range(db, "Oncology") == (None, None, 0)
    assert fee_range(db, "") == fee_range(db)  # no specialty: all of them


def test_the_default_fee_is_the_one_configured_now(db: Database, directory: dict[str, int]) -> None:
    assert fee_range(db, "Cardiology", default_fee=fee("2000")) == (fee("799.50"), fee("2000.00"), 3)
    assert fee_range(db, default_fee=fee("99.99")) == (fee("99.99"), fee("1200.00"), 4)
    lowest, highest, _ = fee_range(db, default_fee=fee("99.99"))
    assert isinstance(lowest, Decimal) and isinstance(highest, Decimal)


def test_a_fee_change_moves_the_range(db: Database, directory: dict[str, int]) -> None:
    with db.transaction() as tx:  # the dearest cardiologist lowers the fee: no one is left at 1,200
        doctors.set_fees(tx, directory["rao"], fee("300.00"), 0, 0, 0)
    assert fee_range(db, "Cardiology") == (fee("300.00"), fee("799.50"), 3)
    assert fee_range(db) == (fee("300.00"), fee("799.50"), 4)
    with db.transaction() as tx:  # the doctor without a fee sets one; another removes theirs (back to the default)
        doctors.set_fees(tx, directory["no_fee"], fee("950.00"), 0, 0, 0)
        tx.execute("UPDATE doctor_info SET consultation_fee = NULL WHERE doctor_id = ?", (directory["mehta"],))
    assert fee_range(db, "Cardiology") == (fee("300.00"), fee("950.00"), 3)
    with db.transaction() as tx:  # a move to another specialty takes the fee along
        doctors.update(tx, directory["no_fee"], {"specialty": "Dermatology"})
    assert fee_range(db, "Cardiology") == (fee("300.00"), fee("500.00"), 2)
    assert fee_range(db, "Dermatology") == (fee("400.00"), fee("950.00"), 2)
    assert fee_range(db) == (fee("300.00"), fee("950.00"), 4)


def test_only_listed_doctors_count_as_their_state_changes(db: Database, directory: dict[str, int]) -> None:
    with db.transaction() as tx:  # verified by an administrator: now listed, and the cheapest
        doctors.set_verification(tx, directory["pending"], "verified", None, NOW, None)
    assert fee_range(db, "Cardiology") == (fee("50.00"), fee("1200.00"), 4)
    with db.transaction() as tx:  # disabled, and a listed one removed
        tx.execute("UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (directory["pending"],))
        tx.execute("DELETE FROM doctor_info WHERE doctor_id = ?", (directory["rao"],))
    assert fee_range(db, "Cardiology") == (fee("500.00"), fee("799.50"), 2)
    with db.transaction() as tx:  # the disabled doctor back: listed again
        tx.execute("UPDATE doctor_info SET is_active = 1 WHERE doctor_id = ?", (directory["disabled"],))
    assert fee_range(db, "Cardiology") == (fee("50.00"), fee("799.50"), 3)
    assert fee_range(db) == (fee("50.00"), fee("799.50"), 4)


def test_the_specialties_with_listed_doctors(db: Database, directory: dict[str, int]) -> None:
    def specialties() -> list[str]:
        with db.transaction() as tx:
            return doctor_listing_counts.specialties(tx)

    assert specialties() == ["Cardiology", "Dermatology"]  # not the rejected doctor's nor the pending one's
    make_doctor(db, specialty="ENT", verification_status="pending")
    with db.transaction() as tx:  # the same specialty in another case (either spelling may be the one shown)
        doctors.set_fees(tx, make_doctor(tx, specialty="cardiology"), fee("650.00"), 0, 0, 0)
    assert [s.lower() for s in specialties()] == ["cardiology", "dermatology"]
    with db.transaction() as tx:  # the last dermatologist moves on: the specialty is no longer listed
        doctors.update(tx, directory["iyer"], {"specialty": "General Physician"})
    assert [s.lower() for s in specialties()] == ["cardiology", "general physician"]
