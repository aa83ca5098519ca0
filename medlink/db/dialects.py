"""The two backends' differences: connecting, SQL text, value types and error numbers."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
import sqlite3
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from medlink.db import words
from medlink.db.errors import IntegrityViolation
from medlink.db.url import DatabaseURL
from medlink.errors import ServiceUnavailable

log = logging.getLogger("medlink.db")
_FOR_UPDATE = re.compile(r"\s+FOR\s+UPDATE\b", re.IGNORECASE)


class Dialect:
    """What the ``Database`` asks of a backend."""

    name = ""

    def connect(self) -> Any:
        raise NotImplementedError

    def cursor(self, conn: Any) -> Any:
        return conn.cursor()

    def begin(self, conn: Any, readonly: bool = False) -> None:
        raise NotImplementedError

    def commit(self, conn: Any) -> None:
        conn.commit()

    def rollback(self, conn: Any) -> None:
        conn.rollback()

    def execute(self, cursor: Any, sql: str, params: tuple[Any, ...] | list[Any]) -> None:
        raise NotImplementedError

    def executemany(self, cursor: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
        raise NotImplementedError

    def row(self, cursor: Any, row: Any) -> dict[str, Any]:
        return row

    def rows(self, cursor: Any, fetched: list[Any]) -> list[dict[str, Any]]:
        """Every row of a result as a dict (``row`` for each, unless a dialect does it faster)."""
        return [self.row(cursor, r) for r in fetched]

    def close_quietly(self, conn: Any) -> None:
        with contextlib.suppress(Exception):  # closing a broken connection may fail; it is gone anyway
            conn.close()

    def connection_id(self, conn: Any) -> int | None:
        return None

    def is_connection_error(self, exc: BaseException) -> bool:
        return False

    def is_busy_error(self, exc: BaseException) -> bool:
        return False

    def integrity_violation(self, exc: BaseException, conn: Any) -> IntegrityViolation | None:
        return None

    def unavailable(self, exc: BaseException) -> ServiceUnavailable:
        return ServiceUnavailable("The database cannot be reached. Check the connection and try again.")

    def ensure_database(self) -> None:
        """Create the database itself if the backend needs that done first."""


def make_dialect(url: DatabaseURL, ssl_ca: str | None, connect_timeout: int) -> Dialect:
    if url.backend == "sqlite":
        return SQLiteDialect(url.path, connect_timeout)
    return MySQLDialect(url, ssl_ca, connect_timeout)


# --- SQLite --------------------------------------------------------------------------------------

# Converters, remembered: the values are immutable and the same few recur in every list (the times
# of day of slots and hours, the dates of the coming weeks, the common fees).
@lru_cache(maxsize=2048)
def _sqlite_time(value: bytes) -> dt.time:
    return dt.time.fromisoformat(value.decode())


@lru_cache(maxsize=4096)
def _sqlite_date(value: bytes) -> dt.date:
    return dt.date.fromisoformat(value.decode())


_CENTS = Decimal("0.01")


@lru_cache(maxsize=4096)
def _sqlite_decimal(value: bytes) -> Decimal:
    return Decimal(value.decode()).quantize(_CENTS)


def _register_sqlite_types() -> None:
    # As a float, so that comparisons with money columns and expressions stay numeric (a text
    # parameter would compare greater than any number); DECIMAL(10,2) values round-trip exactly.
    sqlite3.register_adapter(Decimal, float)
    sqlite3.register_adapter(dt.date, lambda d: d.isoformat())
    sqlite3.register_adapter(dt.datetime, lambda d: d.isoformat(sep=" "))
    sqlite3.register_adapter(dt.time, lambda t: t.strftime("%H:%M:%S"))
    sqlite3.register_converter("DATE", _sqlite_date)
    sqlite3.register_converter("DATETIME", lambda b: dt.datetime.fromisoformat(b.decode()))
    sqlite3.register_converter("TIME", _sqlite_time)
    # Money columns keep NUMERIC affinity so that comparisons and ORDER BY stay numeric.
    sqlite3.register_converter("DECIMAL", _sqlite_decimal)


_register_sqlite_types()


def _column_names(cursor: sqlite3.Cursor) -> list[str]:
    return [d[0] for d in cursor.description]


@lru_cache(maxsize=512)
def _sqlite_sql(sql: str) -> str:
    return _FOR_UPDATE.sub("", sql)


_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


def _within_int64(params: tuple[Any, ...] | list[Any]) -> tuple[Any, ...]:
    """SQLite cannot bind an integer beyond 64 bits (OverflowError) where MySQL compares it and finds
    no row: such a value (an id typed by hand, say) is clamped to the 64-bit range, which no row id
    reaches, so both backends answer the same "not found"."""
    return tuple(min(max(p, _INT64_MIN), _INT64_MAX) if isinstance(p, int) else p for p in params)


class _SQLiteConnection(sqlite3.Connection):
    """A connection that remembers whether SQLite's query_only is set on it."""

    query_only = False


