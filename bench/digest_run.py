"""Digests for many subscribers: the subscribers and the timed runs, with the product's render."""

from __future__ import annotations

import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlite_utils

from bot.digest_run import DigestService, Render, SendOutcome, Variant
from bot.models import Digest, DigestMessage, Translation
from storage import subscriptions as subs
from storage.timefmt import to_db

FIRST_CHAT = 20_000_000
FIRST_GROUP = -1_001_000_000_000  # a supergroup's or channel's id, counting down
ZONES = [
    "Africa/Tripoli", "Europe/Rome", "Europe/Paris", "Europe/London", "Africa/Cairo",
    "America/New_York",
]  # fmt: skip
LOCAL_TIMES = {"07:00": 60, "08:00": 0, "09:00": -60, "20:00": 660}  # minutes before 08:00


def make_subscribers(
    db: sqlite_utils.Database,
    count: int,
    now: datetime,
    topic_ids: list[str],
    actor_keys: list[str],
    seed: int = 11,
    groups: int = 0,
) -> None:
    """`count` active subscriptions, all due; most on defaults, the rest spread over settings.

    A subscriber who had a digest yesterday has the period since then; a new one the last
    24 hours. About a quarter follow a person or a topic. The last `groups` of them are group
    and channel chats (negative ids, as Telegram gives them), half in a forum topic.
    """
    rng = random.Random(seed)
    with db.atomic():
        for i in range(count):
            group = i >= count - groups
            chat_id = FIRST_GROUP - i if group else FIRST_CHAT + i
            local_time = rng.choices(list(LOCAL_TIMES), [2, 6, 2, 1])[0]
            zone = rng.choices(ZONES, [14, 2, 1, 1, 1, 1])[0]
            custom = rng.random() < 0.45
            lang = rng.choices(["ar", "en", "both"], [6, 3, 1])[0] if custom else "ar"
            subs.subscribe(
                db, chat_id, local_time=local_time, timezone=zone,
                digest_lang=lang, next_due=now - timedelta(minutes=rng.randint(1, 30)), now=now,
                thread_id=(1000 + i) if group and i % 2 else None,
            )  # fmt: skip
            if custom:
                fields: dict[str, object] = {
                    "max_items": rng.choice([5, 10, 15]),
                    "empty_notice": rng.random() < 0.8,
                }
                if rng.random() < 0.5:
                    fields["topics"] = tuple(rng.sample(topic_ids, rng.randint(1, 3)))
                subs.update_subscription(db, chat_id, **fields)
            if rng.random() < 0.8:
                ended = now - timedelta(days=1, minutes=LOCAL_TIMES[local_time])
                db.execute(
                    "UPDATE subscriptions SET last_period_end = ? WHERE chat_id = ?",
                    [to_db(ended.replace(second=0, microsecond=0)), chat_id],
                )
            if rng.random() < 0.25:
                for _ in range(rng.randint(1, 2)):
                    if rng.random() < 0.6:
                        subs.follow(db, chat_id, "actor", rng.choice(actor_keys[:15]), now)
                    else:
                        subs.follow(db, chat_id, "topic", rng.choice(topic_ids), now)


def top_actors(db: sqlite_utils.Database, limit: int) -> list[str]:
    """The keys of the people named in the most stories."""
    rows = db.execute(
        "SELECT m.actor_key, COUNT(*) AS n FROM mentions m JOIN actors a ON a.key = m.actor_key "
        "WHERE a.kind = 'person' GROUP BY m.actor_key ORDER BY n DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [row[0] for row in rows]


@dataclass(frozen=True, slots=True)
class DigestFigures:
    """What building and handing over the digests took."""

    subscribers: int
    seconds: float
    runs: int
    variants: int
    messages: int
    sent: int
    render_seconds: float


async def run_digests(service: DigestService, subscribers: int, render: Render) -> DigestFigures:
    """DigestService.run with the product's render and a no-op send, until nothing is due."""
    counts: Counter[str] = Counter()
    render_time = [0.0]

    def timed_render(
        digest: Digest, variant: Variant, translated: dict[int, Translation], complete: bool
    ) -> list[DigestMessage]:
        started = time.perf_counter()
        try:
            return render(digest, variant, translated, complete)
        finally:
            render_time[0] += time.perf_counter() - started

    async def send(chat_id: int, message: DigestMessage) -> SendOutcome:
        counts["sent"] += 1
        return "ok"

    started = time.perf_counter()
    runs = variants = messages = claimed = 0
    while claimed < subscribers:
        report = await service.run(timed_render, send)
        runs += 1
        variants += report.variants
        messages += report.messages
        claimed += report.claimed
        if report.due == 0:
            break
    return DigestFigures(
        subscribers=claimed,
        seconds=time.perf_counter() - started,
        runs=runs,
        variants=variants,
        messages=messages,
        sent=counts["sent"],
        render_seconds=render_time[0],
    )
