"""Encryption of medical records at rest: AES-256-GCM with a key kept outside the database.

The key is ``MEDLINK_DATA_KEY`` (32 bytes in URL-safe base64, or the path of a file holding that),
else a key file in the data folder, made on first use with mode 0600. Each ciphertext is a fresh
12-byte nonce followed by the sealed bytes; the patient's id is bound in as associated data, so a
ciphertext moved to another patient's row does not open.
"""

from __future__ import annotations

import base64
import binascii
import os
import secrets
from pathlib import Path

from medlink.config import Settings
from medlink.errors import MedLinkError, ValidationError

KEY_FILE_NAME = "records.key"
NONCE_BYTES = 12


class TamperedRecord(MedLinkError):
    """The stored bytes do not decrypt or do not match their checksum."""


def _decode_key(text: str) -> bytes | None:
    try:
        key = base64.urlsafe_b64decode(text.strip() + "=" * (-len(text.strip()) % 4))
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == 32 else None


def load_key(settings: Settings) -> bytes:
    """The records key from settings, or the key file (created on first use)."""
    if settings.data_key:
        key = _decode_key(settings.data_key)
        if key is not None:
            return key
        path = Path(settings.data_key).expanduser()
        if path.is_file():
            key = _decode_key(path.read_text(encoding="ascii", errors="replace"))
            if key is not None:
                return key
        raise ValidationError("MEDLINK_DATA_KEY must be a 32-byte key in base64, or the path of a file with one.",
                              "data_key")
    path = settings.data_dir / KEY_FILE_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it just now
        else:
            with os.fdopen(fd, "w", encoding="ascii") as handle:
                handle.write(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode() + "\n")
    key = _decode_key(path.read_text(encoding="ascii", errors="replace"))
    if key is None:
        raise ValidationError(f"The records key file {path} is damaged; restore it from your backup.", "data_key")
    return key


class RecordCipher:
    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, patient_id: int) -> bytes:
        nonce = secrets.token_bytes(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, plaintext, f"medlink-record:{patient_id}".encode())

    def open(self, sealed: bytes, patient_id: int) -> bytes:
        from cryptography.exceptions import InvalidTag

        try:
            associated = f"medlink-record:{patient_id}".encode()
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], associated)
        except (InvalidTag, ValueError):
            raise TamperedRecord("This record's stored copy is damaged or was altered; it cannot be opened.") from None
