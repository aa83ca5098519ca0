"""Hostile input (issue 8, point 7): hypothesis drives every service entry point that takes input.

Each entry point gets examples built from a valid call with one to three of its arguments replaced by
something hostile: SQL injection strings, control characters (NUL, ESC, DEL), RTL and zero-width marks,
emoji, combining characters, lone surrogates, 100,000-character text, odd dates ("0000-00-00",
"9999-12-31", "2026-02-29", full-width digits, date.max), odd times ("24:00", "9:5", Arabic-Indic
digits), odd amounts ("NaN", "-0", "1e308", Decimal("Infinity"), 10**30), odd ids (2**63, -1, True,
"1 OR 1=1"), odd types (None, lists, dicts, sets, bytes, floats, bools), odd files (missing, a
directory, a FIFO, /dev/zero, a symlink loop, a 300-character name, a NUL in the path, a file over the
size cap, a PDF named with an RTL override and a newline) and sessions that are forged, logged out or
of the wrong role.

What must hold for every example:
- only ``medlink.errors.MedLinkError`` kinds come out (anything else fails the test with the input);
- when one does, nothing changed: the row count of every table and a SHA-256 over the contents of every
  table but the audit trail's are the same before and after. The audit trail may grow only by the rows
  that record a refusal (outcome ``denied``), or for a login its ``failed``/``locked``/``lockout`` rows,
  or for a password change its ``failed`` row; a login may also move the account's failure counter, so
  for logins ``failed_logins`` and ``locked_until`` are left out of the checksum. A ``PermissionDenied``
  must have written exactly one ``denied`` row (booking an unverified doctor aside: see ``UNVERIFIED``);
- the message a person would read names no SQL, driver or trace;
- and after each entry point's run, the audit chain still verifies.

SQLite gets ``EXAMPLES["sqlite"]`` examples per entry point, MariaDB a smaller sweep. The examples are
derandomized (the same on every run); set ``MEDLINK_TEST_HOSTILE_EXAMPLES=<n>`` to run n per entry point and
``MEDLINK_TEST_HOSTILE_RANDOM=1`` to explore new ones.
"""

from __future__ import annotations

import datetime as dt
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medlink.errors import AccountLocked, AuthError, MedLinkError, NotFound, PermissionDenied, ValidationError
from medlink.services.session import Session
from tests.services_fixtures import PASSWORD, unique
from tests.test_access_matrix import BACKENDS, World, audit_since, last_audit_id, open_world, snapshot
from tests.test_appointments import WEEKDAYS

EXAMPLES = {"sqlite": 40, "mysql": 12}
if os.environ.get("MEDLINK_TEST_HOSTILE_EXAMPLES"):
    EXAMPLES = dict.fromkeys(EXAMPLES, int(os.environ["MEDLINK_TEST_HOSTILE_EXAMPLES"]))
RANDOM = bool(os.environ.get("MEDLINK_TEST_HOSTILE_RANDOM"))
LOGIN_COLUMNS = {t: ("failed_logins", "locked_until") for t in ("patient_info", "doctor_info", "admins")}
# Booking a doctor who is not (or no longer) verified is refused for the doctor's state, not the caller's
# rights; that refusal is not an access decision and writes no audit row.
UNVERIFIED = "This doctor has not been verified yet and cannot be booked."
LEAKS = ("traceback", "sqlite3", "mysql.connector", "select ", "insert into", "update ", "error binding",
         "syntax error", "programmingerror", "operationalerror", "errno")

# -- the hostile values ---------------------------------------------------------------------------------------
TEXTS = [
    "' OR '1'='1", "'; DROP TABLE patient_info; --", "\" OR \"\"=\"", "1; SELECT SLEEP(5)", "admin'--",
    "') UNION SELECT password_hash FROM admins --", "%", "%%", "_", "\\", "\\'", "?", "%s", "{0}", "${jndi:ldap://x/a}",
    "<script>alert(1)</script>", "../../etc/passwd", "NUL\x00byte", "\x00", "line\nbreak", "tab\there", "\r\n",
    "\x1b[31mred", "\x7f", "\u202eRTL override", "\u200f\u200e", "\u200b", "\ufeff", "\u2028", "👩🏽‍⚕️🩺",
    "e\u0301" * 60, "Z̷̢͙a̸l̶g̵o̴", "\ud800", "\udfff lone", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "İstanbul ß ﬁ", "１２３４５", "٠١٢٣",
    "A" * 100_000, "😀" * 5000, " " * 300, "", "   ", "NULL", "None", "true", "-1", "1e308", "NaN",
]
ODD = [None, True, False, 0, -1, 1, 2**31, 2**63, 2**64, -(2**63) - 1, 10**30, 1.5, -0.0, float("nan"),
       float("inf"), 1e308, Decimal("Infinity"), Decimal("NaN"), Decimal("sNaN"), Decimal("-0"), Decimal("1e308"),
       [], [1, 2], ["x"], {}, {"a": 1}, (), set(), b"bytes", bytearray(b"\x00"), object(), dt.date.min,
       dt.date.max, dt.datetime.max, dt.time.max, dt.timedelta(days=1), Path("/")]
