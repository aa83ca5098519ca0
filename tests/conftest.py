"""Shared fixtures: every DAO and service test runs on SQLite and on MariaDB.

Each test gets its own database: a fresh SQLite file, or a MariaDB database with a random name
that is created for the test and dropped after it. ``MEDLINK_TEST_MYSQL_URL`` points at the
server (default ``mysql://root@127.0.0.1:3306/``); its user must be allowed to create databases.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from medlink.config import Settings
from medlink.core import MedLink

MYSQL_SERVER_URL = os.environ.get("MEDLINK_TEST_MYSQL_URL", "mysql://root@127.0.0.1:3306/")

# A developer's own MEDLINK_* settings must not leak into the tests.
for _key in [k for k in os.environ if k.startswith("MEDLINK_") and not k.startswith("MEDLINK_TEST_")]:
    del os.environ[_key]


def mysql_server_url(database: str) -> str:
    parts = urlsplit(MYSQL_SERVER_URL)
    return f"{parts.scheme}://{parts.netloc}/{database}"


def mysql_admin_connection():  # noqa: ANN201 - a mysql.connector connection
    import mysql.connector

    parts = urlsplit(MYSQL_SERVER_URL)
    return mysql.connector.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
                                   password=parts.password or "", autocommit=True)


@pytest.fixture(scope="session")
def mysql_admin():  # noqa: ANN201
    conn = mysql_admin_connection()
    yield conn
    conn.close()


def _drop_database(name: str) -> None:
    conn = mysql_admin_connection()
    try:
        cur = conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
        cur.close()
    finally:
        conn.close()


def new_database_url(backend: str, tmp_path: Path) -> tuple[str, str | None]:
    """A URL for an empty database of ``backend``; the second item is the MariaDB name to drop."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'medlink-test.db'}", None
    name = "medlink_test_" + secrets.token_hex(6)
    return mysql_server_url(name), name


@pytest.fixture(params=["sqlite", pytest.param("mysql", marks=pytest.mark.mysql)])
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_url(backend: str, tmp_path: Path) -> Iterator[str]:
    url, mysql_name = new_database_url(backend, tmp_path)
    try:
        yield url
    finally:
        if mysql_name:
            _drop_database(mysql_name)


@pytest.fixture
def mysql_settings(tmp_path: Path, mysql_admin: Any) -> Iterator[Settings]:
    """Settings on a new MariaDB database of its own, dropped afterwards: for tests of several
    desktops at once, which only a server can show."""
    url, name = new_database_url("mysql", tmp_path)
    try:
        yield make_settings(url, tmp_path)
    finally:
        _drop_database(name)


def make_settings(db_url: str, tmp_path: Path, **overrides: object) -> Settings:
    values: dict[str, object] = dict(
        db_url=db_url,
        data_dir=tmp_path / "data",
        records_dir=tmp_path / "records",
        outbox_dir=tmp_path / "outbox",
    )
    values.update(overrides)
    return Settings.load(env_file=tmp_path / "no.env", **values)


@pytest.fixture
def settings(db_url: str, tmp_path: Path) -> Settings:
    return make_settings(db_url, tmp_path)


@pytest.fixture
def ml(settings: Settings) -> Iterator[MedLink]:
    core = MedLink(settings)
    core.init_db()
    try:
        yield core
    finally:
        core.close()


@pytest.fixture
def db(ml: MedLink):  # noqa: ANN201 - medlink.db.Database
    return ml.db
