"""Render MedLink's screens to ``docs/screenshots/<name>.png``.

    xvfb-run -a python scripts/screenshots.py            (or: make screenshots)
    python scripts/screenshots.py welcome patient_home    only these

Each shot opens a fresh window on a temporary SQLite database, lets one function navigate, waits
until background work has finished and the window is idle, then grabs the window's pixels from the
X server with Pillow's ``ImageGrab`` (XCB).

Every registered screen that anyone may open (``Screen.roles`` empty) is shot by showing it.
A screen that needs a session or a context gets a :data:`SHOTS` entry whose function signs in and
navigates; data it needs is added by a :data:`SETUP` function, run once on the fresh database::

    @shot("patient_home")
    def _patient_home(app: MedLinkApp) -> None:
        session = app.ml.auth.login("patient", "asha@example.com", DEMO_PASSWORD)
        ...
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tkinter as tk
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from PIL import Image, ImageGrab  # noqa: E402

from medlink.config import Settings  # noqa: E402
from medlink.core import MedLink  # noqa: E402
from medlink.ui import tasks  # noqa: E402
from medlink.ui.app import MedLinkApp  # noqa: E402

OUT_DIR = ROOT / "docs" / "screenshots"
SETTLE_SECONDS = 0.4      # at least this long, so debounced redraws (the backdrop) have happened
TIMEOUT_SECONDS = 20.0


@dataclass(frozen=True)
class Shot:
    name: str                                   # the file is docs/screenshots/<name>.png
    navigate: Callable[[MedLinkApp], object]    # gets a fresh app showing the welcome screen


SHOTS: list[Shot] = []
SETUP: list[Callable[[MedLink], object]] = []   # run once, in order, after init_db


def shot(name: str) -> Callable[[Callable[[MedLinkApp], object]], Callable[[MedLinkApp], object]]:
    """Decorator: register a function that takes the fresh app to the screen to photograph."""

    def register(navigate: Callable[[MedLinkApp], object]) -> Callable[[MedLinkApp], object]:
        SHOTS.append(Shot(name, navigate))
        return navigate

    return register


@shot("welcome")
def _welcome(app: MedLinkApp) -> None:
    app.show("welcome")


# --- accounts: sign-in, sign-up, homes, profiles, administration ---------------------------------------

EXTRA_PENDING = (
    ("Dr. Sana Kapoor", "sana.kapoor@example.in", "+919811122233", "Dermatology",
     "MBBS (Lady Hardinge Medical College, 2012)\nMD Dermatology, Venereology & Leprosy (PGIMER Chandigarh, 2016)",
     "SkinFirst Clinic", "Delhi", 8, "DMC/R/04521", "14 Rajpur Road, Civil Lines, Delhi 110054",
     "Skin, hair and nail care for all ages; special interest in acne and pigmentation."),
    ("Dr. Thomas Mathew", "thomas.mathew@example.in", "+919847012345", "Cardiology",
     "MBBS (Government Medical College, Kottayam)\nMD Medicine, DM Cardiology (SCTIMST)", "Lisie Heart Institute",
     "Kochi", 12, "TCMC/31122", "Lisie Hospital Road, Kaloor, Kochi 682018", ""),
    ("Dr. Pooja Agarwal", "pooja.agarwal@example.in", "+919829033445", "Pediatrics",
     "MBBS, DCH (SMS Medical College, Jaipur)", "Rainbow Kids Clinic", "Jaipur", 5, "RMC/27760",
     "C-Scheme, Jaipur 302001", "Newborn care and vaccinations."),
)
REJECTED = ("Dr. Kiran Patil", "kiran.patil@example.in", "+919822044556", "Orthopedics",
            "MBBS (Grant Medical College)", "Patil Bone Clinic", "Nashik", 4, "MMC/2019/07781", "", "")
REJECTION_REASON = ("The registration number MMC/2019/07781 does not match the name on the Maharashtra "
                    "Medical Council register. Please upload your certificate or correct the number.")


def _accounts_setup(ml: MedLink) -> None:
    from medlink.seed import DEMO_SECRET, seed_demo

    seed_demo(ml)
    admin = ml.auth.login("admin", "admin", DEMO_SECRET)
    for name, email, phone, specialty, quals, hospital, city, years, reg, address, bio in (*EXTRA_PENDING, REJECTED):
        doctor_id = ml.auth.register_doctor(
            name=name, email=email, phone=phone, password=DEMO_SECRET, qualifications=quals, specialty=specialty,
            hospital=hospital, city=city, experience_years=years, registration_number=reg, bio=bio,
            hospital_address=address)
    ml.admin.reject_doctor(admin, doctor_id, REJECTION_REASON)
    ml.auth.logout(admin)


SETUP.append(_accounts_setup)


def _sign_in(app: MedLinkApp, role: str, login: str, **context: object) -> None:
    from medlink.seed import DEMO_SECRET
    from medlink.ui.navigation import enter

    enter(app, app.ml.auth.login(role, login, DEMO_SECRET), **context)


@shot("patient_login")
def _patient_login(app: MedLinkApp) -> None:
    app.show("patient_login")


@shot("patient_login_error")
def _patient_login_error(app: MedLinkApp) -> None:
    screen = app.show("patient_login")
    screen.form.fields["login"].set("asha@demo.medlink")
    screen.form.fields["password"].set("not-my-password")
    screen.sign_in_button.invoke()
    settle(app)
    screen.focus_first()


@shot("patient_signup")
def _patient_signup(app: MedLinkApp) -> None:
    app.show("patient_signup")


@shot("patient_signup_errors")
def _patient_signup_errors(app: MedLinkApp) -> None:
    screen = app.show("patient_signup")
    screen.form.set_values({"name": "Meera Pillai", "email": "meera.pillai@", "phone": "98470 12345",
                            "date_of_birth": "1992-07-31", "gender": "Female", "password": "correct-horse-42",
                            "confirm_password": "correct-horse-24"})
    screen.submit_button.invoke()


@shot("patient_home")
def _patient_home(app: MedLinkApp) -> None:
    _sign_in(app, "patient", "asha@demo.medlink")


@shot("patient_profile")
def _patient_profile(app: MedLinkApp) -> None:
    _sign_in(app, "patient", "asha@demo.medlink")
    app.show("patient_profile")


@shot("doctor_login")
def _doctor_login(app: MedLinkApp) -> None:
    app.show("doctor_login")


@shot("doctor_signup")
def _doctor_signup(app: MedLinkApp) -> None:
    app.show("doctor_signup")


@shot("doctor_home_pending")
def _doctor_home_pending(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", "pending@demo.medlink")


@shot("doctor_home_rejected")
def _doctor_home_rejected(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", REJECTED[1])


@shot("doctor_home_verified")
def _doctor_home_verified(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", "doctor2@demo.medlink")


@shot("doctor_own_profile")
def _doctor_own_profile(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", "doctor2@demo.medlink")
    app.show("doctor_own_profile")


@shot("doctor_profile")
def _doctor_profile(app: MedLinkApp) -> None:
    _sign_in(app, "patient", "asha@demo.medlink")
    app.show("doctor_profile", doctor_id=1, back="patient_home")


@shot("admin_login")
def _admin_login(app: MedLinkApp) -> None:
    app.show("admin_login")


@shot("admin_home")
def _admin_home(app: MedLinkApp) -> None:
    _sign_in(app, "admin", "admin")


@shot("admin_audit")
def _admin_audit(app: MedLinkApp) -> None:
    import contextlib

    from medlink.errors import AuthError

    with contextlib.suppress(AuthError):  # a failed sign-in, so the trail shows one
        app.ml.auth.login("patient", "asha@demo.medlink", "not-my-password")
    _sign_in(app, "admin", "admin")
    screen = app.show("admin_audit")
    settle(app)
    screen.check_button.invoke()


# --- doctor side: schedule, receipts, video links, availability, fees, bills, patient records ----------

DOCTOR_LOGIN = "doctor2@demo.medlink"   # Dr. Rohan Mehta, Cardiology, 20-minute slots
MORE_PATIENTS = (
    ("Priya Sharma", "priya.sharma@example.in", "9812345670", "1990-05-21", "Female"),
    ("Vikram Rao", "vikram.rao@example.in", "9845012345", "1971-09-08", "Male"),
    ("Neha Gupta", "neha.gupta@example.in", "9833344455", "1996-01-30", "Female"),
    ("Arjun Das", "arjun.das@example.in", "9830011223", "1984-12-12", "Male"),
)
UPCOMING = (  # patient login, mode, reason
    ("asha@demo.medlink", "online", "Follow-up on ECG results"),
    ("priya.sharma@example.in", "offline", "Palpitations after climbing stairs"),
    ("rahul@demo.medlink", "online", "Blood pressure review"),
    ("vikram.rao@example.in", "offline", "Chest tightness on exertion"),
    ("neha.gupta@example.in", "online", "Second opinion on echo report"),
    ("arjun.das@example.in", "offline", "Annual heart check-up"),
    ("asha@demo.medlink", "offline", "Lipid profile discussion"),
)
PAST = (  # patient login, days ago, time, mode, status, reason
    ("rahul@demo.medlink", 2, "10:00", "offline", "completed", "Shortness of breath"),
    ("priya.sharma@example.in", 3, "11:20", "online", "completed", "Medication review"),
    ("vikram.rao@example.in", 6, "09:40", "offline", "no_show", "Post-angioplasty check"),
    ("neha.gupta@example.in", 8, "12:00", "online", "cancelled_by_patient", "Fatigue"),
    ("asha@demo.medlink", 9, "10:40", "offline", "completed", "Dizziness"),
    ("arjun.das@example.in", 13, "09:00", "offline", "completed", "Pre-surgery fitness"),
)
SAMPLE_LINK = "https://meet.google.com/kdr-vmqe-tyx"


def _doctor_side_setup(ml: MedLink) -> None:
    import datetime as dt

    from medlink.dao import appointments
    from medlink.seed import DEMO_SECRET

    for name, email, phone, born, gender in MORE_PATIENTS:
        ml.auth.register_patient(name=name, email=email, phone=phone, password=DEMO_SECRET, date_of_birth=born,
                                 gender=gender, address="Mumbai")
    sessions = {login: ml.auth.login("patient", login, DEMO_SECRET) for login in {p[0] for p in (*UPCOMING, *PAST)}}
    doctor = ml.auth.login("doctor", DOCTOR_LOGIN, DEMO_SECRET)
    day, booked = ml.clock.today() + dt.timedelta(days=1), []
    for index, (login, mode, reason) in enumerate(UPCOMING):
        slots = []
        while not slots:
            slots = ml.appointments.open_slots(doctor.user_id, day)
            day += dt.timedelta(days=0 if slots else 1)
        booked.append(ml.appointments.book(sessions[login], doctor_id=doctor.user_id, date=day,
                                           time=slots[min(2 + index, len(slots) - 1)], mode=mode, reason=reason))
        if index % 2:
            day += dt.timedelta(days=1)
        if index == 3:
            ml.mailer.send_due()  # the first four confirmations sent; the rest still waiting
    ml.video.create_link(doctor, booked[0].appointment_id, SAMPLE_LINK)
    now = ml.clock.utc_now()
    for login, days_ago, at, mode, status, reason in PAST:
        when = ml.clock.today() - dt.timedelta(days=days_ago)
        with ml.db.transaction() as tx:
            appointment_id = appointments.insert(
                tx, patient_id=sessions[login].user_id, doctor_id=doctor.user_id, appointment_date=when,
                appointment_day=f"{when:%A}", appointment_time=dt.time.fromisoformat(at), mode=mode, reason=reason,
                created_at=now - dt.timedelta(days=days_ago + 4))
            appointments.set_status(tx, appointment_id, status, now - dt.timedelta(days=days_ago))
        if status == "completed":
            ml.billing.create_bill(doctor, appointment_id, extra_charges="350" if days_ago == 2 else "0",
                                   additional_details="ECG and 2D echo done at the clinic." if days_ago == 2 else "")
    _shared_records(ml, sessions["asha@demo.medlink"], doctor.user_id)
    with ml.db.transaction() as tx:
        from medlink.dao import availability

        availability.add_leave(tx, doctor.user_id, ml.clock.today() + dt.timedelta(days=24))
        availability.add_leave(tx, doctor.user_id, ml.clock.today() + dt.timedelta(days=25))
    for session in (*sessions.values(), doctor):
        ml.auth.logout(session)


def _shared_records(ml: MedLink, patient: object, doctor_id: int) -> None:
    """Two documents Asha shares with her cardiologist, and one she keeps to herself."""
    from PIL import Image as PilImage
    from reportlab.pdfgen import canvas

    folder = Path(ml.settings.data_dir) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("ECG report March.pdf", "12-lead ECG: sinus rhythm"), ("Lipid profile.pdf", "LDL 162 mg/dL"),
                       ("Dermatology note.pdf", "Not for the cardiologist")):
        pdf = canvas.Canvas(str(folder / name))
        pdf.drawString(72, 720, text)
        pdf.save()
    PilImage.new("RGB", (640, 480), (30, 30, 30)).save(folder / "Chest X-ray.png")
    for name in ("ECG report March.pdf", "Chest X-ray.png", "Lipid profile.pdf"):
        ml.records.upload(patient, folder / name, share_with=[doctor_id])
    ml.records.upload(patient, folder / "Dermatology note.pdf")


SETUP.append(_doctor_side_setup)


def _doctor_schedule_upcoming(app: MedLinkApp, select: int = 0) -> object:
    _sign_in(app, "doctor", DOCTOR_LOGIN)
    screen = app.show("doctor_schedule")
    settle(app)
    screen.views.buttons["upcoming"].invoke()
    settle(app)
    rows = screen.table.row_ids()
    screen.table.select(rows[select])
    settle(app)
    return screen


@shot("doctor_schedule")
def _doctor_schedule(app: MedLinkApp) -> None:
    _doctor_schedule_upcoming(app, select=1)


@shot("doctor_schedule_link")
def _doctor_schedule_link(app: MedLinkApp) -> None:
    screen = _doctor_schedule_upcoming(app, select=0)
    screen.scroll.canvas.yview_moveto(1.0)


@shot("receipt_dialog")
def _receipt_dialog(app: MedLinkApp) -> None:
    screen = _doctor_schedule_upcoming(app, select=1)
    screen.receipt_button.invoke()
    settle(app)
    from medlink.ui.receipt_dialog import ReceiptDialog

    dialog = next(w for w in app.winfo_children() if isinstance(w, ReceiptDialog))
    dialog.extra.set("150")
    dialog.details.set("Holter monitor fitted for 24 hours.")
    settle(app)
    dialog.open()  # centred again at its final size
    _keep_above(app, dialog)


def _keep_above(app: MedLinkApp, dialog: tk.Toplevel) -> None:
    """grab() raises the main window; with no window manager under Xvfb that would hide the dialog."""
    app.lift = lambda *_args: (tk.Tk.lift(app), dialog.lift())  # type: ignore[method-assign]


@shot("video_link_dialog")
def _video_link_dialog(app: MedLinkApp) -> None:
    from medlink.ui.video_link_dialog import PasteLinkDialog

    screen = _doctor_schedule_upcoming(app, select=2)
    dialog = PasteLinkDialog(app, screen.selected(), lambda _link: None)
    dialog.open()
    dialog.link.set("http://meet.example.com/cardio-review")
    dialog.primary_button.invoke()
    _keep_above(app, dialog)


@shot("doctor_availability")
def _doctor_availability(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", DOCTOR_LOGIN)
    app.show("doctor_availability")


@shot("doctor_availability_days_off")
def _doctor_availability_days_off(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", DOCTOR_LOGIN)
    screen = app.show("doctor_availability")
    settle(app)
    screen.leave_table.select(screen.leave_table.row_ids()[0])
    screen.scroll.canvas.yview_moveto(1.0)


@shot("doctor_fees")
def _doctor_fees(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", DOCTOR_LOGIN)
    app.show("doctor_fees")


@shot("doctor_fees_defaults")
def _doctor_fees_defaults(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", "pending@demo.medlink")
    app.show("doctor_fees")


@shot("doctor_bills")
def _doctor_bills(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", DOCTOR_LOGIN)
    app.show("doctor_bills")


@shot("doctor_patient_records")
def _doctor_patient_records(app: MedLinkApp) -> None:
    _sign_in(app, "doctor", DOCTOR_LOGIN)
    screen = app.show("doctor_patient_records")
    settle(app)
    asha = next(iid for iid, p in screen.patients.items() if p.name == "Asha Verma")
    screen.patients_table.select(asha)
    settle(app)
    screen.records_table.select(screen.records_table.row_ids()[0])


# --- patient side: find a doctor, book, appointments with their link, bills, records, chat -------------

PATIENT_LOGIN = "asha@demo.medlink"
FAMILY_DOCTOR = "doctor1@demo.medlink"   # Dr. Ananya Iyer, General Physician, 15-minute slots
PATIENT_MEET_LINK = "https://meet.google.com/hqv-ptrs-kne"


def _patient_side_setup(ml: MedLink) -> None:
    """Asha's own visits to her general physician: an online one with its Meet link, and an in-person
    one already billed."""
    import datetime as dt

    from medlink.errors import ConflictError
    from medlink.seed import DEMO_SECRET

    asha = ml.auth.login("patient", PATIENT_LOGIN, DEMO_SECRET)
    doctor = ml.auth.login("doctor", FAMILY_DOCTOR, DEMO_SECRET)
    visits = (("online", "Fever for three days with body ache; malaria test was negative."),
              ("offline", "Review of blood test results"))
    day, booked = ml.clock.today() + dt.timedelta(days=1), []
    for mode, reason in visits:
        while len(booked) < len(visits) and mode not in {a.mode for a in booked}:
            for slot in ml.appointments.open_slots(doctor.user_id, day)[4:]:
                try:  # Asha may already be elsewhere at that time (the doctor side's bookings)
                    booked.append(ml.appointments.book(asha, doctor_id=doctor.user_id, date=day, time=slot,
                                                       mode=mode, reason=reason))
                    break
                except ConflictError:
                    continue
            day += dt.timedelta(days=1)
    ml.video.create_link(doctor, booked[0].appointment_id, PATIENT_MEET_LINK)
    ml.billing.create_bill(doctor, booked[1].appointment_id, extra_charges="250",
                           additional_details="Dressing of a minor wound.")
    ml.auth.logout(doctor)
    ml.auth.logout(asha)


SETUP.append(_patient_side_setup)


def _as_patient(app: MedLinkApp, screen: str, **context: object) -> object:
    _sign_in(app, "patient", PATIENT_LOGIN)
    shown = app.show(screen, **context)
    settle(app)
    return shown


def _online_visit(app: MedLinkApp) -> int:
    """Asha's online appointment with her general physician."""
    session = app.session
    return next(a.appointment_id for a in app.ml.appointments.mine(session, upcoming=True)
                if a.mode == "online" and a.doctor_name == "Dr. Ananya Iyer")


