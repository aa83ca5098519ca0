"""GUI tests: a real MedLinkApp (the Tk root) per test, on a fresh SQLite database.

They need an X display; ``make test`` runs them under Xvfb. Without one they are skipped with the
reason. Each app has ``testing = True``: dialogs are recorded in ``app.dialogs``, never shown.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.ui.app import MedLinkApp


def _display_missing() -> bool:
    return sys.platform.startswith("linux") and not os.environ.get("DISPLAY")


def _core(tmp_path: Path, **options: Any) -> Iterator[MedLink]:
    """A core on a fresh SQLite file (GUI tests run on SQLite only), closed afterwards."""
    settings = Settings.load(
        env_file=tmp_path / "no.env", db_url=f"sqlite:///{tmp_path / 'gui.db'}", data_dir=tmp_path / "data",
        records_dir=tmp_path / "records", outbox_dir=tmp_path / "outbox",
    )
    core = MedLink(settings, **options)
    core.init_db()
    try:
        yield core
    finally:
        core.close()


def _window(core: MedLink) -> Iterator[MedLinkApp]:
    """The main window, mapped (Xvfb shows it to nobody), with dialogs recorded instead of shown."""
    if _display_missing():
        pytest.skip("GUI tests need an X display: DISPLAY is not set (run them under `xvfb-run -a`)")
    window = MedLinkApp(core)
    window.testing = True
    window.update()
    try:
        yield window
    finally:
        window.destroy()
        del window
        # Collect the dead window here, on the Tk thread: if a worker's allocation triggered the
        # collection instead, Tcl would abort ("async handler deleted by the wrong thread").
        gc.collect()


@pytest.fixture
def ml(tmp_path: Path) -> Iterator[MedLink]:
    """The core on a fresh SQLite file."""
    yield from _core(tmp_path)


@pytest.fixture
def app(ml: MedLink) -> Iterator[MedLinkApp]:
    yield from _window(ml)


@pytest.fixture
def fast_ml(tmp_path: Path) -> Iterator[MedLink]:
    """Like ``ml`` but with cheap argon2 parameters, for tests that sign up and sign in."""
    from medlink.services.passwords import PasswordParams

    yield from _core(tmp_path, password_params=PasswordParams(1, 1024, 1))


@pytest.fixture
def fast_app(fast_ml: MedLink) -> Iterator[MedLinkApp]:
    """The main window on ``fast_ml``."""
    yield from _window(fast_ml)


@pytest.fixture(autouse=True)
def _tk_garbage_stays_on_the_tk_thread() -> Iterator[None]:
    """After each GUI test (and after its window fixtures closed): collect on this thread, then
    freeze what is left. A Tk object a test leaked in a reference cycle must never be freed later
    by a collection that happens to run in some worker thread: Tcl aborts the process then."""
    yield
    gc.collect()
    gc.freeze()
