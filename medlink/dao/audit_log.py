"""audit_log (append-only, hash-chained) and audit_head (the one row writers lock to extend it)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from medlink.db import Tx

GENESIS_HASH = "0" * 64
COLUMNS = ("audit_id", "occurred_at", "actor_role", "actor_id", "action", "subject_role", "subject_id",
           "object_type", "object_id", "outcome", "detail", "prev_hash", "row_hash")
_SELECT = f"SELECT {', '.join(COLUMNS)} FROM audit_log"
_CONTENT = COLUMNS[1:-2]  # what a writer gives; the chain adds prev_hash and row_hash


def seal(prev_hash: str, canonical: str) -> str:
    """The hash that seals a row, given as its ``canonical`` text, onto the chain after ``prev_hash``:
    SHA-256 of "prev_hash|canonical" in UTF-8, hex. ``_EXTEND_MYSQL`` computes the same in SQL."""
    return hashlib.sha256(f"{prev_hash}|{canonical}".encode()).hexdigest()


# seal() in SQL: SHA2 of the CONCAT of utf8mb4 strings hashes their UTF-8 bytes, as seal() does.
_SEAL_SQL = "SHA2(CONCAT({prev}, '|', ?), 256)"
_EXTEND_MYSQL = (
    f"INSERT INTO audit_log ({', '.join(_CONTENT)}, prev_hash, row_hash) "
    f"SELECT {', '.join('?' for _ in _CONTENT)}, h.last_hash, {_SEAL_SQL.format(prev='h.last_hash')} "
    "FROM audit_head h WHERE h.head_id = 1 FOR UPDATE")
_MOVE_HEAD_MYSQL = (f"UPDATE audit_head SET last_id = ?, last_hash = {_SEAL_SQL.format(prev='last_hash')} "
                    "WHERE head_id = 1")


def extend(tx: Tx, entry: dict[str, Any], canonical: str) -> int:
    """Append ``entry`` (every column but ``audit_id``, ``prev_hash`` and ``row_hash``) to the chain,
    sealed with ``seal(head's hash, canonical)``, and move the head to it; returns the new ``audit_id``.
    The head stays locked until the transaction ends, so make this the unit's last statement.

    MySQL: the locking read of the head, the hash and the insert are one statement, then the head is
    moved: two round trips with the head locked from the first to the commit (``lock_head`` then
    ``append`` took three). SQLite locks the whole file for the transaction anyway: there the hash is
    computed in Python between ``lock_head`` and ``append``."""
    return tx.per_dialect(sqlite=_extend_in_python, mysql=_extend_in_sql)(tx, entry, canonical)


def _extend_in_python(tx: Tx, entry: dict[str, Any], canonical: str) -> int:
    prev = lock_head(tx)
    return append(tx, {**{c: entry[c] for c in _CONTENT}, "prev_hash": prev, "row_hash": seal(prev, canonical)})


def _extend_in_sql(tx: Tx, entry: dict[str, Any], canonical: str) -> int:
    params = (*(entry[c] for c in _CONTENT), canonical)
    audit_id = tx.insert(_EXTEND_MYSQL, params)
    if not audit_id:  # no head yet (nothing was inserted): start the chain, then append after it
        lock_head(tx)
        audit_id = tx.insert(_EXTEND_MYSQL, params)
    tx.execute(_MOVE_HEAD_MYSQL, (audit_id, canonical))
    return audit_id


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
