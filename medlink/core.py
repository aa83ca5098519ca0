"""MedLink: builds the Database and the services from Settings; the one object the UI holds."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from medlink.config import Settings
from medlink.db import Database
from medlink.services.admin import AdminService
from medlink.services.appointments import AppointmentService
from medlink.services.audit import AuditService
from medlink.services.auth import AuthService
from medlink.services.billing import BillingService
from medlink.services.clock import Clock
from medlink.services.crypto import RecordCipher, load_key
from medlink.services.doctors import DoctorService
from medlink.services.mailer import MailService
from medlink.services.notifier import Notifier
from medlink.services.passwords import PasswordParams, Passwords
from medlink.services.patients import PatientService
from medlink.services.records import RecordService
from medlink.services.session import SessionRegistry
from medlink.services.video import VideoService

if TYPE_CHECKING:
    from medlink.services.chatbot import ChatbotService


class MedLink:
    """The application core. ``MedLink(Settings.load(...))``, then ``init_db()`` once.

    ``clock`` and ``password_params`` exist for tests (a clock that can be moved, cheaper hashing).
    """

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 password_params: PasswordParams | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.db_url, ssl_ca=settings.db_ssl_ca)
        self.clock = clock or Clock()
        self._cipher: RecordCipher | None = None
        self.sessions = SessionRegistry()
        self.audit = AuditService(self.db, self.clock)
        self.passwords = Passwords(password_params)
        self.notifier = Notifier(settings, self.clock)
        common = (self.db, settings, self.clock, self.audit, self.sessions, self.notifier)
        self.auth = AuthService(*common, passwords=self.passwords)
        self.admin = AdminService(*common)
        self.patients = PatientService(*common)
        self.doctors = DoctorService(*common)
        self.video = VideoService(*common)
        self.appointments = AppointmentService(*common, video=self.video)
        self.billing = BillingService(*common, cipher=self.cipher)
        self.records = RecordService(*common, cipher=self.cipher)
        self.mailer = MailService(*common)
        self._common = common
        self._chatbot: ChatbotService | None = None  # made on first use: its module is large
        self._chatbot_lock = threading.Lock()

    @property
    def chatbot(self) -> ChatbotService:
        """The health chatbot (the module loads on first use; its knowledge base on the first reply)."""
        if self._chatbot is None:
            with self._chatbot_lock:
                if self._chatbot is None:
                    from medlink.services.chatbot import ChatbotService

                    self._chatbot = ChatbotService(*self._common, doctors=self.doctors, billing=self.billing,
                                                   appointments=self.appointments, video=self.video)
        return self._chatbot

    def cipher(self) -> RecordCipher:
        """The records cipher, its key loaded (or created) on first use."""
        if self._cipher is None:
            self._cipher = RecordCipher(load_key(self.settings))
        return self._cipher

    def init_db(self) -> list[int]:
        """Apply the schema migrations that are missing; returns the versions applied now."""
        from medlink.db.migrations import apply_migrations

        return apply_migrations(self.db)

    def close(self) -> None:
        """Close every database connection."""
        self.db.close()

    def __enter__(self) -> MedLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
