"""dao.schema_migrations: applied_versions and record."""

from __future__ import annotations

import datetime as dt

import pytest

from medlink.dao import schema_migrations
from medlink.db import Database, IntegrityViolation
from medlink.db.migrations import migrations


def every_version(db: Database) -> set[int]:
    return {m.version for m in migrations(db.backend) if m.version}


def test_applied_versions_after_init_db(db: Database) -> None:
    with db.transaction() as tx:
        assert schema_migrations.applied_versions(tx) == every_version(db) >= {1, 2}


def test_record_adds_a_version(db: Database) -> None:
    at = dt.datetime(2030, 2, 1, 12, 0, 0)
    with db.transaction() as tx:
        schema_migrations.record(tx, 7, "add_something", at)
    with db.transaction() as tx:
        assert schema_migrations.applied_versions(tx) == every_version(db) | {7}
        row = tx.query_one("SELECT name, applied_at FROM schema_migrations WHERE version = 7")
    assert row == {"name": "add_something", "applied_at": at}


def test_a_version_is_recorded_once(db: Database) -> None:
    with pytest.raises(IntegrityViolation) as info, db.transaction() as tx:
        schema_migrations.record(tx, 1, "initial", dt.datetime(2030, 1, 1))
    assert info.value.kind == "unique"
