"""The health chatbot (issue 7, points 6-8): the knowledge base file, keyword matching, intents, and the
answers read from the database (fees, the patient's own next appointment and video link) on both backends."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import json
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from medlink.config import PROJECT_ROOT, Settings
from medlink.core import MedLink
from medlink.seed import DEMO_SECRET, seed_demo
from medlink.services.chatbot import (
    KB_PATH,
    ChatbotService,
    ChatReply,
    FeeRange,
    KnowledgeBase,
    KnowledgeBaseError,
    edit_distance,
    load_knowledge_base,
    rupees,
    tokenize,
)
from medlink.services.clock import FixedClock
from medlink.services.passwords import PasswordParams
from medlink.services.session import SessionRegistry
from tests.factories import make_doctor

QUESTIONS = Path(__file__).with_name("chatbot_questions.json")
NOW = dt.datetime(2026, 11, 30, 3, 0)  # UTC: Monday 30 November 2026, 08:30 in the clinic
DISCLAIMER = "This is general information, not a diagnosis."
UNKNOWN = ("I'm not sure about that. I can answer questions about common conditions, fees and your appointments. "
           "For anything specific, please consult a doctor.")
REQUIRED_TOPICS = [  # the original twenty, then common conditions in India
    "flu", "diabetes", "hypertension", "asthma", "arthritis", "migraine", "osteoporosis", "pneumonia", "anemia",
    "cancer", "dementia", "heart_disease", "stroke", "kidney_disease", "cirrhosis", "parkinsons", "thyroid",
    "ulcerative_colitis", "osteoarthritis", "fibromyalgia",
    "dengue", "malaria", "typhoid", "tuberculosis", "covid19", "chickenpox", "jaundice", "gastroenteritis",
    "common_cold", "acidity", "uti", "conjunctivitis", "pcos", "kidney_stones",
]


def raw_kb() -> dict[str, Any]:
    return json.loads(KB_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def bot() -> ChatbotService:
    """A chatbot with no database: everything but fees and appointments."""
    return ChatbotService(None, None, None, None, SessionRegistry())  # type: ignore[arg-type]


@pytest.fixture
def core(settings: Settings) -> Iterator[MedLink]:
    """A core with the demo data (13 verified doctors, 2 patients) and a clock that stands still."""
    ml = MedLink(settings, password_params=PasswordParams(1, 1024, 1), clock=FixedClock(NOW))
    ml.init_db()
    seed_demo(ml)
    try:
        yield ml
    finally:
        ml.close()


def doctor_id(ml: MedLink, name: str) -> int:
    [doctor] = [d for d in ml.doctors.search(text=name).results if d.name == name]
    return doctor.doctor_id


def consultation_fees_in_force(ml: MedLink, specialty: str) -> list[Decimal]:
    """Straight from the table: the consultation fee (or the default) of each verified doctor."""
    with ml.db.transaction() as tx:
        rows = tx.query("SELECT consultation_fee FROM doctor_info WHERE specialty = ? AND verification_status = ? "
                        "AND is_active = 1", (specialty, "verified"))
    default = Decimal(ml.settings.default_consultation_fee)
    return [Decimal(r["consultation_fee"]) if r["consultation_fee"] is not None else default for r in rows]


# -- the knowledge base ---------------------------------------------------------------------------
def test_knowledge_base_has_at_least_30_conditions_each_complete() -> None:
    data = raw_kb()
    conditions = data["conditions"]
    assert len(conditions) >= 30
    assert set(REQUIRED_TOPICS) <= {c["key"] for c in conditions}
    specialties = {s["name"] for s in data["specialties"]}
    for condition in conditions:
        for field in ("name", "overview", "specialty"):
            assert isinstance(condition[field], str) and condition[field].strip(), (condition["key"], field)
        for field in ("synonyms", "symptoms", "self_care", "see_doctor"):
            items = condition[field]
            assert isinstance(items, list) and items, (condition["key"], field)
            assert all(isinstance(i, str) and i.strip() for i in items), (condition["key"], field)
        assert condition["specialty"] in specialties, condition["key"]
    assert load_knowledge_base().conditions.keys() == {c["key"] for c in conditions}


def test_knowledge_base_lists_the_hinglish_names_it_is_tested_with() -> None:
    synonyms = {c["key"]: set(c["synonyms"]) for c in raw_kb()["conditions"]}
    assert {"sugar", "sugar ki bimari", "madhumeh"} <= synonyms["diabetes"]
    assert {"bp", "high bp"} <= synonyms["hypertension"]
    assert "piliya" in synonyms["jaundice"]
    assert "tb" in synonyms["tuberculosis"]
    assert "dast" in synonyms["gastroenteritis"]
    assert "zukam" in synonyms["common_cold"]
    assert "motiyabind" in synonyms["cataract"]


def test_a_malformed_knowledge_base_is_refused() -> None:
    data = raw_kb()
    missing = copy.deepcopy(data)
    del missing["conditions"][0]["see_doctor"]
    with pytest.raises(KnowledgeBaseError, match="see_doctor"):
        KnowledgeBase(missing)
    empty = copy.deepcopy(data)
    empty["conditions"][1]["symptoms"] = []
    with pytest.raises(KnowledgeBaseError, match="symptoms"):
        KnowledgeBase(empty)
    clash = copy.deepcopy(data)
    clash["conditions"][0]["synonyms"].append("Malaria")  # already malaria's
    with pytest.raises(KnowledgeBaseError, match="malaria"):
        KnowledgeBase(clash)


def test_the_knowledge_base_is_read_on_first_use_not_at_start(tmp_path: Path) -> None:
    script = f"""
