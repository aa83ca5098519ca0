"""The machine a run happened on, and the results table ``python -m bench`` writes into docs/PERFORMANCE.md
(between the two marker lines; the rest of that file is written by hand and left alone)."""

from __future__ import annotations

import datetime as dt
import os
import platform
import sqlite3
from pathlib import Path
from typing import Any

from bench import meets

ROOT = Path(__file__).resolve().parent.parent
PERFORMANCE = ROOT / "docs" / "PERFORMANCE.md"
START, END = "<!-- bench:results:start -->", "<!-- bench:results:end -->"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gb() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GB"
    except OSError:
        pass
    return "?"


def _mariadb() -> str:
    try:
        from bench import _mysql_admin

        conn = _mysql_admin()
        try:
            cur = conn.cursor()
            cur.execute("SELECT VERSION(), @@innodb_buffer_pool_size, @@innodb_flush_log_at_trx_commit")
            version, pool, flush = cur.fetchone()
            cur.close()
        finally:
            conn.close()
        return f"{version} (innodb_buffer_pool_size {int(pool) // 2**20} MiB, innodb_flush_log_at_trx_commit {flush})"
    except Exception:  # noqa: BLE001 - not reachable: say so
        return "not reachable"


def machine() -> dict[str, Any]:
    """What the numbers were measured on; ``load_start`` is filled in at the start of the run."""
    return {
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory": _memory_gb(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "mariadb": _mariadb(),
        "load_start": os.getloadavg(),
    }


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def section(info: dict[str, Any], metrics: dict[str, float], results: dict[str, float],
            targets: dict[str, tuple[str, float]], names: list[str], seconds: float) -> str:
    """The generated part of docs/PERFORMANCE.md: the machine and one row per metric in the results."""
    now = dt.datetime.now().astimezone()
    lines = [
        START,
        "## Latest run",
        "",
        f"Written by `make bench` (`python -m bench{' ' + ' '.join(names) if names else ''}`) on "
        f"{now:%Y-%m-%d %H:%M %Z}; the run took {seconds / 60:.1f} minutes.",
        "",
        "| machine | |",
        "|---|---|",
        f"| CPU | {info['cpu']}, {info['cores']} cores |",
        f"| memory | {info['memory']} |",
        f"| system | {info['os']} |",
        f"| Python | {info['python']} |",
        f"| SQLite | {info['sqlite']} |",
        f"| MariaDB | {info['mariadb']} |",
        f"| load average (1/5/15 min) | {_load(info['load_start'])} at the start, "
        f"{_load(os.getloadavg())} at the end |",
        "",
        "Other engineers' test runs share the machine: every latency is a median or a 95th percentile over many "
        "repetitions, and the load is shown above.",
        "",
        "| metric | value | target | |",
        "|---|---:|---|---|",
    ]
    for name in sorted(results):
        value = results[name]
        target = targets.get(name)
        status = meets(value, target) if target else ""
        mark = "" if name in metrics else " †"
        lines.append(f"| `{name}`{mark} | {value:,.2f} | {f'{target[0]} {target[1]:g}' if target else ''} | "
                     f"{'**MISSED**' if status == 'MISSED' else status} |")
    if any(name not in metrics for name in results):
        lines += ["", "† not measured in this run: the value is from an earlier run (bench/results.json keeps it)."]
    lines.append(END)
    return "\n".join(lines)


def write(text: str, path: Path = PERFORMANCE) -> None:
    """Replace the generated section of ``path`` (or add it, if the file has none yet)."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# MedLink performance\n\n"
    if START in current and END in current:
        before, rest = current.split(START, 1)
        after = rest.split(END, 1)[1]
        updated = before + text + after
    else:
        updated = current.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(updated, encoding="utf-8")
