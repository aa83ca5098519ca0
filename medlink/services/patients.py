"""A patient's own profile."""

from __future__ import annotations

from typing import Any

from medlink.dao import patients
from medlink.db import IntegrityViolation, Tx
from medlink.errors import NotFound, ValidationError
from medlink.models import PatientProfile, from_row
from medlink.services import validation as v
from medlink.services.auth import conflict_from
from medlink.services.base import Service
from medlink.services.session import Session

PATIENT = ("patient",)


class PatientService(Service):
    def profile(self, session: Session) -> PatientProfile:
        """The signed-in patient's own profile."""
        session = self.authorize(session, PATIENT, "patient.profile.view")

        def unit(tx: Tx) -> PatientProfile:
            row = patients.get(tx, session.user_id)
            if row is None:
                raise NotFound("Your account no longer exists.")
            self.audit.record(tx, actor=session, action="patient.profile.view", subject=session.actor)
            return from_row(PatientProfile, row)

        return self.run(unit)

    def update_profile(self, session: Session, **fields: Any) -> PatientProfile:
        """Change contact details or medical history; returns the profile as saved."""
        session = self.authorize(session, PATIENT, "patient.profile.update", subject=None)
        cleaned = self._clean(fields)

        def unit(tx: Tx) -> PatientProfile:
            patients.update(tx, session.user_id, cleaned)
            row = patients.get(tx, session.user_id)
            if row is None:
                raise NotFound("Your account no longer exists.")
            self.audit.record(tx, actor=session, action="patient.profile.update", subject=session.actor,
                              detail=",".join(sorted(cleaned)))
            return from_row(PatientProfile, row)

        try:
            return self.run(unit)
        except IntegrityViolation as exc:
            if exc.kind == "unique":
                raise conflict_from(exc) from None
            raise

    def _clean(self, fields: dict[str, Any]) -> dict[str, Any]:
        validators = {
            "name": v.person_name,
            "email": v.email,
            "phone": v.phone,
            "date_of_birth": lambda x: v.date_of_birth(x, self.clock.today()),
            "gender": v.gender,
            "address": lambda x: v.text(x, "address", "Address", required=False, max_length=500, multiline=True),
            "medical_history": lambda x: v.text(x, "medical_history", "Medical history", required=False,
                                                max_length=5000, multiline=True),
        }
        unknown = sorted(set(fields) - set(validators))
        if unknown:
            raise ValidationError(f"These cannot be changed here: {', '.join(unknown)}.", unknown[0])
        return {name: validators[name](value) for name, value in fields.items()}
