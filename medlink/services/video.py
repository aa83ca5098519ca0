"""Video-call links for online appointments: a private Jitsi room made at booking, or a Google
Meet / pasted link the doctor creates; only the appointment's patient and doctor may read it."""

from __future__ import annotations

import re
import secrets
import threading
from typing import Any
from urllib.parse import urlsplit

from medlink.dao import appointments, video_calls
from medlink.db import Tx
from medlink.errors import ConflictError, NotFound, ValidationError
from medlink.models import VideoLink, from_row
from medlink.services.base import Service
from medlink.services.meet import capture_meet_link, is_meet_link
from medlink.services.notifier import Notifier
from medlink.services.session import Session

JITSI_BASE = "https://meet.jit.si/"
PEOPLE, DOCTOR = ("patient", "doctor"), ("doctor",)


def jitsi_room() -> tuple[str, str]:
    """An unguessable room: 128 random bits, URL-safe (22 characters)."""
    code = "MedLink-" + secrets.token_urlsafe(16)
    return JITSI_BASE + code, code


def check_link(link: Any, provider: str) -> tuple[str, str]:
    """A pasted or captured link, validated; returns (link, meeting code)."""
    if not isinstance(link, str) or not link.strip():
        raise ValidationError("Paste the meeting link.", "meeting_link")
    link = link.strip()
    try:
        parts = urlsplit(link)
    except ValueError:  # e.g. "https://[::1": an unclosed IPv6 address
        raise ValidationError("The link must be a full https:// address.", "meeting_link") from None
    if parts.scheme != "https" or not parts.hostname or len(link) > 500 or re.search(r"\s", link):
        raise ValidationError("The link must be a full https:// address.", "meeting_link")
    if provider == "google-meet" and not is_meet_link(link):
        raise ValidationError("A Google Meet link looks like https://meet.google.com/abc-defg-hij.", "meeting_link")
    return link, parts.path.strip("/")[:100]


class VideoService(Service):
    notifier: Notifier

    @property
    def provider(self) -> str:
        return self.settings.meet_provider

    def create_at_booking(self, tx: Tx, appt: dict[str, Any]) -> None:
        """Inside the booking's transaction: a Jitsi room for an online appointment."""
        if appt["mode"] == "online" and self.provider == "jitsi":
            link, code = jitsi_room()
            video_calls.insert(tx, appointment_id=appt["appointment_id"], patient_id=appt["patient_id"],
                               doctor_id=appt["doctor_id"], provider="jitsi", meeting_link=link, meeting_code=code,
                               call_date=appt["appointment_date"], created_at=self.clock.utc_now())

    def follow_move(self, tx: Tx, appointment_id: int, day: Any) -> None:
        """Inside a reschedule's transaction: the call's date follows the appointment."""
        call = video_calls.by_appointment(tx, appointment_id)
        if call is not None:
            video_calls.update_link(tx, appointment_id, call["provider"], call["meeting_link"],
                                    call["meeting_code"], day, self.clock.utc_now())

    def link_for(self, session: Session, appointment_id: int) -> VideoLink | None:
        """The appointment's link, for its patient and doctor only; None while there is none."""
        session = self.authorize(session, PEOPLE, "video.view", obj=("appointment", appointment_id))

        def unit(tx: Tx) -> dict | None:
            appt = self._own(tx, session, appointment_id, "video.view")
            call = video_calls.by_appointment(tx, appointment_id)
            self.audit.record(tx, actor=session, action="video.view", subject=("patient", appt["patient_id"]),
                              obj=("appointment", appointment_id))
            return call

        row = self.run(unit)
        return from_row(VideoLink, row) if row else None

    def capture(self, cancel: threading.Event | None = None, **options: Any) -> str | None:
        """Run the browser capture for the configured provider (``google-meet``); None if it failed
        and the doctor should paste a link. Slow: call it on a worker."""
        return capture_meet_link(cancel=cancel, **options)

    def create_link(self, session: Session, appointment_id: int, link: str | None = None) -> VideoLink:
        """The doctor sets the link of an online appointment: ``link`` captured or pasted, or for
        ``jitsi`` a new room. The patient and the doctor are mailed the new link."""
        session = self.authorize(session, DOCTOR, "video.create", obj=("appointment", appointment_id))
        if link is None and self.provider == "jitsi":
            link, code, provider = *jitsi_room(), "jitsi"
        else:
            provider = "google-meet" if isinstance(link, str) and is_meet_link(link) else "manual"
            link, code = check_link(link, provider)

        def unit(tx: Tx) -> dict:
            appt = self._own(tx, session, appointment_id, "video.create")
            if appt["mode"] != "online":
                raise ConflictError("This is an in-person appointment; it needs no video link.")
            if appt["status"] != "booked":
                raise ConflictError("Links are made only for booked appointments.")
            now = self.clock.utc_now()
            if video_calls.by_appointment(tx, appointment_id) is None:
                video_calls.insert(tx, appointment_id=appointment_id, patient_id=appt["patient_id"],
                                   doctor_id=appt["doctor_id"], provider=provider, meeting_link=link,
                                   meeting_code=code, call_date=appt["appointment_date"], created_at=now)
            else:
                video_calls.update_link(tx, appointment_id, provider, link, code, appt["appointment_date"], now)
            self.notifier.video_link_changed(tx, appt, link)
            call = video_calls.by_appointment(tx, appointment_id)
            # The audit row last: the chain's head stays locked only from here to the commit.
            self.audit.record(tx, actor=session, action="video.create", subject=("patient", appt["patient_id"]),
                              obj=("appointment", appointment_id), detail=provider)
            return call

        return from_row(VideoLink, self.run(unit))

    def _own(self, tx: Tx, session: Session, appointment_id: Any, action: str) -> dict:
        appt = appointments.get(tx, appointment_id) if isinstance(appointment_id, int) else None
        if appt is None:
            raise NotFound("No such appointment.")
        if (session.role, session.user_id) not in (("patient", appt["patient_id"]), ("doctor", appt["doctor_id"])):
            raise self.refuse(session, action, subject=("patient", appt["patient_id"]),
                              obj=("appointment", appointment_id))
        return appt
