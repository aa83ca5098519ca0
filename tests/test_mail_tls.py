"""Mail over TLS (issue 6): STARTTLS and implicit TLS to a real aiosmtpd server on loopback with a
certificate from a throw-away CA (trustme). The client verifies the chain and the host name; a
certificate it cannot verify, or a server that does not offer STARTTLS, leaves the mail waiting.
Plain SMTP (``smtp_security="none"``) is allowed only to a loopback address.

TLS does not depend on the database, so these run on SQLite only.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import trustme

from medlink.errors import ValidationError
from medlink.services.mailer import MAX_PERMANENT_ATTEMPTS
from tests.conftest import make_settings, new_database_url
from tests.smtp_server import SmtpServer, free_port
from tests.test_appointments import Clinic, open_clinic
from tests.test_mail import SENDER, only, outbox

pytestmark = pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def ca_file(ca: trustme.CA, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("ca") / "medlink-test-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def server_context(ca: trustme.CA, *hosts: str) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(*hosts).configure_cert(context)
    return context


def tls_clinic(tmp_path: Path, server_port: int, **smtp: Any) -> Iterator[Clinic]:
    """A clinic on SQLite with one verified doctor: exactly one message (the verification) queued."""
    values: dict[str, Any] = dict(smtp_host="127.0.0.1", smtp_port=server_port, smtp_security="starttls",
                                  smtp_timeout=3, mail_from=SENDER)
    values.update(smtp)
    url, _ = new_database_url("sqlite", tmp_path)
    for clinic in open_clinic(make_settings(url, tmp_path, **values)):
        clinic.doctor(hours=None)
        assert len(outbox(clinic.ml, status="pending")) == 1
        yield clinic


def send_one(tmp_path: Path, server: SmtpServer, **smtp: Any) -> dict[str, Any]:
    """Queue one message, run the sender once; the outbox row afterwards."""
    for clinic in tls_clinic(tmp_path, server.port, **smtp):
        clinic.ml.mailer.send_due()
        return only(outbox(clinic.ml))
    raise AssertionError("unreachable")


# -- STARTTLS -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("trust", ["system store", "another CA"])
def test_starttls_to_an_untrusted_certificate_is_refused(tmp_path: Path, ca: trustme.CA, ca_file: str,
                                                         trust: str) -> None:
    rogue = trustme.CA()
    with SmtpServer(tls_context=server_context(rogue, "127.0.0.1", "localhost")) as server:
        row = send_one(tmp_path, server, smtp_ca_file=ca_file if trust == "another CA" else None)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "certificate verify failed" in row["last_error"].lower()
    assert not server.messages


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_starttls_with_the_trusted_ca_is_accepted(tmp_path: Path, ca: trustme.CA, ca_file: str, host: str) -> None:
    with SmtpServer(tls_context=server_context(ca, "127.0.0.1", "localhost"), require_starttls=True) as server:
        row = send_one(tmp_path, server, smtp_host=host, smtp_ca_file=ca_file)
    assert (row["status"], row["last_error"]) == ("sent", None)
    received = only(server.messages)
    assert received.secure
    assert received.rcpt_tos == (row["recipient"],)
    assert received.message["Subject"] == row["subject"]


def test_a_certificate_for_another_host_name_is_refused(tmp_path: Path, ca: trustme.CA, ca_file: str) -> None:
    with SmtpServer(tls_context=server_context(ca, "mail.example.org")) as server:
        row = send_one(tmp_path, server, smtp_ca_file=ca_file)
    assert row["status"] == "pending"
    assert "certificate verify failed" in row["last_error"].lower()
    assert "mismatch" in row["last_error"].lower()
    assert not server.messages


def test_a_server_without_starttls_is_not_used_in_plain_text(tmp_path: Path, ca_file: str) -> None:
    with SmtpServer() as server:  # offers no STARTTLS
        row = send_one(tmp_path, server, smtp_ca_file=ca_file)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert "starttls" in row["last_error"].lower()
    assert not server.messages


def test_login_after_starttls(tmp_path: Path, ca: trustme.CA, ca_file: str) -> None:
    with SmtpServer(tls_context=server_context(ca, "127.0.0.1"), require_starttls=True) as server:
        server.handler.users["clinic-mailer"] = "s3cret-Pass"
        row = send_one(tmp_path, server, smtp_ca_file=ca_file, smtp_user="clinic-mailer",
                       smtp_password="s3cret-Pass")
    assert row["status"] == "sent"
    received = only(server.messages)
    assert (received.secure, received.login) == (True, "clinic-mailer")


def test_a_wrong_password_keeps_the_mail_waiting_for_the_settings_to_be_fixed(
        tmp_path: Path, ca: trustme.CA, ca_file: str) -> None:
    """A refused login is the configuration's fault, not the messages': they stay pending (one
    attempt per round, not one per message) and go out once the password is right."""
    with SmtpServer(tls_context=server_context(ca, "127.0.0.1"), require_starttls=True) as server:
        server.handler.users["clinic-mailer"] = "s3cret-Pass"
        for clinic in tls_clinic(tmp_path, server.port, smtp_ca_file=ca_file, smtp_user="clinic-mailer",
                                 smtp_password="wrong-pass"):
            clinic.doctor(hours=None)  # a second message in the batch
            for _ in range(MAX_PERMANENT_ATTEMPTS + 1):
                report = clinic.ml.mailer.send_due()
                assert (report.sent, report.failed) == (0, 0), report
                clinic.clock.advance(hours=1)
            rows = outbox(clinic.ml)
            assert {r["status"] for r in rows} == {"pending"}
            assert "535" in rows[0]["last_error"]
            assert sum(r["attempts"] for r in rows) == MAX_PERMANENT_ATTEMPTS + 1  # one login tried per round
            server.handler.users["clinic-mailer"] = "wrong-pass"  # as if the settings were corrected
            assert clinic.ml.mailer.send_due().sent == 2
    assert len(server.messages) == 2


# -- implicit TLS -------------------------------------------------------------------------------------
def test_implicit_tls_with_the_trusted_ca(tmp_path: Path, ca: trustme.CA, ca_file: str) -> None:
    with SmtpServer(ssl_context=server_context(ca, "127.0.0.1")) as server:
        row = send_one(tmp_path, server, smtp_security="ssl", smtp_ca_file=ca_file)
    assert row["status"] == "sent"
    assert only(server.messages).secure


def test_implicit_tls_to_an_untrusted_certificate_is_refused(tmp_path: Path) -> None:
    with SmtpServer(ssl_context=server_context(trustme.CA(), "127.0.0.1")) as server:
        row = send_one(tmp_path, server, smtp_security="ssl")
    assert row["status"] == "pending"
    assert "certificate verify failed" in row["last_error"].lower()
    assert not server.messages


# -- no TLS ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", ["mail.example.org", "10.20.30.40", "127.0.0.1.example.org", "localhost.evil.test"])
def test_plain_smtp_to_another_machine_is_refused_before_connecting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   host: str) -> None:
    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError(f"a connection was attempted: {args}")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    monkeypatch.setattr(smtplib, "SMTP", no_connection)
    for clinic in tls_clinic(tmp_path, free_port(), smtp_host=host, smtp_security="none"):
        with pytest.raises(ValidationError) as caught:
            clinic.ml.mailer.send_due()
        assert caught.value.field == "smtp_security"
        row = only(outbox(clinic.ml))
        assert (row["status"], row["attempts"]) == ("pending", 0)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_plain_smtp_to_this_machine_is_allowed(tmp_path: Path, host: str) -> None:
    with SmtpServer() as server:
        row = send_one(tmp_path, server, smtp_host=host, smtp_security="none")
    assert row["status"] == "sent"
    assert not only(server.messages).secure