import pathlib
from tests.conftest import make_settings
from medlink.core import MedLink
from medlink.services import chatbot
tmp = pathlib.Path({str(tmp_path)!r})
ml = MedLink(make_settings(f"sqlite:///{{tmp / 'lazy.db'}}", tmp))
ml.init_db()
assert chatbot.load_knowledge_base.cache_info().currsize == 0 and ml.chatbot._kb is None
print(ml.chatbot.answer("what is dengue").intent)
assert chatbot.load_knowledge_base.cache_info().currsize == 1
ml.close()
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "disease"


# -- words and matching ---------------------------------------------------------------------------
def test_tokenize_keeps_whole_words() -> None:
    assert tokenize("Alzheimer's? I CAN'T breathe!") == ["alzheimer", "i", "cant", "breathe"]
    assert tokenize("COVID-19 / high-BP") == ["covid", "19", "high", "bp"]


@pytest.mark.parametrize(("a", "b", "bound", "expected"), [
    ("diabetis", "diabetes", 2, 1), ("pnuemonia", "pneumonia", 2, 1), ("migrane", "migraine", 1, 1),
    ("cirosis", "cirrhosis", 2, 2), ("asthma", "asthma", 0, 0), ("fluid", "flu", 1, None),
    ("kitten", "sitting", 2, None), ("kitten", "sitting", 3, 3),
])
def test_edit_distance_is_bounded(a: str, b: str, bound: int, expected: int | None) -> None:
    assert edit_distance(a, b, bound) == expected


@pytest.mark.parametrize(("text", "topic"), [
    ("diabetis", "diabetes"), ("migrane", "migraine"), ("pnuemonia", "pneumonia"), ("astma", "asthma"),
    ("hypertention", "hypertension"), ("alzhimers", "dementia"), ("tuberclosis", "tuberculosis"),
    ("cirosis", "cirrhosis"), ("jondice", "jaundice"), ("chiken pox", "chickenpox"), ("conjuctivitis",
                                                                                       "conjunctivitis"),
])
def test_small_typos_are_forgiven(bot: ChatbotService, text: str, topic: str) -> None:
    reply = bot.answer(text)
    assert (reply.intent, reply.topic) == ("disease", topic)


def test_short_words_and_real_words_are_never_taken_for_typos(bot: ChatbotService) -> None:
    kb = bot.kb
    assert kb.typo_of("tbb") is None and kb.typo_of("fu") is None
    assert kb.mend("tv") == "tv"  # not "tb"
    for word, not_this in (("could", "cold"), ("told", "cold"), ("feel", "fees"), ("paid", "pain"), ("thinks",
                                                                                                       "thanks")):
        assert kb.mend(word) == word, not_this
    assert bot.answer("I could not find my keys").intent == "unknown"
    assert bot.answer("I feel fine").intent == "unknown"


