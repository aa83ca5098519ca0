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
