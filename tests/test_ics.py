"""iCalendar invitations (issue 6): RFC 5545 lines (CRLF, folded at 75 octets, escaped text), one
VEVENT with a stable UID, SEQUENCE, METHOD REQUEST/CANCEL and STATUS.

``parse_ics`` is shared with the mail tests: it checks the raw bytes and returns the properties.
"""

from __future__ import annotations

import datetime as dt
import random

import pytest

from medlink.services.ics import appointment_uid, escape, fold, invitation

STAMP = dt.datetime(2026, 11, 30, 3, 0)
START = dt.datetime(2026, 12, 7, 10, 0)


def unfold(text: str) -> list[str]:
    """RFC 5545 3.1: a CRLF followed by one space or tab continues the previous line."""
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def parse_ics(raw: bytes | str) -> dict[str, str]:
    """Check a VCALENDAR with one VEVENT line by line; return its properties as {NAME: value}
    (parameters dropped; VCALENDAR and VEVENT properties in one dict, METHOD included)."""
    data = raw.encode() if isinstance(raw, str) else raw
    assert data.endswith(b"\r\n"), "the last line must end with CRLF"
    assert b"\n" not in data.replace(b"\r\n", b""), "every line must end with CRLF, not a bare LF"
    assert b"\r" not in data.replace(b"\r\n", b""), "no bare CR"
    for physical in data.split(b"\r\n")[:-1]:
        assert len(physical) <= 75, f"line longer than 75 octets: {physical!r}"
        assert physical, "no empty lines"
    lines = unfold(data.decode("utf-8"))
    assert lines[-1] == ""
    lines = lines[:-1]
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == 1 and lines.count("END:VEVENT") == 1
    assert lines.index("BEGIN:VEVENT") < lines.index("END:VEVENT")
    props: dict[str, str] = {}
    for line in lines:
        name_and_params, sep, value = line.partition(":")
        assert sep, f"not a content line: {line!r}"
        name = name_and_params.split(";")[0].upper()
        if name in ("BEGIN", "END"):
            continue
        assert name not in props, f"{name} given twice"
        props[name] = value
    for required in ("VERSION", "PRODID", "METHOD", "UID", "DTSTAMP", "DTSTART", "SEQUENCE", "STATUS"):
        assert required in props, f"{required} missing"
    assert props["VERSION"] == "2.0"
    assert int(props["SEQUENCE"]) >= 0
    return props


def unescape(text: str) -> str:
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            out.append("\n" if nxt in "nN" else nxt)
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def make(**overrides: object) -> str:
    values: dict[str, object] = dict(
        uid="medlink-appointment-7-abc@medlink", sequence=0, method="REQUEST", start=START, minutes=15,
        summary="Appointment with Dr. Kavya Menon", location="44 Jayanagar 4th Block, Bengaluru",
        description="ENT Specialist, Sagar Hospitals. Booked through MedLink.", organizer="clinic@medlink.test",
        attendee="ravi@example.org", stamp=STAMP)
    values.update(overrides)
    return invitation(**values)  # type: ignore[arg-type]


def test_a_request_is_a_valid_calendar_with_the_slot() -> None:
    text = make()
    props = parse_ics(text)
    assert props["METHOD"] == "REQUEST"
    assert props["STATUS"] == "CONFIRMED"
    assert props["UID"] == "medlink-appointment-7-abc@medlink"
    assert props["SEQUENCE"] == "0"
    assert props["DTSTART"] == "20261207T100000"
    assert props["DTEND"] == "20261207T101500"
    assert props["DTSTAMP"] == "20261130T030000Z"
    assert props["ORGANIZER"] == "mailto:clinic@medlink.test"
    assert props["ATTENDEE"] == "mailto:ravi@example.org"
    assert unescape(props["LOCATION"]) == "44 Jayanagar 4th Block, Bengaluru"
    assert unescape(props["SUMMARY"]) == "Appointment with Dr. Kavya Menon"


def test_a_cancel_says_cancelled() -> None:
    props = parse_ics(make(method="CANCEL", sequence=5))
    assert (props["METHOD"], props["STATUS"], props["SEQUENCE"]) == ("CANCEL", "CANCELLED", "5")


def test_the_end_follows_the_slot_length_across_midnight() -> None:
    props = parse_ics(make(start=dt.datetime(2026, 12, 31, 23, 45), minutes=30))
    assert (props["DTSTART"], props["DTEND"]) == ("20261231T234500", "20270101T001500")


@pytest.mark.parametrize("text", [
    "a,b;c\\d", "line one\nline two", "crlf\r\nnext", "plain", "",
])
def test_escape_round_trips(text: str) -> None:
    escaped = escape(text)
    assert "\n" not in escaped and "\r" not in escaped
    for special in ",;":
        assert escaped.count(special) == escaped.count("\\" + special)
    assert unescape(escaped) == text.replace("\r\n", "\n")


def test_special_characters_in_values_are_escaped_and_the_calendar_stays_valid() -> None:
    location = "Ward 3; Block B, 2nd floor\nMG Road, Bengaluru"
    summary = "Appointment with Dr. Ñuñez, Jr.; ENT"
    props = parse_ics(make(location=location, summary=summary))
    assert unescape(props["LOCATION"]) == location
    assert unescape(props["SUMMARY"]) == summary


def test_long_values_fold_at_75_octets_even_with_multibyte_characters() -> None:
    hospital = "श्री सत्य साईं इंस्टीट्यूट ऑफ़ हायर मेडिकल साइंसेज़, व्हाइटफ़ील्ड, बेंगलुरु — " * 3
    text = make(location=hospital, summary="Appointment with Dr. Ananya Raghunathan-Subramaniam " * 4)
    props = parse_ics(text)  # asserts every physical line <= 75 octets
    assert unescape(props["LOCATION"]) == hospital
    text.encode("utf-8").decode("utf-8")  # no character was cut in half


@pytest.mark.parametrize("length", [1, 74, 75, 76, 149, 150, 151, 400])
def test_fold_keeps_every_line_within_75_octets_and_unfolds_to_the_original(length: int) -> None:
    rng = random.Random(length)
    alphabet = "abcdefghij KLMNOP,;é€😀ह"
    line = "DESCRIPTION:" + "".join(rng.choice(alphabet) for _ in range(length))
    folded = fold(line)
    physical = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in physical)
    assert all(p.startswith(" ") for p in physical[1:])
    assert unfold(folded + "\r\n") == [line, ""]


def test_a_short_line_is_not_folded() -> None:
    assert fold("UID:x") == "UID:x"
    assert fold("X" * 75) == "X" * 75
    assert fold("X" * 76) == "X" * 75 + "\r\n X"


def test_the_uid_is_stable_per_appointment_and_differs_between_them() -> None:
    created = dt.datetime(2026, 11, 30, 3, 0, 12)
    first = appointment_uid(7, created)
    assert first == appointment_uid(7, created)
    assert first != appointment_uid(8, created)
    assert first != appointment_uid(7, created + dt.timedelta(seconds=1))  # another database's appointment 7
    assert first.endswith("@medlink") and " " not in first
