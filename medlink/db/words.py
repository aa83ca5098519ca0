"""Words of a doctor's listing, as the search index holds them (issue 8).

One rule for both sides of a search, so that what a patient types meets what the index holds:

- a word is a run of letters, digits and combining marks (Devanagari's vowel signs belong to their
  word); anything else, ``_`` included, separates words;
- case does not matter (``casefold``), nor do the accents of Latin, Greek and Cyrillic letters
  ("José" is held as "jose"); marks of other scripts are kept, they are part of the letter;
- a word is held to its first ``MAX_WORD`` characters.

SQLite's triggers call ``medlink_words(name, specialty, hospital, qualifications)`` (registered on
every connection by ``medlink.db.dialects``): a JSON array of the distinct words. MySQL's triggers
split words with ``REGEXP_REPLACE`` by the same classes, and the column's collation
(utf8mb4_unicode_ci) ignores case and accents when it compares (sql/mysql/003, 004).
"""

from __future__ import annotations

import json
import unicodedata
import zlib
from collections.abc import Iterable
from functools import lru_cache

MAX_WORD = 84
SQL_FUNCTION = "medlink_words"
SIGNATURE_FUNCTION = "medlink_signature"
ALL_BITS = (1 << 62) - 1  # the signature that rules nothing out
_ACCENTED_SCRIPTS_END = 0x0530  # Latin, Greek and Cyrillic (and their extensions below this point)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """``text`` without case, and without the accents of Latin, Greek and Cyrillic letters."""
    kept: list[str] = []
    base = 0
    for char in unicodedata.normalize("NFKD", text):
        if unicodedata.category(char) == "Mn":
            if base < _ACCENTED_SCRIPTS_END:
                continue  # an accent on a Latin, Greek or Cyrillic letter
        else:
            base = ord(char)
        kept.append(char)
    return unicodedata.normalize("NFC", "".join(kept)).casefold()


def _in_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LNM"


def split(text: str) -> list[str]:
    """The words of ``text``, folded, in order (repeats kept)."""
    found: list[str] = []
    current: list[str] = []
    for char in fold(text):
        if _in_word(char):
            current.append(char)
        elif current:
            found.append("".join(current)[:MAX_WORD])
            current = []
    if current:
        found.append("".join(current)[:MAX_WORD])
    return found


def listing_words(*texts: str | None) -> list[str]:
    """The distinct words of a doctor's texts, sorted."""
    return sorted({w for text in texts if text for w in split(text)})


def listing_words_json(*texts: str | None) -> str:
    """``listing_words`` as a JSON array: SQLite's ``medlink_words`` function."""
    return json.dumps(listing_words(*texts), ensure_ascii=False)


def is_word(term: str) -> bool:
    """Whether ``term`` is one whole word, looked up in the index; other text is matched anywhere."""
    return bool(term) and all(_in_word(c) for c in term)


def query_words(terms: Iterable[str]) -> list[str]:
    """The distinct search words among ``terms``, folded, longest first."""
    folded = {fold(t)[:MAX_WORD] for t in terms}
    return sorted({t for t in folded if is_word(t)}, key=lambda t: (-len(t), t))


# A doctor's signature: a 62-bit summary of the starts of all the doctor's words, carried on each of
# the doctor's rows in the index. A search of several words reads the rows of one of them and must
# check each doctor for the others; where a word's bits are missing from the signature the doctor
# cannot have it, and the check of the index (a seek) is skipped. Each word sets the bit of its first
# two letters and of its first three (CRC-32 modulo 62: the same in Python and in MySQL's CRC32()).
# Only words of ASCII letters and digits are summarised: a doctor with any other word gets ALL_BITS
# (MySQL compares such words by collation, which no hash of bytes can follow).


def _bits(word: str) -> int:
    bits = 0
    for length in (2, 3):
        if len(word) >= length:
            bits |= 1 << (zlib.crc32(word[:length].encode("ascii")) % 62)
    return bits


def signature(words: Iterable[str]) -> int:
    """The signature of a doctor's folded words."""
    bits = 0
    for word in words:
        if not word.isascii():
            return ALL_BITS
        bits |= _bits(word)
    return bits


def signature_of_texts(*texts: str | None) -> int:
    """``signature(listing_words(*texts))``: SQLite's ``medlink_signature`` function."""
    return signature(listing_words(*texts))


def required_bits(word: str) -> int:
    """The bits a signature must have for its doctor to hold a word starting with ``word`` (folded);
    0 when it cannot tell."""
    return _bits(word) if word.isascii() else 0
