"""The records key and cipher (issue 7): AES-256-GCM, the key outside the database.

The key and cipher tests need no database (they run once, on settings pointing at a throw-away SQLite
file); the last tests use the real core on SQLite and MariaDB.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from medlink.config import Settings
from medlink.core import MedLink
from medlink.errors import MedLinkError, ValidationError
from medlink.services.crypto import KEY_FILE_NAME, NONCE_BYTES, RecordCipher, TamperedRecord, load_key
from tests.conftest import make_settings
from tests.services_fixtures import query, table_counts
from tests.test_records import build_world, pdf_bytes, write

KEY = bytes(range(32))


def local_settings(tmp_path: Path, **overrides: object) -> Settings:
    return make_settings(f"sqlite:///{tmp_path / 'unused.db'}", tmp_path, **overrides)


# -- load_key --------------------------------------------------------------------------------------------
def test_the_key_file_is_made_once_with_mode_0600_and_reused(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    assert settings.data_key is None and not settings.data_dir.exists()
    key = load_key(settings)
    path = settings.data_dir / KEY_FILE_NAME
    assert len(key) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text(encoding="ascii")
    assert base64.urlsafe_b64decode(text.strip()) == key
    assert [p.name for p in settings.data_dir.iterdir()] == [KEY_FILE_NAME]

    assert load_key(settings) == key
    assert load_key(local_settings(tmp_path)) == key  # another start of the program
    assert path.read_text(encoding="ascii") == text
    assert [p.name for p in settings.data_dir.iterdir()] == [KEY_FILE_NAME]


def test_the_key_file_is_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load_key(local_settings(tmp_path))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "data" / KEY_FILE_NAME).stat().st_mode) == 0o600


def test_two_data_folders_get_different_keys(tmp_path: Path) -> None:
    first = load_key(local_settings(tmp_path / "a"))
    second = load_key(local_settings(tmp_path / "b"))
    assert first != second


def test_an_existing_key_file_is_used(tmp_path: Path) -> None:
    settings = local_settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / KEY_FILE_NAME).write_text(base64.urlsafe_b64encode(KEY).decode() + "\n", encoding="ascii")
    assert load_key(settings) == KEY


@pytest.mark.parametrize("text", ["", "short", "!!!!", base64.urlsafe_b64encode(bytes(16)).decode(),
                                  base64.urlsafe_b64encode(bytes(33)).decode()])
def test_a_damaged_key_file_is_refused(tmp_path: Path, text: str) -> None:
    settings = local_settings(tmp_path)
    settings.data_dir.mkdir(parents=True)
    (settings.data_dir / KEY_FILE_NAME).write_text(text, encoding="ascii")
    with pytest.raises(ValidationError) as caught:
        load_key(settings)
    assert caught.value.field == "data_key"
    assert (settings.data_dir / KEY_FILE_NAME).read_text(encoding="ascii") == text  # never replaced


@pytest.mark.parametrize("encode", [base64.urlsafe_b64encode, base64.b64encode,
                                    lambda k: base64.urlsafe_b64encode(k).rstrip(b"=")])
def test_medlink_data_key_as_base64(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   encode: Callable[[bytes], bytes]) -> None:
    key = b"\xfb\xff\xfe" * 10 + b"\xfb\xff"  # "+" and "/" in standard base64, "-" and "_" in URL-safe
    monkeypatch.setenv("MEDLINK_DATA_KEY", encode(key).decode())
    settings = local_settings(tmp_path)
    assert settings.data_key == encode(key).decode()
    assert load_key(settings) == key
    assert not (settings.data_dir / KEY_FILE_NAME).exists()


def test_medlink_data_key_as_a_path_to_a_key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key_file = tmp_path / "secrets" / "medlink.key"
    key_file.parent.mkdir()
    key_file.write_text(base64.urlsafe_b64encode(KEY).decode() + "\n", encoding="ascii")
    monkeypatch.setenv("MEDLINK_DATA_KEY", str(key_file))
    settings = local_settings(tmp_path)
    assert load_key(settings) == KEY
    assert not (settings.data_dir / KEY_FILE_NAME).exists()


@pytest.mark.parametrize("value", ["not a key", base64.urlsafe_b64encode(bytes(16)).decode(),
                                   base64.urlsafe_b64encode(bytes(64)).decode(), "/nonexistent/medlink.key",
                                   "BAD_FILE"])
def test_a_bad_medlink_data_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    if value == "BAD_FILE":
        value = str(tmp_path / "garbage.key")
        Path(value).write_text("this is not a key\n", encoding="ascii")
    monkeypatch.setenv("MEDLINK_DATA_KEY", value)
    settings = local_settings(tmp_path)
    with pytest.raises(ValidationError) as caught:
        load_key(settings)
    assert caught.value.field == "data_key"
    assert not (settings.data_dir / KEY_FILE_NAME).exists()  # no silent fallback to a made-up key


# -- RecordCipher ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("plaintext", [b"", b"x", pdf_bytes(), secrets.token_bytes(100_000)])
def test_seal_and_open_round_trip(plaintext: bytes) -> None:
    cipher = RecordCipher(KEY)
    sealed = cipher.seal(plaintext, 7)
    assert len(sealed) == NONCE_BYTES + len(plaintext) + 16
    assert len(plaintext) < 8 or plaintext not in sealed  # (a 1-byte text may occur in random bytes)
    assert cipher.open(sealed, 7) == plaintext
    assert RecordCipher(bytes(KEY)).open(sealed, 7) == plaintext  # the key, not the object, opens it


def test_two_seals_of_the_same_plaintext_differ() -> None:
    cipher = RecordCipher(KEY)
    seals = [cipher.seal(b"same report", 7) for _ in range(20)]
    assert len(set(seals)) == 20
    assert len({s[:NONCE_BYTES] for s in seals}) == 20  # a fresh random nonce each time
    assert all(cipher.open(s, 7) == b"same report" for s in seals)


def test_the_wrong_patient_or_key_or_a_changed_byte_is_tampering() -> None:
    cipher = RecordCipher(KEY)
    sealed = cipher.seal(b"haemoglobin 13.2", 7)
    with pytest.raises(TamperedRecord):
        cipher.open(sealed, 8)
    with pytest.raises(TamperedRecord):
        RecordCipher(bytes(32)).open(sealed, 7)
    for index in (0, NONCE_BYTES, len(sealed) - 1):
        damaged = bytearray(sealed)
        damaged[index] ^= 0x80
        with pytest.raises(TamperedRecord):
            cipher.open(bytes(damaged), 7)
    for short in (b"", sealed[:NONCE_BYTES], sealed[:NONCE_BYTES + 15], sealed[:-1], sealed + b"\x00"):
        with pytest.raises(TamperedRecord):
            cipher.open(short, 7)
    assert issubclass(TamperedRecord, MedLinkError)


def test_a_key_of_the_wrong_size_is_not_accepted() -> None:
    with pytest.raises(ValueError):
        RecordCipher(b"too short")


# -- through the core, on both backends ------------------------------------------------------------------
def test_the_core_makes_the_key_file_on_first_upload_and_a_different_key_cannot_open(
        db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path)
    key_file = settings.data_dir / KEY_FILE_NAME
    with build_world(settings, tmp_path / "files") as world:
        assert not key_file.exists()  # nothing made before a record needs it
        meta = world.upload("pdf")
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert world.ml.cipher() is world.ml.cipher()
        stored = bytes(world.row(meta.record_id)["content"])
        assert RecordCipher(load_key(settings)).open(stored, world.patient_id) == pdf_bytes()

        key_file.write_text(base64.urlsafe_b64encode(bytes(32)).decode(), encoding="ascii")  # the key is lost
        with MedLink(settings) as other, pytest.raises(TamperedRecord):
            other.cipher().open(stored, world.patient_id)


def test_a_bad_configured_key_refuses_the_upload_and_writes_nothing(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, data_key="not-a-real-key")
    with build_world(settings, tmp_path / "files") as world:
        before = table_counts(world.ml)
        path = write(world.files, "report.pdf", pdf_bytes())
        with pytest.raises(ValidationError) as caught:
            world.records.upload(world.patient, path)
        assert caught.value.field == "data_key"
        assert table_counts(world.ml) == before
        assert not (settings.data_dir / KEY_FILE_NAME).exists()


def test_the_configured_key_is_the_one_used(db_url: str, tmp_path: Path) -> None:
    settings = make_settings(db_url, tmp_path, data_key=base64.urlsafe_b64encode(KEY).decode())
    with build_world(settings, tmp_path / "files") as world:
        meta = world.upload("pdf")
        (row,) = query(world.ml, "SELECT content, sha256 FROM medical_records WHERE record_id = ?",
                       (meta.record_id,))
        assert RecordCipher(KEY).open(bytes(row["content"]), world.patient_id) == pdf_bytes()
        assert row["sha256"] == hashlib.sha256(pdf_bytes()).hexdigest()
        assert not (settings.data_dir / KEY_FILE_NAME).exists()
