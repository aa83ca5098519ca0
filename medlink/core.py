"""MedLink: builds the Database and the services from Settings; the one object the UI holds."""

from __future__ import annotations

from medlink.config import Settings
from medlink.db import Database


class MedLink:
    """The application core. ``MedLink(Settings.load(...))``, then ``init_db()`` once."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = Database(settings.db_url, ssl_ca=settings.db_ssl_ca)

    def init_db(self) -> list[int]:
        """Apply the schema migrations that are missing; returns the versions applied now."""
        from medlink.db.migrations import apply_migrations

        return apply_migrations(self.db)

    def close(self) -> None:
        """Close every database connection."""
        self.db.close()

    def __enter__(self) -> MedLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
