"""Logging to a file in the user's data folder. Messages name ids and actions, never personal data."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path


def configure_logging(log_file: Path, level: str = "INFO") -> None:
    """Send MedLink's log to a rotating file; safe to call more than once."""
    root = logging.getLogger("medlink")
    if any(getattr(h, "_medlink", False) for h in root.handlers):
        return
    log_file.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.handlers.RotatingFileHandler(log_file, maxBytes=2_000_000, backupCount=3,
                                                   encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler._medlink = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(getattr(logging, level, logging.INFO))
