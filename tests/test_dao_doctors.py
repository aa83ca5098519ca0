"""dao.doctors: insert, get, by_email, by_status, update, set_fees, set_verification, count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from medlink.dao import doctors
from medlink.db import Database, IntegrityViolation
from tests.factories import NOW, make_admin, make_doctor


def test_insert_and_get_the_profile(db: Database) -> None:
    with db.transaction() as tx:
        doctor_id = doctors.insert(
            tx, email="vikram@example.org", name="Dr. Vikram Iyer", phone="+91 80 1234", password_hash="$a$h",
            qualifications="MBBS, MD", specialty="Cardiology", hospital="City Care", city="Bengaluru",
            experience_years=12, registration_number="KMC-1001", bio="Heart specialist", created_at=NOW,
            hospital_address="1 Residency Road")
    with db.transaction() as tx:
        row = doctors.get(tx, doctor_id)
        assert doctors.get(tx, doctor_id + 1) is None
    assert row["doctor_id"] == doctor_id
    assert (row["email"], row["name"], row["specialty"], row["city"]) == (
        "vikram@example.org", "Dr. Vikram Iyer", "Cardiology", "Bengaluru")
    assert (row["hospital"], row["hospital_address"], row["experience_years"]) == ("City Care", "1 Residency Road", 12)
    assert (row["registration_number"], row["bio"], row["qualifications"]) == ("KMC-1001", "Heart specialist",
                                                                              "MBBS, MD")
    assert row["verification_status"] == "pending"  # the default: an admin must verify
    assert (row["verified_by"], row["verified_at"], row["rejection_reason"]) == (None, None, None)
    assert [row[c] for c in doctors.FEE_COLUMNS] == [None, None, None, None]  # NULL = configured defaults
    assert row["slot_minutes"] == 15
    assert int(row["contact_public"]) == 0
    assert row["created_at"] == NOW
    assert "password_hash" not in row and "failed_logins" not in row


def test_by_email_ignores_case(db: Database) -> None:
    doctor_id = make_doctor(db, email="Dr.Iyer@Example.org")
    with db.transaction() as tx:
        assert doctors.by_email(tx, "dr.iyer@example.org")["doctor_id"] == doctor_id
        assert doctors.by_email(tx, "someone@example.org") is None


def test_by_status_filters_orders_and_pages(db: Database) -> None:
    with db.transaction() as tx:
        late = make_doctor(tx, verification_status="pending", created_at=NOW + dt.timedelta(hours=2))
        early = make_doctor(tx, verification_status="pending", created_at=NOW)
        middle = make_doctor(tx, verification_status="pending", created_at=NOW + dt.timedelta(hours=1))
        verified = make_doctor(tx, verification_status="verified")
        rejected = make_doctor(tx, verification_status="rejected")
    with db.transaction() as tx:
        assert [r["doctor_id"] for r in doctors.by_status(tx, "pending")] == [early, middle, late]
        assert [r["doctor_id"] for r in doctors.by_status(tx, "pending", limit=1, offset=1)] == [middle]
        assert [r["doctor_id"] for r in doctors.by_status(tx, "verified")] == [verified]
        assert [r["doctor_id"] for r in doctors.by_status(tx, "rejected")] == [rejected]


def test_update_changes_editable_fields(db: Database) -> None:
    doctor_id = make_doctor(db, city="Bengaluru", bio="")
    other_id = make_doctor(db, city="Chennai")
    with db.transaction() as tx:
        changed = doctors.update(tx, doctor_id, {"city": "Mysuru", "bio": "Now in Mysuru", "slot_minutes": 30,
                                                 "contact_public": 1, "experience_years": 13})
    assert changed == 1
    with db.transaction() as tx:
        row = doctors.get(tx, doctor_id)
        assert doctors.get(tx, other_id)["city"] == "Chennai"
        assert doctors.update(tx, doctor_id, {}) == 0
    assert (row["city"], row["bio"], row["slot_minutes"], int(row["contact_public"]), row["experience_years"]) == (
        "Mysuru", "Now in Mysuru", 30, 1, 13)


@pytest.mark.parametrize("field", ["verification_status", "verified_by", "registration_number", "consultation_fee",
                                   "password_hash", "failed_logins", "doctor_id"])
def test_update_of_a_non_editable_field_raises_value_error(db: Database, field: str) -> None:
    doctor_id = make_doctor(db, city="Bengaluru")
    with pytest.raises(ValueError, match="not editable"), db.transaction() as tx:
        doctors.update(tx, doctor_id, {"city": "Elsewhere", field: "x"})
    with db.transaction() as tx:
        row = doctors.get(tx, doctor_id)
    assert row["city"] == "Bengaluru"
    assert row["verification_status"] == "verified"


def test_update_slot_minutes_out_of_range_is_a_check_violation(db: Database) -> None:
    doctor_id = make_doctor(db)
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        doctors.update(tx, doctor_id, {"slot_minutes": 1})
    assert info.value.kind == "check"


def test_set_fees_stores_decimals_and_null_means_default(db: Database) -> None:
    doctor_id = make_doctor(db)
    with db.transaction() as tx:
        assert doctors.set_fees(tx, doctor_id, Decimal("650.00"), Decimal("120.5"), Decimal("0"), None) == 1
    with db.transaction() as tx:
        row = doctors.get(tx, doctor_id)
    assert [row[c] for c in doctors.FEE_COLUMNS] == [Decimal("650.00"), Decimal("120.50"), Decimal("0.00"), None]
    assert all(isinstance(row[c], Decimal) for c in doctors.FEE_COLUMNS[:3])


def test_negative_fee_is_refused(db: Database) -> None:
    doctor_id = make_doctor(db)
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        doctors.set_fees(tx, doctor_id, Decimal("500"), Decimal("-0.01"), Decimal("0"), Decimal("0"))
    assert info.value.kind == "check"
    with db.transaction() as tx:
        assert doctors.get(tx, doctor_id)["consultation_fee"] is None


def test_set_verification_records_who_when_and_why(db: Database) -> None:
    with db.transaction() as tx:
        admin_id = make_admin(tx)
        verified = make_doctor(tx, verification_status="pending")
        rejected = make_doctor(tx, verification_status="pending")
    at = NOW + dt.timedelta(days=1)
    with db.transaction() as tx:
        assert doctors.set_verification(tx, verified, "verified", admin_id, at, None) == 1
        assert doctors.set_verification(tx, rejected, "rejected", admin_id, at, "Registration not found") == 1
    with db.transaction() as tx:
        v = doctors.get(tx, verified)
        r = doctors.get(tx, rejected)
        assert doctors.count(tx, "pending") == 0
    assert (v["verification_status"], v["verified_by"], v["verified_at"], v["rejection_reason"]) == (
        "verified", admin_id, at, None)
    assert (r["verification_status"], r["rejection_reason"]) == ("rejected", "Registration not found")


def test_set_verification_to_an_unknown_status_is_refused(db: Database) -> None:
    doctor_id = make_doctor(db, verification_status="pending")
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        doctors.set_verification(tx, doctor_id, "approved", None, NOW, None)
    assert info.value.kind == "check"


def test_registration_number_is_unique(db: Database) -> None:
    make_doctor(db, registration_number="KMC-7")
    with pytest.raises(IntegrityViolation) as info:
        make_doctor(db, registration_number="KMC-7")
    assert (info.value.kind, info.value.constraint) == ("unique", "uq_doctor_registration")


def test_count_all_and_by_status(db: Database) -> None:
    with db.transaction() as tx:
        for status in ("pending", "pending", "verified", "rejected"):
            make_doctor(tx, verification_status=status)
        assert doctors.count(tx) == 4
        assert doctors.count(tx, "pending") == 2
        assert doctors.count(tx, "verified") == 1
        assert doctors.count(tx, "rejected") == 1


# --- search --------------------------------------------------------------------------------------

DEFAULT_FEE = Decimal("500.00")

def _query(**kw: object) -> dict[str, object]:
    query: dict[str, object] = dict(terms=[], specialty=None, city=None, max_fee=None, default_fee=DEFAULT_FEE)
    query.update(kw)
    return query


def _doctors_to_search(db: Database) -> dict[str, int]:
    with db.transaction() as tx:
        ids = {
            "anita": make_doctor(tx, name="Dr. Anita Rao", specialty="Cardiology", hospital="City Care",
                                 city="Bengaluru", experience_years=5, qualifications="MBBS, DM Cardiology"),
            "bala": make_doctor(tx, name="Dr. Bala Iyer", specialty="Dermatology", hospital="Lotus Clinic",
                                city="Chennai", experience_years=20, qualifications="MBBS, MD"),
            "chitra": make_doctor(tx, name="Dr. Chitra Nair", specialty="Cardiology", hospital="Apollo",
                                  city="Chennai", experience_years=12, qualifications="MBBS, MD"),
            "dev": make_doctor(tx, name="Dr. Dev_Kumar", specialty="General Physician", hospital="50% Care",
                               city="Mysuru", experience_years=8, qualifications="MBBS"),
            "pending": make_doctor(tx, name="Dr. Pending Cardio", specialty="Neurology", city="Pune",
                                   verification_status="pending"),
            "rejected": make_doctor(tx, name="Dr. Rejected", specialty="Neurology", city="Pune",
                                    verification_status="rejected"),
            "inactive": make_doctor(tx, name="Dr. Inactive Cardio", specialty="Oncology", city="Delhi"),
        }
        doctors.set_fees(tx, ids["anita"], Decimal("300.00"), 0, 0, 0)
        doctors.set_fees(tx, ids["bala"], Decimal("900.00"), 0, 0, 0)
        doctors.set_fees(tx, ids["dev"], Decimal("650.50"), 0, 0, 0)  # chitra keeps NULL: the default fee
        tx.execute("UPDATE doctor_info SET is_active = 0 WHERE doctor_id = ?", (ids["inactive"],))
    return ids


def _names(db: Database, **kw: object) -> list[str]:
    with db.transaction() as tx:
        return [r["name"] for r in doctors.search(tx, **_query(**kw))]


def test_search_lists_only_verified_active_doctors_by_name(db: Database) -> None:
    _doctors_to_search(db)
    assert _names(db) == ["Dr. Anita Rao", "Dr. Bala Iyer", "Dr. Chitra Nair", "Dr. Dev_Kumar"]
    assert _names(db, limit=2, offset=1) == ["Dr. Bala Iyer", "Dr. Chitra Nair"]


@pytest.mark.parametrize(("terms", "expected"), [
    (["cardio"], ["Dr. Anita Rao", "Dr. Chitra Nair"]),        # specialty, any case, anywhere
    (["CARDIOLOGY"], ["Dr. Anita Rao", "Dr. Chitra Nair"]),
    (["rao"], ["Dr. Anita Rao"]),                              # name
    (["lotus"], ["Dr. Bala Iyer"]),                            # hospital
    (["DM"], ["Dr. Anita Rao"]),                               # qualifications
    (["cardio", "apollo"], ["Dr. Chitra Nair"]),               # every term must match
    (["cardio", "lotus"], []),
    (["chennai"], []),                                         # the city is a filter, not a search field
    (["_"], ["Dr. Dev_Kumar"]),                                # LIKE wildcards are literal
    (["%"], ["Dr. Dev_Kumar"]),
    (["50%"], ["Dr. Dev_Kumar"]),
    (["!"], []),
])
def test_search_terms(db: Database, terms: list[str], expected: list[str]) -> None:
    _doctors_to_search(db)
    assert _names(db, terms=terms) == expected
    with db.transaction() as tx:
        assert doctors.search_count(tx, **_query(terms=terms)) == len(expected)


def test_search_filters_by_specialty_and_city_ignoring_case(db: Database) -> None:
    _doctors_to_search(db)
    assert _names(db, specialty="cardiology") == ["Dr. Anita Rao", "Dr. Chitra Nair"]
    assert _names(db, city="CHENNAI") == ["Dr. Bala Iyer", "Dr. Chitra Nair"]
    assert _names(db, specialty="Cardiology", city="Chennai") == ["Dr. Chitra Nair"]
    assert _names(db, specialty="Neurology") == []  # only unverified doctors have it
    assert _names(db, specialty="Cardio") == []  # a filter is an exact value


def test_search_orders_by_experience(db: Database) -> None:
    _doctors_to_search(db)
    assert _names(db, order="experience") == ["Dr. Bala Iyer", "Dr. Chitra Nair", "Dr. Dev_Kumar", "Dr. Anita Rao"]


def test_search_order_comes_only_from_the_allow_list(db: Database) -> None:
    with db.transaction() as tx, pytest.raises(KeyError):
        doctors.search(tx, **_query(order="name; DROP TABLE doctor_info"))


def test_search_fee_cap_counts_the_default_fee(db: Database) -> None:
    _doctors_to_search(db)
    assert _names(db, max_fee=Decimal("600.00")) == ["Dr. Anita Rao", "Dr. Chitra Nair"]
    assert _names(db, max_fee=Decimal("500.00")) == ["Dr. Anita Rao", "Dr. Chitra Nair"]  # the cap is included
    assert _names(db, max_fee=Decimal("499.99")) == ["Dr. Anita Rao"]
    assert _names(db, max_fee=Decimal("1000")) == ["Dr. Anita Rao", "Dr. Bala Iyer", "Dr. Chitra Nair",
                                                   "Dr. Dev_Kumar"]
    assert _names(db, max_fee=Decimal("650.50"), default_fee=Decimal("700")) == ["Dr. Anita Rao", "Dr. Dev_Kumar"]
    with db.transaction() as tx:
        assert doctors.search_count(tx, **_query(max_fee=Decimal("600.00"))) == 2
        assert len(doctors.search_ids(tx, cap=100, **_query(max_fee=Decimal("600.00")))) == 2


def test_search_orders_by_the_fee_in_force(db: Database) -> None:
    _doctors_to_search(db)
    with db.transaction() as tx:
        rows = doctors.search(tx, **_query(order="fee"))
    assert [(r["name"], Decimal(str(r["fee_in_force"]))) for r in rows] == [
        ("Dr. Anita Rao", Decimal("300.00")), ("Dr. Chitra Nair", Decimal("500.00")),
        ("Dr. Dev_Kumar", Decimal("650.50")), ("Dr. Bala Iyer", Decimal("900.00"))]


def test_fee_in_force_is_a_decimal_like_every_money_value(db: Database) -> None:
    ids = _doctors_to_search(db)
    with db.transaction() as tx:
        rows = doctors.search(tx, **_query()) + doctors.summaries(tx, [ids["chitra"], ids["dev"]], DEFAULT_FEE)
    assert all(isinstance(r["fee_in_force"], Decimal) for r in rows), [r["fee_in_force"] for r in rows]


def test_search_rows_hold_the_summary_columns(db: Database) -> None:
    ids = _doctors_to_search(db)
    with db.transaction() as tx:
        rows = {r["doctor_id"]: r for r in doctors.search(tx, **_query())}
    chitra = rows[ids["chitra"]]
    assert (chitra["specialty"], chitra["hospital"], chitra["city"], chitra["experience_years"]) == (
        "Cardiology", "Apollo", "Chennai", 12)
    assert chitra["consultation_fee"] is None
    assert Decimal(str(chitra["fee_in_force"])) == DEFAULT_FEE  # the default for a doctor who set none
    assert Decimal(str(rows[ids["dev"]]["fee_in_force"])) == Decimal("650.50")
    assert "password_hash" not in chitra and "email" not in chitra and "phone" not in chitra


def test_search_count_and_search_ids(db: Database) -> None:
    ids = _doctors_to_search(db)
    visible = sorted(ids[k] for k in ("anita", "bala", "chitra", "dev"))
    with db.transaction() as tx:
        assert doctors.search_count(tx, **_query()) == 4
        assert doctors.search_count(tx, **_query(city="Chennai")) == 2
        assert doctors.search_ids(tx, cap=100, **_query()) == visible
        assert doctors.search_ids(tx, cap=2, **_query()) == visible[:2]
        assert doctors.search_ids(tx, cap=100, **_query(terms=["cardio"])) == sorted([ids["anita"], ids["chitra"]])


def test_summaries_of_given_doctors(db: Database) -> None:
    ids = _doctors_to_search(db)
    with db.transaction() as tx:
        rows = doctors.summaries(tx, [ids["chitra"], ids["anita"]], DEFAULT_FEE)
        assert doctors.summaries(tx, [], DEFAULT_FEE) == []
    by_id = {r["doctor_id"]: r for r in rows}
    assert set(by_id) == {ids["chitra"], ids["anita"]}
    assert by_id[ids["anita"]]["name"] == "Dr. Anita Rao"
    assert Decimal(str(by_id[ids["anita"]]["fee_in_force"])) == Decimal("300.00")
    assert Decimal(str(by_id[ids["chitra"]]["fee_in_force"])) == DEFAULT_FEE


def test_facet_values_of_verified_active_doctors(db: Database) -> None:
    _doctors_to_search(db)
    with db.transaction() as tx:
        assert doctors.facet_values(tx, "specialty") == ["Cardiology", "Dermatology", "General Physician"]
        assert doctors.facet_values(tx, "city") == ["Bengaluru", "Chennai", "Mysuru"]
        with pytest.raises(KeyError):
            doctors.facet_values(tx, "hospital")
