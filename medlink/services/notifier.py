"""The messages MedLink sends, written to the e-mail outbox inside the transaction of the change
they report. Each has a dedupe key, so the same news is never queued (or sent) twice.

No message carries a diagnosis, the reason for a visit or any medical history.
"""

from __future__ import annotations

import datetime as dt
import html
from email.utils import parseaddr
from typing import Any

from medlink.config import Settings
from medlink.dao import doctors, email_outbox, patients, video_calls
from medlink.db import Tx
from medlink.services.clock import Clock
from medlink.services.ics import appointment_uid, invitation
from medlink.services.scheduling import hhmm

CONFIRMATION = "booking_confirmation"


def paragraphs(lines: list[str]) -> str:
    """Plain lines as simple HTML paragraphs (every value escaped)."""
    return "".join(f"<p>{html.escape(line).replace(chr(10), '<br>')}</p>" for line in lines if line is not None)


class Notifier:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    # -- appointments ------------------------------------------------------------------------------
    def appointment_booked(self, tx: Tx, appt: dict[str, Any]) -> None:
        self._to_patient(tx, appt, CONFIRMATION, f"appointment:{appt['appointment_id']}:confirmation",
                         "Your appointment is confirmed", "Your appointment is booked.", "REQUEST")
        self._to_doctor(tx, appt, "doctor_new_booking", f"appointment:{appt['appointment_id']}:doctor-new",
                        "New appointment booked", "A patient booked an appointment with you.")

    def appointment_rescheduled(self, tx: Tx, appt: dict[str, Any]) -> None:
        # The n-th confirmation of this appointment: the booking's row lock orders concurrent moves,
        # so two moves in one second still get two messages and rising SEQUENCE numbers.
        key = f"appointment:{appt['appointment_id']}:moved:{self._revision(tx, appt)}"
        self._to_patient(tx, appt, CONFIRMATION, key, "Your appointment has moved",
                         "Your appointment has been moved to a new time.", "REQUEST")
        self._to_doctor(tx, appt, "doctor_rescheduled", key + ":doctor", "Appointment moved",
                        "An appointment with you has been moved.")

    def appointment_cancelled(self, tx: Tx, appt: dict[str, Any], by: str) -> None:
        key = f"appointment:{appt['appointment_id']}:cancelled"
        who = "you" if by == "patient" else "the doctor"
        self._to_patient(tx, appt, "cancellation", key, "Your appointment is cancelled",
                         f"This appointment was cancelled by {who}.", "CANCEL")
        self._to_doctor(tx, appt, "doctor_cancelled", key + ":doctor", "Appointment cancelled",
                        f"This appointment was cancelled by {'the patient' if by == 'patient' else 'you'}.")

    def appointment_reminder(self, tx: Tx, appt: dict[str, Any]) -> None:
        starts = f"{appt['appointment_date']}T{hhmm(appt['appointment_time'])}"
        key = f"appointment:{appt['appointment_id']}:reminder:{starts}"
        self._to_patient(tx, appt, "reminder", key, "Reminder: your appointment tomorrow",
                         "This is a reminder of your appointment in the next 24 hours.", None)

    def video_link_changed(self, tx: Tx, appt: dict[str, Any], link: str) -> None:
        # One message per change (A -> B -> A is mailed three times), so the key holds the time of the change.
        key = f"appointment:{appt['appointment_id']}:video:{self.clock.utc_now():%Y%m%d%H%M%S%f}:{link}"[:190]
        self._to_patient(tx, appt, "video_link", key, "Your video consultation link",
                         "The link for your online consultation is ready.", None)
        self._to_doctor(tx, appt, "doctor_video_link", key[:180] + ":doctor", "Video consultation link",
                        "The link for this online consultation is ready.")

    # -- doctors and bills ---------------------------------------------------------------------------
    def doctor_decision(self, tx: Tx, doctor_id: int, verified: bool, reason: str | None) -> None:
        doctor = doctors.get(tx, doctor_id)
        if verified:
            lines = [f"Dear {doctor['name']},", "Your credentials have been verified. Patients can now find your "
                     "profile on MedLink and book appointments with you.", "Log in to set your fees and hours."]
            key, subject = f"doctor:{doctor_id}:verified", "Your MedLink profile is verified"
        else:
            lines = [f"Dear {doctor['name']},", "Your MedLink application could not be verified.",
                     f"The administrator's reason: {reason}", "Log in to update your profile, then contact the "
                     "clinic administrator."]
            key = f"doctor:{doctor_id}:rejected:{self.clock.utc_now():%Y%m%d%H%M%S%f}"
            subject = "Your MedLink application"
        self._queue(tx, key, "doctor_decision", doctor["email"], subject, lines, None, None)

    def bill_issued(self, tx: Tx, bill: dict[str, Any]) -> None:
        patient = patients.get(tx, bill["patient_id"])
        doctor = doctors.get(tx, bill["doctor_id"])
        lines = [f"Dear {patient['name']},", f"{doctor['name']} has issued receipt {bill['receipt_number']} for "
                 f"Rs. {bill['total_amount']:,.2f} (GST included).",
                 "You can open the receipt in MedLink under Bills."]
        self._queue(tx, f"bill:{bill['bill_id']}:issued", "bill_issued", patient["email"],
                    f"Your receipt {bill['receipt_number']}", lines, None, None)

    # -- composing -----------------------------------------------------------------------------------
    def _appointment_lines(self, tx: Tx, appt: dict[str, Any], doctor: dict[str, Any]) -> list[str]:
        when = f"{appt['appointment_date']:%d %B %Y} ({appt['appointment_day']}) at {hhmm(appt['appointment_time'])}"
        lines = [f"Doctor: {doctor['name']}", f"Qualifications: {doctor['qualifications']}",
                 f"Specialty: {doctor['specialty']}", f"Hospital: {doctor['hospital']}"]
        if doctor.get("hospital_address"):
            lines.append(f"Address: {doctor['hospital_address']}")
        lines += [f"When: {when}", "Mode: " + ("Online (video consultation)" if appt["mode"] == "online"
                                               else "In person at the hospital")]
        if appt["mode"] == "online":
            call = video_calls.by_appointment(tx, appt["appointment_id"])
            lines.append(f"Video link: {call['meeting_link']}" if call else
                         "Video link: the doctor will send it before the consultation; it will also appear in "
                         "the appointment's details in MedLink.")
        return lines

    def _to_patient(self, tx: Tx, appt: dict[str, Any], kind: str, key: str, subject: str, opening: str,
                    method: str | None) -> None:
        patient = patients.get(tx, appt["patient_id"])
        doctor = doctors.get(tx, appt["doctor_id"])
        lines = [f"Dear {patient['name']},", opening, "\n".join(self._appointment_lines(tx, appt, doctor)),
                 "You can see and manage your appointments in MedLink."]
        ics = self._invitation(tx, appt, doctor, patient, method) if method else None
        self._queue(tx, key, kind, patient["email"], subject, lines, ics, appt["appointment_id"])

    def _to_doctor(self, tx: Tx, appt: dict[str, Any], kind: str, key: str, subject: str, opening: str) -> None:
        patient = patients.get(tx, appt["patient_id"])
        doctor = doctors.get(tx, appt["doctor_id"])
        when = f"{appt['appointment_date']:%d %B %Y} ({appt['appointment_day']}) at {hhmm(appt['appointment_time'])}"
        details = [f"Patient: {patient['name']}", f"When: {when}",
                   "Mode: " + ("Online" if appt["mode"] == "online" else "In person")]
        if appt["mode"] == "online":
            call = video_calls.by_appointment(tx, appt["appointment_id"])
            if call:
                details.append(f"Video link: {call['meeting_link']}")
        lines = [f"Dear {doctor['name']},", opening, "\n".join(details), "Your schedule in MedLink has the details."]
        self._queue(tx, key, kind, doctor["email"], subject, lines, None, appt["appointment_id"])

    def _invitation(self, tx: Tx, appt: dict[str, Any], doctor: dict[str, Any], patient: dict[str, Any],
                    method: str) -> str:
        start = dt.datetime.combine(appt["appointment_date"], appt["appointment_time"])
        call = video_calls.by_appointment(tx, appt["appointment_id"]) if appt["mode"] == "online" else None
        location = call["meeting_link"] if call else (doctor.get("hospital_address") or doctor["hospital"])
        sequence = self._revision(tx, appt)
        return invitation(
            uid=appointment_uid(appt["appointment_id"], appt["created_at"]), sequence=sequence, method=method,
            start=start, minutes=int(doctor["slot_minutes"]), summary=f"Appointment with {doctor['name']}",
            location=location, description=f"{doctor['specialty']}, {doctor['hospital']}. Booked through MedLink.",
            organizer=parseaddr(self.settings.mail_from)[1] or "no-reply@localhost", attendee=patient["email"],
            stamp=self.clock.utc_now())

    @staticmethod
    def _revision(tx: Tx, appt: dict[str, Any]) -> int:
        """How many confirmations this appointment has had: 0 at booking, then 1, 2 ... per move."""
        return sum(1 for m in email_outbox.for_appointment(tx, appt["appointment_id"]) if m["kind"] == CONFIRMATION)

    def _queue(self, tx: Tx, key: str, kind: str, recipient: str, subject: str, lines: list[str], ics: str | None,
               appointment_id: int | None) -> None:
        text = "\n\n".join(lines) + f"\n\n— {self.settings.clinic_name}, through MedLink\n"
        body_html = (f"<html><body style=\"font-family:sans-serif;color:#1f2d33\">{paragraphs(lines)}"
                     f"<p style=\"color:#5f6f75\">— {html.escape(self.settings.clinic_name)}, through MedLink</p>"
                     "</body></html>")
        email_outbox.enqueue(tx, dedupe_key=key[:190], kind=kind, recipient=recipient, subject=subject,
                             body_text=text, body_html=body_html, ics=ics, appointment_id=appointment_id,
                             at=self.clock.utc_now())
