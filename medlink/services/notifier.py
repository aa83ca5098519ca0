"""The messages MedLink sends, written to the e-mail outbox inside the transaction of the change
they report. Each has a dedupe key, so the same news is never queued (or sent) twice.

No message carries a diagnosis, the reason for a visit or any medical history.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any

from medlink.config import Settings
from medlink.dao import doctors, email_outbox, patients, video_calls
from medlink.db import Tx
from medlink.services.clock import Clock
from medlink.services.ics import appointment_uid, invitation
from medlink.services.scheduling import hhmm

CONFIRMATION = "booking_confirmation"


@dataclass(frozen=True)
class Parties:
    """What an appointment's messages say about the people: the patient (``name``, ``email``), the
    doctor (``name``, ``email``, ``qualifications``, ``specialty``, ``hospital``, ``hospital_address``,
    ``slot_minutes``) and the video link of an online appointment, if it has one."""

    patient: dict[str, Any]
    doctor: dict[str, Any]
    meeting_link: str | None


def paragraphs(lines: list[str]) -> str:
    """Plain lines as simple HTML paragraphs (every value escaped)."""
    return "".join(f"<p>{html.escape(line).replace(chr(10), '<br>')}</p>" for line in lines if line is not None)


class Notifier:
    def __init__(self, settings: Settings, clock: Clock) -> None:
        self.settings = settings
        self.clock = clock

    # -- appointments ------------------------------------------------------------------------------
    # ``appt`` is an appointment row. One from ``appointments.with_parties`` carries the patient's and
    # the doctor's details, the video link and the count of confirmations, and nothing is read again;
    # from a plain row each is read once for the pair of messages.
    def appointment_booked(self, tx: Tx, appt: dict[str, Any]) -> bool:
        """Queue the confirmation and the doctor's notice; True if the confirmation was queued now."""
        parties = self._parties(tx, appt)
        return self._send(tx, [
            self._to_patient(tx, appt, parties, CONFIRMATION, f"appointment:{appt['appointment_id']}:confirmation",
                             "Your appointment is confirmed", "Your appointment is booked.", "REQUEST"),
            self._to_doctor(appt, parties, "doctor_new_booking", f"appointment:{appt['appointment_id']}:doctor-new",
                            "New appointment booked", "A patient booked an appointment with you.")])[0]

    def appointment_rescheduled(self, tx: Tx, appt: dict[str, Any]) -> bool:
        """Queue the moved confirmation and the doctor's notice; True if the confirmation was queued now."""
        # The n-th confirmation of this appointment: the booking's row lock orders concurrent moves,
        # so two moves in one second still get two messages and rising SEQUENCE numbers.
        parties = self._parties(tx, appt)
        key = f"appointment:{appt['appointment_id']}:moved:{self._revision(tx, appt)}"
        return self._send(tx, [
            self._to_patient(tx, appt, parties, CONFIRMATION, key, "Your appointment has moved",
                             "Your appointment has been moved to a new time.", "REQUEST"),
            self._to_doctor(appt, parties, "doctor_rescheduled", key + ":doctor", "Appointment moved",
                            "An appointment with you has been moved.")])[0]

    def appointment_cancelled(self, tx: Tx, appt: dict[str, Any], by: str) -> None:
        key = f"appointment:{appt['appointment_id']}:cancelled"
        who = "you" if by == "patient" else "the doctor"
        parties = self._parties(tx, appt)
        self._send(tx, [
            self._to_patient(tx, appt, parties, "cancellation", key, "Your appointment is cancelled",
                             f"This appointment was cancelled by {who}.", "CANCEL"),
            self._to_doctor(appt, parties, "doctor_cancelled", key + ":doctor", "Appointment cancelled",
                            f"This appointment was cancelled by {'the patient' if by == 'patient' else 'you'}.")])

    def appointment_reminder(self, tx: Tx, appt: dict[str, Any]) -> None:
        starts = f"{appt['appointment_date']}T{hhmm(appt['appointment_time'])}"
        key = f"appointment:{appt['appointment_id']}:reminder:{starts}"
        parties = self._parties(tx, appt)
        self._send(tx, [self._to_patient(tx, appt, parties, "reminder", key, "Reminder: your appointment tomorrow",
                                         "This is a reminder of your appointment in the next 24 hours.", None)])

    def video_link_changed(self, tx: Tx, appt: dict[str, Any], link: str) -> None:
        # One message per change (A -> B -> A is mailed three times), so the key holds the time of the change.
        key = f"appointment:{appt['appointment_id']}:video:{self.clock.utc_now():%Y%m%d%H%M%S%f}:{link}"[:190]
        parties = self._parties(tx, appt)
        self._send(tx, [
            self._to_patient(tx, appt, parties, "video_link", key, "Your video consultation link",
                             "The link for your online consultation is ready.", None),
            self._to_doctor(appt, parties, "doctor_video_link", key[:180] + ":doctor", "Video consultation link",
                            "The link for this online consultation is ready.")])

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
    @staticmethod
    def _parties(tx: Tx, appt: dict[str, Any]) -> Parties:
        """The patient, the doctor and the video link of ``appt``: from the row when it carries them
        (``appointments.with_parties``), else read once."""
        if "patient_email" in appt:
            patient = {"name": appt["patient_name"], "email": appt["patient_email"]}
        else:
            patient = patients.get(tx, appt["patient_id"])
        if "doctor_email" in appt:
            doctor = {"name": appt["doctor_name"], "email": appt["doctor_email"],
                      "qualifications": appt["doctor_qualifications"], "specialty": appt["specialty"],
                      "hospital": appt["hospital"], "hospital_address": appt["hospital_address"],
                      "slot_minutes": appt["doctor_slot_minutes"]}
        else:
            doctor = doctors.get(tx, appt["doctor_id"])
        link = None
        if appt["mode"] == "online":
            if "meeting_link" in appt:
                link = appt["meeting_link"]
            else:
                call = video_calls.by_appointment(tx, appt["appointment_id"])
                link = call["meeting_link"] if call else None
        return Parties(patient, doctor, link)

    @staticmethod
    def _appointment_lines(appt: dict[str, Any], parties: Parties) -> list[str]:
        doctor = parties.doctor
        when = f"{appt['appointment_date']:%d %B %Y} ({appt['appointment_day']}) at {hhmm(appt['appointment_time'])}"
        lines = [f"Doctor: {doctor['name']}", f"Qualifications: {doctor['qualifications']}",
                 f"Specialty: {doctor['specialty']}", f"Hospital: {doctor['hospital']}"]
        if doctor.get("hospital_address"):
            lines.append(f"Address: {doctor['hospital_address']}")
        lines += [f"When: {when}", "Mode: " + ("Online (video consultation)" if appt["mode"] == "online"
                                               else "In person at the hospital")]
        if appt["mode"] == "online":
            lines.append(f"Video link: {parties.meeting_link}" if parties.meeting_link else
                         "Video link: the doctor will send it before the consultation; it will also appear in "
                         "the appointment's details in MedLink.")
        return lines

    def _to_patient(self, tx: Tx, appt: dict[str, Any], parties: Parties, kind: str, key: str, subject: str,
                    opening: str, method: str | None) -> dict[str, Any]:
        patient = parties.patient
        lines = [f"Dear {patient['name']},", opening, "\n".join(self._appointment_lines(appt, parties)),
                 "You can see and manage your appointments in MedLink."]
        ics = self._invitation(tx, appt, parties, method) if method else None
        return self._message(key, kind, patient["email"], subject, lines, ics, appt["appointment_id"])

    def _to_doctor(self, appt: dict[str, Any], parties: Parties, kind: str, key: str, subject: str,
                   opening: str) -> dict[str, Any]:
        doctor = parties.doctor
        when = f"{appt['appointment_date']:%d %B %Y} ({appt['appointment_day']}) at {hhmm(appt['appointment_time'])}"
        details = [f"Patient: {parties.patient['name']}", f"When: {when}",
                   "Mode: " + ("Online" if appt["mode"] == "online" else "In person")]
        if appt["mode"] == "online" and parties.meeting_link:
            details.append(f"Video link: {parties.meeting_link}")
        lines = [f"Dear {doctor['name']},", opening, "\n".join(details), "Your schedule in MedLink has the details."]
        return self._message(key, kind, doctor["email"], subject, lines, None, appt["appointment_id"])

    def _invitation(self, tx: Tx, appt: dict[str, Any], parties: Parties, method: str) -> str:
        doctor = parties.doctor
        start = dt.datetime.combine(appt["appointment_date"], appt["appointment_time"])
        location = parties.meeting_link or doctor.get("hospital_address") or doctor["hospital"]
        sequence = self._revision(tx, appt)
        return invitation(
            uid=appointment_uid(appt["appointment_id"], appt["created_at"]), sequence=sequence, method=method,
            start=start, minutes=int(doctor["slot_minutes"]), summary=f"Appointment with {doctor['name']}",
            location=location, description=f"{doctor['specialty']}, {doctor['hospital']}. Booked through MedLink.",
            organizer=parseaddr(self.settings.mail_from)[1] or "no-reply@localhost",
            attendee=parties.patient["email"], stamp=self.clock.utc_now())

    @staticmethod
    def _revision(tx: Tx, appt: dict[str, Any]) -> int:
        """How many confirmations this appointment has had: 0 at booking, then 1, 2 ... per move."""
        if "confirmations" in appt:
            return int(appt["confirmations"])
        return email_outbox.count_for_appointment(tx, appt["appointment_id"], CONFIRMATION)

    def _message(self, key: str, kind: str, recipient: str, subject: str, lines: list[str], ics: str | None,
                 appointment_id: int | None) -> dict[str, Any]:
        text = "\n\n".join(lines) + f"\n\n— {self.settings.clinic_name}, through MedLink\n"
        body_html = (f"<html><body style=\"font-family:sans-serif;color:#1f2d33\">{paragraphs(lines)}"
                     f"<p style=\"color:#5f6f75\">— {html.escape(self.settings.clinic_name)}, through MedLink</p>"
                     "</body></html>")
        return dict(dedupe_key=key[:190], kind=kind, recipient=recipient, subject=subject, body_text=text,
                    body_html=body_html, ics=ics, appointment_id=appointment_id)

    def _send(self, tx: Tx, messages: list[dict[str, Any]]) -> list[bool]:
        """Queue the messages together; per message, whether it was new (not queued before)."""
        return email_outbox.enqueue_many(tx, messages, self.clock.utc_now())

    def _queue(self, tx: Tx, key: str, kind: str, recipient: str, subject: str, lines: list[str], ics: str | None,
               appointment_id: int | None) -> None:
        self._send(tx, [self._message(key, kind, recipient, subject, lines, ics, appointment_id)])
