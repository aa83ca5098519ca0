"""Sign-up, login with lockout, logout and password changes for patients, doctors and admins."""

from __future__ import annotations

import datetime as dt
import logging
import re
from typing import Any

from medlink.dao import accounts, admins, doctors, patients
from medlink.db import IntegrityViolation, Tx
from medlink.errors import AccountLocked, AuthError, ConflictError, ValidationError
from medlink.services import validation as v
from medlink.services.base import Service
from medlink.services.passwords import Passwords, check_policy, encodable
from medlink.services.session import ROLES, Session

log = logging.getLogger("medlink.auth")
LOGIN_FAILED = "The login or password is not correct."
_USERNAME = re.compile(r"^[A-Za-z0-9._-]{3,64}$")
_DUPLICATES = {
    "uq_patient_email": ("An account with this e-mail address already exists. Log in instead.", "email"),
    "uq_doctor_email": ("A doctor account with this e-mail address already exists. Log in instead.", "email"),
    "uq_doctor_registration": ("This registration number is already registered with MedLink.",
                               "registration_number"),
    "uq_admin_username": ("This administrator name is taken.", "username"),
}


def conflict_from(exc: IntegrityViolation) -> ConflictError:
    """The user-facing form of a duplicate e-mail, registration number or admin name."""
    message, field = _DUPLICATES.get(exc.constraint or "", ("This conflicts with an existing record.", None))
    return ConflictError(message, field)


