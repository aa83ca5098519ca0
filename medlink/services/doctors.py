"""Doctors' profiles: the public view of a verified doctor, and a doctor's own profile."""

from __future__ import annotations

from typing import Any

from medlink.dao import doctors
from medlink.db import IntegrityViolation, Tx
from medlink.errors import NotFound, ValidationError
from medlink.models import DoctorProfile, PublicDoctorProfile, from_row
from medlink.services import validation as v
from medlink.services.auth import conflict_from
from medlink.services.base import Service
from medlink.services.session import ROLES, Session

DOCTOR = ("doctor",)


def public_profile(row: dict[str, Any]) -> PublicDoctorProfile:
    """The public face of a doctor row: contact details only if the doctor made them public."""
    shown = bool(row["contact_public"])
    return from_row(PublicDoctorProfile, row, verified=row["verification_status"] == "verified",
                    email=row["email"] if shown else None, phone=row["phone"] if shown else None)


class DoctorService(Service):
    def profile(self, doctor_id: int, session: Session | None = None) -> PublicDoctorProfile:
        """A verified doctor's public profile. Unverified doctors are not found, except by
        themselves and by administrators."""
        if session is not None:
            session = self.authorize(session, ROLES, "doctor.profile.view", subject=("doctor", doctor_id))

        def unit(tx: Tx) -> PublicDoctorProfile:
            row = doctors.get(tx, doctor_id) if isinstance(doctor_id, int) else None
            own = session is not None and (session.role == "admin" or session.actor == ("doctor", doctor_id))
            if row is None or not row["is_active"] or (row["verification_status"] != "verified" and not own):
                raise NotFound("This doctor is not listed on MedLink.")
            if session is not None:
                self.audit.record(tx, actor=session, action="doctor.profile.view", subject=("doctor", doctor_id))
            return public_profile(row)

        return self.db.run(unit)

    def my_profile(self, session: Session) -> DoctorProfile:
        """The signed-in doctor's whole profile, with verification state and any rejection reason."""
        session = self.authorize(session, DOCTOR, "doctor.own_profile.view")

        def unit(tx: Tx) -> DoctorProfile:
            row = doctors.get(tx, session.user_id)
            if row is None:
                raise NotFound("Your account no longer exists.")
            self.audit.record(tx, actor=session, action="doctor.own_profile.view", subject=session.actor)
            return from_row(DoctorProfile, row)

        return self.db.run(unit)

    def update_profile(self, session: Session, **fields: Any) -> DoctorProfile:
        """Change the doctor's own profile; the registration number is a verified credential and
        cannot be changed here."""
        session = self.authorize(session, DOCTOR, "doctor.profile.update")
        cleaned = self._clean(fields)

        def unit(tx: Tx) -> DoctorProfile:
            doctors.update(tx, session.user_id, cleaned)
            row = doctors.get(tx, session.user_id)
            if row is None:
                raise NotFound("Your account no longer exists.")
            self.audit.record(tx, actor=session, action="doctor.profile.update", subject=session.actor,
                              detail=",".join(sorted(cleaned)))
            return from_row(DoctorProfile, row)

        try:
            return self.db.run(unit)
        except IntegrityViolation as exc:
            if exc.kind == "unique":
                raise conflict_from(exc) from None
            raise

    @staticmethod
    def _clean(fields: dict[str, Any]) -> dict[str, Any]:
        def long_text(name: str, label: str, required: bool, limit: int) -> Any:
            return lambda x: v.text(x, name, label, required=required, max_length=limit, multiline=True)

        validators = {
            "name": v.person_name,
            "email": v.email,
            "phone": v.phone,
            "qualifications": long_text("qualifications", "Qualifications and education", True, 2000),
            "specialty": lambda x: v.text(x, "specialty", "Specialty", max_length=100),
            "hospital": lambda x: v.text(x, "hospital", "Hospital or clinic", max_length=200),
            "hospital_address": long_text("hospital_address", "Hospital address", False, 500),
            "city": lambda x: v.text(x, "city", "City", max_length=100),
            "experience_years": lambda x: v.whole_number(x, "experience_years", "Years of experience", 0, 70),
            "bio": long_text("bio", "Short bio", False, 2000),
            "contact_public": lambda x: 1 if x is True or x == 1 else 0,
        }
        unknown = sorted(set(fields) - set(validators))
        if unknown:
            raise ValidationError(f"These cannot be changed here: {', '.join(unknown)}.", unknown[0])
        return {name: validators[name](value) for name, value in fields.items()}
