"""dao.admins: insert, get, by_username, count."""

from __future__ import annotations

import pytest

from medlink.dao import admins
from medlink.db import Database, IntegrityViolation
from tests.factories import NOW


def test_insert_get_by_username_and_count(db: Database) -> None:
    with db.transaction() as tx:
        assert admins.count(tx) == 0
        first = admins.insert(tx, "clinic-admin", "$argon2id$h", NOW)
        second = admins.insert(tx, "night-admin", "$argon2id$h", NOW)
    with db.transaction() as tx:
        row = admins.get(tx, first)
        assert admins.by_username(tx, "night-admin")["admin_id"] == second
        assert admins.by_username(tx, "nobody") is None
        assert admins.get(tx, second + 100) is None
        assert admins.count(tx) == 2
    assert row["admin_id"] == first
    assert row["username"] == "clinic-admin"
    assert row["created_at"] == NOW
    assert int(row["is_active"]) == 1
    assert "password_hash" not in row


def test_username_is_unique(db: Database) -> None:
    with db.transaction() as tx:
        admins.insert(tx, "clinic-admin", "h", NOW)
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        admins.insert(tx, "clinic-admin", "h", NOW)
    assert (info.value.kind, info.value.constraint) == ("unique", "uq_admin_username")
    with db.transaction() as tx:
        assert admins.count(tx) == 1
