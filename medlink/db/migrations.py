"""Numbered schema migrations from ``sql/<dialect>/NNN_name.sql``.

``000_schema_migrations.sql`` is applied on every run (it only creates the record table); every
other file is applied once, in number order, and recorded in ``schema_migrations``. Statements in
a file end with ``;`` at the end of a line; lines starting with ``--`` are comments.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from medlink.config import PROJECT_ROOT
from medlink.dao import schema_migrations
from medlink.db import Database
from medlink.errors import ServiceUnavailable

log = logging.getLogger("medlink.db")
SQL_DIR = PROJECT_ROOT / "sql"
_FILE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    def statements(self) -> list[str]:
        return split_statements(self.path.read_text(encoding="utf-8"))


def split_statements(script: str) -> list[str]:
    """Split a migration file into statements."""
    lines = [ln for ln in script.splitlines() if not ln.lstrip().startswith("--")]
    statements, current = [], []
    for line in lines:
        current.append(line)
        if line.rstrip().endswith(";"):
            statements.append("\n".join(current).strip().rstrip(";").strip())
            current = []
    if "\n".join(current).strip():
        raise ValueError("a migration statement does not end with ';'")
    return [s for s in statements if s]


def migrations(backend: str) -> list[Migration]:
    """Every migration file for ``backend`` ("sqlite" or "mysql"), in order."""
    found = []
    for path in sorted((SQL_DIR / backend).glob("*.sql")):
        match = _FILE.match(path.name)
        if match:
            found.append(Migration(int(match.group(1)), match.group(2), path))
    return found


def _applied_versions(db: Database) -> set[int] | None:
    """The versions recorded, or None if the record table does not exist yet. Reading first means
    an account without DDL rights can run this on an up-to-date database."""
    try:
        with db.transaction() as tx:
            return schema_migrations.applied_versions(tx)
    except ServiceUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001 - the drivers differ; only "no such table" is expected
        if "schema_migrations" in str(exc) or "no such table" in str(exc).lower():
            return None
        raise


def apply_migrations(db: Database) -> list[int]:
    """Apply what is missing; returns the versions applied now (empty the second time)."""
    db.dialect.ensure_database()
    every = migrations(db.backend)
    done = _applied_versions(db)
    if done is None:  # a new database: create the record table first
        with db.transaction() as tx:
            for migration in (m for m in every if m.version == 0):
                for statement in migration.statements():
                    tx.execute(statement)
        done = set()
    applied = []
    for migration in every:
        if migration.version == 0 or migration.version in done:
            continue
        log.info("applying migration %03d_%s", migration.version, migration.name)
        with db.transaction() as tx:
            for statement in migration.statements():
                tx.execute(statement)
            schema_migrations.record(tx, migration.version, migration.name,
                                     dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))
        applied.append(migration.version)
    return applied