def test_matching_is_on_whole_words(bot: ChatbotService) -> None:
    assert (bot.answer("flu").intent, bot.answer("flu").topic) == ("disease", "flu")
    assert bot.answer("Is FLU contagious?").topic == "flu"
    assert bot.answer("I feel fluid in my ear").intent == "unknown"
    assert bot.answer("influential people").intent == "unknown"
    assert bot.answer("what is a colder climate").topic != "common_cold"


@pytest.mark.parametrize(("text", "intent", "topic"), [
    ("osteoarthritis", "disease", "osteoarthritis"),
    ("knee osteoarthritis and arthritis", "disease", "osteoarthritis"),
    ("high blood pressure", "disease", "hypertension"),
    ("low blood pressure", "disease", "low_blood_pressure"),
    ("eye flu", "disease", "conjunctivitis"),
    ("stomach flu", "disease", "gastroenteritis"),
    ("heat stroke", "disease", "heat_stroke"),
    ("food poisoning", "disease", "gastroenteritis"),
    ("kidney stones", "disease", "kidney_stones"),
    ("heart burn after dinner", "disease", "acidity"),
    ("heart attack", "emergency", "chest_pain"),
])
def test_the_longest_phrase_wins(bot: ChatbotService, text: str, intent: str, topic: str) -> None:
    reply = bot.answer(text)
    assert (reply.intent, reply.topic) == (intent, topic)


# -- intents --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "topic"), [
    ("chest pain and diabetes", "chest_pain"),
    ("I have asthma and now I can't breathe", "breathing"),
    ("my father's face is drooping and his speech is slurred", "stroke"),
    ("he fainted and not waking up", "unconscious"),
    ("severe bleeding after an accident", "bleeding"),
    ("I have diabetes and I want to kill myself", "suicide"),
    ("mujhe jeena nahi chahta", "suicide"),
    ("my son swallowed rat poison", "poisoning"),
    ("chest pian", "chest_pain"),
])
def test_emergencies_come_first_with_112_108_and_14416(bot: ChatbotService, text: str, topic: str) -> None:
    reply = bot.answer(text)
    assert (reply.intent, reply.topic) == ("emergency", topic)
    for number in ("112", "108", "14416"):
        assert number in reply.text
    assert reply.suggest_specialty is None
    assert DISCLAIMER not in reply.text


def test_every_emergency_category_gives_the_numbers(bot: ChatbotService) -> None:
    for category in raw_kb()["emergency"]["categories"]:
        reply = bot.answer(category["phrases"][0])
        assert (reply.intent, reply.topic) == ("emergency", category["key"])
        assert all(n in reply.text for n in ("112", "108", "14416")), category["key"]
    suicide = bot.answer("I want to die").text
    assert suicide.index("14416") < suicide.index("112")  # the helpline first, for a mental-health crisis


def test_every_condition_answers_with_the_disclaimer_and_the_specialty_offer(bot: ChatbotService) -> None:
    for key, condition in bot.kb.conditions.items():
        reply = bot.answer(f"tell me about {condition['synonyms'][0]}")
        assert (reply.intent, reply.topic) == ("disease", key), condition["synonyms"][0]
        lines = reply.text.splitlines()
        assert lines[-1] == DISCLAIMER
        assert lines[-2] == f"Would you like to see {condition['specialty']} doctors?"
        assert reply.suggest_specialty == condition["specialty"]
        assert condition["overview"] in reply.text and condition["see_doctor"][0] in reply.text


def test_a_question_about_one_side_of_a_condition_gets_that_side(bot: ChatbotService) -> None:
    dengue = bot.kb.conditions["dengue"]
    symptoms = bot.answer("symptoms of dengue").text
    assert dengue["symptoms"][0] in symptoms and dengue["self_care"][0] not in symptoms
    care = bot.answer("dengue treatment at home").text
    assert dengue["self_care"][0] in care and dengue["symptoms"][1] not in care
    assert dengue["see_doctor"][0] in symptoms and dengue["see_doctor"][0] in care


def test_remedies_healthy_living_help_and_small_talk(bot: ChatbotService) -> None:
    fever = bot.answer("mujhe bukhar hai")
    assert (fever.intent, fever.topic, fever.suggest_specialty) == ("remedies", "fever", "General Physician")
    assert fever.text.splitlines()[-1] == DISCLAIMER
    assert "ORS" in bot.answer("home remedies").text
    assert bot.answer("how to quit smoking").topic == "tobacco"
    assert "Tele-MANAS" in bot.answer("how to handle stress").text
    assert "fees of Dr." in bot.answer("help").text
    assert bot.answer("Namaste").intent == "greeting"
    assert bot.answer("thank you").intent == "thanks"
    assert bot.answer("   ").intent == "help"


