"""MedLink's benchmarks (``make bench``, i.e. ``python -m bench``); never part of ``make test``.

Each benchmark is a module of this package with a ``run(env: BenchEnv) -> dict[str, float]`` function
(and, optionally, ``TARGETS``: metric name -> (">=" or "<=", number)). ``python -m bench`` finds the
modules, runs them (all, or those named on the command line), merges their metrics into
``bench/results.json`` (metric name -> number; keys written by other runs or other benchmarks are
kept) and prints a table. A later benchmark is one new module here; nothing else changes.

Two kinds of database:
- throw-away (``env.database``): a SQLite file in a temporary folder, and a MariaDB/MySQL database with
  a random name, dropped afterwards, when the server at ``MEDLINK_BENCH_MYSQL_URL`` (default
  ``MEDLINK_TEST_MYSQL_URL``, then ``mysql://root@127.0.0.1:3306/``) is reachable;
- generated and kept (``env.dataset`` / ``env.open_dataset``): the 1k, 10k and 100k-doctor datasets of
  ``bench/generate.py``, made once and reused by later runs. ``open_dataset`` undoes what a benchmark
  wrote (appointments, outbox, video calls, audit rows) when it is done, so every run starts alike.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import math
import os
import pkgutil
import secrets
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

PACKAGE_DIR = Path(__file__).resolve().parent
RESULTS = PACKAGE_DIR / "results.json"
BACKENDS = ("sqlite", "mysql")


def mysql_server_url() -> str:
    return (os.environ.get("MEDLINK_BENCH_MYSQL_URL") or os.environ.get("MEDLINK_TEST_MYSQL_URL")
            or "mysql://root@127.0.0.1:3306/")


def _mysql_admin(timeout: int = 3) -> Any:  # a mysql.connector connection
    import mysql.connector

    parts = urlsplit(mysql_server_url())
    return mysql.connector.connect(host=parts.hostname or "127.0.0.1", port=parts.port or 3306,
                                   user=parts.username or "root", password=parts.password or "",
                                   autocommit=True, connection_timeout=timeout)


def mysql_reachable() -> bool:
    try:
        _mysql_admin().close()
    except Exception:  # noqa: BLE001 - any failure means: no MariaDB for this run
        return False
    return True


# InnoDB's buffer pool for the benchmark run: the 100k dataset is about 1.5 GB, and a server that
# keeps a clinic network's data sizes its pool to hold it (docs/PERFORMANCE.md, README "MySQL").
# Debian's default, 128 MiB, measures the disk cache instead of MedLink.
BENCH_BUFFER_POOL = 2 * 2**30


def size_buffer_pool(minimum: int = BENCH_BUFFER_POOL) -> Callable[[], None]:
    """Grow the server's buffer pool to ``minimum`` for this run (MariaDB resizes it online); returns
    what puts the old size back."""
    conn = _mysql_admin()
    try:
        cur = conn.cursor()
        cur.execute("SELECT @@innodb_buffer_pool_size")
        (before,) = cur.fetchone()
        before = int(before)
        if before < minimum:
            cur.execute(f"SET GLOBAL innodb_buffer_pool_size = {int(minimum)}")
            print(f"InnoDB buffer pool {before // 2**20} MiB -> {minimum // 2**20} MiB for this run", flush=True)
        cur.close()
    finally:
        conn.close()

    def restore() -> None:
        if before < minimum:
            conn = _mysql_admin()
            try:
                conn.cursor().execute(f"SET GLOBAL innodb_buffer_pool_size = {before}")
            finally:
                conn.close()

    return restore


def warm_up(ml: Any, url: str) -> None:
    """Read the dataset once, as a server that has been running holds it: every index of every table
    into InnoDB's buffer pool (MariaDB also reloads its pool at start-up, innodb_buffer_pool_load_at_startup),
    or SQLite's file into the system's cache. Without it the first searches of a run measure reads
    from disk that a clinic's server, up for days, does not make."""
    started = time.perf_counter()
    if ml.db.backend == "sqlite":
        with open(url[len("sqlite:///"):], "rb") as f:
            while f.read(1 << 22):
                pass
    else:
        with ml.db.transaction(readonly=True) as tx:
            indexes = tx.query("SELECT DISTINCT table_name AS t, index_name AS i FROM information_schema.statistics "
                               "WHERE table_schema = DATABASE() ORDER BY 1, 2")
            for row in indexes:
                tx.query(f"SELECT COUNT(*) AS n FROM `{row['t']}` FORCE INDEX (`{row['i']}`)")
    print(f"  warmed the {ml.db.backend} dataset's caches in {time.perf_counter() - started:.1f} s", flush=True)


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) of ``values``, interpolated between the closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return math.nan
    rank = (len(ordered) - 1) * q / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50)