@shot("find_doctor")
def _find_doctor(app: MedLinkApp) -> None:
    _as_patient(app, "find_doctor")


@shot("doctor_profile_booking")
def _doctor_profile_booking(app: MedLinkApp) -> None:
    search = _as_patient(app, "find_doctor", specialty="Cardiology")
    settle(app)
    search.view_button.invoke()  # the first result, on the day of its next open slot
    settle(app)
    profile = app.current_screen
    times = profile.slot_field.choices.values()
    if times:
        profile.slot_field.choose(times[min(5, len(times) - 1)])
    profile.mode_field.choices.buttons["online"].invoke()
    profile.reason_field.set("Palpitations after climbing stairs")


@shot("my_appointments")
def _my_appointments(app: MedLinkApp) -> None:
    _sign_in(app, "patient", PATIENT_LOGIN)
    app.show("my_appointments", appointment_id=_online_visit(app))


@shot("my_appointments_reschedule")
def _my_appointments_reschedule(app: MedLinkApp) -> None:
    _sign_in(app, "patient", PATIENT_LOGIN)
    screen = app.show("my_appointments", appointment_id=_online_visit(app))
    settle(app)
    screen.reschedule_button.invoke()
    settle(app)
    dialog = screen.reschedule_dialog
    for _ in range(7):  # the next day with open times
        dialog.date.step(1)
        settle(app)
        if dialog.slots.choices.values():
            break
    times = dialog.slots.choices.values()
    if times:
        dialog.slots.choose(times[min(3, len(times) - 1)])
    _keep_above(app, dialog)


