"""schema_migrations: which numbered migrations have been applied."""

from __future__ import annotations

import datetime as dt

from medlink.db import Tx


def applied_versions(tx: Tx) -> set[int]:
    return {int(r["version"]) for r in tx.query("SELECT version FROM schema_migrations")}


def record(tx: Tx, version: int, name: str, applied_at: dt.datetime) -> None:
    tx.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
               (version, name, applied_at))
