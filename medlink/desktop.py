"""Hand a file to the system's viewer, without a shell."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from medlink.errors import ServiceUnavailable


def open_with_system_viewer(path: Path) -> None:
    """Open ``path`` in the desktop's default application for its type."""
    if not path.is_file():
        raise ServiceUnavailable("The file to open is missing.")
    try:
        if sys.platform == "win32":
            os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606 - no shell involved
        elif sys.platform == "darwin":
            subprocess.Popen(["open", str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        else:
            subprocess.Popen(["xdg-open", str(path)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, start_new_session=True)
    except OSError:
        raise ServiceUnavailable(f"No program to open {path.suffix} files was found. The file is saved at "
                                 f"{path}.") from None
