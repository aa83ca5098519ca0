"""audit_log (append-only, hash-chained) and audit_head (the one row writers lock to extend it)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from medlink.db import Tx

GENESIS_HASH = "0" * 64
COLUMNS = ("audit_id", "occurred_at", "actor_role", "actor_id", "action", "subject_role", "subject_id",
           "object_type", "object_id", "outcome", "detail", "prev_hash", "row_hash")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_log"


def lock_head(tx: Tx) -> str:
    """Lock the chain's head for this transaction and return the last row's hash."""
    row = tx.query_one("SELECT last_hash FROM audit_head WHERE head_id = 1 FOR UPDATE")
    if row is None:
        tx.execute("INSERT INTO audit_head (head_id, last_id, last_hash) VALUES (1, 0, ?)", (GENESIS_HASH,))
        row = tx.query_one("SELECT last_hash FROM audit_head WHERE head_id = 1 FOR UPDATE")
    return str(row["last_hash"])


def append(tx: Tx, entry: dict[str, Any]) -> int:
    """Insert one row (every column but ``audit_id``) and move the head to it.
    Call ``lock_head`` first in the same transaction."""
    columns = COLUMNS[1:]
    audit_id = tx.insert(f"INSERT INTO audit_log ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                         tuple(entry[c] for c in columns))
    tx.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE head_id = 1", (audit_id, entry["row_hash"]))
    return audit_id


def iter_rows(tx: Tx, batch: int = 1000) -> Iterator[dict[str, Any]]:
    """Every row in chain order, fetched in batches."""
    last = 0
    while True:
        rows = tx.query(f"{_SELECT} WHERE audit_id > ? ORDER BY audit_id LIMIT ?", (last, batch))
        yield from rows
        if len(rows) < batch:
            return
        last = rows[-1]["audit_id"]


def for_subject(tx: Tx, subject_role: str, subject_id: int, limit: int = 200) -> list[dict[str, Any]]:
    return tx.query(f"{_SELECT} WHERE subject_role = ? AND subject_id = ? ORDER BY audit_id DESC LIMIT ?",
                    (subject_role, subject_id, limit))


def recent(tx: Tx, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
    return tx.query(f"{_SELECT} ORDER BY audit_id DESC LIMIT ? OFFSET ?", (limit, offset))


def head(tx: Tx) -> dict[str, Any] | None:
    return tx.query_one("SELECT last_id, last_hash FROM audit_head WHERE head_id = 1")