class AuthService(Service):
    def __init__(self, *args: Any, passwords: Passwords, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.passwords = passwords

    # -- sign-up ---------------------------------------------------------------------------------
    def register_patient(self, *, name: str, email: str, phone: str, password: str, date_of_birth: Any,
                         gender: str, address: str = "", medical_history: str = "") -> int:
        """Create a patient account; returns the new patient_id."""
        fields = dict(
            name=v.person_name(name), email=v.email(email), phone=v.phone(phone),
            date_of_birth=v.date_of_birth(date_of_birth, self.clock.today()), gender=v.gender(gender),
            address=v.text(address, "address", "Address", required=False, max_length=500, multiline=True),
            medical_history=v.text(medical_history, "medical_history", "Medical history", required=False,
                                   max_length=5000, multiline=True),
        )
        password_hash = self.passwords.hash(check_policy(password))

        def unit(tx: Tx) -> int:
            patient_id = patients.insert(tx, password_hash=password_hash, created_at=self.clock.utc_now(), **fields)
            self.audit.record(tx, actor=("patient", patient_id), action="patient.signup",
                              subject=("patient", patient_id))
            return patient_id

        return self._create(unit)

    def register_doctor(self, *, name: str, email: str, phone: str, password: str, qualifications: str,
                        specialty: str, hospital: str, city: str, experience_years: Any, registration_number: str,
                        bio: str = "", hospital_address: str = "") -> int:
        """Create a doctor account in the ``pending`` state; returns the new doctor_id."""
        fields = dict(
            name=v.person_name(name), email=v.email(email), phone=v.phone(phone),
            qualifications=v.text(qualifications, "qualifications", "Qualifications and education", max_length=2000,
                                  multiline=True),
            specialty=v.text(specialty, "specialty", "Specialty", max_length=100),
            hospital=v.text(hospital, "hospital", "Hospital or clinic", max_length=200),
            hospital_address=v.text(hospital_address, "hospital_address", "Hospital address", required=False,
                                    max_length=500, multiline=True),
            city=v.text(city, "city", "City", max_length=100),
            experience_years=v.whole_number(experience_years, "experience_years", "Years of experience", 0, 70),
            registration_number=v.registration_number(registration_number),
            bio=v.text(bio, "bio", "Short bio", required=False, max_length=2000, multiline=True),
        )
        password_hash = self.passwords.hash(check_policy(password))

        def unit(tx: Tx) -> int:
            doctor_id = doctors.insert(tx, password_hash=password_hash, created_at=self.clock.utc_now(), **fields)
            self.audit.record(tx, actor=("doctor", doctor_id), action="doctor.signup", subject=("doctor", doctor_id))
            return doctor_id

        return self._create(unit)

    def create_admin(self, *, username: str, password: str) -> int:
        """Create an administrator (from the command line only); returns the admin_id."""
        name = v.text(username, "username", "Administrator name", max_length=64)
        if not _USERNAME.match(name):
            raise ValidationError("Use 3 to 64 letters, digits, dots, dashes or underscores.", "username")
        password_hash = self.passwords.hash(check_policy(password))

        def unit(tx: Tx) -> int:
            admin_id = admins.insert(tx, name, password_hash, self.clock.utc_now())
            self.audit.record(tx, actor=("admin", admin_id), action="admin.create", subject=("admin", admin_id))
            return admin_id

        return self._create(unit)

    def _create(self, unit: Any) -> int:
        try:
            return self.run(unit)
        except IntegrityViolation as exc:
            if exc.kind == "unique":
                raise conflict_from(exc) from None
            raise

    # -- login -----------------------------------------------------------------------------------
    def login(self, role: str, login: str, password: str) -> Session:
        """Check the password and start a session. An unknown account and a wrong password get the
        same ``AuthError`` after the same work; too many failures lock the account."""
        if role not in ROLES:
            raise ValidationError("Choose the patient, doctor or administrator login.", "role")
        if not isinstance(login, str) or not isinstance(password, str) or not encodable(login):
            raise AuthError(LOGIN_FAILED)  # no account has such a name (a lone surrogate cannot even be looked up)
        key = login.strip() if role == "admin" else login.strip().lower()
        outcome, detail = self.run(lambda tx: self._check_login(tx, role, key[:254], password))
        if outcome == "ok":
            account_id, name = detail
            return self.sessions.start(role, account_id, name)
        if outcome in ("locked", "lockout"):
            raise AccountLocked(self._locked_message(detail), until=detail)
        if outcome == "disabled":
            raise AuthError("This account has been disabled. Contact the clinic administrator.")
        raise AuthError(LOGIN_FAILED)

    def _check_login(self, tx: Tx, role: str, login: str, password: str) -> tuple[str, Any]:
        action = f"{role}.login"
        account = accounts.for_login(tx, role, login) if login else None
        now = self.clock.utc_now()
        if account is None:
            self.passwords.burn_time(password)
            self.audit.record(tx, actor=None, action=action, outcome="failed", detail="unknown account")
            return "failed", None
        subject = (role, account["id"])
        locked_until = account["locked_until"]
        if locked_until is not None and locked_until > now:
            self.audit.record(tx, actor=None, action=action, subject=subject, outcome="locked")
            return "locked", locked_until
        failures = 0 if locked_until is not None else int(account["failed_logins"])
        if not self.passwords.verify(account["password_hash"], password):
            failures += 1
            lock = now + dt.timedelta(minutes=self.settings.lockout_minutes) \
                if failures >= self.settings.max_failed_logins else None
            if locked_until is not None:  # an expired lock starts the count again
                accounts.clear_failures(tx, role, account["id"])
            accounts.record_failure(tx, role, account["id"], lock)
            self.audit.record(tx, actor=None, action=action, subject=subject,
                              outcome="lockout" if lock else "failed", detail=f"failure {failures}")
            return ("lockout", lock) if lock else ("failed", None)
        if not account["is_active"]:
            self.audit.record(tx, actor=None, action=action, subject=subject, outcome="disabled")
            return "disabled", None
        if account["failed_logins"] or locked_until is not None:
            accounts.clear_failures(tx, role, account["id"])
        if self.passwords.needs_rehash(account["password_hash"]):
            accounts.set_password_hash(tx, role, account["id"], self.passwords.hash(password))
        self.audit.record(tx, actor=subject, action=action, subject=subject)
        return "ok", (int(account["id"]), str(account["name"]))

    def _locked_message(self, until: dt.datetime) -> str:
        local = until + (self.clock.local_now() - self.clock.utc_now())
        return (f"Too many failed logins: this account is locked until {local:%H:%M}. "
                "Try again then, or ask the clinic administrator for help.")

    def logout(self, session: Session, reason: str = "user") -> None:
        """End the session; ``reason`` is ``user`` or ``idle`` (automatic log-off)."""
        if self.sessions.end(session):
            action = "logout" if reason == "user" else "auto_logoff"
            self.audit.record_now(actor=session, action=f"{session.role}.{action}", subject=session.actor)

    def change_password(self, session: Session, current: str, new: str) -> None:
        """Change the signed-in user's password after checking the current one."""
        session = self.authorize(session, ROLES, "password.change", subject=None)
        check_policy(new, "new_password")

        def unit(tx: Tx) -> bool:
            account = accounts.for_id(tx, session.role, session.user_id)
            if account is None or not self.passwords.verify(account["password_hash"], current):
                self.audit.record(tx, actor=session, action="password.change", subject=session.actor,
                                  outcome="failed")
                return False
            accounts.set_password_hash(tx, session.role, session.user_id, self.passwords.hash(new))
            self.audit.record(tx, actor=session, action="password.change", subject=session.actor)
            return True

        if not self.run(unit):
            raise ValidationError("The current password is not correct.", "current_password")