@shot("patient_bills")
def _patient_bills(app: MedLinkApp) -> None:
    _as_patient(app, "patient_bills")


@shot("patient_records")
def _patient_records(app: MedLinkApp) -> None:
    _as_patient(app, "patient_records")


@shot("patient_chat")
def _patient_chat(app: MedLinkApp) -> None:
    chat = _as_patient(app, "patient_chat")
    for question in ("My next appointment", "Fees of a cardiologist"):
        chat.ask(question)
        settle(app)


def plan(app: MedLinkApp) -> tuple[list[Shot], list[str]]:
    """The shots to take: SHOTS, then every public screen without one; and the screens skipped."""
    shots = list(SHOTS)
    named = {s.name for s in shots}
    skipped = []
    for name, screen_class in sorted(app.screens.items()):
        if name in named or any(n.startswith(name + "_") for n in named):  # doctor_home_pending covers doctor_home
            continue
        if screen_class.roles:
            skipped.append(name)
        else:
            shots.append(Shot(name, lambda a, n=name: a.show(n)))
    return shots, skipped


def settle(app: MedLinkApp) -> None:
    """Run the event loop until background tasks are done and the minimum settle time has passed."""
    start = time.monotonic()
    while True:
        app.update()
        waited = time.monotonic() - start
        if waited >= SETTLE_SECONDS and tasks.pending_tasks() == 0:
            app.update_idletasks()
            return
        if waited > TIMEOUT_SECONDS:
            raise TimeoutError("the screen did not settle (background work still running)")
        time.sleep(0.02)