def test_an_unknown_question_gets_the_honest_answer(bot: ChatbotService) -> None:
    for text in ("what is the capital of france", "who won the match", "what is lupus", "zxcv qwer"):
        reply = bot.answer(text)
        assert reply == ChatReply(UNKNOWN, "unknown"), text


def test_reply_is_the_text_of_answer_and_answers_are_frozen(bot: ChatbotService) -> None:
    assert bot.reply("what is typhoid") == bot.answer("what is typhoid").text
    with pytest.raises(dataclasses.FrozenInstanceError):
        bot.answer("hi").text = "changed"  # type: ignore[misc]


def test_money_is_shown_in_rupees_with_indian_grouping() -> None:
    assert rupees(Decimal("125000")) == "₹1,25,000"
    assert rupees(Decimal("1200.00")) == "₹1,200"
    assert rupees(Decimal("99.5")) == "₹99.50"
    assert rupees(Decimal("0")) == "₹0"


def test_a_reply_takes_well_under_a_millisecond(bot: ChatbotService, record_property: Any) -> None:
    questions = [i["q"] for i in json.loads(QUESTIONS.read_text(encoding="utf-8"))
                 if i["intent"] not in ("fees_doctor", "fees_specialty", "next_appointment", "video_link")]
    for text in questions:
        bot.answer(text)
    rounds = 10
    start = time.perf_counter()
    for _ in range(rounds):
        for text in questions:
            bot.answer(text)
    per_reply = (time.perf_counter() - start) / (rounds * len(questions))
    record_property("chatbot_seconds_per_reply", f"{per_reply:.6f}")
    print(f"chatbot: {per_reply * 1e6:.0f} µs per reply over {len(questions)} questions")
    assert per_reply < 0.001, f"{per_reply * 1e6:.0f} µs per reply"


# -- the labelled set (both backends, with the demo data) -------------------------------------------
def test_labelled_questions_reach_95_percent(core: MedLink, record_property: Any) -> None:
    items = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    assert len(items) >= 120
    misses = []
    for item in items:
        reply = core.chatbot.answer(item["q"])
        if (reply.intent, reply.topic) != (item["intent"], item["topic"]):
            misses.append(f"{item['q']!r}: got {reply.intent}/{reply.topic}, want {item['intent']}/{item['topic']}")
    accuracy = 1 - len(misses) / len(items)
    record_property("chatbot_accuracy", f"{accuracy:.4f}")
    print(f"chatbot accuracy: {accuracy:.1%} of {len(items)} labelled questions")
    assert accuracy >= 0.95, f"accuracy {accuracy:.1%} of {len(items)}; misses:\n" + "\n".join(misses)


# -- fees -----------------------------------------------------------------------------------------
def test_fees_of_a_named_doctor_come_from_the_database(core: MedLink) -> None:
    mehta = doctor_id(core, "Dr. Rohan Mehta")
    fees = core.billing.fees(mehta)
    for text in ("fees of Dr. Rohan Mehta", "how much does dr mehta charge", "Dr. Mehta's consultation fee?"):
        reply = core.chatbot.answer(text)
        assert (reply.intent, reply.topic, reply.suggest_specialty) == ("fees_doctor", "Dr. Rohan Mehta", "Cardiology")
        assert f"Consultation: {rupees(fees.consultation)}" in reply.text and "₹1,200" in reply.text
        assert f"Other charges: {rupees(fees.other)}" in reply.text and "18% GST" in reply.text
    doctor = core.auth.login("doctor", "doctor2@demo.medlink", DEMO_SECRET)
    core.billing.set_fees(doctor, consultation="1350.50", lab_test="100", medication="0", other="25")
    text = core.chatbot.reply("fees of Dr. Rohan Mehta")
    assert "Consultation: ₹1,350.50" in text and "Lab tests: ₹100" in text and "Other charges: ₹25" in text