DATES = ["0000-00-00", "9999-12-31", "2026-02-29", "2028-02-29", "2026-12-08", "2026-12-07", "2026-13-01",
         "2026-12-32", "1900-01-01", "0001-01-01", "２０２６-１２-０８", "٢٠٢٦-١٢-٠٨", "2026-12-08T10:00",
         " 2026-12-08 ", "2026-12-08\x00", "08/12/2026", "2026-W50-2", "+2026-12-08", dt.date(2026, 12, 8),
         dt.date.min, dt.date.max, dt.datetime(2026, 12, 8, 10, 0, tzinfo=dt.UTC), dt.datetime.max]
TIMES = ["10:00", "10:15", "09:07", "24:00", "23:60", "-01:00", "9:5", "09:00:00", "10:00 ", "١٠:٠٠", "１０:００",
         "10:00\n", "10.00", "10h00", "", dt.time(10, 0), dt.time(10, 0, 1), dt.time(10, 0, tzinfo=dt.UTC),
         dt.time.max, dt.time.min]
AMOUNTS = ["500", "499.50", "0", "-0", "NaN", "-NaN", "sNaN", "Infinity", "-Infinity", "1e308", "1E+308", "-1",
           "0.001", "1e-400", " 500 ", "500.", ".5", "१००", "1_000", "0x10", "5,00", "9999999.99", "10000000",
           "9" * 400, Decimal("Infinity"), Decimal("NaN"), Decimal("-0"), Decimal("1e308"), Decimal("9999999.99"),
           1e308, float("nan"), float("inf"), -0.0, 0.1 + 0.2, 10**30, 250, 2.5]
ODD_IDS = [0, -1, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 2**64, 10**30, -(2**63) - 1, True, 1.0, "1", " 1",
           "1 OR 1=1", None, [1], {1}, Decimal(1)]
LINKS = ["https://meet.google.com/abc-defg-hij", "https://meet.jit.si/MedLink-room", "javascript:alert(1)",
         "http://meet.google.com/abc-defg-hij", "https://[::1", "https://", "https://a b.example/",
         "https://example.org/\x00", "https://" + "a" * 600 + ".example", "https://meet.google.com/abc-defg-hij?x=<b>",
         "file:///etc/passwd", "https://xn--80ak6aa92e.com/", "https://例え.jp/会議", "https://user:pw@host:99999/"]