def grab(app: MedLinkApp) -> Image.Image:
    """The window's pixels, read back from the X server."""
    app.lift()
    settle(app)
    left, top = app.winfo_rootx(), app.winfo_rooty()
    box = (left, top, left + app.winfo_width(), top + app.winfo_height())
    return ImageGrab.grab(bbox=box, xdisplay=os.environ.get("DISPLAY"))


def take(ml: MedLink, item: Shot | None) -> tuple[Image.Image | None, list[Shot], list[str]]:
    """Open a fresh window, take ``item`` (None: only plan), close it again."""
    app = MedLinkApp(ml)
    app.testing = True  # a dialog must never block the script
    try:
        app.geometry("1100x720+0+0")
        shots, skipped = plan(app)
        if item is None:
            return None, shots, skipped
        item.navigate(app)
        return grab(app), shots, skipped
    finally:
        app.destroy()
        del app
        gc.collect()  # free the window on this (the Tk) thread, never on a worker


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="only these shots (default: all)")
    parser.add_argument("--out", type=Path, default=OUT_DIR, help=f"output folder (default: {OUT_DIR})")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY"):
        print("screenshots need an X display: run  xvfb-run -a python scripts/screenshots.py",
              file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="medlink-shots-") as tmp:
        ml = MedLink(Settings.load(env_file=Path(tmp) / ".env", db_url=f"sqlite:///{tmp}/medlink.db",
                                   data_dir=tmp, records_dir=Path(tmp) / "records"))
        try:
            ml.init_db()
            for setup in SETUP:
                setup(ml)
            return _take_all(ml, args.names, args.out)
        finally:
            ml.close()


def _take_all(ml: MedLink, names: list[str], out: Path) -> int:
    _, shots, skipped = take(ml, None)
    for name in skipped:
        print(f"skipped  {name}: needs a session; add a SHOTS entry in scripts/screenshots.py")
    unknown = set(names) - {s.name for s in shots}
    if unknown:
        print(f"no such shot: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 2
    for item in shots:
        if names and item.name not in names:
            continue
        image, _, _ = take(ml, item)
        path = out / f"{item.name}.png"
        image.save(path, optimize=True)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"wrote    {shown}  {image.width}x{image.height}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
