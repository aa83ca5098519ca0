"""MedLink: builds the Database and the services from Settings; the one object the UI holds.

Every service is made on first use (``ml.auth``, ``ml.doctors``, ...), once per ``MedLink``, and its
module is imported then: the window opens with only the settings and the database loaded, and the
service modules (about 30 ms of imports and dataclasses) load on a worker shortly after (the app's
start-up upkeep) or at the first sign-in. Building one is thread-safe; a service built by one
thread is the one every thread sees. A test may still replace one (``ml.mailer = ...``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Generic, TypeVar, overload

from medlink.config import Settings
from medlink.db import Database
from medlink.services.clock import Clock

if TYPE_CHECKING:
    from medlink.services.admin import AdminService
    from medlink.services.appointments import AppointmentService
    from medlink.services.audit import AuditService
    from medlink.services.auth import AuthService
    from medlink.services.billing import BillingService
    from medlink.services.chatbot import ChatbotService
    from medlink.services.crypto import RecordCipher
    from medlink.services.doctors import DoctorService
    from medlink.services.mailer import MailService
    from medlink.services.notifier import Notifier
    from medlink.services.passwords import PasswordParams, Passwords
    from medlink.services.patients import PatientService
    from medlink.services.records import RecordService
    from medlink.services.session import SessionRegistry
    from medlink.services.video import VideoService

T = TypeVar("T")


class lazy_service(Generic[T]):  # lower case: used as a decorator, like functools.cached_property
    """A MedLink attribute made by the decorated method on first use, once per instance (under the
    instance's lock, so two threads never make two). Stored in the instance's ``__dict__``, which
    then answers every later read; assigning the attribute replaces it (tests)."""

    def __init__(self, make: Callable[[MedLink], T]) -> None:
        self._make = make
        self._name = make.__name__
        self.__doc__ = make.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> lazy_service[T]: ...

    @overload
    def __get__(self, instance: MedLink, owner: type | None = None) -> T: ...

    def __get__(self, instance: MedLink | None, owner: type | None = None) -> T | lazy_service[T]:
        if instance is None:
            return self
        values = instance.__dict__
        if self._name not in values:
            with instance._build_lock:
                if self._name not in values:
                    values[self._name] = self._make(instance)
        return values[self._name]


class MedLink:
    """The application core. ``MedLink(Settings.load(...))``, then ``init_db()`` once.

    ``clock`` and ``password_params`` exist for tests (a clock that can be moved, cheaper hashing).
    """

    def __init__(self, settings: Settings, *, clock: Clock | None = None,
                 password_params: PasswordParams | None = None) -> None:
        self.settings = settings
        self.db = Database(settings.db_url, ssl_ca=settings.db_ssl_ca)
        self.clock = clock or Clock()
        self._password_params = password_params
        self._cipher: RecordCipher | None = None
        self._build_lock = threading.RLock()  # services are made on first use (lazy_service)

    # --- the services, each made on first use (its module is imported then) -----------------------

    @lazy_service
    def sessions(self) -> SessionRegistry:
        from medlink.services.session import SessionRegistry

        return SessionRegistry()

    @lazy_service
    def audit(self) -> AuditService:
        from medlink.services.audit import AuditService

        return AuditService(self.db, self.clock)

    @lazy_service
    def passwords(self) -> Passwords:
        from medlink.services.passwords import Passwords

        return Passwords(self._password_params)

    @lazy_service
    def notifier(self) -> Notifier:
        from medlink.services.notifier import Notifier

        return Notifier(self.settings, self.clock)

    @property
    def _common(self) -> tuple[Any, ...]:
        """What every service is made with: (db, settings, clock, audit, sessions, notifier)."""
        return (self.db, self.settings, self.clock, self.audit, self.sessions, self.notifier)

    @lazy_service
    def auth(self) -> AuthService:
        from medlink.services.auth import AuthService

        return AuthService(*self._common, passwords=self.passwords)

    @lazy_service
    def admin(self) -> AdminService:
        from medlink.services.admin import AdminService

        return AdminService(*self._common)

    @lazy_service
    def patients(self) -> PatientService:
        from medlink.services.patients import PatientService

        return PatientService(*self._common)

    @lazy_service
    def doctors(self) -> DoctorService:
        from medlink.services.doctors import DoctorService

        return DoctorService(*self._common)

    @lazy_service
    def video(self) -> VideoService:
        from medlink.services.video import VideoService

        return VideoService(*self._common)

    @lazy_service
    def appointments(self) -> AppointmentService:
        from medlink.services.appointments import AppointmentService

        return AppointmentService(*self._common, video=self.video)

    @lazy_service
    def billing(self) -> BillingService:
        from medlink.services.billing import BillingService

        return BillingService(*self._common, cipher=self.cipher)

    @lazy_service
    def records(self) -> RecordService:
        from medlink.services.records import RecordService

        return RecordService(*self._common, cipher=self.cipher)

    @lazy_service
    def mailer(self) -> MailService:
        from medlink.services.mailer import MailService

        return MailService(*self._common)

    @lazy_service
    def chatbot(self) -> ChatbotService:
        """The health chatbot (its knowledge base is read on the first reply)."""
        from medlink.services.chatbot import ChatbotService

        return ChatbotService(*self._common, doctors=self.doctors, billing=self.billing,
                              appointments=self.appointments, video=self.video)

    def load_services(self) -> None:
        """Make every service now (their modules load): for a worker to run shortly after start, so
        the first sign-in does not wait for the imports. The chatbot still waits for its first use."""
        for name in ("auth", "admin", "patients", "doctors", "appointments", "billing", "records", "mailer"):
            getattr(self, name)

    def cipher(self) -> RecordCipher:
        """The records cipher, its key loaded (or created) on first use."""
        if self._cipher is None:
            from medlink.services.crypto import RecordCipher, load_key

            with self._build_lock:  # two workers must not both create the key file
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