WEIRD_TEXT = st.one_of(
    st.sampled_from(TEXTS),
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc", "Cf", "Cs", "Co", "Mn", "Me", "Zl", "Zp", "So"]), max_size=20),
)
HOSTILE = st.one_of(
    WEIRD_TEXT,
    st.sampled_from(ODD),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.binary(max_size=8),
    st.lists(st.integers(-3, 3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def some(specific: list[Any] | None = None) -> st.SearchStrategy[Any]:
    """One of the field's own odd values, or anything hostile."""
    return st.one_of(st.sampled_from(specific), HOSTILE) if specific else HOSTILE


def corrupt(valid: Callable[[], dict[str, Any]], options: dict[str, st.SearchStrategy[Any]],
            most: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """A valid set of arguments with one to ``most`` of them replaced from ``options``."""
    keys = st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=most, unique=True)
    return keys.flatmap(lambda ks: st.fixed_dictionaries({k: options[k] for k in ks})).map(
        lambda changed: {**valid(), **changed})


def ids(*real: int) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(real), st.sampled_from(ODD_IDS), HOSTILE)


def sessions(w: World, *good: Session) -> st.SearchStrategy[Any]:
    """Mostly the rightful session; sometimes another person's, a logged-out or forged one, or not one."""
    forged = [Session("admin", w.admin.user_id, "Forged"), Session(w.p1.role, w.p1.user_id, w.p1.name)]
    wrong = [w.p2, w.d2, w.admin, *w.logged_out.values(), *forged, None, "admin", {"role": "admin", "user_id": 1}]
    return st.one_of(st.sampled_from(good), st.sampled_from(good), st.sampled_from(wrong))


def odd_files(tmp: Path, pdf: Path) -> list[Any]:
    """Paths a file dialog (or an attacker) could hand to upload."""
    folder = tmp / "odd-files"
    if not folder.exists():
        folder.mkdir()
        (folder / "empty.pdf").write_bytes(b"")
        (folder / "notes.txt").write_text("not a PDF")
        (folder / "fake.pdf").write_bytes(b"MZ\x90\x00 an executable with a .pdf name")
        big = folder / "big.pdf"
        with big.open("wb") as handle:
            handle.write(b"%PDF-1.4\n")
            handle.truncate(11 * 1024 * 1024)  # over the 10 MB cap, sparse
        os.mkfifo(folder / "fifo.pdf")
        (folder / "loop-a").symlink_to(folder / "loop-b")
        (folder / "loop-b").symlink_to(folder / "loop-a")
        (folder / "dangling.pdf").symlink_to(folder / "missing.pdf")
        (folder / "dir.pdf").mkdir()
        odd_name = folder / "\u202efdp.exe\n😀 report.pdf"
        odd_name.write_bytes(pdf.read_bytes())
        sock = socket.socket(socket.AF_UNIX)
        sock.bind(str(folder / "socket.pdf"))
        sock.close()
    names = ["empty.pdf", "notes.txt", "fake.pdf", "big.pdf", "fifo.pdf", "loop-a", "dangling.pdf", "dir.pdf",
             "\u202efdp.exe\n😀 report.pdf", "socket.pdf", "missing.pdf", "a" * 300 + ".pdf"]
    return [pdf, str(pdf), *(folder / n for n in names), *(str(folder / n) for n in names[:3]),
            str(folder) + "/x\x00.pdf", str(folder / "\udcff.pdf"), "\ud800.pdf", "x" * 5000, "", ".", "..", "/",
            "/dev/null", "/dev/zero", "/proc/self/mem", "/etc/passwd", "~", "C:\\Windows\\system.ini",
            bytes(pdf), 0, 3, None, (), [str(pdf)]]


# -- the entry points -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Entry:
    name: str
    args: Callable[[World], st.SearchStrategy[dict[str, Any]]]
    call: Callable[[World, dict[str, Any]], Any]
    audit_on_error: frozenset[str] = frozenset({"denied"})
    ignore: dict[str, tuple[str, ...]] | None = None


def patient_form() -> dict[str, Any]:
    return dict(name="Asha Rao", email=f"{unique('hostile')}@example.org", phone="98450 12345", password=PASSWORD,
                date_of_birth="1990-05-17", gender="Female", address="12 MG Road", medical_history="None.")


def doctor_form() -> dict[str, Any]:
    return dict(name="Dr. Vikram Iyer", email=f"{unique('hostile-dr')}@example.org", phone="+91 98450 67890",
                password=PASSWORD, qualifications="MBBS, MD", specialty="General Physician",
                hospital="City Care Hospital", city="Bengaluru", experience_years=12,
                registration_number=unique("HOSTILE-"), bio="", hospital_address="1 Residency Road")


PATIENT_FIELDS = {
    "name": some(), "email": some(["a@b", "x@example", "a..b@example.org", "ASHA@EXAMPLE.ORG", "a@-x.org",
                                   "a@b.c\n", "a b@example.org"]),
    "phone": some(["+91 98450 12345", "+1 202 555 0123", "0000000000", "+９１ ９８４５０ １２３４５", "98450-12345x"]),
    "password": some(["password", "12345678", "\ud800" * 10, "x" * 129, "ä" * 8, "\x00" * 8, "Correct horse"]),
    "date_of_birth": some(DATES), "gender": some(["female", "FEMALE", " Other ", "Unknown", "Prefer not to say"]),
    "address": some(), "medical_history": some(),
}
DOCTOR_FIELDS = {
    "name": some(), "email": PATIENT_FIELDS["email"], "phone": PATIENT_FIELDS["phone"],
    "password": PATIENT_FIELDS["password"], "qualifications": some(), "specialty": some(), "hospital": some(),
    "city": some(), "experience_years": some([-1, 71, "12", "１２", "٣", 1e3, "12.0", 2**70, 12.0]),
    "registration_number": some(["KMC 123", "../etc", "A" * 51, "-12345", "kmc/12.3-4"]), "bio": some(),
    "hospital_address": some(),
}
RANGES = [WEEKDAYS, [], [(0, "09:00", "09:00")], [(7, "09:00", "10:00")], [(0, "13:00", "09:00")],
          [(0, "09:00", "11:00"), (0, "10:00", "12:00")], [(0, "09:00", "10:00")] * 71, "Mon 9-5", None,
          [[0, "09:00", "10:00"]], [(True, "09:00", "10:00")], [(0, dt.time(9), dt.time(10))], [(0, "09:00", "24:00")],
          [(0, "09:00")], [(-1, "09:00", "10:00")], {0: ("09:00", "10:00")}]
SLOTS = [f"{9 + i // 4:02d}:{i % 4 * 15:02d}" for i in range(16)]
DAYS = [dt.date(2026, 12, 1) + dt.timedelta(days=n) for n in range(14) if (dt.date(2026, 12, 1)
                                                                           + dt.timedelta(days=n)).weekday() < 5]


def entries() -> list[Entry]:
    def book_args(w: World) -> st.SearchStrategy[dict[str, Any]]:
        def valid() -> dict[str, Any]:
            return dict(session=w.p1, doctor_id=w.d1.user_id, date=DAYS[0], time=SLOTS[0], mode="online",
                        reason="Fever", idempotency_key=None)

        return st.tuples(st.sampled_from(DAYS), st.sampled_from(SLOTS)).flatmap(lambda slot: corrupt(
            lambda: {**valid(), "date": slot[0], "time": slot[1]},
            {"session": sessions(w, w.p1), "doctor_id": ids(w.d1.user_id, w.d2.user_id, w.d3, w.p1.user_id),
             "date": some(DATES), "time": some(TIMES), "mode": some(["ONLINE", "", "video", "offline "]),
             "reason": some(),
             "idempotency_key": some(["", "k" * 64, "k" * 65, "req-world-0001", "\x00", "' OR 1=1"])}))

    def appointment_ids(w: World) -> st.SearchStrategy[Any]:
        return ids(w.appt, w.appt_today, w.appt_p2)

    def fees(w: World) -> st.SearchStrategy[dict[str, Any]]:
        return corrupt(lambda: dict(consultation="500", lab_test="0", medication="0", other="0"),
                       dict.fromkeys(("consultation", "lab_test", "medication", "other"), some(AMOUNTS)))

    def args(**fields: st.SearchStrategy[Any]) -> Callable[[World], st.SearchStrategy[dict[str, Any]]]:
        return lambda w: st.fixed_dictionaries(fields)

    return [
        Entry("auth.register_patient", lambda w: corrupt(patient_form, PATIENT_FIELDS),
              lambda w, a: w.ml.auth.register_patient(**a)),
        Entry("auth.register_doctor", lambda w: corrupt(doctor_form, DOCTOR_FIELDS),
              lambda w, a: w.ml.auth.register_doctor(**a)),
        Entry("auth.login", lambda w: corrupt(
            lambda: dict(role="patient", login=w.email_of(w.p2), password=PASSWORD),
            {"role": some(["patient", "doctor", "admin", "PATIENT", "", "root", ["patient"]]),
             "login": some(["asha1@example.org", " ASHA1@EXAMPLE.ORG ", "clinic-admin", "admin' --"]),
             "password": some([PASSWORD, "Wrong-pass-0", "x" * 10_000])}),
              lambda w, a: w.ml.auth.login(a["role"], a["login"], a["password"]),
              audit_on_error=frozenset({"denied", "failed", "locked", "lockout", "disabled"}), ignore=LOGIN_COLUMNS),
        Entry("patients.update_profile", lambda w: st.fixed_dictionaries({"session": sessions(w, w.p1)}).flatmap(
            lambda s: corrupt(lambda: dict(s), {**PATIENT_FIELDS, "password_hash": some(), "patient_id": some(),
                                                "is_active": some()}, most=2)),
              lambda w, a: w.ml.patients.update_profile(a.pop("session"), **a)),
        Entry("doctors.update_profile", lambda w: st.fixed_dictionaries({"session": sessions(w, w.d1)}).flatmap(
            lambda s: corrupt(lambda: dict(s), {**{k: v for k, v in DOCTOR_FIELDS.items() if k != "password"},
                                                "contact_public": some(), "verification_status": some(["verified"]),
                                                "consultation_fee": some(), "slot_minutes": some()}, most=2)),
              lambda w, a: w.ml.doctors.update_profile(a.pop("session"), **a)),
        Entry("doctors.search", lambda w: corrupt(
            lambda: dict(text="", specialty=None, city=None, max_fee=None, limit=50, offset=0, order="name"),
            {"text": some(), "specialty": some(), "city": some(), "max_fee": some(AMOUNTS),
             "limit": some([0, -1, 201, 2**63, "50", 10**30]), "offset": some([-1, 2**63, 2**64, "0", 10**30]),
             "order": some(["earliest", "fee", "experience", "name; DROP TABLE doctor_info", "NAME", ["name"]])}),
              lambda w, a: w.ml.doctors.search(**a)),
        Entry("appointments.open_slots", args(doctor_id=st.one_of(st.just(2), some(ODD_IDS)), date=some(DATES)),
              lambda w, a: w.ml.appointments.open_slots(a["doctor_id"], a["date"])),
        Entry("appointments.book", book_args,
              lambda w, a: w.ml.appointments.book(a.pop("session"), **a)),
        Entry("appointments.reschedule", lambda w: corrupt(
            lambda: dict(session=w.p1, appointment_id=w.appt, date=DAYS[3], time="11:30"),
            {"session": sessions(w, w.p1, w.d1), "appointment_id": appointment_ids(w), "date": some(DATES),
             "time": some(TIMES)}),
              lambda w, a: w.ml.appointments.reschedule(a["session"], a["appointment_id"], date=a["date"],
                                                        time=a["time"])),
        Entry("billing.set_fees", lambda w: st.tuples(sessions(w, w.d1), fees(w)).map(lambda t: {"session": t[0],
                                                                                                 **t[1]}),
              lambda w, a: w.ml.billing.set_fees(a.pop("session"), **a)),
        Entry("billing.compute", lambda w: fees(w).flatmap(lambda f: st.fixed_dictionaries(
            {"extra_charges": st.one_of(st.just(0), some(AMOUNTS))}).map(lambda e: {**f, **e})),
              lambda w, a: w.ml.billing.compute(**a)),
        Entry("records.upload", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.p1), "path": st.one_of(st.sampled_from(odd_files(w.tmp, w.pdf)), HOSTILE),
             "share_with": st.one_of(st.none(), st.just([w.d1.user_id]), st.sampled_from(
                 [[float("inf")], [Decimal("Infinity")], [2**70], ["1"], [True], [None], [[1]], "12", {1: 2},
                  [Decimal("NaN")], [1e308], [w.d2.user_id], [-1]]), HOSTILE)}),
              lambda w, a: w.ml.records.upload(a["session"], a["path"], share_with=a["share_with"])),
        Entry("records.share", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.p1), "record_id": ids(w.record, w.record_private),
             "doctor_ids": st.one_of(st.just([w.d1.user_id]), st.just([]), st.sampled_from(
                 [[float("inf")], [Decimal("Infinity")], [2**70], [w.d2.user_id], [True], "1", {1: 2}]), HOSTILE)}),
              lambda w, a: w.ml.records.share(a["session"], a["record_id"], a["doctor_ids"])),
        Entry("video.create_link", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.d1), "appointment_id": appointment_ids(w),
             "link": st.one_of(st.none(), st.sampled_from(LINKS), HOSTILE)}),
              lambda w, a: w.ml.video.create_link(a["session"], a["appointment_id"], a["link"])),
        Entry("chatbot.reply", lambda w: st.fixed_dictionaries(
            {"text": st.one_of(some(["when is my next appointment", "my video link", "fees of a cardiologist",
                                     "how much does Iyer charge", "I have chest pain", "fever " * 20_000]),
                               st.text(max_size=300)),
             "session": st.one_of(st.none(), sessions(w, w.p1))}),
              lambda w, a: w.ml.chatbot.reply(a["text"], a["session"])),
        Entry("doctors.add_leave", lambda w: st.fixed_dictionaries({"session": sessions(w, w.d1),
                                                                     "day": some(DATES)}),
              lambda w, a: w.ml.doctors.add_leave(a["session"], a["day"])),
        Entry("doctors.leave_days", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.d1), "start": st.one_of(st.none(), some(DATES)),
             "end": st.one_of(st.none(), some(DATES))}),
              lambda w, a: w.ml.doctors.leave_days(a["session"], a["start"], a["end"])),
        Entry("appointments.schedule/mine", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.d1, w.p1), "start": st.one_of(st.none(), some(DATES)),
             "end": st.one_of(st.none(), some(DATES)), "status": st.one_of(st.none(), some(["booked", "BOOKED"])),
             "upcoming": st.one_of(st.none(), st.booleans(), HOSTILE),
             "limit": st.one_of(st.just(100), some([0, 501, 2**63, "5"])),
             "offset": st.one_of(st.just(0), some([-1, 2**63, 2**64, "3"]))}),
              lambda w, a: (w.ml.appointments.schedule(a["session"], a["start"], a["end"], a["status"], a["limit"],
                                                       a["offset"])
                            if getattr(a["session"], "role", None) == "doctor"
                            else w.ml.appointments.mine(a["session"], a["upcoming"], a["limit"], a["offset"]))),
        Entry("appointments.get/cancel, video.link_for", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.p1, w.d1), "appointment_id": appointment_ids(w),
             "which": st.sampled_from(["get", "link_for", "cancel"])}),
              lambda w, a: {"get": w.ml.appointments.get, "link_for": w.ml.video.link_for,
                            "cancel": w.ml.appointments.cancel}[a["which"]](a["session"], a["appointment_id"])),
        Entry("billing.create_bill", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.d1), "appointment_id": appointment_ids(w),
             "extra_charges": st.one_of(st.just(0), some(AMOUNTS)),
             "additional_details": st.one_of(st.just(""), some())}),
              lambda w, a: w.ml.billing.create_bill(a["session"], a["appointment_id"], a["extra_charges"],
                                                    a["additional_details"])),
        Entry("billing.bills/receipt_path/preview", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.p1, w.d1), "bill_id": ids(w.bill), "appointment_id": appointment_ids(w),
             "limit": st.one_of(st.just(100), some([0, 2**63])), "offset": st.one_of(st.just(0), some([2**63])),
             "which": st.sampled_from(["bills", "receipt_path", "preview"])}),
              lambda w, a: w.ml.billing.bills(a["session"], a["limit"], a["offset"]) if a["which"] == "bills"
              else w.ml.billing.receipt_path(a["session"], a["bill_id"]) if a["which"] == "receipt_path"
              else w.ml.billing.preview(a["session"], a["appointment_id"], a["limit"])),
        Entry("records.list/open", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.p1, w.d1), "patient_id": st.one_of(st.none(), ids(w.p1.user_id)),
             "record_id": ids(w.record, w.record_private), "which": st.sampled_from(["list", "open"])}),
              lambda w, a: w.ml.records.list(a["session"], a["patient_id"]) if a["which"] == "list"
              else w.ml.records.open(a["session"], a["record_id"])),
        Entry("doctors.profile/availability, billing.fees", lambda w: st.fixed_dictionaries(
            {"doctor_id": ids(w.d1.user_id, w.d3), "session": st.one_of(st.none(), sessions(w, w.p1)),
             "which": st.sampled_from(["profile", "availability", "fees"])}),
              lambda w, a: w.ml.doctors.profile(a["doctor_id"], a["session"]) if a["which"] == "profile"
              else w.ml.doctors.availability(a["doctor_id"]) if a["which"] == "availability"
              else w.ml.billing.fees(a["doctor_id"])),
        Entry("auth.change_password", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.p3), "current": st.one_of(st.just(PASSWORD), some()),
             "new": st.one_of(st.just("Another-horse-43"), some(["\ud800" * 10, "password", "x" * 129]))}),
              lambda w, a: w.ml.auth.change_password(a["session"], a["current"], a["new"]),
              audit_on_error=frozenset({"denied", "failed"})),
        Entry("admin.verify/reject_doctor", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.admin), "doctor_id": ids(w.d3, w.d4, w.d1.user_id),
             "reason": st.one_of(st.just("Registration number not found."), some()),
             "which": st.sampled_from(["reject", "reject", "verify"])}),
              lambda w, a: w.ml.admin.reject_doctor(a["session"], a["doctor_id"], a["reason"]) if a["which"] == "reject"
              else w.ml.admin.verify_doctor(a["session"], a["doctor_id"])),
        Entry("admin.audit_trail, records.my_patients", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.admin, w.d1), "limit": st.one_of(st.just(50), some([0, 2**63, "7"])),
             "offset": st.one_of(st.just(0), some([-5, 2**63, 2**64]))}),
              lambda w, a: w.ml.admin.audit_trail(a["session"], a["limit"], a["offset"])
              if getattr(a["session"], "role", None) == "admin"
              else w.ml.records.my_patients(a["session"], a["limit"], a["offset"])),
        Entry("doctors.set_availability", lambda w: st.fixed_dictionaries(
            {"session": sessions(w, w.d1),
             "ranges": st.one_of(st.sampled_from(RANGES), st.lists(st.tuples(
                 st.one_of(st.integers(-1, 7), HOSTILE), some(TIMES), some(TIMES)), max_size=4), HOSTILE),
             "slot_minutes": st.one_of(st.just(15), some([4, 5, 240, 241, "15", 15.0, 0, -15, 2**70]))}),
              lambda w, a: w.ml.doctors.set_availability(a["session"], a["ranges"], a["slot_minutes"])),
    ]


