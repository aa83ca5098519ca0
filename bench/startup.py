"""Start-up: ``python main.py`` to the welcome screen drawn and idle, and the memory it then holds.

- ``startup_to_welcome_ms``: the median of ``runs`` (default 7) start-ups, each a new process
  ``python main.py`` on one fresh SQLite database (made, with its migrations, by one untimed start
  first, which also warms the disk cache and the byte-code). The clock starts just before the
  process is spawned (``MEDLINK_BENCH_STARTUP``) and stops when main.py's probe runs: the window is
  mapped and the Tk loop has nothing left to do. ``startup_first_run_ms`` is that first start (new
  database). ``startup_p95_ms`` is the slowest run but one... of seven, i.e. the 95th percentile.
- ``idle_rss_mb``: VmRSS of that process (from ``/proc/<pid>/status``) about a second after the
  welcome screen went idle, once the background picture is drawn; the median over the runs.
- ``startup_heavy_modules``: how many of the modules that must load only when first used were loaded
  at start (reportlab, pyautogui, mysql.connector, cryptography) plus 1 if the chatbot's knowledge
  base was read: the target is 0, and the modules found are printed. Also printed, not counted: the
  screen modules loaded at start (only ``welcome``: the others load on their first show) and which of
  ``LATER`` (Pillow, tkcalendar, the services...: loaded after the welcome screen is up) came early.

Byte-code: an installed copy has its modules compiled (pip does it, or the first run); this
machine's environment sets ``PYTHONDONTWRITEBYTECODE=1``, which would make every start compile
MedLink's sources again (about 350 ms here). The child runs without it, with its byte-code kept in
``bench/data/pycache`` (``PYTHONPYCACHEPREFIX``; git-ignored, nothing written beside the sources),
written by the untimed first start.

Needs a display: without ``$DISPLAY`` an Xvfb server is started for the runs (its own start is not
timed). Option: ``--runs``.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from bench import BenchEnv, median, percentile

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "startup_to_welcome_ms": ("<=", 400.0),
    "idle_rss_mb": ("<=", 80.0),
    "startup_heavy_modules": ("<=", 0.0),
}
HEAVY = ("reportlab", "pyautogui", "mysql.connector", "_mysql_connector", "cryptography")
# Not counted, shown: what the window loads after start or on a screen's first show (medlink/ui/app.py)
LATER = ("PIL", "tkcalendar", "pyperclip", "argparse", "medlink.models", "medlink.services.auth",
         "medlink.services.chatbot")
UI_FRAMEWORK = {"app", "screen", "theme", "tasks", "images"}
HOLD_MS = 1500
RSS_AFTER_S = 1.0


@contextlib.contextmanager
def display() -> Iterator[str]:
    """``$DISPLAY``, or a private Xvfb server for as long as the block runs."""
    if os.environ.get("DISPLAY"):
        yield os.environ["DISPLAY"]
        return
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
                              pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=10)


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def start_once(env: dict[str, str]) -> tuple[float, float, dict]:
    """One start-up: (milliseconds to the idle welcome screen, RSS in MB a second later, the probe's report)."""
    env = dict(env, MEDLINK_BENCH_HOLD_MS=str(HOLD_MS), MEDLINK_BENCH_STARTUP=repr(time.time()))
    child = subprocess.Popen([sys.executable, "main.py"], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline() if child.stdout else ""
        if not line.startswith("{"):
            child.wait(timeout=30)
            errors = child.stderr.read() if child.stderr else ""
            raise RuntimeError(f"main.py did not report start-up: {line!r} {errors}")
        report = json.loads(line)
        time.sleep(RSS_AFTER_S)
        rss = rss_mb(child.pid)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
    return float(report["ms"]), rss, report


def run(env: BenchEnv) -> dict[str, float]:
    runs = int(env.option("runs", 7))
    base = {k: v for k, v in os.environ.items() if not k.startswith("MEDLINK_") and k != "PYTHONDONTWRITEBYTECODE"}
    base["PYTHONPYCACHEPREFIX"] = str(ROOT / "bench" / "data" / "pycache")
    with tempfile.TemporaryDirectory(prefix="medlink-bench-startup-") as tmp, display() as screen:
        folder = Path(tmp)
        base.update(DISPLAY=screen, MEDLINK_DB_URL=f"sqlite:///{folder / 'medlink.db'}",
                    MEDLINK_DATA_DIR=str(folder / "data"), MEDLINK_RECORDS_DIR=str(folder / "records"),
                    MEDLINK_OUTBOX_DIR=str(folder / "outbox"))
        first_ms, _, report = start_once(base)  # new database: migrations applied
        times, rss = [], []
        for _ in range(runs):
            ms, mb, report = start_once(base)
            times.append(ms)
            rss.append(mb)
    loaded = sorted(m for m in report["modules"] if any(m == h or m.startswith(h + ".") for h in HEAVY))
    heavy_roots = sorted({m.split(".")[0] if not m.startswith("mysql") else "mysql.connector" for m in loaded})
    heavy = len(heavy_roots) + (1 if report["chatbot_kb_read"] else 0)
    print(f"  start-up ms: {', '.join(f'{t:.0f}' for t in times)} (first, new database: {first_ms:.0f}); "
          f"RSS MB: {', '.join(f'{r:.1f}' for r in rss)}", flush=True)
    print(f"  loaded at start of those that should wait: {', '.join(heavy_roots) or 'none'}"
          f"{'; the chatbot knowledge base was read' if report['chatbot_kb_read'] else ''}; "
          f"{len(report['modules'])} modules in all", flush=True)
    later = [m for m in LATER if any(n == m or n.startswith(m + ".") for n in report["modules"])]
    screens = sorted(m.rsplit(".", 1)[1] for m in report["modules"] if m.rsplit(".", 1)[0] == "medlink.ui"
                     and m.rsplit(".", 1)[1] not in UI_FRAMEWORK)
    print(f"  screen modules at start: {', '.join(screens) or 'none'}; of those that load after start: "
          f"{', '.join(later) or 'none'}", flush=True)
    return {
        "startup_to_welcome_ms": round(median(times), 1),
        "startup_p95_ms": round(percentile(times, 95), 1),
        "startup_first_run_ms": round(first_ms, 1),
        "idle_rss_mb": round(median(rss), 1),
        "startup_heavy_modules": float(heavy),
    }
