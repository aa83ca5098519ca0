"""The health chatbot: keyword NLP over a knowledge base that is data, not code
(``medlink/data/health_kb.json``), plus a few answers read from the database (fees, the patient's
own next appointment and video link).

Matching: the text is cut into lower-case words; a word the knowledge base does not know is taken
for a typo of one it does when it is within one edit (words of 4-7 letters) or two (8 or more,
counting the longer of the two words), never for typed words under 4 letters and never for a real
word listed as such. Phrases (synonyms, emergency signs, intents) are then matched on whole words,
the longest first, so "osteoarthritis" is never read as "arthritis", nor "fluid" as "flu". The file
is read and indexed on first use, once per process.

Intents, in the order they win: emergency; the patient's video link and next appointment; fees;
a condition; a home-care topic; medicines; general remedies; a healthy-living topic; finding a
specialist; booking help; help; thanks; greeting; goodbye; and otherwise an honest "not sure".
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from medlink.dao import doctor_listing_counts
from medlink.errors import MedLinkError
from medlink.models import Appointment, DoctorSummary
from medlink.services.base import Service
from medlink.services.session import Session

KB_PATH = Path(__file__).resolve().parent.parent / "data" / "health_kb.json"
MAX_TEXT = 500  # characters of a message that are read
SPECIALTIES_TTL = 60.0  # seconds the list of specialties with verified doctors is kept
FIRST_CONTACT = "General Physician"
T = TypeVar("T")
CONDITION_FIELDS = ("key", "name", "synonyms", "overview", "symptoms", "self_care", "see_doctor", "specialty")


@dataclass(frozen=True)
class ChatReply:
    """One answer. ``intent`` says what was understood (emergency, disease, remedies, healthy_living,
    medication, find_doctor, help, greeting, thanks, goodbye, fees_doctor, fees_specialty,
    video_link, next_appointment or unknown); ``topic`` is the condition, topic, emergency, doctor or
    specialty it is about (for help: None, "booking" or "app"); ``suggest_specialty``, when set, is
    the specialty whose doctors the chat panel may offer to search ("Search <specialty> doctors")."""

    text: str
    intent: str
    topic: str | None = None
    suggest_specialty: str | None = None


@dataclass(frozen=True)
class FeeRange:
    """The consultation fees in force among the doctors patients can find (of one specialty, or all of
    them): the lowest, the highest, and how many doctors there are."""

    lowest: Decimal
    highest: Decimal
    doctors: int


class KnowledgeBaseError(ValueError):
    """The knowledge base file is malformed (a bug in the data, found when it is loaded)."""


# -- words ----------------------------------------------------------------------------------------
_POSSESSIVE = re.compile(r"['\u2019\u2018`]s\b")
_APOSTROPHE = re.compile(r"['\u2019\u2018`]")
_WORD = re.compile(r"[^\W_]+")


def tokenize(text: str) -> list[str]:
    """Lower-case words: "Alzheimer's" -> ["alzheimer"], "can't breathe" -> ["cant", "breathe"]."""
    text = _APOSTROPHE.sub("", _POSSESSIVE.sub("", text[:MAX_TEXT].lower()))
    return _WORD.findall(text)


def allowed_edits(length: int) -> int:
    """Typos tolerated in a word of this length: none under 4 letters, 1 up to 7, 2 from 8."""
    return 0 if length < 4 else 1 if length <= 7 else 2


def typo_reach(typed: str, known: str) -> int:
    """Edits tolerated between a typed word and a known one: none if the typed word is under 4
    letters, else as for the longer of the two (so "cirosis" may still be "cirrhosis")."""
    return 0 if len(typed) < 4 else allowed_edits(max(len(typed), len(known)))


def edit_distance(a: str, b: str, bound: int) -> int | None:
    """The edit distance of ``a`` and ``b`` (insertions, deletions, substitutions and swaps of two
    neighbouring letters) if it is at most ``bound``, else None. Stops as soon as it must exceed."""
    if abs(len(a) - len(b)) > bound:
        return None
    if a == b:
        return 0
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if before is not None and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                best = min(best, before[j - 2] + 1)
            current[j] = best
        if min(current) > bound:
            return None
        before, previous = previous, current
    return previous[-1] if previous[-1] <= bound else None


def _deletions(word: str, depth: int) -> set[str]:
    """``word`` and every string made from it by deleting up to ``depth`` letters."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))} - found
        found |= frontier
    return found


