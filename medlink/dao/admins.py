"""admins: the clinic administrators who verify doctors."""

from __future__ import annotations

import datetime as dt
from typing import Any

from medlink.db import Tx


def insert(tx: Tx, username: str, password_hash: str, created_at: dt.datetime) -> int:
    return tx.insert("INSERT INTO admins (username, password_hash, created_at) VALUES (?, ?, ?)",
                     (username, password_hash, created_at))


def get(tx: Tx, admin_id: int) -> dict[str, Any] | None:
    return tx.query_one("SELECT admin_id, username, created_at, is_active FROM admins WHERE admin_id = ?",
                        (admin_id,))


def by_username(tx: Tx, username: str) -> dict[str, Any] | None:
    return tx.query_one("SELECT admin_id, username, created_at, is_active FROM admins WHERE username = ?",
                        (username,))


def count(tx: Tx) -> int:
    return int(tx.scalar("SELECT COUNT(*) AS n FROM admins"))
