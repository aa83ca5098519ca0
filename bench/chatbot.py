"""The health chatbot: replies per second.

- ``chatbot_replies_per_s``: ``ml.chatbot.reply(question)`` over the questions of
  ``tests/chatbot_questions.json`` that the knowledge base answers (diseases, emergencies, remedies,
  healthy living, medicines, help, greetings, "not sure"...: 200 of 232), no session; the knowledge
  base is read once before timing. The best of ``batches`` (default 3) passes over them all.
- ``chatbot_db_replies_per_s_sqlite_1k``: the other questions (fees of a specialty or a doctor, the
  next appointment, the video link: they read the database) on the 1k dataset, for comparison.
- ``chatbot_fees_reply_ms_<backend>_<size>``: "What are the consultation fees?" (the lowest and
  highest fee in force among all listed doctors, and how many they are) on the 1k, 10k and 100k
  datasets, both backends: the median of 5 after one untimed reply. The answer is one query on
  ``doctor_listing_counts`` (``ml.chatbot.fee_range``), so it should not grow with the directory;
  it used to page through every listed doctor with ``ml.doctors.search`` (at 100k: 5-14 s on
  SQLite, over two minutes on MariaDB).
- ``chatbot_specialty_fees_reply_ms_<backend>_<size>``: "cardiology fees" (one specialty's range)
  the same way; the list of specialties it checks the question against is kept for a minute, so the
  untimed first reply reads it (``chatbot_specialty_fees_first_ms_<backend>_<size>``).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from bench import BenchEnv, median

TARGETS = {"chatbot_replies_per_s": (">=", 5000.0)}
QUESTIONS = Path(__file__).resolve().parent.parent / "tests" / "chatbot_questions.json"
DB_INTENTS = {"fees_specialty", "fees_doctor", "next_appointment", "video_link"}
FEES_QUESTION = "What are the consultation fees?"
SPECIALTY_FEES_QUESTION = "cardiology fees"
FEE_SIZES = ("1k", "10k", "100k")


def rate(reply, questions: list[str], batches: int) -> float:  # noqa: ANN001 - ml.chatbot.reply
    best = 0.0
    for _ in range(batches):
        start = time.perf_counter()
        for q in questions:
            reply(q)
        best = max(best, len(questions) / (time.perf_counter() - start))
    return best


def run(env: BenchEnv) -> dict[str, float]:
    batches = int(env.option("batches", 3))
    items = json.loads(QUESTIONS.read_text(encoding="utf-8"))
    kb_questions = [i["q"] for i in items if i["intent"] not in DB_INTENTS]
    db_questions = [i["q"] for i in items if i["intent"] in DB_INTENTS]
    metrics: dict[str, float] = {}
    backend = "sqlite" if "sqlite" in env.backends else env.backends[0]
    with env.open_dataset(backend, "1k") as (ml, _):
        ml.chatbot.reply("hello")  # the knowledge base is read here, untimed
        passes = max(batches, 10)
        metrics["chatbot_replies_per_s"] = round(rate(ml.chatbot.reply, kb_questions * 5, passes), 1)
        metrics[f"chatbot_db_replies_per_s_{backend}_1k"] = round(rate(ml.chatbot.reply, db_questions, batches), 1)
    print(f"  {len(kb_questions)} knowledge questions: {metrics['chatbot_replies_per_s']:,.0f} replies/s; "
          f"{len(db_questions)} database questions ({backend}, 1k): "
          f"{metrics[f'chatbot_db_replies_per_s_{backend}_1k']:,.0f}/s", flush=True)
    for b in env.backends:
        for size in FEE_SIZES:
            with env.open_dataset(b, size) as (ml, _):
                for name, question in (("fees", FEES_QUESTION), ("specialty_fees", SPECIALTY_FEES_QUESTION)):
                    start = time.perf_counter()
                    ml.chatbot.reply(question)  # untimed: the chatbot is made, the specialties read
                    first = (time.perf_counter() - start) * 1000
                    times = []
                    for _ in range(5):
                        start = time.perf_counter()
                        ml.chatbot.reply(question)
                        times.append((time.perf_counter() - start) * 1000)
                    metrics[f"chatbot_{name}_reply_ms_{b}_{size}"] = round(median(times), 2)
                    if name == "specialty_fees":
                        metrics[f"chatbot_specialty_fees_first_ms_{b}_{size}"] = round(first, 1)
                    print(f"  \"{question}\" on {b} {size}: {median(times):,.2f} ms (first {first:,.1f} ms)",
                          flush=True)
    return metrics