ENTRIES = entries()


# -- the check ---------------------------------------------------------------------------------------------------
class Escaped(AssertionError):
    """A non-MedLinkError came out of a service call."""


def check_one(w: World, entry: Entry, arguments: dict[str, Any], tally: dict[str, int]) -> Any:
    """Make the call and check it (see the module docstring); returns the MedLinkError or the result."""
    ml = w.ml
    counts, contents = snapshot(ml, entry.ignore)
    last = last_audit_id(ml)
    try:
        result = entry.call(w, dict(arguments))
    except MedLinkError as exc:
        tally[type(exc).__name__] = tally.get(type(exc).__name__, 0) + 1
        message = str(exc)
        assert message.strip(), f"{entry.name}: an empty message"
        assert not any(word in message.lower() for word in LEAKS), f"{entry.name}: the message leaks: {message!r}"
        after_counts, after_contents = snapshot(ml, entry.ignore)
        new_rows = audit_since(ml, last)
        outcomes = {r["outcome"] for r in new_rows}
        allowed = entry.audit_on_error
        if not isinstance(exc, (PermissionDenied, AuthError, AccountLocked, ValidationError)):
            allowed = frozenset()
        assert outcomes <= allowed, f"{entry.name}: {type(exc).__name__} wrote audit rows {outcomes}"
        if isinstance(exc, PermissionDenied) and message != UNVERIFIED:  # every refusal of a caller is audited
            assert [r["outcome"] for r in new_rows] == ["denied"], f"{entry.name}: refused with {len(new_rows)} rows"
        assert after_counts["audit_log"] - counts["audit_log"] == len(new_rows)
        changed = {t for t in counts if counts[t] != after_counts[t]} - {"audit_log", "audit_head"}
        assert not changed and after_contents == contents, \
            f"{entry.name}: {type(exc).__name__} ({message}) but the database changed: {changed or 'contents'}"
        return exc
    except Exception as exc:
        raise Escaped(f"{entry.name} let {type(exc).__name__} out: {exc!r}") from exc
    else:
        tally["ok"] = tally.get("ok", 0) + 1
        return result