@dataclass
class BenchEnv:
    """What a benchmark gets: the backends to measure, its options, and databases."""

    backends: list[str]
    options: dict[str, Any] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    _regenerated: set[tuple[str, str]] = field(default_factory=set)
    _warmed: set[tuple[str, str]] = field(default_factory=set)

    def dataset(self, backend: str, size: str) -> Any:  # bench.generate.Dataset
        """The kept dataset of ``size`` on ``backend``, generated first if needed (or if the run was
        asked to ``--regenerate``: once per run)."""
        from bench.generate import ensure, size_name

        key = (backend, size_name(size))
        regenerate = bool(self.options.get("regenerate")) and key not in self._regenerated
        self._regenerated.add(key)
        return ensure(backend, size, regenerate=regenerate, log=lambda line: print(f"  {line}", flush=True))

    @contextlib.contextmanager
    def open_dataset(self, backend: str, size: str, **settings_overrides: Any) -> Iterator[tuple[Any, Any]]:
        """``(MedLink, Dataset)`` on the kept dataset, with the clock standing at the dataset's "now".
        Rows the benchmark adds are deleted afterwards and the audit chain's head put back."""
        from bench.generate import NOW_UTC, settings_for
        from medlink.config import Settings
        from medlink.core import MedLink
        from medlink.services.clock import FixedClock

        data = self.dataset(backend, size)
        with tempfile.TemporaryDirectory(prefix=f"medlink-bench-{backend}-{size}-") as tmp:
            settings = settings_for(data.url, Path(tmp))
            if settings_overrides:
                values = {k: getattr(settings, k) for k in ("db_url", "data_dir", "records_dir", "outbox_dir")}
                values.update(settings_overrides)
                settings = Settings.load(env_file=Path(tmp) / "no.env", **values)
            with MedLink(settings, clock=FixedClock(NOW_UTC)) as ml:
                ml.init_db()  # migrations added since the data was generated
                if (backend, size) not in self._warmed:
                    self._warmed.add((backend, size))
                    warm_up(ml, data.url)
                saved = _snapshot(ml)
                try:
                    yield ml, data
                finally:
                    _restore(ml, saved)

    def option(self, name: str, default: Any) -> Any:
        value = self.options.get(name)
        return default if value is None else value

    @contextlib.contextmanager
    def database(self, backend: str, **settings_overrides: Any) -> Iterator[tuple[Any, Path]]:
        """``(Settings, folder)`` for an empty database of ``backend``, removed afterwards."""
        from medlink.config import Settings

        with tempfile.TemporaryDirectory(prefix=f"medlink-bench-{backend}-") as tmp:
            folder = Path(tmp)
            mysql_name = None
            if backend == "sqlite":
                url = f"sqlite:///{folder / 'bench.db'}"
            elif backend == "mysql":
                mysql_name = "medlink_bench_" + secrets.token_hex(6)
                parts = urlsplit(mysql_server_url())
                url = f"{parts.scheme}://{parts.netloc}/{mysql_name}"
            else:
                raise ValueError(f"unknown backend {backend!r}")
            try:
                values: dict[str, Any] = dict(db_url=url, data_dir=folder / "data", records_dir=folder / "records",
                                              outbox_dir=folder / "outbox")
                values.update(settings_overrides)
                yield Settings.load(env_file=folder / "no.env", **values), folder
            finally:
                if mysql_name:
                    conn = _mysql_admin()
                    try:
                        cursor = conn.cursor()
                        cursor.execute(f"DROP DATABASE IF EXISTS `{mysql_name}`")
                        cursor.close()
                    finally:
                        conn.close()


# Tables a benchmark may add rows to, with their id column, children first.
_GROWING = (("video_calls", "call_id"), ("email_outbox", "message_id"), ("bills", "bill_id"),
            ("appointments", "appointment_id"), ("audit_log", "audit_id"))


def _snapshot(ml: Any) -> dict[str, Any]:
    with ml.db.transaction() as tx:
        saved: dict[str, Any] = {t: tx.scalar(f"SELECT COALESCE(MAX({c}), 0) AS n FROM {t}") for t, c in _GROWING}
        saved["audit_head"] = tx.query_one("SELECT last_id, last_hash FROM audit_head WHERE head_id = 1")
    return saved


def _restore(ml: Any, saved: dict[str, Any]) -> None:
    """Delete what was added since ``_snapshot`` (the benchmark user may: bench databases only)."""
    with ml.db.transaction() as tx:
        for table, column in _GROWING:
            tx.execute(f"DELETE FROM {table} WHERE {column} > ?", (saved[table],))
        head = saved["audit_head"]
        if head is None:
            tx.execute("DELETE FROM audit_head")
        else:
            tx.execute("UPDATE audit_head SET last_id = ?, last_hash = ? WHERE head_id = 1",
                       (head["last_id"], head["last_hash"]))


def benchmark_modules(names: list[str] | None = None) -> list[ModuleType]:
    """The benchmark modules of this package (those with a ``run``), in name order."""
    found = sorted(info.name for info in pkgutil.iter_modules([str(PACKAGE_DIR)])
                   if not info.name.startswith("_"))
    if names:
        unknown = sorted(set(names) - set(found))
        if unknown:
            raise SystemExit(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(found)})")
        found = [n for n in found if n in names]
    modules = [importlib.import_module(f"{__name__}.{n}") for n in found]
    return [m for m in modules if callable(getattr(m, "run", None))]


def merge_results(metrics: dict[str, float], path: Path = RESULTS) -> dict[str, float]:
    """Write ``metrics`` into the results file, keeping every other key already there."""
    current: dict[str, Any] = {}
    if path.exists():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8"))
            current = loaded if isinstance(loaded, dict) else {}
        except json.JSONDecodeError:
            current = {}
    current.update(metrics)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(dict(sorted(current.items())), indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return current


def meets(value: float, target: tuple[str, float] | None) -> str:
    if target is None:
        return ""
    op, bound = target
    ok = value >= bound if op == ">=" else value <= bound
    return "ok" if ok else "MISSED"


def table(rows: list[tuple[str, float, tuple[str, float] | None]]) -> str:
    """A plain-text table: metric, value, target, status."""
    lines = [("metric", "value", "target", ""), *((name, f"{value:,.1f}", f"{t[0]} {t[1]:g}" if t else "",
                                                  meets(value, t)) for name, value, t in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(4)]
    out = []
    for n, line in enumerate(lines):
        out.append("  ".join((cell.rjust(widths[i]) if i in (1,) else cell.ljust(widths[i]))
                             for i, cell in enumerate(line)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)