# -- phrases --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Hit:
    """A phrase found in the text: words ``start`` to ``end`` (exclusive) mean (``kind``, ``key``)."""

    start: int
    end: int
    kind: str
    key: str


class PhraseIndex:
    """Whole-word phrase lookup; overlapping matches are resolved longest first."""

    def __init__(self) -> None:
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        self._meaning: dict[tuple[str, ...], tuple[str, str]] = {}

    def add(self, phrase: str, kind: str, key: str) -> None:
        words = tuple(tokenize(phrase))
        if not words:
            raise KnowledgeBaseError(f"An empty phrase for {kind} {key!r}.")
        known = self._meaning.get(words)
        if known is not None and known != (kind, key):
            raise KnowledgeBaseError(f"The phrase {phrase!r} means both {known} and {(kind, key)}.")
        if known is None:
            self._meaning[words] = (kind, key)
            entries = self._by_first.setdefault(words[0], [])
            entries.append((words, kind, key))
            entries.sort(key=lambda entry: -len(entry[0]))

    def words(self) -> set[str]:
        return {word for phrase in self._meaning for word in phrase}

    def find(self, tokens: list[str]) -> list[Hit]:
        """Non-overlapping hits in text order, each overlap won by the longer phrase."""
        candidates = []
        for start, token in enumerate(tokens):
            for words, kind, key in self._by_first.get(token, ()):
                end = start + len(words)
                if tuple(tokens[start:end]) == words:
                    candidates.append(Hit(start, end, kind, key))
        candidates.sort(key=lambda h: (h.start - h.end, h.start))
        taken: set[int] = set()
        hits = []
        for hit in candidates:
            span = range(hit.start, hit.end)
            if not taken.intersection(span):
                taken.update(span)
                hits.append(hit)
        hits.sort(key=lambda h: h.start)
        return hits


@dataclass(frozen=True)
class Analysis:
    raw: list[str]  # the words as typed (lower case)
    words: list[str]  # the same words, typos and plurals mended
    hits: list[Hit]
    aspects: frozenset[str]  # symptoms, self_care, see_doctor: what about a condition was asked

    def first(self, kind: str) -> Hit | None:
        return next((h for h in self.hits if h.kind == kind), None)

    def all(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.kind == kind]

    def intents(self) -> set[str]:
        return {h.key for h in self.hits if h.kind == "intent"}


