"""Pure validators: each returns the cleaned value or raises ``ValidationError`` naming the field.

The forms call the same functions, so a message shown next to a field is exactly the service's.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

from medlink.errors import ValidationError

GENDERS = ("Female", "Male", "Other", "Prefer not to say")
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_INDIAN_MOBILE = re.compile(r"^(?:\+91|0091|91|0)?([6-9]\d{9})$")
_INTERNATIONAL = re.compile(r"^\+([1-9]\d{6,14})$")
_AMOUNT = re.compile(r"-?[0-9]{1,12}(\.[0-9]{1,6})?")  # plain ASCII digits; no exponent, no "1_000"
_REGISTRATION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/.\- ]{2,49}$")


def _no_controls(text: str, field: str, multiline: bool) -> str:
    allowed = {"\n", "\t"} if multiline else set()
    if any(unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co") and ch not in allowed for ch in text):
        raise ValidationError("Remove the invisible or control characters.", field)
    return text


def text(value: Any, field: str, label: str, *, required: bool = True, max_length: int = 200,
         multiline: bool = False) -> str:
    """A text field: trimmed, no control characters, at most ``max_length`` characters."""
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{label} must be text.", field)
    cleaned = value.strip()
    if multiline:
        cleaned = cleaned.replace("\r\n", "\n").replace("\r", "\n")
    if required and not cleaned:
        raise ValidationError(f"Enter the {label.lower()}.", field)
    if len(cleaned) > max_length:
        raise ValidationError(f"{label} can be at most {max_length} characters.", field)
    return _no_controls(cleaned, field, multiline)


def person_name(value: Any, field: str = "name") -> str:
    name = text(value, field, "Name", max_length=100)
    name = " ".join(name.split())
    if not any(ch.isalpha() for ch in name):
        raise ValidationError("A name needs letters.", field)
    return name


def email(value: Any, field: str = "email") -> str:
    address = text(value, field, "E-mail address", max_length=254)
    if not _EMAIL.match(address) or ".." in address:
        raise ValidationError("Enter an e-mail address such as name@example.com.", field)
    return address.lower()


def phone(value: Any, field: str = "phone") -> str:
    """A 10-digit Indian mobile (with or without +91 / 0) or an international +country number,
    returned in +country form without spaces."""
    raw = text(value, field, "Phone number", max_length=25)
    compact = re.sub(r"[\s\-().]", "", raw)
    indian = _INDIAN_MOBILE.match(compact)
    if indian:
        return "+91" + indian.group(1)
    if _INTERNATIONAL.match(compact) and not compact.startswith("+91"):
        return compact
    raise ValidationError("Enter a 10-digit mobile number (e.g. 98765 43210) or +country code and number.", field)


def parse_date(value: Any, field: str, label: str = "Date") -> dt.date:
    """A ``datetime.date`` or a "YYYY-MM-DD" string that names a real day."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        raise ValidationError(f"{label}: use the form YYYY-MM-DD, e.g. 1990-04-23.", field)
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(f"{label}: that day does not exist.", field) from None


def date_of_birth(value: Any, today: dt.date, field: str = "date_of_birth") -> dt.date:
    born = parse_date(value, field, "Date of birth")
    if born >= today:
        raise ValidationError("The date of birth must be in the past.", field)
    if born.year < today.year - 130:
        raise ValidationError("Check the year of birth.", field)
    return born


def gender(value: Any, field: str = "gender") -> str:
    chosen = text(value, field, "Gender", max_length=20)
    for option in GENDERS:
        if chosen.lower() == option.lower():
            return option
    raise ValidationError(f"Choose one of: {', '.join(GENDERS)}.", field)


def whole_number(value: Any, field: str, label: str, lo: int, hi: int) -> int:
    if isinstance(value, bool):
        raise ValidationError(f"{label} must be a whole number.", field)
    if isinstance(value, str):
        value = value.strip()
        if not re.fullmatch(r"\d{1,6}", value):
            raise ValidationError(f"{label} must be a whole number.", field)
        value = int(value)
    if not isinstance(value, int):
        raise ValidationError(f"{label} must be a whole number.", field)
    if not lo <= value <= hi:
        raise ValidationError(f"{label} must be between {lo} and {hi}.", field)
    return value


def registration_number(value: Any, field: str = "registration_number") -> str:
    number = text(value, field, "Registration number", max_length=50)
    if not _REGISTRATION.match(number):
        raise ValidationError("Use the registration number as issued: letters, digits, / . - only.", field)
    return number.upper()


MAX_AMOUNT = Decimal("10000000")


def money(value: Any, field: str, label: str) -> Decimal:
    """A non-negative amount in rupees with at most two decimals."""
    if isinstance(value, bool) or value is None:
        raise ValidationError(f"{label}: enter an amount such as 500 or 499.50.", field)
    if isinstance(value, str) and not _AMOUNT.fullmatch(value.strip()):
        raise ValidationError(f"{label}: enter an amount such as 500 or 499.50.", field)
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(f"{label}: enter an amount such as 500 or 499.50.", field) from None
    if not amount.is_finite():
        raise ValidationError(f"{label}: enter an amount such as 500 or 499.50.", field)
    if amount < 0:
        raise ValidationError(f"{label} cannot be negative.", field)
    if amount >= MAX_AMOUNT:
        raise ValidationError(f"{label} is too large.", field)
    if amount != amount.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}: use at most two decimals (paise).", field)
    return abs(amount).quantize(Decimal("0.01"))  # abs: "-0" is zero, never "Rs. -0.00" on a receipt


def page(limit: Any, offset: Any, most: int = 500) -> tuple[int, int]:
    """A list page: ``limit`` rows (1 to ``most``) from ``offset`` (0 or more); whole numbers only,
    out-of-range values are brought into range."""
    def number(value: Any, field: str) -> int:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or (
                isinstance(value, str) and not re.fullmatch(r"-?[0-9]{1,9}", value.strip())):
            raise ValidationError("Page numbers must be whole numbers.", field)
        return max(-999_999_999, min(int(value), 999_999_999))  # as the text form: MySQL parses no OFFSET >= 2**64

    return max(1, min(number(limit, "limit"), most)), max(0, number(offset, "offset"))
