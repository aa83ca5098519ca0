"""MedLink entry point: the GUI by default, and the administrator's sub-commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING

from medlink.config import Settings
from medlink.errors import MedLinkError

if TYPE_CHECKING:
    import argparse


def _open_core(settings: Settings):  # noqa: ANN202 - imported lazily to keep start-up fast
    from medlink.core import MedLink

    return MedLink(settings)


def cmd_gui(settings: Settings, args: argparse.Namespace) -> int:
    """Open the MedLink window. The embedded database is created or upgraded on the way; a MySQL
    server is set up by its administrator with init-db (the application account has no DDL)."""
    from medlink.ui.app import run

    with _open_core(settings) as ml:
        if ml.db.backend == "sqlite":
            ml.init_db()
        if os.environ.get(STARTUP_PROBE):
            _run_with_startup_probe(ml)
        else:
            run(ml)
    return 0


STARTUP_PROBE = "MEDLINK_BENCH_STARTUP"  # bench/startup.py sets it to the time.time() it started us at


def _run_with_startup_probe(ml) -> None:  # noqa: ANN001 - a MedLink
    """For ``make bench`` only: open the window as ``run`` does; once it is drawn and idle, print a
    JSON line (milliseconds since MEDLINK_BENCH_STARTUP, the modules loaded, whether the chatbot's
    data was read), then close after MEDLINK_BENCH_HOLD_MS (default 0)."""
    import json
    import time

    from medlink.ui.app import MedLinkApp

    started = float(os.environ[STARTUP_PROBE])
    app = MedLinkApp(ml)

    def report() -> None:
        elapsed_ms = (time.time() - started) * 1000
        chat = sys.modules.get("medlink.services.chatbot")
        kb_read = bool(chat and chat.load_knowledge_base.cache_info().currsize)
        print(json.dumps({"ms": elapsed_ms, "modules": sorted(sys.modules), "chatbot_kb_read": kb_read}), flush=True)
        app.after(int(os.environ.get("MEDLINK_BENCH_HOLD_MS", "0")), app.destroy)

    app.wait_visibility()
    app.after_idle(report)
    app.mainloop()


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


def read_new_password(prompt: str = "Password: ") -> str:
    """Read a password from the terminal without echo, or one line from standard input."""
    if sys.stdin.isatty():
        import getpass

        first = getpass.getpass(prompt)
        if getpass.getpass("Repeat the password: ") != first:
            raise SystemExit("MedLink: the passwords differ; nothing was created.")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def cmd_create_admin(settings: Settings, args: argparse.Namespace) -> int:
    """Create an administrator; the password is read with getpass or from standard input."""
    with _open_core(settings) as ml:
        ml.init_db()
        admin_id = ml.auth.create_admin(username=args.username, password=read_new_password())
    print(f"Administrator '{args.username}' created (id {admin_id}).")
    return 0


def cmd_verify_audit(settings: Settings, args: argparse.Namespace) -> int:
    """Check the audit trail's hash chain; exit status 1 if a row was tampered with."""
    with _open_core(settings) as ml:
        check = ml.audit.verify()
    print(check.describe())
    return 0 if check.ok else 1


def cmd_seed_demo(settings: Settings, args: argparse.Namespace) -> int:
    """Fill an empty database with demo doctors, patients and an administrator."""
    from medlink.seed import is_empty, seed_demo

    with _open_core(settings) as ml:
        if ml.db.backend == "mysql" and not args.force:
            print("MedLink: seed-demo adds accounts with a published password. On a shared MySQL server, "
                  "add --force if you really mean it.", file=sys.stderr)
            return 2
        ml.init_db()
        if not is_empty(ml):
            if args.if_empty:
                print("The database already has doctors; demo data not added.")
                return 0
            print("MedLink: the database already has doctors; seed-demo needs an empty one.", file=sys.stderr)
            return 2
        logins = seed_demo(ml)
    print("Demo data added. Every demo account's password is:", logins.password)
    print(f"  administrator: {logins.admin}  (Ctrl+Shift+A on the welcome screen)")
    print(f"  patients:      {', '.join(logins.patients)}")
    print(f"  doctors:       {logins.doctors[0]} ... {logins.doctors[-1]}")
    print(f"  awaiting verification: {logins.pending_doctor}")
    return 0


def cmd_send_mail(settings: Settings, args: argparse.Namespace) -> int:
    """Send the e-mail outbox once (reminders included), as the app's background worker does."""
    with _open_core(settings) as ml:
        report = ml.mailer.send_due()
    print(f"{report.sent} sent, {report.retrying} to retry later, {report.failed} failed.")
    return 0


COMMANDS: dict[str, tuple[Callable[[Settings, argparse.Namespace], int], str]] = {
    "init-db": (cmd_init_db, "create or update the database schema; safe to run again"),
    "create-admin": (cmd_create_admin, "create an administrator (password asked, never on the command line)"),
    "seed-demo": (cmd_seed_demo, "add demo doctors, patients and an administrator to an empty database"),
    "send-mail": (cmd_send_mail, "send the e-mail outbox now (the window does this in the background)"),
    "verify-audit": (cmd_verify_audit, "check the audit trail's hash chain and report the first tampered row"),
}


def build_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog="main.py",
        description="MedLink: find doctors, book appointments, keep your records. "
                    "With no command, opens the window.",
    )
    parser.add_argument("--env-file", help="read settings from this file instead of ./.env")
    sub = parser.add_subparsers(dest="command", metavar="command")
    parsers = {name: sub.add_parser(name, help=help_text, description=help_text)
               for name, (_, help_text) in COMMANDS.items()}
    parsers["create-admin"].add_argument("--username", required=True, help="the administrator's login name")
    parsers["seed-demo"].add_argument("--if-empty", action="store_true",
                                      help="do nothing (and succeed) if the database already has doctors")
    parsers["seed-demo"].add_argument("--force", action="store_true", help="allow seeding a MySQL server")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; with nothing on it (the window), without argparse and its imports, which
    cost about 6 ms of every start."""
    if not (sys.argv[1:] if argv is None else argv):
        return SimpleNamespace(env_file=None, command=None)  # type: ignore[return-value]
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
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
