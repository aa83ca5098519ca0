"""The administrator's work: verifying doctors' credentials, reading the audit trail."""

from __future__ import annotations

from medlink.dao import audit_log, doctors
from medlink.db import Tx
from medlink.errors import ConflictError, NotFound, ValidationError
from medlink.models import DoctorProfile, from_row
from medlink.services import validation as v
from medlink.services.audit import AuditCheck
from medlink.services.base import Service
from medlink.services.session import Session

ADMIN = ("admin",)


class AdminService(Service):
    def pending_doctors(self, session: Session) -> list[DoctorProfile]:
        """Doctors awaiting verification, oldest application first, with every credential given."""
        session = self.authorize(session, ADMIN, "admin.pending.list")

        def unit(tx: Tx) -> list[DoctorProfile]:
            rows = doctors.by_status(tx, "pending")
            self.audit.record(tx, actor=session, action="admin.pending.list", detail=f"{len(rows)} doctors")
            return [from_row(DoctorProfile, r) for r in rows]

        return self.run(unit)

    def doctors(self, session: Session, status: str) -> list[DoctorProfile]:
        """Doctors in one state (pending, verified or rejected), for the administrator's lists."""
        session = self.authorize(session, ADMIN, "admin.doctors.list")
        if status not in ("pending", "verified", "rejected"):
            raise ValidationError("Choose pending, verified or rejected.", "status")

        def unit(tx: Tx) -> list[DoctorProfile]:
            rows = doctors.by_status(tx, status)
            self.audit.record(tx, actor=session, action="admin.doctors.list", detail=status)
            return [from_row(DoctorProfile, r) for r in rows]

        return self.run(unit)

    def verify_doctor(self, session: Session, doctor_id: int) -> None:
        """Mark a pending (or earlier rejected) doctor verified: from now on patients find them."""
        session = self.authorize(session, ADMIN, "admin.doctor.verify", subject=("doctor", doctor_id))

        def unit(tx: Tx) -> None:
            doctor = self._doctor(tx, doctor_id)
            if doctor["verification_status"] == "verified":
                raise ConflictError("This doctor is already verified.")
            doctors.set_verification(tx, doctor_id, "verified", session.user_id, self.clock.utc_now(), None)
            self.notifier.doctor_decision(tx, doctor_id, True, None)
            self.audit.record(tx, actor=session, action="admin.doctor.verify", subject=("doctor", doctor_id))

        self.run(unit)

    def reject_doctor(self, session: Session, doctor_id: int, reason: str) -> None:
        """Reject a pending doctor's application; the doctor reads ``reason`` at their next login."""
        session = self.authorize(session, ADMIN, "admin.doctor.reject", subject=("doctor", doctor_id))
        reason = v.text(reason, "reason", "Reason", max_length=500, multiline=True)
        if len(reason) < 5:
            raise ValidationError("Give the doctor a reason they can act on.", "reason")

        def unit(tx: Tx) -> None:
            doctor = self._doctor(tx, doctor_id)
            if doctor["verification_status"] != "pending":
                raise ConflictError(f"Only a pending application can be rejected; this one is "
                                    f"{doctor['verification_status']}.")
            doctors.set_verification(tx, doctor_id, "rejected", session.user_id, self.clock.utc_now(), reason)
            self.notifier.doctor_decision(tx, doctor_id, False, reason)
            self.audit.record(tx, actor=session, action="admin.doctor.reject", subject=("doctor", doctor_id))

        self.run(unit)

    def audit_trail(self, session: Session, limit: int = 200, offset: int = 0) -> list[dict]:
        """The newest audit rows, for the administrator's Audit screen."""
        session = self.authorize(session, ADMIN, "admin.audit.view")
        limit, offset = v.page(limit, offset, most=1000)

        def unit(tx: Tx) -> list[dict]:
            rows = audit_log.recent(tx, limit, offset)
            self.audit.record(tx, actor=session, action="admin.audit.view")
            return rows

        return self.run(unit)

    def verify_audit(self, session: Session) -> AuditCheck:
        self.authorize(session, ADMIN, "admin.audit.verify")
        return self.audit.verify()

    @staticmethod
    def _doctor(tx: Tx, doctor_id: int) -> dict:
        doctor = doctors.get(tx, doctor_id) if isinstance(doctor_id, int) else None
        if doctor is None:
            raise NotFound("No such doctor.")
        return doctor