def test_several_doctors_with_the_name_are_listed_up_to_three(core: MedLink) -> None:
    admin = core.auth.login("admin", "admin", DEMO_SECRET)
    for n, first in enumerate(("Kiran", "Nisha", "Aman"), start=1):
        new = core.auth.register_doctor(
            name=f"Dr. {first} Mehta", email=f"mehta{n}@example.org", phone=f"+91970000000{n}", password=DEMO_SECRET,
            qualifications="MBBS, MD", specialty="Cardiology", hospital="City Hospital", city="Pune",
            experience_years=5, registration_number=f"TEST/MEHTA/{n}")
        if n < 3:
            core.admin.verify_doctor(admin, new)  # the third stays unverified: never listed
    reply = core.chatbot.answer("fees of dr mehta")
    assert (reply.intent, reply.topic) == ("fees_doctor", None)
    assert reply.text.startswith("I found 3 doctors")
    assert "Dr. Rohan Mehta" in reply.text and "Aman" not in reply.text
    assert core.chatbot.answer("fees of dr kiran mehta").topic == "Dr. Kiran Mehta"


def test_an_unknown_doctor_name_is_said_so(core: MedLink) -> None:
    reply = core.chatbot.answer("fees of Dr. Zorawar Pinto")
    assert (reply.intent, reply.topic) == ("fees_doctor", None)
    assert "couldn't find" in reply.text and "Zorawar" not in reply.text
    assert core.chatbot.answer("fees of Dr. Nikhil Joshi").topic is None  # awaiting verification


def test_specialty_fee_range_matches_the_database(core: MedLink) -> None:
    physicians = consultation_fees_in_force(core, "General Physician")
    assert len(physicians) == 2  # the unverified physician is left out
    reply = core.chatbot.answer("how much does a general physician cost")
    assert (reply.intent, reply.topic, reply.suggest_specialty) == ("fees_specialty", "General Physician",
                                                                    "General Physician")
    assert f"{rupees(min(physicians))} to {rupees(max(physicians))}" in reply.text
    assert "2 verified doctors" in reply.text and "₹300 to ₹400" in reply.text
    skin = core.chatbot.answer("how much does a dermatologist cost")
    [skin_fee] = consultation_fees_in_force(core, "Dermatology")
    assert skin.topic == "Dermatology" and f"{rupees(skin_fee)} (1 verified doctor)" in skin.text
    heart = core.chatbot.answer("heart doctor fees")
    assert heart.topic == "Cardiology" and "₹1,200" in heart.text


def test_a_specialty_without_doctors_points_to_a_general_physician(core: MedLink) -> None:
    reply = core.chatbot.answer("oncologist fees")
    assert (reply.intent, reply.topic, reply.suggest_specialty) == ("fees_specialty", "Oncology", "General Physician")
    assert "No verified Oncology doctors" in reply.text and "₹300 to ₹400" in reply.text
    cancer = core.chatbot.answer("what is cancer")
    assert cancer.suggest_specialty == "General Physician"
    assert "Would you like to see General Physician doctors?" in cancer.text
    assert cancer.text.splitlines()[-1] == DISCLAIMER
    heart = core.chatbot.answer("heart disease")
    assert heart.suggest_specialty == "Cardiology"


def test_the_overall_fee_range_when_no_one_is_named(core: MedLink) -> None:
    reply = core.chatbot.answer("what are the consultation charges")
    assert (reply.intent, reply.topic) == ("fees_specialty", None)
    assert "₹300 to ₹1,200 across 13 verified doctors" in reply.text


def test_a_doctor_without_a_fee_is_counted_at_the_configured_default(core: MedLink) -> None:
    make_doctor(core.db, name="Dr. Farah Qureshi", specialty="Oncology", city="Pune")  # no fee set
    make_doctor(core.db, name="Dr. Uma Sen", specialty="Oncology", verification_status="pending")
    reply = core.chatbot.answer("oncologist fees")
    assert (reply.intent, reply.topic, reply.suggest_specialty) == ("fees_specialty", "Oncology", "Oncology")
    assert "Consultation fees for Oncology on MedLink: ₹500 (1 verified doctor)." in reply.text
    assert "₹300 to ₹1,200 across 14 verified doctors" in core.chatbot.reply("what are the consultation fees?")
    dearer = dataclasses.replace(core.settings, default_consultation_fee=Decimal("1500"))
    with MedLink(dearer, clock=FixedClock(NOW)) as other:
        assert other.chatbot.fee_range("Oncology") == FeeRange(Decimal("1500.00"), Decimal("1500.00"), 1)
        assert other.chatbot.fee_range() == FeeRange(Decimal("300.00"), Decimal("1500.00"), 14)
        assert "₹300 to ₹1,500 across 14 verified doctors" in other.chatbot.reply("What are the consultation fees?")


