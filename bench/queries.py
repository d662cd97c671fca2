"""The four query commands: inputs, the timed round trips, the service calls and the floors."""

from __future__ import annotations

import asyncio
import itertools
import random
import re
import sqlite3
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlite_utils

from bench.corpus import Knowledge, Story
from bench.measure import Latency
from bench.telegram import Driver
from bot.analysis.text.stem import query_terms
from bot.services import Services
from bot.tg.i18n import t
from storage.db import StoreTimeout
from storage.search import fts_query

COMMANDS = ("latest", "who", "topic", "search")
# The product app sends through AIORateLimiter (30 messages/s): queries are spaced so that
# the figures are the time to answer, not time queued behind the limiter.
PACE_SECONDS = 0.04
WARMUP = 5
FTS_FLOOR_SQL = (
    "SELECT rowid FROM stories_fts WHERE stories_fts MATCH ? ORDER BY bm25(stories_fts) LIMIT 5"
)
_WORD = re.compile(r"^[\u0621-\u064a]{4,}$")
_COMMON = frozenset(
    "التي الذي الذين وكان وكانت كانت عليه عليها إلى على بين خلال بعد قبل حيث منذ حتى فيما "
    "وذلك ذلك هذه هذا تلك أيضا إضافة اليوم أمس".split()
)


@dataclass(slots=True)
class QueryInputs:
    """What users ask, per command."""

    latest: list[str] = field(default_factory=list)
    who: list[str] = field(default_factory=list)
    topic: list[str] = field(default_factory=list)
    search: list[str] = field(default_factory=list)

    def of(self, command: str) -> list[str]:
        """The argument texts of one command (empty strings for /latest)."""
        values: list[str] = getattr(self, command)
        return values


def search_phrases(
    stories: list[Story], names: list[str], terms: list[str], n: int, seed: int
) -> list[str]:
    """Two-word searches: half adjacent words of a story, half a surname and a topic word."""
    rng = random.Random(seed)
    phrases: list[str] = []
    while len(phrases) < n:
        if len(phrases) % 2 == 0:
            story = rng.choice(stories)
            paragraph = rng.choice(story.text.split("\n\n")).split()
            words = [w.strip("،.:«»()\"'") for w in paragraph]
            pairs = [
                (a, b)
                for a, b in itertools.pairwise(words)
                if _WORD.match(a) and _WORD.match(b) and a not in _COMMON and b not in _COMMON
            ]
            if pairs:
                phrases.append(" ".join(rng.choice(pairs)))
        else:
            phrases.append(f"{rng.choice(names)} {rng.choice(terms)}")
    return phrases


async def make_inputs(
    services: Services, stories: list[Story], kb: Knowledge, n: int, seed: int = 7
) -> QueryInputs:
    """n inputs per command: the people most in the news, every topic, corpus phrases."""
    rng = random.Random(seed)
    people = await services.store.run(_top_people, 40)
    names = [full if i % 2 == 0 else full.split()[-1] for i, full in enumerate(people)]
    topics = [topic.id for topic in services.topics()]
    surnames = [full.split()[-1] for full in people]
    words = [w for terms in kb.lexicon.values() for w in terms if " " not in w and len(w) >= 4]
    total = n + WARMUP
    return QueryInputs(
        latest=[""] * total,
        who=[rng.choice(names) for _ in range(total)],
        topic=[topics[i % len(topics)] for i in range(total)],
        search=search_phrases(stories, surnames, words, total, seed),
    )


def _top_people(db: sqlite_utils.Database, limit: int) -> list[str]:
    rows = db.execute(
        "SELECT a.name_ar, COUNT(*) AS n FROM mentions m JOIN actors a ON a.key = m.actor_key "
        "WHERE a.kind = 'person' AND a.known = 1 GROUP BY a.key ORDER BY n DESC LIMIT ?",
        [limit],
    ).fetchall()
    return [row[0] for row in rows]