class KnowledgeBase:
    """The knowledge base file, checked and indexed for matching."""

    def __init__(self, data: dict[str, Any]) -> None:
        try:
            self._load(data)
        except (KeyError, TypeError, AttributeError) as exc:
            raise KnowledgeBaseError(f"The knowledge base is missing or has a malformed part: {exc!r}") from None
        self._corrections: dict[str, str] = {}

    def _load(self, data: dict[str, Any]) -> None:
        self.messages: dict[str, Any] = data["messages"]
        for name in ("disclaimer", "unknown", "empty", "greeting", "thanks", "goodbye", "help", "booking",
                     "medication", "app_help", "remedies_intro", "healthy_intro", "login_needed", "patients_only"):
            _require_text(self.messages.get(name), f"messages.{name}")
        self.emergency: dict[str, Any] = data["emergency"]
        self.conditions = _keyed(data["conditions"], "conditions")
        for condition in self.conditions.values():
            check_condition(condition)
        self.remedies = _keyed(data["remedies"]["topics"], "remedies")
        self.healthy = _keyed(data["healthy_living"]["topics"], "healthy_living")
        self.general_remedies: list[str] = data["remedies"]["general"]
        self.general_healthy: list[str] = data["healthy_living"]["general"]
        self.specialties = {s["name"]: s for s in data["specialties"]}
        self.doctor_markers = frozenset(data["doctor_markers"])
        self.function_words = frozenset(data["function_words"])
        self.main = PhraseIndex()
        for category in self.emergency["categories"]:
            self._add_all(self.main, category["phrases"], "emergency", category["key"])
        for kind, entries in (("condition", self.conditions), ("remedy", self.remedies), ("healthy", self.healthy)):
            for key, entry in entries.items():
                self._add_all(self.main, entry["synonyms"], kind, key)
        for name, specialty in self.specialties.items():
            self._add_all(self.main, specialty["terms"], "specialty", name)
        for intent, phrases in data["intents"].items():
            self._add_all(self.main, phrases, "intent", intent)
        self.aspect_index = PhraseIndex()
        for aspect, phrases in data["aspects"].items():
            self._add_all(self.aspect_index, phrases, "aspect", aspect)
        for entry in [*self.conditions.values(), *self.remedies.values()]:
            if entry["specialty"] not in self.specialties:
                raise KnowledgeBaseError(f"{entry['key']!r} names an unknown specialty {entry['specialty']!r}.")
        self.vocabulary = frozenset(self.main.words() | self.aspect_index.words() | self.doctor_markers)
        self.not_typos = frozenset(data.get("not_typos", ())) | self.function_words
        self._typo_index: dict[str, list[str]] = {}
        for word in self.vocabulary:
            if word.isalpha() and len(word) >= 4:
                for variant in _deletions(word, allowed_edits(len(word) + 2)):
                    self._typo_index.setdefault(variant, []).append(word)

    @staticmethod
    def _add_all(index: PhraseIndex, phrases: list[str], kind: str, key: str) -> None:
        if not phrases:
            raise KnowledgeBaseError(f"{kind} {key!r} has no phrases.")
        for phrase in phrases:
            _require_text(phrase, f"a phrase of {kind} {key!r}")
            index.add(phrase, kind, key)

    # -- words ----------------------------------------------------------------------------------
    def mend(self, word: str) -> str:
        """The vocabulary word that ``word`` stands for (itself, its singular, or the word it is a
        typo of), or ``word`` unchanged."""
        mended = self._corrections.get(word)
        if mended is None:
            mended = self._mend(word)
            if len(self._corrections) > 50_000:
                self._corrections.clear()
            self._corrections[word] = mended
        return mended

    def _mend(self, word: str) -> str:
        if word in self.vocabulary:
            return word
        for suffix, replacement in (("ies", "y"), ("es", ""), ("s", "")):
            if len(word) > 3 and word.endswith(suffix) and word[:-len(suffix)] + replacement in self.vocabulary:
                return word[:-len(suffix)] + replacement
        if word in self.not_typos or not word.isalpha() or not word.isascii():
            return word
        return self.typo_of(word) or word

    def typo_of(self, word: str) -> str | None:
        """The vocabulary word ``word`` is a small typo of (see ``typo_reach``): the closest; on a
        tie, one that starts with the same letter, then one with the same letters ("pian" is
        "pain", not "paan"), then the one of the nearest length, then the first alphabetically."""
        if len(word) < 4:
            return None
        variants = _deletions(word, allowed_edits(len(word) + 2))
        candidates = {c for variant in variants for c in self._typo_index.get(variant, ())}
        best: tuple[int, bool, bool, int, str] | None = None
        for candidate in candidates:
            distance = edit_distance(word, candidate, typo_reach(word, candidate))
            if distance is not None:
                rank = (distance, candidate[0] != word[0], sorted(candidate) != sorted(word),
                        abs(len(candidate) - len(word)), candidate)
                best = rank if best is None or rank < best else best
        return best[-1] if best else None

    def analyse(self, text: str) -> Analysis:
        raw = tokenize(text)
        words = [self.mend(w) for w in raw]
        aspects = frozenset(h.key for h in self.aspect_index.find(words))
        return Analysis(raw, words, self.main.find(words), aspects)


def _keyed(entries: list[dict[str, Any]], section: str) -> dict[str, dict[str, Any]]:
    keyed: dict[str, dict[str, Any]] = {}
    for entry in entries:
        key = entry["key"]
        _require_text(key, f"a key in {section}")
        if key in keyed:
            raise KnowledgeBaseError(f"Two entries in {section} have the key {key!r}.")
        keyed[key] = entry
    return keyed


