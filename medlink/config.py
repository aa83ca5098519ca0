"""Settings: one frozen dataclass, read from the environment and ``.env``.

Precedence, highest first: keyword overrides to ``Settings.load``, the process environment,
the ``.env`` file, the defaults below. Every field has the key ``MEDLINK_<FIELD>``.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from medlink.errors import ValidationError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ENV_PREFIX = "MEDLINK_"
SMTP_SECURITY = ("ssl", "starttls", "none")
MEET_PROVIDERS = ("google-meet", "jitsi", "manual")


def user_data_dir() -> Path:
    """The per-user folder for the embedded database, the log and the key file."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
        return base / "MedLink"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "MedLink"
    base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "medlink"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    db_url: str
    db_ssl_ca: str | None
    records_dir: Path
    outbox_dir: Path
    data_key: str | None
    smtp_host: str | None
    smtp_port: int | None
    smtp_user: str | None
    smtp_password: str | None
    smtp_security: str
    smtp_ca_file: str | None
    smtp_timeout: int
    mail_from: str
    meet_provider: str
    gst_rate: Decimal
    default_consultation_fee: Decimal
    default_lab_test_fee: Decimal
    default_medication_fee: Decimal
    default_other_fees: Decimal
    idle_logoff_minutes: int
    max_failed_logins: int
    lockout_minutes: int
    max_upload_mb: int
    clinic_name: str
    clinic_address: str
    log_level: str

    @classmethod
    def load(cls, env_file: str | os.PathLike[str] | None = None, **overrides: Any) -> Settings:
        """Read settings; ``overrides`` (field names) win over the environment and ``.env``."""
        unknown = set(overrides) - {f.name for f in dataclasses.fields(cls)}
        if unknown:
            raise TypeError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        raw = _read_env_file(env_file)
        raw.update({k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIX)})

        def get(name: str) -> Any:
            if name in overrides:
                return overrides[name]
            value = raw.get(ENV_PREFIX + name.upper())
            return None if value is None or str(value).strip() == "" else str(value).strip()

        data_dir = Path(get("data_dir") or user_data_dir()).expanduser()
        db_url = get("db_url") or f"sqlite:///{data_dir / 'medlink.db'}"
        return cls(
            data_dir=data_dir,
            db_url=db_url,
            db_ssl_ca=get("db_ssl_ca"),
            records_dir=Path(get("records_dir") or PROJECT_ROOT / "medical_records").expanduser(),
            outbox_dir=Path(get("outbox_dir") or _beside_database(db_url, data_dir) / "outbox"),
            data_key=get("data_key"),
            smtp_host=get("smtp_host"),
            smtp_port=_int(get("smtp_port"), "smtp_port", None, lo=1, hi=65535),
            smtp_user=get("smtp_user"),
            smtp_password=get("smtp_password"),
            smtp_security=_choice(get("smtp_security") or "starttls", "smtp_security", SMTP_SECURITY),
            smtp_ca_file=get("smtp_ca_file"),
            smtp_timeout=_int(get("smtp_timeout"), "smtp_timeout", 20, lo=1, hi=300),
            mail_from=get("mail_from") or "MedLink <no-reply@localhost>",
            meet_provider=_choice(get("meet_provider") or "google-meet", "meet_provider", MEET_PROVIDERS),
            gst_rate=_money(get("gst_rate"), "gst_rate", "18"),
            default_consultation_fee=_money(get("default_consultation_fee"), "default_consultation_fee",
                                            "500"),
            default_lab_test_fee=_money(get("default_lab_test_fee"), "default_lab_test_fee", "0"),
            default_medication_fee=_money(get("default_medication_fee"), "default_medication_fee", "0"),
            default_other_fees=_money(get("default_other_fees"), "default_other_fees", "0"),
            idle_logoff_minutes=_int(get("idle_logoff_minutes"), "idle_logoff_minutes", 15, lo=1),
            max_failed_logins=_int(get("max_failed_logins"), "max_failed_logins", 5, lo=1),
            lockout_minutes=_int(get("lockout_minutes"), "lockout_minutes", 15, lo=1),
            max_upload_mb=_int(get("max_upload_mb"), "max_upload_mb", 10, lo=1, hi=1024),
            clinic_name=get("clinic_name") or "MedLink Clinic",
            clinic_address=get("clinic_address") or "",
            log_level=(get("log_level") or "INFO").upper(),
        )

    @property
    def log_file(self) -> Path:
        return self.data_dir / "medlink.log"


def _read_env_file(env_file: str | os.PathLike[str] | None) -> dict[str, str]:
    path = Path(env_file) if env_file is not None else Path.cwd() / ".env"
    if not path.is_file():
        return {}
    from dotenv import dotenv_values

    return {k: v for k, v in dotenv_values(path).items() if v is not None}


def _beside_database(db_url: str, data_dir: Path) -> Path:
    if db_url.startswith("sqlite:///") and db_url != "sqlite:///:memory:":
        return Path(db_url[len("sqlite:///"):]).expanduser().parent
    return data_dir


def _int(value: Any, name: str, default: int | None,
         lo: int | None = None, hi: int | None = None) -> int | None:
    if value is None:
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"Setting {ENV_PREFIX}{name.upper()} must be a whole number.", name) from None
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        raise ValidationError(f"Setting {ENV_PREFIX}{name.upper()} is out of range.", name)
    return number


def _money(value: Any, name: str, default: str) -> Decimal:
    try:
        amount = Decimal(str(default if value is None else value))
    except InvalidOperation:
        raise ValidationError(f"Setting {ENV_PREFIX}{name.upper()} must be an amount such as 18 or 500.00.",
                              name) from None
    if not amount.is_finite() or amount < 0 or amount > Decimal("10000000"):
        raise ValidationError(f"Setting {ENV_PREFIX}{name.upper()} must be a non-negative amount.", name)
    return amount


def _choice(value: str, name: str, allowed: tuple[str, ...]) -> str:
    value = value.lower()
    if value not in allowed:
        raise ValidationError(f"Setting {ENV_PREFIX}{name.upper()} must be one of: {', '.join(allowed)}.",
                              name)
    return value