class SQLiteDialect(Dialect):
    name = "sqlite"

    def __init__(self, path: str, timeout: int) -> None:
        self.path = path
        self.timeout = timeout
        self._unique_indexes: dict[str, list[tuple[str, frozenset[str]]]] = {}

    def connect(self) -> sqlite3.Connection:
        try:
            if self.path != ":memory:":
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   detect_types=sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES,
                                   check_same_thread=False, factory=_SQLiteConnection)
        except (sqlite3.Error, OSError) as exc:
            raise ServiceUnavailable(f"Cannot open the database file {self.path}: {exc}. "
                                     "Check that the folder exists and is writable.") from exc
        # The search index's triggers split a doctor's words with this (medlink/db/words.py).
        conn.create_function(words.SQL_FUNCTION, 4, words.listing_words_json, deterministic=True)
        conn.create_function(words.SIGNATURE_FUNCTION, 4, words.signature_of_texts, deterministic=True)
        conn.execute("PRAGMA trusted_schema = ON")  # this file is MedLink's own: its triggers may call it
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
        if self.path != ":memory:":
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA mmap_size = 1073741824")  # reads straight from the page cache, no copy
        return conn

    def begin(self, conn: _SQLiteConnection, readonly: bool = False) -> None:
        # IMMEDIATE takes the write lock up front, so two writers never deadlock on an upgrade; a
        # reader's deferred BEGIN reads a snapshot (WAL) and takes no lock at all.
        if conn.query_only != readonly:  # a write inside a reader's block is refused
            # Only when it changes: the pragma makes SQLite prepare every statement again (50 us).
            conn.execute(f"PRAGMA query_only = {int(readonly)}")
            conn.query_only = readonly
        conn.execute("BEGIN" if readonly else "BEGIN IMMEDIATE")

    def commit(self, conn: sqlite3.Connection) -> None:
        conn.execute("COMMIT")

    def rollback(self, conn: sqlite3.Connection) -> None:
        if conn.in_transaction:
            conn.execute("ROLLBACK")

    def execute(self, cursor: sqlite3.Cursor, sql: str, params: tuple[Any, ...] | list[Any]) -> None:
        try:
            cursor.execute(_sqlite_sql(sql), tuple(params))
        except OverflowError:  # raised while binding: nothing ran
            cursor.execute(_sqlite_sql(sql), _within_int64(params))

    def executemany(self, cursor: sqlite3.Cursor, sql: str, rows: list[tuple[Any, ...]]) -> None:
        cursor.executemany(_sqlite_sql(sql), rows)

    def row(self, cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
        return dict(zip(_column_names(cursor), row, strict=True))

    def rows(self, cursor: sqlite3.Cursor, fetched: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
        names = _column_names(cursor)  # once per result, not once per row (a row factory would)
        return [dict(zip(names, r, strict=True)) for r in fetched]

    def is_busy_error(self, exc: BaseException) -> bool:
        text = str(exc).lower()
        return isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text)

    def integrity_violation(self, exc: BaseException, conn: Any) -> IntegrityViolation | None:
        if not isinstance(exc, sqlite3.IntegrityError):
            return None
        text = str(exc)
        if text.startswith("UNIQUE constraint failed:"):
            columns = [c.strip() for c in text.split(":", 1)[1].split(",")]
            return IntegrityViolation("unique", self._unique_index_name(conn, columns), text)
        if text.startswith("FOREIGN KEY"):
            return IntegrityViolation("foreign_key", None, text)
        if text.startswith("CHECK constraint failed:"):
            return IntegrityViolation("check", text.split(":", 1)[1].strip(), text)
        if text.startswith("NOT NULL"):
            return IntegrityViolation("not_null", text.split(":", 1)[1].strip(), text)
        return IntegrityViolation("unknown", None, text)

    def _unique_index_name(self, conn: Any, qualified: list[str]) -> str | None:
        """Map SQLite's "table.col, table.col" back to the index name the schema gave."""
        table = qualified[0].split(".")[0]
        columns = frozenset(c.split(".", 1)[1] for c in qualified)
        if table not in self._unique_indexes and conn is not None:
            found = []
            for _, index, unique, *_ in conn.execute(f'PRAGMA index_list("{table}")').fetchall():
                if unique:
                    cols = conn.execute(f'PRAGMA index_info("{index}")').fetchall()
                    found.append((index, frozenset(name for _, _, name in cols)))
            self._unique_indexes[table] = found
        for name, cols in self._unique_indexes.get(table, []):
            if cols == columns:
                return name
        return None


# --- MySQL / MariaDB -----------------------------------------------------------------------------

_LOST = {2006, 2013, 2055, 2003, 2005, 1053, 1927, 4031, -1}
_BUSY = {1213, 1205}
_DUP_KEY = re.compile(r"for key '([^']+)'")
_CHECK = re.compile(r"constraint [`']([^`']+)[`']", re.IGNORECASE)  # MySQL 8 'name', MariaDB `name`


@lru_cache(maxsize=512)
def _mysql_sql(sql: str) -> str:
    return sql.replace("%", "%%").replace("?", "%s")


@lru_cache(maxsize=1024)
def _column_name(name: str) -> str:
    """``"last_visit [DATE]"`` -> ``last_visit``: the type hint is for SQLite, whose aggregates lose
    their column's declared type (PARSE_COLNAMES); MySQL types the value itself."""
    return name.split(" [", 1)[0] if name.endswith("]") else name


_TIME_TYPE = 11  # mysql.connector.FieldType.TIME
_BYTES_TYPES = frozenset({249, 250, 251, 252, 253, 254})  # the BLOB and string types: bytearray, if binary


def _row_shape(description: Any) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
    """Once per result: the keys, and which columns may need ``_mysql_value`` (TIME, maybe bytes)."""
    names = tuple(_column_name(d[0]) for d in description)
    times = tuple(i for i, d in enumerate(description) if d[1] == _TIME_TYPE)
    binary = tuple(i for i, d in enumerate(description) if d[1] in _BYTES_TYPES)
    return names, times, binary


@lru_cache(maxsize=4096)
def _time_of(value: Any) -> Any:
    """A TIME column's value (a timedelta from the driver) as a ``time``; the same few times recur."""
    return _mysql_value(value)


def _mysql_value(value: Any) -> Any:
    if isinstance(value, dt.timedelta):  # the driver hands TIME columns back as timedeltas
        seconds = int(value.total_seconds())
        return dt.time(seconds // 3600 % 24, seconds // 60 % 60, seconds % 60)
    if isinstance(value, bytearray):
        return bytes(value)
    return value


def _wrap_cext_error(call: Any) -> None:
    """Call ``conn.commit`` or ``conn.rollback``. The C extension's two let its raw
    ``_mysql_connector.MySQLInterfaceError`` out (every other call wraps it), which the error checks
    below would not recognise: a connection lost at COMMIT must be ``ConnectionLost``, not a crash."""
    import mysql.connector
    from mysql.connector.errors import InterfaceError, get_mysql_exception

    try:
        call()
    except mysql.connector.Error:
        raise
    except Exception as exc:
        if type(exc).__module__ != "_mysql_connector":
            raise
        errno = getattr(exc, "errno", None)
        if errno:
            raise get_mysql_exception(errno, msg=getattr(exc, "msg", None) or str(exc),
                                      sqlstate=getattr(exc, "sqlstate", None)) from exc
        raise InterfaceError(str(exc)) from exc


class MySQLDialect(Dialect):
    name = "mysql"

    def __init__(self, url: DatabaseURL, ssl_ca: str | None, timeout: int) -> None:
        self.url = url
        self.ssl_ca = ssl_ca or dict(url.options).get("ssl_ca")
        self.timeout = timeout

    def connect_args(self, with_database: bool = True) -> dict[str, Any]:
        args: dict[str, Any] = dict(
            host=self.url.host, port=self.url.port, user=self.url.user, password=self.url.password,
            charset="utf8mb4", collation="utf8mb4_unicode_ci", autocommit=True,
            connection_timeout=self.timeout, use_unicode=True,
        )
        if with_database:
            args["database"] = self.url.database
        if self.ssl_ca:
            args.update(ssl_ca=self.ssl_ca, ssl_verify_cert=True, ssl_verify_identity=True)
        return args

    def connect(self, with_database: bool = True) -> Any:
        import mysql.connector

        try:
            conn = mysql.connector.connect(**self.connect_args(with_database))
            cur = conn.cursor()
            cur.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
                        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'")
            cur.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
            cur.close()
            return conn
        except mysql.connector.Error as exc:
            raise self.unavailable(exc) from exc

    def cursor(self, conn: Any) -> Any:
        # Tuples: ``rows`` makes the dicts, naming the columns once per result instead of once per row.
        return conn.cursor(buffered=True)

    def ensure_database(self) -> None:
        name = self.url.database
        if not re.fullmatch(r"[A-Za-z0-9_]{1,64}", name):
            raise ServiceUnavailable("The database name in MEDLINK_DB_URL may hold only letters, digits "
                                     "and _.")
        import mysql.connector

        conn = self.connect(with_database=False)
        try:
            cur = conn.cursor()
            # A name cannot be a bound parameter; it was checked against the pattern above.
            cur.execute(f"CREATE DATABASE IF NOT EXISTS `{name}` "
                        "CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci")
            cur.close()
        except mysql.connector.Error as exc:
            if exc.errno != 1044:  # an account without CREATE: the database must exist already
                raise self.unavailable(exc) from exc
        finally:
            self.close_quietly(conn)

    def begin(self, conn: Any, readonly: bool = False) -> None:
        if readonly:  # one statement (the driver's readonly=True sends two, and misreads MariaDB's version)
            conn.cmd_query("START TRANSACTION READ ONLY")
        else:
            conn.start_transaction()

    def commit(self, conn: Any) -> None:
        _wrap_cext_error(conn.commit)

    def rollback(self, conn: Any) -> None:
        _wrap_cext_error(conn.rollback)

    def execute(self, cursor: Any, sql: str, params: tuple[Any, ...] | list[Any]) -> None:
        if params:
            cursor.execute(_mysql_sql(sql), tuple(params))
        else:
            cursor.execute(sql)

    def executemany(self, cursor: Any, sql: str, rows: list[tuple[Any, ...]]) -> None:
        cursor.executemany(_mysql_sql(sql), rows)

    def row(self, cursor: Any, row: Any) -> dict[str, Any]:
        return self.rows(cursor, [row])[0]

    def rows(self, cursor: Any, fetched: list[Any]) -> list[dict[str, Any]]:
        if not fetched:
            return []
        names, times, binary = _row_shape(cursor.description)
        if not times and not binary:
            return [dict(zip(names, r, strict=True)) for r in fetched]
        result = []
        for r in fetched:
            values = list(r)
            for i in times:
                if values[i] is not None:
                    values[i] = _time_of(values[i])
            for i in binary:
                if isinstance(values[i], bytearray):
                    values[i] = bytes(values[i])
            result.append(dict(zip(names, values, strict=True)))
        return result

    def connection_id(self, conn: Any) -> int | None:
        return conn.connection_id

    def is_connection_error(self, exc: BaseException) -> bool:
        import mysql.connector

        if not isinstance(exc, mysql.connector.Error):
            return False
        return exc.errno in _LOST or "not available" in str(exc).lower()

    def is_busy_error(self, exc: BaseException) -> bool:
        import mysql.connector

        return isinstance(exc, mysql.connector.Error) and exc.errno in _BUSY

    def integrity_violation(self, exc: BaseException, conn: Any) -> IntegrityViolation | None:
        import mysql.connector

        if not isinstance(exc, mysql.connector.Error):
            return None
        text = getattr(exc, "msg", None) or str(exc)
        if exc.errno == 1062:
            match = _DUP_KEY.search(text)
            name = match.group(1).rsplit(".", 1)[-1] if match else None
            return IntegrityViolation("unique", name, text)
        if exc.errno in (1451, 1452, 1216, 1217):
            return IntegrityViolation("foreign_key", None, text)
        if exc.errno in (3819, 4025):
            match = _CHECK.search(text)
            return IntegrityViolation("check", match.group(1) if match else None, text)
        if exc.errno in (1048, 1364):
            return IntegrityViolation("not_null", None, text)
        return None

    def unavailable(self, exc: BaseException) -> ServiceUnavailable:
        errno = getattr(exc, "errno", None)
        where = f"{self.url.host}:{self.url.port}"
        if errno in (1045, 1698):  # 1698: access denied, as MariaDB reports some refused logins
            return ServiceUnavailable(f"The database server at {where} refused the login. Check the user and "
                                      "password in MEDLINK_DB_URL.")
        if errno == 1049:
            return ServiceUnavailable(f"The database '{self.url.database}' does not exist on {where}. "
                                      "Run 'python main.py init-db' first.")
        if errno == 2026 or "ssl" in str(exc).lower() or "certificate" in str(exc).lower():
            return ServiceUnavailable(f"A secure connection to the database server at {where} could not be "
                                      "verified. Check MEDLINK_DB_SSL_CA.")
        return ServiceUnavailable(f"Cannot reach the database server at {where}. Check that it is running "
                                  "and that MEDLINK_DB_URL is right, then try again.")
