"""MedLink entry point: the GUI by default, and the administrator's sub-commands."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from medlink.config import Settings
from medlink.errors import MedLinkError


def _open_core(settings: Settings):  # noqa: ANN202 - imported lazily to keep start-up fast
    from medlink.core import MedLink

    return MedLink(settings)


def cmd_gui(settings: Settings, args: argparse.Namespace) -> int:
    """Open the MedLink window."""
    from medlink.ui.app import run_gui

    return run_gui(settings)


def cmd_init_db(settings: Settings, args: argparse.Namespace) -> int:
    """Create or update the database schema (safe to run again)."""
    with _open_core(settings) as ml:
        applied = ml.init_db()
    where = ml.db.url.redacted()
    if applied:
        print(f"Applied migrations {', '.join(f'{v:03d}' for v in applied)} to {where}.")
    else:
        print(f"The database at {where} is up to date.")
    return 0


COMMANDS: dict[str, tuple[Callable[[Settings, argparse.Namespace], int], str]] = {
    "init-db": (cmd_init_db, "create or update the database schema; safe to run again"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="main.py",
        description="MedLink: find doctors, book appointments, keep your records. "
                    "With no command, opens the window.",
    )
    parser.add_argument("--env-file", help="read settings from this file instead of ./.env")
    sub = parser.add_subparsers(dest="command", metavar="command")
    for name, (_, help_text) in COMMANDS.items():
        sub.add_parser(name, help=help_text, description=help_text)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.load(env_file=args.env_file)
        from medlink.logging_setup import configure_logging

        configure_logging(settings.log_file, settings.log_level)
        handler = COMMANDS[args.command][0] if args.command else cmd_gui
        return handler(settings, args)
    except MedLinkError as exc:
        print(f"MedLink: {exc.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