def _require_text(value: Any, where: str) -> None:
    if isinstance(value, list):
        if not value or not all(isinstance(v, str) and v.strip() for v in value):
            raise KnowledgeBaseError(f"{where} must be a list of non-empty texts.")
    elif not isinstance(value, str) or not value.strip():
        raise KnowledgeBaseError(f"{where} must be a non-empty text.")


def check_condition(condition: dict[str, Any]) -> None:
    """Every field a condition needs, present and non-empty (lists of texts where a list is due)."""
    for name in CONDITION_FIELDS:
        if name not in condition:
            raise KnowledgeBaseError(f"Condition {condition.get('key')!r} has no {name!r}.")
        _require_text(condition[name], f"{name} of condition {condition.get('key')!r}")
    for name in ("synonyms", "symptoms", "self_care", "see_doctor"):
        if not isinstance(condition[name], list):
            raise KnowledgeBaseError(f"{name} of condition {condition['key']!r} must be a list.")


@functools.lru_cache(maxsize=4)
def load_knowledge_base(path: str = str(KB_PATH)) -> KnowledgeBase:
    """The knowledge base at ``path``, read and indexed once per process."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise KnowledgeBaseError(f"The chatbot knowledge base cannot be read: {exc}") from exc
    return KnowledgeBase(data)


# -- text helpers ---------------------------------------------------------------------------------
def rupees(amount: Decimal) -> str:
    """Indian grouping, paise only when there are any: 125000 -> "₹1,25,000", 99.5 -> "₹99.50"."""
    amount = Decimal(amount).quantize(Decimal("0.01"))
    sign, whole, paise = ("-" if amount < 0 else ""), *f"{abs(amount):.2f}".split(".")
    head, tail = whole[:-3], whole[-3:]
    groups = []
    while head:
        groups.insert(0, head[-2:])
        head = head[:-2]
    text = ",".join([*groups, tail])
    return f"{sign}₹{text}" + (f".{paise}" if paise != "00" else "")


def _percent(rate: Any) -> str:
    text = f"{Decimal(rate):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _bullets(items: list[str]) -> list[str]:
    return [f"• {item}" for item in items]


def _when(appointment: Appointment) -> str:
    day = appointment.appointment_date
    return f"{appointment.appointment_day}, {day.day} {day:%B %Y} at {appointment.time_text}"


# -- the service ----------------------------------------------------------------------------------
class ChatbotService(Service):
    """``reply(text, session=None) -> str`` and ``answer(...) -> ChatReply``."""

    def __init__(self, *args: Any, doctors: Any = None, billing: Any = None, appointments: Any = None,
                 video: Any = None, kb_path: Path | str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._doctors, self._billing, self._appointments, self._video = doctors, billing, appointments, video
        self._kb_path = str(kb_path or KB_PATH)
        self._kb: KnowledgeBase | None = None
        self._kb_lock = threading.Lock()
        self._specialties: tuple[float, dict[str, str]] | None = None

    @property
    def kb(self) -> KnowledgeBase:
        """The knowledge base, loaded on first use (never at start-up)."""
        if self._kb is None:
            with self._kb_lock:
                if self._kb is None:
                    self._kb = load_knowledge_base(self._kb_path)
        return self._kb

    def reply(self, text: str, session: Session | None = None) -> str:
        return self.answer(text, session).text

    def answer(self, text: str, session: Session | None = None) -> ChatReply:
        """Understand ``text`` and answer it. Appointments and video links need a patient's session."""
        kb = self.kb
        if not isinstance(text, str) or not text.strip():
            return ChatReply(kb.messages["empty"], "help")
        a = kb.analyse(text)
        intents = a.intents()
        emergency = a.first("emergency")
        if emergency is not None:
            return self._emergency(emergency.key)
        if "booking" not in intents:
            if "video_link" in intents:
                return self._guarded("video_link", lambda: self._video_link(session))
            if "next_appointment" in intents:
                return self._guarded("next_appointment", lambda: self._next_appointment(session))
        specialty = a.first("specialty")
        conditions = a.all("condition")
        asks_cost = bool(intents & {"cost", "how_much"})
        about_doctors = specialty is not None or bool(conditions) or not self.kb.doctor_markers.isdisjoint(a.raw)
        if "fees" in intents or (asks_cost and about_doctors):
            return self._guarded("fees_specialty", lambda: self._fees(a, specialty, conditions))
        if asks_cost:  # "how much does Mehta charge": fees only if a doctor has that name
            named = self._guarded("fees_doctor", lambda: self._fees_by_name_alone(a))
            if named is not None:
                return named
        if conditions:
            return self._condition(conditions, a.aspects)
        return self._everyday(a, intents, specialty, session)

    def _everyday(self, a: Analysis, intents: set[str], specialty: Hit | None, session: Session | None) -> ChatReply:
        kb = self.kb
        remedy, healthy = a.first("remedy"), a.first("healthy")
        if remedy is not None:
            return self._remedy(remedy.key)
        if "medication" in intents:
            return ChatReply("\n".join(kb.messages["medication"]), "medication")
        if "remedies" in intents:
            return ChatReply("\n".join([kb.messages["remedies_intro"], *_bullets(kb.general_remedies),
                                        kb.messages["disclaimer"]]), "remedies")
        if healthy is not None:
            topic = kb.healthy[healthy.key]
            return ChatReply("\n".join([f"{topic['name']}:", *_bullets(topic["tips"])]), "healthy_living", healthy.key)
        if "healthy_living" in intents:
            return ChatReply("\n".join([kb.messages["healthy_intro"], *_bullets(kb.general_healthy)]), "healthy_living")
        if specialty is not None:
            return self._find_doctor(specialty.key)
        if "booking" in intents:
            return ChatReply("\n".join(kb.messages["booking"]), "help", "booking")
        if "app_help" in intents:
            return ChatReply("\n".join(kb.messages["app_help"]), "help", "app")
        for intent in ("help", "thanks", "greeting", "goodbye"):
            if intent in intents:
                return self._social(intent, session)
        return ChatReply(kb.messages["unknown"], "unknown")

    def _social(self, intent: str, session: Session | None) -> ChatReply:
        message = self.kb.messages[intent]
        if intent == "help":
            return ChatReply("\n".join(message), "help")
        if intent == "greeting":
            name = f", {session.name}" if isinstance(session, Session) and self.sessions.is_live(session) else ""
            return ChatReply(message.replace("{name}", name), "greeting")
        return ChatReply(message, intent)

    def _guarded(self, intent: str, answer: Callable[[], T]) -> T | ChatReply:
        """An answer read from the database; a failure a person can understand becomes the answer."""
        try:
            return answer()
        except MedLinkError as exc:
            return ChatReply(str(exc), intent)

    # -- health answers ---------------------------------------------------------------------------
    def _emergency(self, key: str) -> ChatReply:
        emergency = self.kb.emergency
        category = next(c for c in emergency["categories"] if c["key"] == key)
        if key == "suicide":
            lines = [category["lead"], *_bullets(category["steps"]), emergency["call_now"]]
        else:
            lines = [category["lead"], emergency["call_now"], *_bullets(category["steps"]),
                     emergency["mental_health_line"]]
        return ChatReply("\n".join(lines), "emergency", key)

    def _condition(self, hits: list[Hit], aspects: frozenset[str]) -> ChatReply:
        kb = self.kb
        condition = kb.conditions[hits[0].key]
        lines = [condition["name"], condition["overview"]]
        if not aspects or "symptoms" in aspects:
            lines += ["", "Common symptoms:", *_bullets(condition["symptoms"])]
        if not aspects or "self_care" in aspects:
            lines += ["", "What you can do:", *_bullets(condition["self_care"])]
        lines += ["", "See a doctor if:", *_bullets(condition["see_doctor"])]
        others = []
        for hit in hits[1:]:
            name = kb.conditions[hit.key]["name"]
            if hit.key != condition["key"] and name not in others:
                others.append(name)
        if others:
            lines += ["", f"You also mentioned {' and '.join(others[:2])}: ask about it on its own for details."]
        suggest, offer = self._specialist(condition["specialty"])
        lines += ["", *offer, kb.messages["disclaimer"]]
        return ChatReply("\n".join(lines), "disease", condition["key"], suggest)

    def _remedy(self, key: str) -> ChatReply:
        topic = self.kb.remedies[key]
        suggest, offer = self._specialist(topic["specialty"])
        lines = [f"{topic['name']}: what you can do at home", *_bullets(topic["tips"]), "", "See a doctor if:",
                 *_bullets(topic["see_doctor"]), "", *offer, self.kb.messages["disclaimer"]]
        return ChatReply("\n".join(lines), "remedies", key, suggest)

    def _find_doctor(self, specialty: str) -> ChatReply:
        suggest, offer = self._specialist(specialty)
        return ChatReply("\n".join(offer), "find_doctor", specialty, suggest)

    def _specialist(self, specialty: str) -> tuple[str | None, list[str]]:
        """Whose doctors to offer, and the lines saying so: the specialty itself, or a General
        Physician as first contact when no verified doctor of that specialty is listed."""
        plain = self.kb.specialties[specialty]["plain"]
        listed = self._listed_specialties()
        if listed is None or specialty.lower() in listed:
            name = listed[specialty.lower()] if listed else specialty
            return name, [f"Doctor to consult: {plain}.", f"Would you like to see {name} doctors?"]
        if FIRST_CONTACT.lower() in listed:
            name = listed[FIRST_CONTACT.lower()]
            return name, [f"Doctor to consult: {plain}. None is listed on MedLink yet, so a General Physician is a "
                          "good first contact.", f"Would you like to see {name} doctors?"]
        return None, [f"Doctor to consult: {plain}."]

    def _listed_specialties(self) -> dict[str, str] | None:
        """Specialties that have verified doctors, lower-cased -> as spelt in the database; kept for a
        minute. None when there is no doctor directory to ask (then every specialty is offered)."""
        if self._doctors is None:
            return None
        cached = self._specialties
        if cached is not None and time.monotonic() - cached[0] < SPECIALTIES_TTL:
            return cached[1]
        try:
            listed = {name.lower(): name for name in self.listed_specialties()}
        except MedLinkError:
            return None
        self._specialties = (time.monotonic(), listed)
        return listed

    # -- fees -------------------------------------------------------------------------------------
    def _marked_name(self, a: Analysis) -> list[str]:
        """Words naming a doctor right after "Dr", "Dr." or "doctor" (up to three)."""
        for i, word in enumerate(a.raw):
            if word in self.kb.doctor_markers:
                name = []
                for j in range(i + 1, min(i + 4, len(a.raw))):
                    if not self._could_be_name(a.raw[j], a.words[j]):
                        break
                    name.append(a.raw[j])
                if name:
                    return name
        return []

    def _could_be_name(self, raw: str, mended: str) -> bool:
        kb = self.kb
        return (raw.isalpha() and len(raw) >= 2 and raw not in kb.function_words and raw not in kb.doctor_markers
                and raw not in kb.vocabulary and mended not in kb.vocabulary)

    def _unmarked_name(self, a: Analysis) -> list[str]:
        """Words that could be a doctor's name although no "Dr" precedes them (up to three)."""
        return [w for w, m in zip(a.raw, a.words, strict=True) if len(w) >= 3 and self._could_be_name(w, m)][:3]

    def _fees_by_name_alone(self, a: Analysis) -> ChatReply | None:
        name = self._unmarked_name(a)
        if not name or self._doctors is None or self._billing is None:
            return None
        doctors = self._doctors_named(name)
        return self._doctor_fees(doctors) if doctors else None

    def _fees(self, a: Analysis, specialty: Hit | None, conditions: list[Hit]) -> ChatReply:
        if self._doctors is None or self._billing is None:
            return ChatReply("Fees cannot be looked up right now.", "fees_specialty")
        marked = self._marked_name(a)
        name = marked or self._unmarked_name(a)
        if name:
            doctors = self._doctors_named(name)
            if doctors:
                return self._doctor_fees(doctors)
            if marked and specialty is None:
                return ChatReply("I couldn't find a verified doctor by that name on MedLink. Please check the "
                                 "spelling, or search for them in \"Find a doctor\".", "fees_doctor")
        if specialty is not None:
            return self._specialty_fees(specialty.key)
        if conditions:
            return self._specialty_fees(self.kb.conditions[conditions[0].key]["specialty"])
        return self._specialty_fees(None)

    def _doctors_named(self, name: list[str]) -> list[DoctorSummary]:
        page = self._doctors.search(text=" ".join(name), limit=50)
        return [d for d in page.results if set(name) <= set(tokenize(d.name))]

    def _doctor_fees(self, doctors: list[DoctorSummary]) -> ChatReply:
        if len(doctors) > 1:
            lines = [f"I found {len(doctors)} doctors with that name:"]
            lines += [f"• {d.name} ({d.specialty}, {d.city}): consultation {rupees(d.consultation_fee)}"
                      for d in doctors[:3]]
            if len(doctors) > 3:
                lines.append(f"…and {len(doctors) - 3} more.")
            lines.append("Ask again with the doctor's full name for all their fees.")
            return ChatReply("\n".join(lines), "fees_doctor")
        doctor = doctors[0]
        fees = self._billing.fees(doctor.doctor_id)
        standard = " (MedLink's standard fee)" if "consultation" in fees.defaults else ""
        lines = [f"Fees of {doctor.name} ({doctor.specialty}, {doctor.hospital}, {doctor.city}):",
                 f"• Consultation: {rupees(fees.consultation)}{standard}",
                 f"• Lab tests: {rupees(fees.lab_test)}",
                 f"• Medication: {rupees(fees.medication)}",
                 f"• Other charges: {rupees(fees.other)}",
                 f"On the bill, {self._gst()}% GST is added to the consultation, lab test and medication fees.",
                 f"Would you like to see {doctor.specialty} doctors?"]
        return ChatReply("\n".join(lines), "fees_doctor", doctor.name, doctor.specialty)

    def _specialty_fees(self, specialty: str | None) -> ChatReply:
        gst = f"Lab tests, medication and other charges vary by doctor; {self._gst()}% GST is added to the " \
              "consultation, lab test and medication fees."
        if specialty is None:
            fees = self.fee_range()
            if fees is None:
                return ChatReply("No verified doctors are listed on MedLink yet.", "fees_specialty")
            lines = [f"Consultation fees on MedLink range from {_fee_range(fees)} across {_doctors(fees.doctors)}.",
                     "Ask \"fees of Dr. <name>\" or \"<specialty> fees\" (for example \"cardiology fees\") "
                     "for details."]
            return ChatReply("\n".join(lines), "fees_specialty")
        listed = self._listed_specialties() or {}
        actual = listed.get(specialty.lower())
        if actual is None:
            lines = [f"No verified {specialty} doctors are listed on MedLink yet."]
            gp = listed.get(FIRST_CONTACT.lower())
            if gp is None:
                return ChatReply(lines[0], "fees_specialty", specialty)
            fees = self.fee_range(gp)
            if fees is None:  # the last of them left since the list of specialties was read
                return ChatReply(lines[0], "fees_specialty", specialty)
            lines += [f"A General Physician is a good first contact: consultation {_fee_range(fees)} "
                      f"({_doctors(fees.doctors)}).", f"Would you like to see {gp} doctors?"]
            return ChatReply("\n".join(lines), "fees_specialty", specialty, gp)
        fees = self.fee_range(actual)
        if fees is None:
            return ChatReply(f"No verified {specialty} doctors are listed on MedLink yet.", "fees_specialty",
                             specialty)
        lines = [f"Consultation fees for {actual} on MedLink: {_fee_range(fees)} ({_doctors(fees.doctors)}).", gst,
                 "Ask \"fees of Dr. <name>\" for one doctor's full fees.", f"Would you like to see {actual} doctors?"]
        return ChatReply("\n".join(lines), "fees_specialty", specialty, actual)

    def listed_specialties(self) -> list[str]:
        """The specialties patients can find doctors of, sorted: as ``ml.doctors.specialties()``, from
        the counts the database keeps instead of every doctor (155 ms at 100,000 doctors on SQLite)."""
        with self.db.transaction() as tx:
            return doctor_listing_counts.specialties(tx)

    def fee_range(self, specialty: str | None = None) -> FeeRange | None:
        """The lowest and highest consultation fee in force (a doctor with no fee set is billed the
        default, ``settings.default_consultation_fee``) among the doctors patients can find (verified
        and active), of ``specialty`` or of all of them, and how many they are; None when none is
        listed. One query on the counts the database keeps (doctor_listing_counts), whatever the size
        of the directory. (A question about the directory: it belongs with DoctorService.)"""
        default_fee = self.settings.default_consultation_fee
        with self.db.transaction() as tx:
            row = doctor_listing_counts.fee_range(tx, specialty=specialty or None, default_fee=default_fee)
        if not row["doctors"] or row["lowest"] is None or row["highest"] is None:
            return None
        cents = Decimal("0.01")
        return FeeRange(Decimal(row["lowest"]).quantize(cents), Decimal(row["highest"]).quantize(cents),
                        row["doctors"])

    def _gst(self) -> str:
        return _percent(self.settings.gst_rate)

    # -- the patient's own appointments ------------------------------------------------------------
    def _refusal(self, session: Session | None) -> str | None:
        """Why this session cannot see appointments, or None if it can (a live patient session)."""
        if session is None:
            return self.kb.messages["login_needed"]
        if not self.sessions.is_live(session):
            return "Your session has ended. Please log in again."
        if session.role != "patient":
            return self.kb.messages["patients_only"]
        return None

    def _booked_ahead(self, session: Session) -> Iterator[Appointment]:
        """The patient's own booked appointments from now on, soonest first."""
        offset = 0
        for _ in range(20):
            page = self._appointments.mine(session, upcoming=True, limit=50, offset=offset)
            yield from (appt for appt in page if appt.status == "booked")
            if len(page) < 50:
                return
            offset += 50

    def _next_appointment(self, session: Session | None) -> ChatReply:
        refusal = self._refusal(session)
        if refusal is not None:
            return ChatReply(refusal, "next_appointment")
        booked = self._booked_ahead(session)
        appt = next(booked, None)
        if appt is None:
            return ChatReply("You have no upcoming appointments. You can book one from \"Find a doctor\".",
                             "next_appointment")
        mode = "online (video call)" if appt.mode == "online" else "in person"
        lines = [f"Your next appointment is with {appt.doctor_name} ({appt.specialty}) at {appt.hospital}, "
                 f"on {_when(appt)}, {mode}."]
        if appt.mode == "online":
            lines.append("Ask \"my video call link\" for the link to join.")
        more = sum(1 for _ in booked)
        if more:
            lines.append(f"You have {more} more upcoming appointment{'s' if more > 1 else ''}; "
                         "see Appointments for all of them.")
        return ChatReply("\n".join(lines), "next_appointment")

    def _video_link(self, session: Session | None) -> ChatReply:
        refusal = self._refusal(session)
        if refusal is not None:
            return ChatReply(refusal, "video_link")
        appt = next((a for a in self._booked_ahead(session) if a.mode == "online"), None)
        if appt is None:
            return ChatReply("You have no upcoming online appointment. Video links are made for online "
                             "appointments; you can choose \"online\" when you book.", "video_link")
        call = self._video.link_for(session, appt.appointment_id) if self._video is not None else None
        link = call.meeting_link if call is not None else None
        about = f"your online appointment with {appt.doctor_name} on {_when(appt)}"
        if link:
            return ChatReply(f"Here is the video call link for {about}:\n{link}", "video_link")
        return ChatReply(f"The video call link for {about} will appear in the appointment's details once the "
                         "doctor creates it.", "video_link")


def _fee_range(fees: FeeRange) -> str:
    low, high = fees.lowest, fees.highest
    return rupees(low) if low == high else f"{rupees(low)} to {rupees(high)}"


def _doctors(count: int) -> str:
    return f"{count} verified doctor{'s' if count != 1 else ''}"


__all__ = ["ChatReply", "ChatbotService", "FeeRange", "KnowledgeBase", "KnowledgeBaseError", "edit_distance",
           "load_knowledge_base", "rupees", "tokenize"]
