"""The health chatbot: replies per second.

- ``chatbot_replies_per_s``: ``ml.chatbot.reply(question)`` over the questions of
  ``tests/chatbot_questions.json`` that the knowledge base answers (diseases, emergencies, remedies,
  healthy living, medicines, help, greetings, "not sure"...: 200 of 232), no session; the knowledge
  base is read once before timing. The best of ``batches`` (default 3) passes over them all.
- ``chatbot_db_replies_per_s_sqlite_1k``: the other questions (fees of a specialty or a doctor, the
  next appointment, the video link: they read the database) on the 1k dataset, for comparison.
- ``chatbot_fees_reply_ms_<backend>_<size>``: one "What are the consultation fees?" (every verified
  doctor's fee) on the 1k and 100k datasets: how that answer grows with the directory (the chatbot
  pages through every listed doctor with ``ml.doctors.search``; at 100k it is timed once).
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
    # At 100k one answer pages through 94,000 doctors: 10 s on SQLite, over two minutes on MariaDB (every
    # page a deeper OFFSET), so MariaDB is timed at 10k.
    for b in env.backends:
        for size in ("1k", "100k" if b == "sqlite" else "10k"):
            with env.open_dataset(b, size) as (ml, _):
                if size != "100k":  # at 100k one answer takes seconds: timed once, cold
                    ml.chatbot.reply(FEES_QUESTION)
                times = []
                for _ in range(1 if size == "100k" else 5):
                    start = time.perf_counter()
                    ml.chatbot.reply(FEES_QUESTION)
                    times.append((time.perf_counter() - start) * 1000)
                metrics[f"chatbot_fees_reply_ms_{b}_{size}"] = round(median(times), 1)
                print(f"  \"{FEES_QUESTION}\" on {b} {size}: {median(times):,.1f} ms", flush=True)
    return metrics
