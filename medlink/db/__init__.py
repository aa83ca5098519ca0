"""Database access for both backends: SQLite (embedded, the default) and MySQL/MariaDB.

``Database(url)`` hands each thread its own connection. DAO code writes portable SQL with ``?``
placeholders and receives rows as dicts whose values are Python types (``date``, ``time``,
``datetime``, ``Decimal``, ``bytes``) on both backends. Every dialect difference lives in this
package: placeholder style, ``FOR UPDATE`` (SQLite locks the whole file with ``BEGIN IMMEDIATE``
instead), error numbers, and the value conversions.

An aggregate loses its column's type in SQLite; name the type in the alias, ``MAX(d) AS 'd [DATE]'``,
and both backends hand back a ``date`` under the key ``d``.

Two ways to run a unit of work:
- ``with db.transaction() as tx:`` commits, or rolls back and re-raises.
- ``db.run(unit)`` does the same and retries the whole unit after a deadlock or a lost connection.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time as _time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from medlink.db.dialects import Dialect, make_dialect
from medlink.db.errors import ConnectionLost, DatabaseBusy, IntegrityViolation
from medlink.db.url import DatabaseURL, parse_url

__all__ = [
    "ConnectionLost",
    "Database",
    "DatabaseBusy",
    "DatabaseURL",
    "IntegrityViolation",
    "Tx",
    "parse_url",
]

log = logging.getLogger("medlink.db")
T = TypeVar("T")


class Tx:
    """One open transaction on one connection. Rows come back as dicts."""

    def __init__(self, dialect: Dialect, connection: Any) -> None:
        self._dialect = dialect
        self._connection = connection
        self._cursor = dialect.cursor(connection)

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"mysql"``: for tests and diagnostics, never for SQL text."""
        return self._dialect.name

    def per_dialect(self, **choices: T) -> T:
        """What was written for this connection's dialect: ``tx.per_dialect(sqlite=..., mysql=...)``.
        Only for the few statements that cannot be written once for both (the search's word ranges,
        loose scans and index hints); the DAO keeps the texts side by side."""
        return choices[self._dialect.name]

    def execute(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> int:
        """Run a statement; returns the number of rows it changed."""
        self._dialect.execute(self._cursor, sql, params)
        return self._cursor.rowcount

    def insert(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> int:
        """Run an INSERT; returns the new row's auto-increment id."""
        self._dialect.execute(self._cursor, sql, params)
        return int(self._cursor.lastrowid)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> int:
        self._dialect.executemany(self._cursor, sql, rows)
        return self._cursor.rowcount

    def query(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> list[dict[str, Any]]:
        self._dialect.execute(self._cursor, sql, params)
        return self._dialect.rows(self._cursor, self._cursor.fetchall())

    def query_one(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> dict[str, Any] | None:
        self._dialect.execute(self._cursor, sql, params)
        row = self._cursor.fetchone()
        if row is None:
            return None
        self._drain()
        return self._dialect.row(self._cursor, row)

    def scalar(self, sql: str, params: tuple[Any, ...] | list[Any] = ()) -> Any:
        row = self.query_one(sql, params)
        return None if row is None else next(iter(row.values()))

    def _drain(self) -> None:
        # mysql-connector refuses a new statement while rows of the last one are unread.
        self._cursor.fetchall()

    def close(self) -> None:
        with contextlib.suppress(Exception):  # a dead connection's cursor cannot be closed cleanly
            self._cursor.close()


class Database:
    """Per-thread connections to one database, with transactions and retry."""

    def __init__(self, url: str, ssl_ca: str | None = None, connect_timeout: int = 10) -> None:
        self.url = parse_url(url)
        self.dialect: Dialect = make_dialect(self.url, ssl_ca=ssl_ca, connect_timeout=connect_timeout)
        self._local = threading.local()
        self._all: list[Any] = []
        self._lock = threading.Lock()

    @property
    def backend(self) -> str:
        return self.dialect.name

    # -- connections -------------------------------------------------------------------------
    def _connection(self) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self.dialect.connect()
            self._local.conn = conn
            with self._lock:
                self._all.append(conn)
        return conn

    def _discard_connection(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            with self._lock:
                if conn in self._all:
                    self._all.remove(conn)
            self.dialect.close_quietly(conn)

    def close(self) -> None:
        """Close every connection this object opened, in every thread."""
        with self._lock:
            conns, self._all = self._all, []
        for conn in conns:
            self.dialect.close_quietly(conn)
        self._local = threading.local()

    def connection_id(self) -> int | None:
        """The server's id of this thread's connection (MySQL), for diagnostics and fault tests."""
        return self.dialect.connection_id(self._connection())

    # -- transactions ------------------------------------------------------------------------
    @contextmanager
    def transaction(self, readonly: bool = False) -> Iterator[Tx]:
        """Open a transaction: commit if the block ends normally, else roll back and re-raise.
        ``readonly``: the block only reads (a search): SQLite then reads a snapshot without taking
        the write lock, so it neither waits for a writer nor holds one up; MySQL skips the undo log."""
        if getattr(self._local, "in_tx", False):
            raise RuntimeError("nested transaction: pass the open Tx down instead")
        conn = self._begin(readonly)
        tx = Tx(self.dialect, conn)
        self._local.in_tx = True
        try:
            try:
                yield tx
            except BaseException as exc:
                self._rollback(conn)
                self._translate(exc)
                raise
            self._commit(conn)
        finally:
            self._local.in_tx = False
            tx.close()

    def run(self, unit: Callable[[Tx], T], attempts: int = 4) -> T:
        """Run ``unit(tx)`` in a transaction, retrying the whole unit after a deadlock or a
        connection lost before the commit was sent."""
        for attempt in range(1, attempts + 1):
            try:
                with self.transaction() as tx:
                    return unit(tx)
            except (DatabaseBusy, ConnectionLost) as exc:
                if attempt == attempts or (isinstance(exc, ConnectionLost) and exc.during_commit):
                    raise
                log.warning("retrying a unit of work after %s (attempt %d)", type(exc).__name__, attempt)
                _time.sleep(0.02 * attempt)
        raise AssertionError("unreachable")

    def _begin(self, readonly: bool = False) -> Any:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            try:
                self.dialect.begin(conn, readonly)
                return conn
            except Exception as exc:
                if not self.dialect.is_connection_error(exc):
                    raise
                self._discard_connection()  # it died while idle: open a new one
        conn = self._connection()  # raises ServiceUnavailable with a message that says what to do
        try:
            self.dialect.begin(conn, readonly)
        except Exception as exc:
            self._discard_connection()
            if self.dialect.is_connection_error(exc):
                raise self.dialect.unavailable(exc) from exc
            raise
        return conn

    def _commit(self, conn: Any) -> None:
        try:
            self.dialect.commit(conn)
        except Exception as exc:
            if self.dialect.is_connection_error(exc):
                self._discard_connection()
                raise ConnectionLost(during_commit=True) from exc
            self._rollback(conn)
            self._translate(exc)
            raise

    def _rollback(self, conn: Any) -> None:
        try:
            self.dialect.rollback(conn)
        except Exception:  # noqa: BLE001 - the connection is gone; the server rolled back
            self._discard_connection()

    def _translate(self, exc: BaseException) -> None:
        """Raise the driver-neutral form of a driver error, if it has one."""
        if not isinstance(exc, Exception):
            return
        if self.dialect.is_connection_error(exc):
            self._discard_connection()
            raise ConnectionLost(during_commit=False) from exc
        if self.dialect.is_busy_error(exc):
            raise DatabaseBusy() from exc
        violation = self.dialect.integrity_violation(exc, self._connection_or_none())
        if violation is not None:
            raise violation from exc

    def _connection_or_none(self) -> Any:
        return getattr(self._local, "conn", None)
