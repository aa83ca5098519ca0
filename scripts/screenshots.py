"""Render MedLink's screens to ``docs/screenshots/<name>.png``.

    xvfb-run -a python scripts/screenshots.py            (or: make screenshots)
    python scripts/screenshots.py welcome patient_home    only these

Each shot opens a fresh window on a temporary SQLite database, lets one function navigate, waits
until background work has finished and the window is idle, then grabs the window's pixels from the
X server with Pillow's ``ImageGrab`` (XCB).

Every registered screen that anyone may open (``Screen.roles`` empty) is shot by showing it.
A screen that needs a session or a context gets a :data:`SHOTS` entry whose function signs in and
navigates; data it needs is added by a :data:`SETUP` function, run once on the fresh database::

    @shot("patient_home")
    def _patient_home(app: MedLinkApp) -> None:
        session = app.ml.auth.login("patient", "asha@example.com", DEMO_PASSWORD)
        ...
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageGrab  # noqa: E402

from medlink.config import Settings  # noqa: E402
from medlink.core import MedLink  # noqa: E402
from medlink.ui import tasks  # noqa: E402
from medlink.ui.app import MedLinkApp  # noqa: E402

OUT_DIR = ROOT / "docs" / "screenshots"
SETTLE_SECONDS = 0.4      # at least this long, so debounced redraws (the backdrop) have happened
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Shot:
    name: str                                   # the file is docs/screenshots/<name>.png
    navigate: Callable[[MedLinkApp], object]    # gets a fresh app showing the welcome screen


SHOTS: list[Shot] = []
SETUP: list[Callable[[MedLink], object]] = []   # run once, in order, after init_db


def shot(name: str) -> Callable[[Callable[[MedLinkApp], object]], Callable[[MedLinkApp], object]]:
    """Decorator: register a function that takes the fresh app to the screen to photograph."""

    def register(navigate: Callable[[MedLinkApp], object]) -> Callable[[MedLinkApp], object]:
        SHOTS.append(Shot(name, navigate))
        return navigate

    return register


@shot("welcome")
def _welcome(app: MedLinkApp) -> None:
    app.show("welcome")


def plan(app: MedLinkApp) -> tuple[list[Shot], list[str]]:
    """The shots to take: SHOTS, then every public screen without one; and the screens skipped."""
    shots = list(SHOTS)
    named = {s.name for s in shots}
    skipped = []
    for name, screen_class in sorted(app.screens.items()):
        if name in named:
            continue
        if screen_class.roles:
            skipped.append(name)
        else:
            shots.append(Shot(name, lambda a, n=name: a.show(n)))
    return shots, skipped


def settle(app: MedLinkApp) -> None:
    """Run the event loop until background tasks are done and the minimum settle time has passed."""
    start = time.monotonic()
    while True:
        app.update()
        waited = time.monotonic() - start
        if waited >= SETTLE_SECONDS and tasks.pending_tasks() == 0:
            app.update_idletasks()
            return
        if waited > TIMEOUT_SECONDS:
            raise TimeoutError("the screen did not settle (background work still running)")
        time.sleep(0.02)


def grab(app: MedLinkApp) -> Image.Image:
    """The window's pixels, read back from the X server."""
    app.lift()
    settle(app)
    left, top = app.winfo_rootx(), app.winfo_rooty()
    box = (left, top, left + app.winfo_width(), top + app.winfo_height())
    return ImageGrab.grab(bbox=box, xdisplay=os.environ.get("DISPLAY"))


def take(ml: MedLink, item: Shot | None) -> tuple[Image.Image | None, list[Shot], list[str]]:
    """Open a fresh window, take ``item`` (None: only plan), close it again."""
    app = MedLinkApp(ml)
    app.testing = True  # a dialog must never block the script
    try:
        app.geometry("1100x720+0+0")
        shots, skipped = plan(app)
        if item is None:
            return None, shots, skipped
        item.navigate(app)
        return grab(app), shots, skipped
    finally:
        app.destroy()
        del app
        gc.collect()  # free the window on this (the Tk) thread, never on a worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default: {OUT_DIR})")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("screenshots need an X display: run  xvfb-run -a python scripts/screenshots.py",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="medlink-shots-") as tmp:
        ml = MedLink(Settings.load(env_file=Path(tmp) / ".env", db_url=f"sqlite:///{tmp}/medlink.db",
                                   data_dir=tmp, records_dir=Path(tmp) / "records"))
        try:
            ml.init_db()
            for setup in SETUP:
                setup(ml)
            return _take_all(ml, args.names, args.out)
        finally:
            ml.close()


def _take_all(ml: MedLink, names: list[str], out: Path) -> int:
    _, shots, skipped = take(ml, None)
    for name in skipped:
        print(f"skipped  {name}: needs a session; add a SHOTS entry in scripts/screenshots.py")
    unknown = set(names) - {s.name for s in shots}
    if unknown:
        print(f"no such shot: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for item in shots:
        if names and item.name not in names:
            continue
        image, _, _ = take(ml, item)
        path = out / f"{item.name}.png"
        image.save(path, optimize=True)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote    {shown}  {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
