"""dao.accounts: login rows, failure counting and lockout, password hashes, for every role."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.dao import accounts
from medlink.db import Database
from tests.factories import PASSWORD_HASH, make_admin, make_doctor, make_patient

UNTIL = dt.datetime(2030, 1, 7, 9, 15, 0)


def _accounts(db: Database) -> dict[str, tuple[int, str]]:
    """One account per role: role -> (id, login)."""
    with db.transaction() as tx:
        return {
            "patient": (make_patient(tx, email="pat@example.org"), "pat@example.org"),
            "doctor": (make_doctor(tx, email="doc@example.org"), "doc@example.org"),
            "admin": (make_admin(tx, "clinic-admin"), "clinic-admin"),
        }


@pytest.mark.parametrize("role", ["patient", "doctor", "admin"])
def test_for_login_finds_the_account_by_its_login(db: Database, role: str) -> None:
    ids = _accounts(db)
    account_id, login = ids[role]
    with db.transaction() as tx:
        row = accounts.for_login(tx, role, login)
        assert accounts.for_login(tx, role, "nobody@example.org") is None
    assert row["id"] == account_id
    assert row["password_hash"] == PASSWORD_HASH
    assert row["failed_logins"] == 0
    assert row["locked_until"] is None
    assert int(row["is_active"]) == 1


def test_for_login_looks_only_in_the_roles_table(db: Database) -> None:
    _accounts(db)
    with db.transaction() as tx:
        assert accounts.for_login(tx, "doctor", "pat@example.org") is None
        assert accounts.for_login(tx, "patient", "doc@example.org") is None
        assert accounts.for_login(tx, "admin", "pat@example.org") is None


@pytest.mark.parametrize("role", ["patient", "doctor", "admin"])
def test_record_failure_counts_and_locks_and_clear_failures_resets(db: Database, role: str) -> None:
    account_id, login = _accounts(db)[role]
    with db.transaction() as tx:
        accounts.record_failure(tx, role, account_id, None)
    with db.transaction() as tx:
        row = accounts.for_login(tx, role, login)
        assert (row["failed_logins"], row["locked_until"]) == (1, None)
        accounts.record_failure(tx, role, account_id, UNTIL)
    with db.transaction() as tx:
        row = accounts.for_login(tx, role, login)
        assert (row["failed_logins"], row["locked_until"]) == (2, UNTIL)
        accounts.clear_failures(tx, role, account_id)
    with db.transaction() as tx:
        row = accounts.for_login(tx, role, login)
    assert (row["failed_logins"], row["locked_until"]) == (0, None)


def test_failures_touch_only_the_one_account(db: Database) -> None:
    ids = _accounts(db)
    with db.transaction() as tx:
        other = make_patient(tx, email="other@example.org")
        accounts.record_failure(tx, "doctor", ids["doctor"][0], UNTIL)
    with db.transaction() as tx:
        assert accounts.for_login(tx, "patient", "pat@example.org")["failed_logins"] == 0
        assert accounts.for_login(tx, "patient", "other@example.org")["failed_logins"] == 0
        assert accounts.for_login(tx, "admin", "clinic-admin")["failed_logins"] == 0
        assert accounts.for_login(tx, "doctor", "doc@example.org")["failed_logins"] == 1
    assert other != ids["patient"][0]


@pytest.mark.parametrize("role", ["patient", "doctor", "admin"])
def test_set_password_hash(db: Database, role: str) -> None:
    ids = _accounts(db)
    account_id, login = ids[role]
    with db.transaction() as tx:
        accounts.set_password_hash(tx, role, account_id, "$argon2id$new")
    with db.transaction() as tx:
        assert accounts.for_login(tx, role, login)["password_hash"] == "$argon2id$new"
        others = [accounts.for_login(tx, r, lg)["password_hash"] for r, (_, lg) in ids.items() if r != role]
    assert others == [PASSWORD_HASH, PASSWORD_HASH]


def test_unknown_role_is_refused(db: Database) -> None:
    with db.transaction() as tx:
        for call in (lambda: accounts.for_login(tx, "nurse", "x"),
                     lambda: accounts.record_failure(tx, "nurse", 1, None),
                     lambda: accounts.clear_failures(tx, "nurse", 1),
                     lambda: accounts.set_password_hash(tx, "patient_info; --", 1, "h")):
            with pytest.raises(ValueError, match="unknown role"):
                call()


@pytest.mark.parametrize("role", ["patient", "doctor", "admin"])
def test_for_id_is_for_login_by_the_accounts_id(db: Database, role: str) -> None:
    ids = _accounts(db)
    account_id, login = ids[role]
    with db.transaction() as tx:
        accounts.record_failure(tx, role, account_id, UNTIL)
    with db.transaction() as tx:
        by_id = accounts.for_id(tx, role, account_id)
        by_login = accounts.for_login(tx, role, login)
        assert accounts.for_id(tx, role, 987654) is None
        with pytest.raises(ValueError, match="unknown role"):
            accounts.for_id(tx, "nurse", account_id)
    assert by_id == by_login
    assert (by_id["id"], by_id["failed_logins"], by_id["locked_until"]) == (account_id, 1, UNTIL)


def test_for_login_and_for_id_give_the_display_name(db: Database) -> None:
    ids = _accounts(db)
    with db.transaction() as tx:
        names = {role: accounts.for_id(tx, role, account_id)["name"] for role, (account_id, _) in ids.items()}
    assert names == {"patient": "Asha Rao", "doctor": "Dr. Vikram Iyer", "admin": "clinic-admin"}