@pytest.fixture(scope="module", params=BACKENDS)
def world(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    yield from open_world(request.param, tmp_path_factory.mktemp(f"hostile-{request.param}"))


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_hostile_input_gives_only_medlink_errors_and_changes_nothing_when_refused(world: World, entry: Entry) -> None:
    tally: dict[str, int] = {}

    @settings(max_examples=EXAMPLES[world.ml.db.backend], deadline=None, database=None, derandomize=not RANDOM,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(arguments=entry.args(world))
    def sweep(arguments: dict[str, Any]) -> None:
        check_one(world, entry, arguments, tally)

    sweep()
    print(f"{world.ml.db.backend} {entry.name}: {sum(tally.values())} examples {tally}")
    assert sum(tally.values()) >= EXAMPLES[world.ml.db.backend] // 2, tally
    check = world.ml.audit.verify()
    assert check.ok, check.describe()


# -- the inputs that once escaped ------------------------------------------------------------------------------
# Each was found by the sweep above (or its randomized runs) and let a raw Python or driver error out
# before its fix; they are kept here as plain cases so that they run on every backend every time.
REGRESSIONS: list[tuple[str, Callable[[World], Any], type[MedLinkError] | None]] = [
    ("search with an unhashable order", lambda w: w.ml.doctors.search(order=[]), ValidationError),
    ("cancel id 2**63 (SQLite cannot bind it)", lambda w: w.ml.appointments.cancel(w.p1, 2**63), NotFound),
    ("view id 2**70", lambda w: w.ml.appointments.get(w.p2, 2**70), NotFound),
    ("a page at offset 2**64 (MariaDB cannot parse it)", lambda w: w.ml.appointments.mine(w.p1, None, 5, 2**64),
     None),
    ("the audit screen at offset 2**63", lambda w: w.ml.admin.audit_trail(w.admin, 10, 2**63), None),
    ("upload a 5000-character path", lambda w: w.ml.records.upload(w.p1, "x" * 5000), ValidationError),
    ("share with an infinite doctor id", lambda w: w.ml.records.share(w.p1, w.record, [float("inf")]),
     ValidationError),
    ("upload shared with Decimal('Infinity')", lambda w: w.ml.records.upload(w.p1, w.pdf, [Decimal("Infinity")]),
     ValidationError),
    ("change password with no current password", lambda w: w.ml.auth.change_password(w.p3, None, "Another-horse-43"),
     ValidationError),
    ("sign up with a lone-surrogate password",
     lambda w: w.ml.auth.register_patient(**{**patient_form(), "password": "\ud800" * 10}), ValidationError),
    ("log in as a lone surrogate", lambda w: w.ml.auth.login("patient", "\ud800", PASSWORD), AuthError),
    ("days off from 9999-12-31 (a year on is past date.max)", lambda w: w.ml.doctors.leave_days(w.d1, "9999-12-31"),
     None),
    ("weekly hours of doctor [1]", lambda w: w.ml.doctors.availability([1]), NotFound),
    ("a patient rejects doctor '1 OR 1=1'", lambda w: w.ml.admin.reject_doctor(w.p1, "1 OR 1=1", "Not found."),
     PermissionDenied),
    ("a doctor verifies doctor 2**40 (INT column)", lambda w: w.ml.admin.verify_doctor(w.d1, 2**40), PermissionDenied),
    ("the admin rejects doctor NaN (MariaDB read it as a column)",
     lambda w: w.ml.admin.reject_doctor(w.admin, float("nan"), "Registration number not found."), NotFound),
    ("the admin verifies doctor [3]", lambda w: w.ml.admin.verify_doctor(w.admin, [w.d3]), NotFound),
    ("a logged-out patient views appointment '\\ud800'",
     lambda w: w.ml.appointments.get(w.logged_out["patient"], "\ud800"), PermissionDenied),
    ("a refusal naming a 100-character id (VARCHAR(64))",
     lambda w: w.ml.appointments.cancel(w.admin, "9" * 100), PermissionDenied),
    ("a meeting link with an unclosed IPv6 address",
     lambda w: w.ml.video.create_link(w.d1, w.appt, "https://[::1"), ValidationError),
    ("replaying another patient's booking key",
     lambda w: w.ml.appointments.book(w.p2, doctor_id=w.d1.user_id, date="2026-12-07", time="10:00",
                                      idempotency_key="req-world-0001"), PermissionDenied),
]


@pytest.mark.parametrize(("name", "call", "expected"), REGRESSIONS, ids=[r[0] for r in REGRESSIONS])
def test_inputs_that_once_escaped_now_get_a_medlink_error_and_change_nothing(
        world: World, name: str, call: Callable[[World], Any], expected: type[MedLinkError] | None) -> None:
    entry = Entry(name, lambda w: st.just({}), lambda w, a: call(w),
                  audit_on_error=frozenset({"denied", "failed"}))
    last = last_audit_id(world.ml)
    outcome = check_one(world, entry, {}, {})
    if expected is None:
        assert not isinstance(outcome, MedLinkError), outcome
    else:
        assert isinstance(outcome, expected), f"{name}: {outcome!r}"
    if expected is PermissionDenied:  # a refusal, and its one audit row
        assert [r["outcome"] for r in audit_since(world.ml, last)] == ["denied"]