# -- the patient's own appointments ------------------------------------------------------------------
def book_for_asha(ml: MedLink) -> tuple[Any, Any, Any]:
    asha = ml.auth.login("patient", "asha@demo.medlink", DEMO_SECRET)
    online = ml.appointments.book(asha, doctor_id=doctor_id(ml, "Dr. Rohan Mehta"), date="2026-12-01", time="10:00",
                                  mode="online", reason="Palpitations")
    visit = ml.appointments.book(asha, doctor_id=doctor_id(ml, "Dr. Ananya Iyer"), date="2026-12-02", time="09:15",
                                 mode="offline")
    return asha, online, visit


def test_my_next_appointment_shows_only_my_own(core: MedLink) -> None:
    asha, online, visit = book_for_asha(core)
    reply = core.chatbot.answer("when is my next appointment?", asha)
    assert reply.intent == "next_appointment"
    assert "Dr. Rohan Mehta (Cardiology) at Sunrise Heart Centre" in reply.text
    assert "Tuesday, 1 December 2026 at 10:00, online" in reply.text
    assert "1 more upcoming appointment" in reply.text and "Palpitations" not in reply.text
    rahul = core.auth.login("patient", "rahul@demo.medlink", DEMO_SECRET)
    other = core.chatbot.answer("my next appointment", rahul)
    assert other.intent == "next_appointment" and "no upcoming appointments" in other.text
    assert "Mehta" not in other.text and "Iyer" not in other.text
    core.appointments.cancel(asha, online.appointment_id)
    after = core.chatbot.reply("my next appointment", asha)
    assert "Dr. Ananya Iyer" in after and "Wednesday, 2 December 2026 at 09:15, in person" in after


def test_appointments_need_a_patient_session(core: MedLink) -> None:
    book_for_asha(core)
    anonymous = core.chatbot.answer("my next appointment")
    assert anonymous.intent == "next_appointment" and "log in as a patient" in anonymous.text
    assert "Mehta" not in anonymous.text
    doctor = core.auth.login("doctor", "doctor2@demo.medlink", DEMO_SECRET)
    assert "for patients" in core.chatbot.reply("my next appointment", doctor)
    asha = core.auth.login("patient", "asha@demo.medlink", DEMO_SECRET)
    core.auth.logout(asha)
    ended = core.chatbot.reply("my video call link", asha)
    assert "session has ended" in ended and "Mehta" not in ended


def test_my_video_link_before_the_doctor_creates_it(core: MedLink, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(core.chatbot, "_video", None)  # a chatbot made without the video service
    asha, _, _ = book_for_asha(core)
    reply = core.chatbot.answer("my video call link", asha)
    assert reply.intent == "video_link"
    assert "with Dr. Rohan Mehta on Tuesday, 1 December 2026 at 10:00" in reply.text
    assert "will appear in the appointment's details once the doctor creates it" in reply.text
    assert "log in as a patient" in core.chatbot.reply("my video call link")


def test_answers_never_echo_the_patients_medical_history(core: MedLink) -> None:
    rahul = core.auth.login("patient", "rahul@demo.medlink", DEMO_SECRET)
    history = core.patients.profile(rahul).medical_history
    assert history and "metformin" in history
    for text in ("hello", "what is diabetes", "my next appointment", "my video call link", "help",
                 "fees of dr imran sheikh", "what medicine should I take", "tell me about my health"):
        reply = core.chatbot.reply(text, rahul)
        assert "metformin" not in reply.lower() and history not in reply, text


def test_my_video_link_once_the_doctor_has_created_it(core: MedLink) -> None:
    asha, online, _ = book_for_asha(core)
    doctor = core.auth.login("doctor", "doctor2@demo.medlink", DEMO_SECRET)
    core.video.create_link(doctor, online.appointment_id, link="https://meet.google.com/abc-defg-hij")
    reply = core.chatbot.answer("my video call link", asha)
    assert reply.intent == "video_link" and "https://meet.google.com/abc-defg-hij" in reply.text
    rahul = core.auth.login("patient", "rahul@demo.medlink", DEMO_SECRET)
    assert "meet.google.com" not in core.chatbot.reply("my video call link", rahul)