@dataclass(slots=True)
class CommandResult:
    """One command's round trips through the app, its service calls, and what came back."""

    e2e: Latency
    service: Latency
    outcomes: Counter[str]


async def run_command(
    driver: Driver,
    services: Services,
    command: str,
    args: list[str],
    budget: float,
    lang: str = "ar",
) -> CommandResult:
    """Time `/command arg` through the app for each arg, then the service call alone.

    Each loop stops once `budget` seconds are spent (half for the service calls): slow
    commands get fewer samples.
    """
    e2e: list[float] = []
    service: list[float] = []
    outcomes: Counter[str] = Counter()
    error_text = t(lang, "error")  # type: ignore[arg-type]
    call = _service_call(services, command)

    async def through_app(arg: str, record: bool) -> None:
        trip = await driver.say(f"/{command} {arg}".strip())
        if record:
            e2e.append(trip.seconds)
            outcomes["error" if trip.text == error_text else "answered"] += 1

    async def alone(arg: str, record: bool) -> None:
        started = time.perf_counter()
        try:
            outcome = await call(arg)
        except StoreTimeout:
            outcome = "StoreTimeout"  # the app answers these with its error message
        if record:
            service.append(time.perf_counter() - started)
            outcomes[outcome] += 1

    await _sampled(args, through_app, budget, PACE_SECONDS)
    await _sampled(args, alone, budget / 2, 0.0)
    return CommandResult(Latency.of(e2e), Latency.of(service), outcomes)


async def _sampled(
    args: list[str], run: Callable[[str, bool], Awaitable[None]], budget: float, pace: float
) -> None:
    """Run each argument: WARMUP unrecorded (fewer when slow), then recorded ones until the
    arguments or `budget` seconds run out (at least one is recorded); one every `pace` s.
    """
    began = time.perf_counter()
    warm = 0
    recorded = False
    for arg in args:
        elapsed = time.perf_counter() - began
        if recorded and elapsed > budget:
            break
        warming = warm < WARMUP and elapsed < budget / 4
        warm += warming
        recorded = recorded or not warming
        started = time.perf_counter()
        await run(arg, not warming)
        spare = pace - (time.perf_counter() - started)
        if spare > 0:
            await asyncio.sleep(spare)


def _service_call(services: Services, command: str) -> Callable[[str], Awaitable[str]]:
    async def latest(_: str) -> str:
        page = await services.latest()
        return "stories" if page.stories else "empty"

    async def who(arg: str) -> str:
        found = await services.find_person(arg)
        if found.found is not None:
            await services.profile(found.found.key)
            return "profile"
        return "choices" if found.choices else "unknown"

    async def topic(arg: str) -> str:
        page = await services.topic_stories(arg)
        return "stories" if page.stories else "empty"

    async def search(arg: str) -> str:
        result = await services.search(arg)
        return "hits" if result.hits else "no hits"

    return {"latest": latest, "who": who, "topic": topic, "search": search}[command]


async def echo_floor(driver: Driver, n: int, budget: float) -> Latency:
    """The minimal echo bot's round trip: /ping answered "ok"."""
    seconds: list[float] = []

    async def ping(_: str, record: bool) -> None:
        trip = await driver.say("/ping")
        if record:
            seconds.append(trip.seconds)

    await _sampled([""] * (n + WARMUP), ping, budget, PACE_SECONDS)
    return Latency.of(seconds)


def fts_floor(db_path: Path, phrases: list[str]) -> Latency:
    """The search's MATCH straight on a connection: the top five by bm25, nothing else."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        seconds = []
        for i, phrase in enumerate(phrases):
            match = fts_query(query_terms(phrase))
            started = time.perf_counter()
            conn.execute(FTS_FLOOR_SQL, [match]).fetchall()
            if i >= WARMUP:
                seconds.append(time.perf_counter() - started)
        return Latency.of(seconds)
    finally:
        conn.close()
