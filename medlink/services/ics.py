"""iCalendar invitations (RFC 5545) for appointments: a stable UID per appointment, a SEQUENCE that
grows with each change, METHOD REQUEST for a booking or a move and CANCEL for a cancellation."""

from __future__ import annotations

import datetime as dt
import hashlib


def escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n"))


def fold(line: str) -> str:
    """Fold a content line at 75 octets, as RFC 5545 asks."""
    if len(line) <= 75 and line.isascii():  # most lines: one octet a character, short enough already
        return line
    out, current = [], b""
    for ch in line:
        encoded = ch.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def appointment_uid(appointment_id: int, created_at: dt.datetime) -> str:
    """The same for every message about one appointment, different across databases."""
    seed = hashlib.sha256(f"{appointment_id}|{created_at:%Y%m%d%H%M%S}".encode()).hexdigest()[:16]
    return f"medlink-appointment-{appointment_id}-{seed}@medlink"


def invitation(*, uid: str, sequence: int, method: str, start: dt.datetime, minutes: int, summary: str,
               location: str, description: str, organizer: str, attendee: str, stamp: dt.datetime) -> str:
    """A VCALENDAR with one VEVENT in the clinic's local (floating) time."""
    fmt = "%Y%m%dT%H%M%S"
    status = "CANCELLED" if method == "CANCEL" else "CONFIRMED"
    lines = [
        "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//MedLink//Appointments//EN", "CALSCALE:GREGORIAN",
        f"METHOD:{method}", "BEGIN:VEVENT", f"UID:{uid}", f"SEQUENCE:{sequence}", f"DTSTAMP:{stamp:{fmt}}Z",
        f"DTSTART:{start:{fmt}}", f"DTEND:{start + dt.timedelta(minutes=minutes):{fmt}}",
        f"SUMMARY:{escape(summary)}", f"LOCATION:{escape(location)}", f"DESCRIPTION:{escape(description)}",
        f"ORGANIZER:mailto:{organizer}", f"ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{attendee}", f"STATUS:{status}",
        "END:VEVENT", "END:VCALENDAR",
    ]
    return "\r\n".join(fold(line) for line in lines) + "\r\n"
