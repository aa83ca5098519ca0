"""Benchmark data: a MedLink database of either backend filled with a city's clinics, fast.

``python -m bench --generate 100k --backend mysql`` (or ``sqlite``; ``--regenerate`` forces) makes:

====== ======== ========= ============ ==============================================
size   doctors  patients  appointments  the busiest doctor
====== ======== ========= ============ ==============================================
1k       1,000     2,000       10,000  500 past appointments (1/20 of them all)
10k     10,000    20,000      100,000  5,000
100k   100,000   200,000    1,000,000  50,000 past appointments, 10-minute slots daily
====== ======== ========= ============ ==============================================

The data is Indian and plausible: names from first-name, initial and surname lists; 30 specialties
and 60 cities weighted roughly by how common they are; hospitals and clinics named from common
patterns; qualifications that fit the specialty (MBBS, MD, MS, DM, DNB, BDS/MDS, BAMS, BHMS, BPT ...)
with a college; fees in rupees by specialty (8% of doctors set none and are billed at the default);
experience 1-40 years; 95% verified, 3% pending, 2% rejected, 1% disabled; weekly hours from six
common timetables (5% have none); a few days off. Appointments are spread over the two years before
"now" (2026-11-30 08:30 in the clinic, a Monday; benchmarks run with that fixed clock) and the 60
days after it, with statuses by date (past: completed, no-show, cancelled; ahead: mostly booked),
100 "frequent" patients holding 1/20 of them, and one newly verified doctor with hours and no
appointments at all (the schedule benchmark's "new doctor"). Every future booking has its patient's
confirmation and the doctor's notice in the e-mail outbox, as the application would have written.

**Passwords:** every account holds the same argon2id hash of ``PASSWORD``, computed once per
generation with the application's default cost: hashing 300,000 passwords would take hours and
measure nothing. Never use these databases for anything but benchmarks.

Rows are written with the bare driver: ``executemany`` in large transactions, with the row ids
given (so appointments can be inserted in the order they were made, as a real table fills, and the
outbox can point at them). SQLite loads with ``synchronous=OFF``; MariaDB with ``unique_checks`` and
``foreign_key_checks`` off for the loading session only (the generator's own data is consistent by
construction), then ``ANALYZE TABLE``. The schema comes from MedLink's own migrations: the rows go
into the schema of migrations 000-002 (``LOAD_SCHEMA``), then ``init_db`` applies the later ones to
them, as it would to an installation that grew that large before upgrading (migration 003 builds the
search index and listing counts from the doctors already there; its time is printed).

Generated databases are kept: SQLite files in ``bench/data/`` (git-ignored) and MariaDB databases
named ``medlink_bench_<size>``, each with a ``bench_dataset`` table recording the generator version
and the ids benchmarks need. A database whose marker is missing (an interrupted run) or older than
``GENERATOR_VERSION`` is made again.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import json
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

GENERATOR_VERSION = 2
LOAD_SCHEMA = 2  # rows are loaded into the schema of migrations 000-002; later ones then run on them
PASSWORD = "Bench-password-2026"
MARKER_TABLE = "bench_dataset"
DATA_DIR = Path(__file__).resolve().parent / "data"

NOW_UTC = dt.datetime(2026, 11, 30, 3, 0)  # 08:30 in the clinic (UTC+5:30), Monday 30 November 2026
NOW_LOCAL = NOW_UTC + dt.timedelta(hours=5, minutes=30)  # FixedClock's default offset
TODAY = NOW_LOCAL.date()
PAST_DAYS = 730
FUTURE_DAYS = 60
LOCAL_OFFSET = dt.timedelta(hours=5, minutes=30)
DAY, HOUR = dt.timedelta(days=1), dt.timedelta(hours=1)
MINUTE, SECOND = dt.timedelta(minutes=1), dt.timedelta(seconds=1)
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


@dataclass(frozen=True)
class Size:
    doctors: int
    patients: int
    appointments: int

    @property
    def heavy_past(self) -> int:
        """Past appointments of the busiest doctor."""
        return self.appointments // 20

    @property
    def heavy_future(self) -> int:
        """Appointments of the busiest doctor in the coming 60 days."""
        return max(10, self.appointments // 500)

    @property
    def frequent_patients(self) -> int:
        return max(10, self.patients // 2000)

    @property
    def per_frequent_patient(self) -> int:
        return max(20, self.appointments // 2000)


SIZES = {
    "1k": Size(1_000, 2_000, 10_000),
    "10k": Size(10_000, 20_000, 100_000),
    "100k": Size(100_000, 200_000, 1_000_000),
}


def size_name(value: str) -> str:
    """``"100k"``, ``"100000"`` or ``"100_000"`` -> ``"100k"``."""
    text = value.strip().lower().replace("_", "").replace(",", "")
    if text in SIZES:
        return text
    if text.isdigit():
        for name, size in SIZES.items():
            if size.doctors == int(text):
                return name
    raise ValueError(f"unknown size {value!r} (have: {', '.join(SIZES)})")


@dataclass(frozen=True)
class Dataset:
    """A generated database and what the benchmarks need to know about it."""

    backend: str
    size: str
    url: str
    doctors: int
    patients: int
    appointments: int
    heavy_doctor_id: int
    heavy_doctor_email: str
    new_doctor_id: int
    new_doctor_email: str
    frequent_patient_ids: list[int]
    frequent_patient_emails: list[str]
    password: str
    generated_at: str
    seconds: float

    @classmethod
    def from_marker(cls, values: dict[str, str], url: str) -> Dataset:
        data = json.loads(values["dataset"])
        data["url"] = url
        return cls(**data)


# --- where the databases live --------------------------------------------------------------------

def mysql_database_name(size: str) -> str:
    return f"medlink_bench_{size}"


def dataset_url(backend: str, size: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{DATA_DIR / f'medlink-{size}.db'}"
    from bench import mysql_server_url

    parts = urlsplit(mysql_server_url())
    return f"{parts.scheme}://{parts.netloc}/{mysql_database_name(size)}"


def _sqlite_path(url: str) -> Path:
    return Path(url[len("sqlite:///"):])


def read_marker(backend: str, size: str) -> Dataset | None:
    """The dataset recorded in the database, if it is complete and of this generator version."""
    url = dataset_url(backend, size)
    try:
        if backend == "sqlite":
            path = _sqlite_path(url)
            if not path.exists():
                return None
            conn = sqlite3.connect(path)
            try:
                rows = conn.execute(f"SELECT k, v FROM {MARKER_TABLE}").fetchall()
            finally:
                conn.close()
        else:
            from bench import _mysql_admin

            conn = _mysql_admin()
            try:
                cur = conn.cursor()
                cur.execute(f"SELECT k, v FROM `{mysql_database_name(size)}`.{MARKER_TABLE}")
                rows = cur.fetchall()
                cur.close()
            finally:
                conn.close()
    except Exception:  # noqa: BLE001 - no database, no marker table: not generated (completely)
        return None
    values = {str(k): str(v) for k, v in rows}
    if values.get("version") != str(GENERATOR_VERSION) or "dataset" not in values:
        return None
    return Dataset.from_marker(values, url)


def drop(backend: str, size: str) -> None:
    url = dataset_url(backend, size)
    if backend == "sqlite":
        path = _sqlite_path(url)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    from bench import _mysql_admin

    conn = _mysql_admin()
    try:
        cur = conn.cursor()
        cur.execute(f"DROP DATABASE IF EXISTS `{mysql_database_name(size)}`")
        cur.close()
    finally:
        conn.close()


def ensure(backend: str, size: str, regenerate: bool = False, log: Callable[[str], None] = print) -> Dataset:
    """The dataset of ``size`` on ``backend``: the kept one, or a new one (``regenerate`` forces)."""
    size = size_name(size)
    if not regenerate:
        found = read_marker(backend, size)
        if found is not None:
            return found
    return generate(backend, size, log=log)


# --- vocabulary ----------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return text.split()


MALE = _words("Aarav Abhishek Aditya Ajay Akash Alok Amit Anand Anil Ankit Arjun Arun Ashok Deepak Dev Dinesh Gaurav "
        "Harish Imran Jatin Karan Kiran Krishna Manish Manoj Mohan Mukesh Nikhil Nitin Pankaj Pradeep Prakash "
        "Rahul Rajesh Rakesh Ramesh Ravi Rohan Sachin Sandeep Sanjay Santosh Siddharth Sunil Suresh Tarun Uday "
        "Varun Venkat Vijay Vikram Vinay Vishal Vivek Yash Zubin Farhan Harpreet Gurpreet")
FEMALE = _words("Aarti Aditi Aishwarya Anita Anjali Ankita Anusha Aparna Asha Bhavna Chitra Deepa Divya Farah Gayatri "
          "Geeta Isha Jyoti Kavita Kavya Lakshmi Madhuri Manju Meena Meera Neha Nisha Pallavi Pooja Preeti Priya "
          "Radha Rekha Ritu Sakshi Sangeeta Sarita Seema Shalini Shilpa Shreya Simran Sneha Sonia Sujata Sunita "
          "Swati Tanvi Uma Usha Vandana Vidya Zoya Nandini Harini Ayesha Fatima Mansi Roshni")
SURNAMES = _words("Agarwal Ahmed Bajaj Banerjee Bhat Bose Chakraborty Chandran Chatterjee Chopra Das Desai Deshpande "
            "Dubey Gill Goel Gupta Hegde Iyer Jain Joshi Kapoor Khan Khanna Kulkarni Kumar Mehta Menon Mishra "
            "Mukherjee Naidu Nair Pandey Patel Pillai Prasad Qureshi Rao Reddy Saxena Sen Shah Sharma Shetty "
            "Singh Sinha Srinivasan Subramanian Tiwari Trivedi Varma Verma Yadav Kaur Ghosh Mathur Bhatt Rajan "
            "Krishnan Venkatesh Naik Pawar Shinde Jadhav Thakur Chauhan Rathore Dutta Sarkar Mahajan Sethi")
INITIALS = "ABCDEGHJKLMNPRSTV"

# specialty, weight, fee range (rupees), qualification patterns
SPECIALTIES: list[tuple[str, float, tuple[int, int], tuple[str, ...]]] = [
    ("General Physician", 18, (200, 700), ("MBBS", "MBBS, MD General Medicine", "MBBS, DNB Family Medicine")),
    ("Pediatrics", 8, (300, 900), ("MBBS, MD Pediatrics", "MBBS, DCH", "MBBS, DNB Pediatrics")),
    ("Gynecology", 8, (400, 1200), ("MBBS, MS Obstetrics & Gynaecology", "MBBS, DGO", "MBBS, DNB OBG")),
    ("Dentistry", 7, (200, 800), ("BDS", "BDS, MDS Orthodontics", "BDS, MDS Endodontics")),
    ("Dermatology", 6, (400, 1200), ("MBBS, MD Dermatology, Venereology & Leprosy", "MBBS, DDVL")),
    ("Orthopedics", 6, (500, 1500), ("MBBS, MS Orthopaedics", "MBBS, D.Ortho", "MBBS, DNB Orthopaedics")),
    ("Cardiology", 4, (700, 2000), ("MBBS, MD Medicine, DM Cardiology", "MBBS, DNB Cardiology")),
    ("ENT", 4, (400, 1000), ("MBBS, MS Otorhinolaryngology", "MBBS, DLO")),
    ("Ophthalmology", 4, (400, 1000), ("MBBS, MS Ophthalmology", "MBBS, DOMS")),
    ("Psychiatry", 3, (600, 1800), ("MBBS, MD Psychiatry", "MBBS, DPM")),
    ("Neurology", 2.5, (800, 2000), ("MBBS, MD Medicine, DM Neurology",)),
    ("Gastroenterology", 2.5, (700, 1800), ("MBBS, MD Medicine, DM Gastroenterology",)),
    ("Pulmonology", 2, (500, 1500), ("MBBS, MD Respiratory Medicine", "MBBS, DTCD")),
    ("Endocrinology", 2, (700, 1800), ("MBBS, MD Medicine, DM Endocrinology",)),
    ("Nephrology", 1.5, (700, 1800), ("MBBS, MD Medicine, DM Nephrology",)),
    ("Urology", 2, (600, 1600), ("MBBS, MS General Surgery, MCh Urology",)),
    ("Oncology", 1.5, (800, 2000), ("MBBS, MD Radiotherapy", "MBBS, MD Medicine, DM Medical Oncology")),
    ("Diabetology", 2, (400, 1000), ("MBBS, Diploma in Diabetology", "MBBS, MD General Medicine")),
    ("Physiotherapy", 3, (200, 700), ("BPT", "BPT, MPT Orthopaedics", "BPT, MPT Neurology")),
    ("Ayurveda", 3, (200, 600), ("BAMS", "BAMS, MD Ayurveda")),
    ("Homeopathy", 3, (150, 500), ("BHMS", "BHMS, MD Homoeopathy")),
    ("Rheumatology", 1, (700, 1800), ("MBBS, MD Medicine, DM Rheumatology",)),
    ("General Surgery", 3, (500, 1500), ("MBBS, MS General Surgery", "MBBS, DNB General Surgery")),
    ("Psychology", 1.5, (500, 1500), ("MA Clinical Psychology, M.Phil", "MSc Psychology, RCI licensed")),
    ("Radiology", 1, (500, 1200), ("MBBS, MD Radiodiagnosis", "MBBS, DMRD")),
    ("Plastic Surgery", 0.5, (1000, 2500), ("MBBS, MS General Surgery, MCh Plastic Surgery",)),
    ("Neurosurgery", 0.5, (1000, 2500), ("MBBS, MCh Neurosurgery",)),
    ("Cardiothoracic Surgery", 0.3, (1200, 3000), ("MBBS, MS General Surgery, MCh CTVS",)),
    ("Anesthesiology", 0.5, (500, 1200), ("MBBS, MD Anaesthesiology",)),
    ("Sexology", 0.5, (500, 1500), ("MBBS, MD Psychiatry, Fellowship in Sexual Medicine",)),
]
COLLEGES = ("AIIMS Delhi", "CMC Vellore", "Madras Medical College", "Grant Medical College, Mumbai",
            "KEM Hospital, Mumbai", "Maulana Azad Medical College", "Kasturba Medical College, Manipal",
            "BJ Medical College, Pune", "Osmania Medical College", "PGIMER Chandigarh", "JIPMER Puducherry",
            "Bangalore Medical College", "Calcutta Medical College", "King George's Medical University",
            "Seth GS Medical College", "NIMHANS", "Government Medical College, Nagpur", "SMS Medical College, Jaipur",
            "Gandhi Medical College, Bhopal", "Armed Forces Medical College", "St. John's Medical College")
CITIES: list[tuple[str, float]] = [
    ("Mumbai", 12), ("Delhi", 12), ("Bengaluru", 10), ("Hyderabad", 8), ("Chennai", 8), ("Kolkata", 7),
    ("Pune", 6), ("Ahmedabad", 5), ("Jaipur", 4), ("Lucknow", 3.5), ("Surat", 3), ("Kanpur", 2.5),
    ("Nagpur", 2.5), ("Indore", 2.5), ("Bhopal", 2), ("Visakhapatnam", 2), ("Patna", 2), ("Vadodara", 2),
    ("Coimbatore", 2), ("Kochi", 2), ("Ludhiana", 1.5), ("Agra", 1.5), ("Nashik", 1.5),
    ("Thiruvananthapuram", 1.5), ("Chandigarh", 1.5), ("Guwahati", 1.5), ("Bhubaneswar", 1.5), ("Noida", 1.5),
    ("Gurugram", 1.5), ("Thane", 1.5), ("Madurai", 1.2), ("Mysuru", 1.2), ("Varanasi", 1.2), ("Navi Mumbai", 1.2),
    ("Mangaluru", 1), ("Raipur", 1), ("Ranchi", 1), ("Dehradun", 1), ("Amritsar", 1), ("Prayagraj", 1),
    ("Jodhpur", 1), ("Faridabad", 1), ("Ghaziabad", 1), ("Rajkot", 1), ("Aurangabad", 1), ("Vijayawada", 1),
    ("Udaipur", 0.8), ("Panaji", 0.8), ("Meerut", 0.8), ("Jabalpur", 0.8), ("Gwalior", 0.8),
    ("Tiruchirappalli", 0.8), ("Warangal", 0.6), ("Salem", 0.6), ("Hubballi", 0.6), ("Jammu", 0.6),
    ("Srinagar", 0.6), ("Belagavi", 0.5), ("Siliguri", 0.5), ("Shimla", 0.4),
]
HOSPITAL_NAMES = ("Apollo", "Fortis", "Manipal", "Max", "Narayana", "Lakshmi", "Sai", "Sunrise", "Lotus", "City",
                  "Care", "Global", "Medanta", "KIMS", "Aster", "Ruby", "Jeevan", "Sanjeevani", "Arogya", "Shanti",
                  "Sparsh", "Columbia", "Wockhardt", "Jaslok", "Lilavati", "Sahyadri", "Ganga", "Yashoda", "Rainbow",
                  "Cloudnine", "Motherhood", "Vasan", "Nova", "Sterling", "Seven Hills", "Kauvery", "Meenakshi",
                  "Amrita", "Rotary", "Lions", "Mission", "St. Martha's", "Holy Family", "Ashirwad", "Dhanvantari")
HOSPITAL_KINDS = ("Hospital", "Hospitals", "Multispeciality Hospital", "Clinic", "Family Clinic", "Nursing Home",
                  "Medical Centre", "Health Clinic", "Polyclinic", "Speciality Clinic", "Diagnostic & Clinic")
STREETS = ("MG Road", "Station Road", "Park Street", "Linking Road", "Anna Salai", "Brigade Road", "FC Road",
           "Ashram Road", "Civil Lines", "Nehru Nagar", "Gandhi Nagar", "Sector 18", "Banjara Hills", "Salt Lake",
           "Koramangala", "Andheri West", "Indiranagar", "Jubilee Hills", "Model Town", "Rajouri Garden")
REASONS = ("", "", "Fever and cough", "Follow-up visit", "Routine check-up", "Skin rash", "Back pain",
           "Headache for a week", "Blood pressure review", "Diabetes review", "Knee pain", "Stomach ache",
           "Child vaccination", "Ear pain", "Eye check-up", "Anxiety and poor sleep", "Thyroid test results",
           "Pregnancy check-up", "Tooth ache", "Allergy")
HISTORIES = ("", "", "", "", "Mild asthma since childhood.", "Type 2 diabetes, on metformin.", "Hypertension.",
             "Hypothyroidism, on levothyroxine.", "Allergic to penicillin.", "No known allergies.")

# Weekly timetables: (weekday ranges, weight); weekday 0 = Monday.
TIMETABLES: list[tuple[list[tuple[int, str, str]], float]] = [
    ([(w, "10:00", "13:00") for w in range(6)] + [(w, "17:00", "20:00") for w in range(5)], 30),
    ([(w, "09:00", "17:00") for w in range(5)], 20),
    ([(w, "09:00", "14:00") for w in range(6)], 20),
    ([(w, "16:00", "20:00") for w in (1, 3, 5)], 10),
    ([(w, "10:00", "13:00") for w in range(7)], 10),
    ([(w, "08:00", "12:00") for w in range(6)] + [(6, "09:00", "11:00")], 5),
    ([], 5),
]
HEAVY_TIMETABLE = [(w, "08:00", "20:00") for w in range(7)]
SLOT_MINUTES = ((10, 20), (15, 50), (20, 20), (30, 10))


class Picker:
    """Weighted choice by bisecting the cumulative weights (random.choices is slower per call)."""

    def __init__(self, items: Sequence[Any], weights: Sequence[float], rng: random.Random) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))
        self.total = self.cumulative[-1]
        self.rng = rng

    def __call__(self) -> Any:
        return self.items[bisect.bisect(self.cumulative, self.rng.random() * self.total)]


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


@functools.lru_cache(maxsize=256)
def _grid(ranges: tuple[tuple[int, str, str], ...], slot: int) -> dict[int, list[int]]:
    """Slot starts (minutes after midnight) per weekday."""
    grid: dict[int, list[int]] = {}
    for weekday, start, end in ranges:
        at = _minutes(start)
        while at + slot <= _minutes(end):
            grid.setdefault(weekday, []).append(at)
            at += slot
    return grid


@functools.lru_cache(maxsize=64)
def _weekdays_in(first: int, last: int, weekday: int) -> int:
    """How many days between day offsets ``first`` and ``last`` (from TODAY) fall on ``weekday``."""
    return sum(1 for o in range(first, last + 1) if (TODAY.weekday() + o) % 7 == weekday)


def _time_text(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


# --- the rows ------------------------------------------------------------------------------------

@dataclass
class Rows:
    doctors: list[tuple[Any, ...]]
    availability: list[tuple[Any, ...]]
    leave: list[tuple[Any, ...]]
    patients: list[tuple[Any, ...]]
    appointments: list[tuple[Any, ...]]
    outbox: list[tuple[Any, ...]]
    info: dict[str, Any]


DOCTOR_COLUMNS = ("doctor_id", "email", "name", "phone", "password_hash", "qualifications", "specialty", "hospital",
                  "hospital_address", "city", "experience_years", "registration_number", "bio", "contact_public",
                  "consultation_fee", "lab_test_fee", "medication_fee", "other_fees", "slot_minutes",
                  "verification_status", "verified_at", "rejection_reason", "created_at", "is_active")
PATIENT_COLUMNS = ("patient_id", "email", "name", "phone", "password_hash", "date_of_birth", "gender", "address",
                   "medical_history", "created_at")
APPOINTMENT_COLUMNS = ("appointment_id", "patient_id", "doctor_id", "appointment_date", "appointment_day",
                       "appointment_time", "mode", "status", "reason", "created_at", "updated_at")
OUTBOX_COLUMNS = ("dedupe_key", "kind", "recipient", "subject", "body_text", "appointment_id", "status", "attempts",
                  "next_attempt_at", "created_at", "sent_at")


def _stamp(value: dt.datetime) -> str:
    return value.replace(microsecond=0).isoformat(sep=" ")


def make_rows(size: Size, password_hash: str, seed: int = 20261130) -> Rows:
    """Every row of the dataset, in memory (about 1.5 GB of Python objects at 100k)."""
    rng = random.Random(seed)
    specialty_pick = Picker(SPECIALTIES, [s[1] for s in SPECIALTIES], rng)
    city_pick = Picker([c for c, _ in CITIES], [w for _, w in CITIES], rng)
    timetable_pick = Picker([t for t, _ in TIMETABLES], [w for _, w in TIMETABLES], rng)
    slot_pick = Picker([s for s, _ in SLOT_MINUTES], [w for _, w in SLOT_MINUTES], rng)
    hospitals = [f"{n} {k}" for n in HOSPITAL_NAMES for k in HOSPITAL_KINDS]

    def person_name() -> tuple[str, str, str]:
        female = rng.random() < 0.5
        first = rng.choice(FEMALE if female else MALE)
        last = rng.choice(SURNAMES)
        middle = f" {rng.choice(INITIALS)}." if rng.random() < 0.3 else ""
        return f"{first}{middle} {last}", first, ("Female" if female else "Male")

    def phone() -> str:
        return f"+91{rng.choice('6789')}{rng.randrange(10**8, 10**9)}"

    # doctors -------------------------------------------------------------------------------------
    doctors: list[tuple[Any, ...]] = []
    availability: list[tuple[Any, ...]] = []
    leave: list[tuple[Any, ...]] = []
    grids: dict[int, dict[int, list[int]]] = {}
    bookable: list[int] = []
    heavy_id, new_id = 1, size.doctors
    emails: dict[int, str] = {}
    for doctor_id in range(1, size.doctors + 1):
        full, first, _ = person_name()
        specialty, _, (low, high), patterns = specialty_pick()
        city = city_pick()
        hospital = f"{full.split()[-1]} Clinic" if rng.random() < 0.06 else rng.choice(hospitals)
        qualifications = rng.choice(patterns)
        if rng.random() < 0.6:
            qualifications += f" ({rng.choice(COLLEGES)})"
        years = rng.randint(1, 40)
        roll = rng.random()
        status = "verified" if roll < 0.95 else "pending" if roll < 0.98 else "rejected"
        active = 0 if rng.random() < 0.01 else 1
        timetable = timetable_pick()
        slot = slot_pick()
        if doctor_id == heavy_id:
            status, active, timetable, slot = "verified", 1, HEAVY_TIMETABLE, 10
        if doctor_id == new_id:
            status, active, timetable, slot = "verified", 1, TIMETABLES[0][0], 15
        created = NOW_UTC - dt.timedelta(days=rng.randint(31, 5 * 365), seconds=rng.randrange(86400))
        if doctor_id == new_id:
            created = NOW_UTC - dt.timedelta(days=2)
        verified_at = _stamp(created + dt.timedelta(days=rng.randint(1, 14))) if status == "verified" else None
        if doctor_id == new_id:
            verified_at = _stamp(NOW_UTC - dt.timedelta(days=1))
        fee = None if rng.random() < 0.08 else round(rng.randint(low, high) / 50) * 50
        lab = rng.choice((0, 0, 0, 200, 300, 500, 800, 1200))
        medication = rng.choice((0, 0, 0, 0, 100, 250, 400))
        other = rng.choice((0, 0, 0, 50, 100, 150))
        email = f"dr.{first.lower()}.{full.split()[-1].lower()}.{doctor_id}@clinic.example.in"
        emails[doctor_id] = email
        doctors.append((
            doctor_id, email, f"Dr. {full}", phone(), password_hash, qualifications, specialty, hospital,
            f"{rng.randint(1, 300)}, {rng.choice(STREETS)}, {city}", city, years,
            f"{city[:3].upper()}MC/{2026 - years}/{doctor_id:06d}",
            f"{specialty} practice in {city} for {years} years." if rng.random() < 0.5 else None,
            1 if rng.random() < 0.3 else 0, fee, lab if fee is not None else None,
            medication if fee is not None else None, other if fee is not None else None, slot, status,
            verified_at, "The registration number does not match the council's record." if status == "rejected"
            else None, _stamp(created), active))
        for weekday, start, end in timetable:
            availability.append((doctor_id, weekday, start + ":00", end + ":00"))
        if status == "verified" and active and timetable:
            grids[doctor_id] = _grid(tuple(timetable), slot)
            if doctor_id not in (heavy_id, new_id):
                bookable.append(doctor_id)
            if rng.random() < 0.05 and doctor_id not in (heavy_id, new_id):
                for day in rng.sample(range(1, 22), rng.randint(1, 3)):
                    leave.append((doctor_id, (TODAY + dt.timedelta(days=day)).isoformat()))

    # patients ------------------------------------------------------------------------------------
    patients: list[tuple[Any, ...]] = []
    patient_emails: dict[int, str] = {}
    for patient_id in range(1, size.patients + 1):
        full, first, gender = person_name()
        if rng.random() < 0.01:
            gender = "Other"
        email = f"{first.lower()}.{full.split()[-1].lower()}.{patient_id}@mail.example.in"
        patient_emails[patient_id] = email
        born = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(80 * 365))
        created = NOW_UTC - dt.timedelta(days=rng.randint(1, 4 * 365), seconds=rng.randrange(86400))
        patients.append((patient_id, email, full, phone(), password_hash, born.isoformat(), gender,
                         f"{rng.randint(1, 500)}, {rng.choice(STREETS)}, {city_pick()}", rng.choice(HISTORIES),
                         _stamp(created)))
    frequent = list(range(1, size.frequent_patients + 1))

    # appointments --------------------------------------------------------------------------------
    # How many each bookable doctor gets: a heavy-tailed share of what is left after the busiest one.
    weights = [min(rng.paretovariate(1.3), 40.0) for _ in bookable]
    rest = size.appointments - size.heavy_past - size.heavy_future
    scale = rest / sum(weights)
    counts = [int(w * scale) for w in weights]
    for i in rng.sample(range(len(bookable)), rest - sum(counts)):
        counts[i] += 1
    frequent_share = size.frequent_patients * size.per_frequent_patient / size.appointments
    regular = range(size.frequent_patients + 1, size.patients + 1)
    booked_patient_slots: set[tuple[int, int, int]] = set()
    raw: list[tuple[Any, ...]] = []  # (created_at, patient, doctor, day offset, minute, status, mode, reason)

    def add(doctor_id: int, offset: int, minute: int) -> None:
        future = offset > 0 or (offset == 0 and minute > NOW_LOCAL.hour * 60 + NOW_LOCAL.minute)
        if future:
            roll = rng.random()
            status = "booked" if roll < 0.88 else "cancelled_by_patient" if roll < 0.97 else "cancelled_by_doctor"
        else:
            roll = rng.random()
            status = ("completed" if roll < 0.80 else "no_show" if roll < 0.85 else "cancelled_by_patient"
                      if roll < 0.95 else "cancelled_by_doctor")
        for _ in range(20):
            patient = rng.choice(frequent) if rng.random() < frequent_share else rng.choice(regular)
            if status != "booked" or (patient, offset, minute) not in booked_patient_slots:
                break
        else:
            status = "cancelled_by_patient"
        if status == "booked":
            booked_patient_slots.add((patient, offset, minute))
        starts_utc = NOW_UTC - NOW_LOCAL.hour * HOUR - NOW_LOCAL.minute * MINUTE + offset * DAY + minute * MINUTE \
            - LOCAL_OFFSET
        made = starts_utc - rng.randint(0, 20) * DAY - rng.randrange(1, 1440) * MINUTE
        made = min(made, NOW_UTC - rng.randrange(60, 3 * 86400) * SECOND)
        raw.append((made, patient, doctor_id, offset, minute, status, "online" if rng.random() < 0.3 else "offline",
                    rng.choice(REASONS)))

    first_weekday = TODAY.weekday()

    def fill(doctor_id: int, count: int, first: int, last: int) -> None:
        """``count`` distinct slots of the doctor between day offsets ``first`` and ``last``."""
        grid = grids[doctor_id]
        span = last - first + 1
        capacity = sum(len(times) * _weekdays_in(first, last, w) for w, times in grid.items())
        count = min(count, capacity)
        if count <= 0:
            return
        if count > capacity // 3:  # dense: enumerate and sample
            every = [(o, m) for o in range(first, last + 1) for m in grid.get((first_weekday + o) % 7, ())]
            chosen = rng.sample(every, count)
        else:
            seen: set[tuple[int, int]] = set()
            while len(seen) < count:
                o = first + int(rng.random() * span)
                times = grid.get((first_weekday + o) % 7)
                if times:
                    seen.add((o, times[int(rng.random() * len(times))]))
            chosen = list(seen)
        for o, m in chosen:
            add(doctor_id, o, m)

    fill(heavy_id, size.heavy_past, -PAST_DAYS, -1)
    fill(heavy_id, size.heavy_future, 0, FUTURE_DAYS - 1)
    for doctor_id, count in zip(bookable, counts, strict=True):
        ahead = sum(1 for _ in range(count) if rng.random() < 0.2)
        fill(doctor_id, count - ahead, -PAST_DAYS, -1)
        fill(doctor_id, ahead, 0, FUTURE_DAYS - 1)
    raw.sort(key=lambda r: r[0])  # ids in the order the bookings were made, as a real table fills

    appointments: list[tuple[Any, ...]] = []
    outbox: list[tuple[Any, ...]] = []
    for appointment_id, (made, patient, doctor_id, offset, minute, status, mode, reason) in enumerate(raw, 1):
        day = TODAY + dt.timedelta(days=offset)
        changed = made if status in ("booked",) else min(NOW_UTC, made + dt.timedelta(days=rng.randint(0, 10)))
        appointments.append((appointment_id, patient, doctor_id, day.isoformat(), DAY_NAMES[day.weekday()],
                             _time_text(minute), mode, status, reason, _stamp(made), _stamp(changed)))
        if status == "booked":
            sent = _stamp(made + dt.timedelta(seconds=rng.randint(5, 120)))
            when = f"{day:%d %B %Y} at {minute // 60:02d}:{minute % 60:02d}"
            outbox.append((f"appointment:{appointment_id}:confirmation", "booking_confirmation",
                           patient_emails[patient], "Your appointment is confirmed",
                           f"Your appointment is booked for {when}.", appointment_id, "sent", 1, _stamp(made),
                           _stamp(made), sent))
            outbox.append((f"appointment:{appointment_id}:doctor-new", "doctor_new_booking", emails[doctor_id],
                           "New appointment booked", f"A patient booked an appointment with you for {when}.",
                           appointment_id, "sent", 1, _stamp(made), _stamp(made), sent))
    info = dict(heavy_doctor_id=heavy_id, heavy_doctor_email=emails[heavy_id], new_doctor_id=new_id,
                new_doctor_email=emails[new_id], frequent_patient_ids=frequent,
                frequent_patient_emails=[patient_emails[p] for p in frequent])
    return Rows(doctors, availability, leave, patients, appointments, outbox, info)


# --- writing -------------------------------------------------------------------------------------

def _batches(rows: list[tuple[Any, ...]], n: int) -> Iterator[list[tuple[Any, ...]]]:
    for start in range(0, len(rows), n):
        yield rows[start:start + n]


def _tables(rows: Rows) -> list[tuple[str, Sequence[str], list[tuple[Any, ...]]]]:
    return [
        ("doctor_info", DOCTOR_COLUMNS, rows.doctors),
        ("doctor_availability", ("doctor_id", "weekday", "start_time", "end_time"), rows.availability),
        ("doctor_leave", ("doctor_id", "leave_date"), rows.leave),
        ("patient_info", PATIENT_COLUMNS, rows.patients),
        ("appointments", APPOINTMENT_COLUMNS, rows.appointments),
        ("email_outbox", OUTBOX_COLUMNS, rows.outbox),
    ]


def _write_sqlite(url: str, rows: Rows, log: Callable[[str], None]) -> None:
    conn = sqlite3.connect(_sqlite_path(url), isolation_level=None)
    try:
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -524288")  # 512 MiB while loading
        conn.execute("PRAGMA temp_store = MEMORY")
        for table, columns, data in _tables(rows):
            started = time.perf_counter()
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
            conn.execute("BEGIN")
            for batch in _batches(data, 50_000):
                conn.executemany(sql, batch)
            conn.execute("COMMIT")
            log(f"    {table}: {len(data):,} rows in {time.perf_counter() - started:.1f} s")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _write_mysql(url: str, rows: Rows, log: Callable[[str], None]) -> None:
    import mysql.connector

    parts = urlsplit(url)
    conn = mysql.connector.connect(host=parts.hostname, port=parts.port or 3306, user=parts.username or "root",
                                   password=parts.password or "", database=parts.path.lstrip("/"),
                                   charset="utf8mb4", collation="utf8mb4_unicode_ci", autocommit=False)
    try:
        cur = conn.cursor()
        # This loading session only: the generator's rows are consistent by construction.
        cur.execute("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        for table, columns, data in _tables(rows):
            started = time.perf_counter()
            sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('%s' for _ in columns)})"
            for n, batch in enumerate(_batches(data, 2_000), 1):
                cur.executemany(sql, batch)
                if n % 25 == 0:
                    conn.commit()
            conn.commit()
            log(f"    {table}: {len(data):,} rows in {time.perf_counter() - started:.1f} s")
        cur.execute("SET SESSION unique_checks = 1, foreign_key_checks = 1")
        cur.close()
    finally:
        conn.close()


def settings_for(url: str, folder: Path) -> Any:
    """MedLink ``Settings`` for a benchmark database, with its files under ``folder``."""
    from medlink.config import Settings

    folder.mkdir(parents=True, exist_ok=True)
    return Settings.load(env_file=folder / "no.env", db_url=url, data_dir=folder / "data",
                         records_dir=folder / "records", outbox_dir=folder / "outbox", meet_provider="jitsi")


def _schema_for_loading(ml: Any) -> None:
    """Migrations 000 to ``LOAD_SCHEMA``, applied and recorded as ``init_db`` does."""
    from medlink.dao import schema_migrations
    from medlink.db.migrations import migrations

    ml.db.dialect.ensure_database()
    for migration in migrations(ml.db.backend):
        if migration.version > LOAD_SCHEMA:
            continue
        with ml.db.transaction() as tx:
            for statement in migration.statements():
                tx.execute(statement)
            if migration.version:
                schema_migrations.record(tx, migration.version, migration.name,
                                         dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0))


def _write_marker(ml: Any, values: dict[str, str]) -> None:
    """The last step: its presence means the dataset is complete."""
    with ml.db.transaction() as tx:
        tx.execute(tx.per_dialect(
            sqlite=f"CREATE TABLE {MARKER_TABLE} (k TEXT PRIMARY KEY, v TEXT NOT NULL)",
            mysql=f"CREATE TABLE {MARKER_TABLE} (k VARCHAR(64) NOT NULL PRIMARY KEY, v MEDIUMTEXT NOT NULL) "
                  "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4"))
        tx.executemany(f"INSERT INTO {MARKER_TABLE} (k, v) VALUES (?, ?)", list(values.items()))


def generate(backend: str, size: str, log: Callable[[str], None] = print) -> Dataset:
    """Make the dataset afresh (any older one of this name is dropped first)."""
    import tempfile

    from medlink.core import MedLink
    from medlink.services.passwords import Passwords

    size = size_name(size)
    spec = SIZES[size]
    url = dataset_url(backend, size)
    started = time.perf_counter()
    log(f"generating the {size} dataset on {backend} ({spec.doctors:,} doctors, {spec.patients:,} patients, "
        f"{spec.appointments:,} appointments) ...")
    drop(backend, size)
    if backend == "sqlite":
        DATA_DIR.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="medlink-bench-gen-") as tmp:
        settings = settings_for(url, Path(tmp))
        with MedLink(settings) as ml:
            _schema_for_loading(ml)
        password_hash = Passwords().hash(PASSWORD)
        t = time.perf_counter()
        rows = make_rows(spec, password_hash)
        log(f"  rows made in {time.perf_counter() - t:.1f} s; writing ...")
        (_write_sqlite if backend == "sqlite" else _write_mysql)(url, rows, log)
        dataset = dict(backend=backend, size=size, doctors=spec.doctors, patients=spec.patients,
                       appointments=len(rows.appointments), password=PASSWORD,
                       generated_at=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%SZ"), seconds=0.0, **rows.info)
        del rows
        with MedLink(settings) as ml:
            t = time.perf_counter()
            applied = ml.init_db()
            log(f"  migrations {', '.join(f'{v:03d}' for v in applied) or '(none)'} applied to the loaded data in "
                f"{time.perf_counter() - t:.1f} s")
            if backend == "mysql":  # InnoDB would update its statistics in time; now, for repeatable plans
                t = time.perf_counter()
                with ml.db.transaction() as tx:
                    for table in [r["t"] for r in tx.query("SELECT TABLE_NAME AS t FROM information_schema.TABLES "
                                                           "WHERE TABLE_SCHEMA = DATABASE()")]:
                        tx.query(f"ANALYZE TABLE `{table}`")
                log(f"  ANALYZE TABLE in {time.perf_counter() - t:.1f} s")
            dataset["seconds"] = round(time.perf_counter() - started, 1)
            _write_marker(ml, {"version": str(GENERATOR_VERSION), "dataset": json.dumps(dataset)})
    log(f"  {size} on {backend} generated in {time.perf_counter() - started:.1f} s")
    return Dataset(url=url, **dataset)


def describe(dataset: Dataset) -> dict[str, Any]:
    return {k: v for k, v in asdict(dataset).items() if k not in ("frequent_patient_emails", "password")}
