"""Sending the e-mail outbox: SMTP over TLS with a verified context, or .eml files when no server
is set. Temporary failures retry with growing delays; permanent ones end as failed after a few
attempts, the error kept. Called by the GUI's background worker and by ``main.py send-mail``."""

from __future__ import annotations

import datetime as dt
import ipaddress
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from medlink.dao import appointments, email_outbox
from medlink.db import Tx
from medlink.errors import ValidationError
from medlink.services.base import Service
from medlink.services.notifier import Notifier

if TYPE_CHECKING:  # smtplib, ssl and the email package load when mail is first built or sent, not at start-up
    import smtplib
    from email.message import EmailMessage

log = logging.getLogger("medlink.mail")
MAX_PERMANENT_ATTEMPTS = 3
MAX_TEMPORARY_ATTEMPTS = 40
BATCH = 20
STALE_SENDING = dt.timedelta(minutes=10)


class TemporaryFailure(Exception):
    """Try again later."""


class ServerUnreachable(TemporaryFailure):
    """No connection to the mail server: the rest of the batch waits too."""


class PermanentFailure(Exception):
    """The server refused this message (5xx)."""


@dataclass(frozen=True)
class SendReport:
    sent: int
    retrying: int
    failed: int


def retry_delay(attempts: int) -> dt.timedelta:
    """30 s, 1 min, 2 min ... capped at one hour."""
    return dt.timedelta(seconds=min(30 * 2 ** max(0, attempts), 3600))


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def build_message(row: dict[str, Any], sender: str) -> EmailMessage:
    from email.message import EmailMessage
    from email.utils import formatdate, make_msgid

    """The outbox row as a MIME message: plain text, HTML, and the invitation if there is one."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row["recipient"]
    msg["Subject"] = row["subject"]
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(idstring=f"medlink-{row['message_id']}", domain="medlink.local")
    msg.set_content(row["body_text"])
    if row.get("body_html"):
        msg.add_alternative(row["body_html"], subtype="html")
    if row.get("ics"):
        method = "CANCEL" if "METHOD:CANCEL" in row["ics"] else "REQUEST"
        msg.add_attachment(row["ics"].encode(), maintype="text", subtype="calendar", filename="appointment.ics",
                           params={"method": method})
    return msg


class MailService(Service):
    notifier: Notifier

    def send_pending(self) -> int:
        """Queue due reminders, then send what is due; returns how many messages were sent."""
        return self.send_due().sent

    def send_due(self) -> SendReport:
        self.queue_reminders()
        now = self.clock.utc_now()
        with self.db.transaction() as tx:
            email_outbox.release_stale(tx, now - STALE_SENDING)
            due = email_outbox.due(tx, now, BATCH)
        outcomes = {"sent": 0, "retry": 0, "failed": 0}
        transport = self._transport() if due else None
        try:
            for row in due:
                if not self.db.run(lambda tx, mid=row["message_id"]: email_outbox.claim(tx, mid, now)):
                    continue  # another desktop is sending it
                try:
                    transport.send(build_message(row, self.settings.mail_from), row)
                except ServerUnreachable as exc:
                    outcomes[self._retry_or_fail(row, str(exc), permanent=False)] += 1
                    break  # the others wait for the next round instead of timing out one by one
                except TemporaryFailure as exc:
                    transport.close()  # reconnect for the next message
                    outcomes[self._retry_or_fail(row, str(exc), permanent=False)] += 1
                except PermanentFailure as exc:
                    outcomes[self._retry_or_fail(row, str(exc), permanent=True)] += 1
                else:
                    self.db.run(lambda tx, mid=row["message_id"]: email_outbox.mark_sent(tx, mid, self.clock.utc_now()))
                    outcomes["sent"] += 1
        finally:
            _close(transport)
        if any(outcomes.values()):
            log.info("outbox: %(sent)d sent, %(retry)d to retry, %(failed)d failed", outcomes)
        return SendReport(outcomes["sent"], outcomes["retry"], outcomes["failed"])

    def queue_reminders(self) -> int:
        """Queue a reminder for each live appointment starting in the next 24 hours (once each)."""
        now = self.clock.local_now()
        horizon = now + dt.timedelta(hours=24)

        def unit(tx: Tx) -> int:
            queued = 0
            for appt in appointments.starting_between(tx, now, horizon):
                starts = dt.datetime.combine(appt["appointment_date"], appt["appointment_time"])
                if now < starts <= horizon:
                    self.notifier.appointment_reminder(tx, appt)
                    queued += 1
            return queued

        return self.db.run(unit)

    def _retry_or_fail(self, row: dict[str, Any], error: str, permanent: bool) -> str:
        """Schedule another attempt, or give up after the last; returns "retry" or "failed"."""
        attempts = int(row["attempts"]) + 1
        limit = MAX_PERMANENT_ATTEMPTS if permanent else MAX_TEMPORARY_ATTEMPTS
        log.warning("message %s not sent (attempt %d): %s", row["message_id"], attempts, error[:200])
        if attempts >= limit:
            self.db.run(lambda tx: email_outbox.mark_failed(tx, row["message_id"], error))
            return "failed"
        when = self.clock.utc_now() + retry_delay(attempts - 1)
        self.db.run(lambda tx: email_outbox.mark_retry(tx, row["message_id"], when, error))
        return "retry"

    def _transport(self) -> Any:
        s = self.settings
        if not s.smtp_host:
            return EmlFolder(s.outbox_dir)
        if s.smtp_security == "none" and not is_loopback(s.smtp_host):
            raise ValidationError("Mail without TLS is allowed only to a server on this machine (127.0.0.1). "
                                  "Set MEDLINK_SMTP_SECURITY to starttls or ssl.", "smtp_security")
        return SmtpTransport(s.smtp_host, s.smtp_port, s.smtp_security, s.smtp_user, s.smtp_password,
                             s.smtp_ca_file, s.smtp_timeout)


def _close(transport: Any) -> None:
    if transport is not None:
        transport.close()


class EmlFolder:
    """Writes each message as an .eml file: nothing is lost without a mail server."""

    def __init__(self, folder: os.PathLike[str]) -> None:
        from pathlib import Path

        self.folder = Path(folder)

    def send(self, msg: EmailMessage, row: dict[str, Any]) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self.folder / f"{row['message_id']:08d}-{row['kind']}.eml"
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as handle:
                handle.write(bytes(msg))
        except OSError as exc:
            raise TemporaryFailure(f"cannot write to the outbox folder: {exc.strerror}") from None

    def close(self) -> None:
        pass


class SmtpTransport:
    """One SMTP connection, opened on first use and reused for a batch."""

    def __init__(self, host: str, port: int | None, security: str, user: str | None, password: str | None,
                 ca_file: str | None, timeout: int) -> None:
        self.host, self.security, self.user, self.password = host, security, user, password
        self.port = port or (465 if security == "ssl" else 587 if security == "starttls" else 25)
        self.timeout = timeout
        import ssl

        self.context = ssl.create_default_context(cafile=ca_file) if security != "none" else None
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        import smtplib

        try:
            if self.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self.context)
            else:
                smtp = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
                if self.security == "starttls":
                    smtp.starttls(context=self.context)
            if self.user:
                smtp.login(self.user, self.password or "")
            return smtp
        except smtplib.SMTPResponseException as exc:
            # A refused greeting or login (e.g. 535) is the server's or the settings' fault, not this
            # message's: retry later, and the rest of the batch waits, instead of failing every message.
            raise ServerUnreachable(f"the mail server refused the session: {_classify(exc)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise ServerUnreachable(f"cannot reach the mail server: {type(exc).__name__}: {exc}") from None

    def send(self, msg: EmailMessage, row: dict[str, Any]) -> None:
        import smtplib

        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            codes = [code for code, _ in exc.recipients.values()]
            error = "recipient refused: " + "; ".join(  # the server's words too: why it refused
                f"{code} {text.decode(errors='replace') if isinstance(text, bytes) else text}"
                for code, text in exc.recipients.values())
            raise (PermanentFailure(error) if all(c >= 500 for c in codes) else TemporaryFailure(error)) from None
        except smtplib.SMTPResponseException as exc:
            raise _classify(exc) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from None
        if refused:
            raise PermanentFailure(f"recipient refused: {list(refused.values())}")

    def close(self) -> None:
        import smtplib

        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (OSError, smtplib.SMTPException):
                self._smtp.close()
            self._smtp = None


def _classify(exc: smtplib.SMTPResponseException) -> Exception:
    error = exc.smtp_error
    text = f"{exc.smtp_code} {error.decode(errors='replace') if isinstance(error, bytes) else error}"
    return PermanentFailure(text) if 500 <= exc.smtp_code < 600 else TemporaryFailure(text)
