"""Parse ``MEDLINK_DB_URL``: ``sqlite:///path/file.db`` or ``mysql://user:pw@host:3306/name``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from medlink.errors import ValidationError

_MYSQL_SCHEMES = ("mysql", "mariadb", "mysql+mysqlconnector")


@dataclass(frozen=True)
class DatabaseURL:
    backend: str  # "sqlite" | "mysql"
    path: str = ""  # SQLite file, or ":memory:"
    host: str = ""
    port: int = 3306
    user: str = ""
    password: str = ""
    database: str = ""
    options: tuple[tuple[str, str], ...] = ()

    def redacted(self) -> str:
        """The URL without its password, for logs and messages."""
        if self.backend == "sqlite":
            return f"sqlite:///{self.path}"
        return f"mysql://{self.user}:***@{self.host}:{self.port}/{self.database}"


def parse_url(url: str) -> DatabaseURL:
    """Split a database URL into its parts; a bad URL is a ``ValidationError`` naming db_url."""
    if url.startswith("sqlite://"):
        path = url[len("sqlite:///"):] if url.startswith("sqlite:///") else ""
        if not path:
            raise ValidationError("The SQLite URL needs a file: sqlite:///path/to/medlink.db", "db_url")
        if path != ":memory:":
            path = str(Path(path).expanduser())
        return DatabaseURL(backend="sqlite", path=path)
    parts = urlsplit(url)
    if parts.scheme not in _MYSQL_SCHEMES:
        raise ValidationError("The database URL must start with sqlite:/// or mysql://", "db_url")
    database = parts.path.lstrip("/")
    if not parts.hostname or not database:
        raise ValidationError("The MySQL URL needs a host and a database: mysql://user:pw@host:3306/medlink",
                              "db_url")
    try:
        port = parts.port or 3306
    except ValueError:
        raise ValidationError("The port in the database URL is not a number.", "db_url") from None
    options = tuple((k, v[-1]) for k, v in parse_qs(parts.query).items())
    return DatabaseURL(
        backend="mysql",
        host=parts.hostname,
        port=port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        database=unquote(database),
        options=options,
    )
