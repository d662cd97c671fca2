"""The scheduled digest over a real SQLite database: exactly once per subscriber and period.

Rendering and sending are fakes passed in; the clock is ours to move and sleeping is free.
A "crash" is ProcessDied, a BaseException like SystemExit: nothing in the service may catch
it, as nothing can catch the process dying, and the next run comes from a new DigestService
over a new Store on the same database file, as after a restart.
"""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.analysis.knowledge import Knowledge
from bot.config import Settings
from bot.digest_run import PER_CHAT_GAP, DigestService, RunReport, SendOutcome, Variant
from bot.models import Digest, DigestMessage, StoryDraft, Subscription, Translation
from bot.schedule import next_due
from bot.services import Services
from bot.subscribers import SubscriptionService
from storage import Store, articles, sources
from storage import subscriptions as subs
from tests.conftest import FIXED_NOW

FIXTURES = Path(__file__).parent / "fixtures" / "digest"
TRIPOLI = "Africa/Tripoli"
DAY = timedelta(days=1)
# Everyone subscribes at FIXED_NOW, 07:00 UTC, 09:00 in Tripoli: an 08:00 Tripoli digest is
# first due the next morning, at 06:00 UTC.
FIRST_DUE = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
assert next_due(FIXED_NOW, time(8, 0), TRIPOLI) == FIRST_DUE


class ProcessDied(BaseException):
    """The process died: raised from a fake, never caught by the code under test."""


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class RenderCall:
    digest: Digest
    variant: Variant
    translated: dict[int, Translation]
    complete: bool

    @property
    def story_ids(self) -> list[int]:
        return [item.story.id for _, items in self.digest.sections for item in items]


class Renderer:
    """A render that records its calls and returns `parts` distinct messages per digest."""

    def __init__(self, parts: int = 3) -> None:
        self.parts = parts
        self.calls: list[RenderCall] = []
        self.fail: BaseException | None = None

    def __call__(
        self, digest: Digest, variant: Variant, translated: dict[int, Translation], complete: bool
    ) -> list[DigestMessage]:
        if self.fail is not None:
            raise self.fail
        call = RenderCall(digest, variant, translated, complete)
        self.calls.append(call)
        return [DigestMessage(text, ((n, n),)) for n, text in enumerate(self.texts(call), 1)]

    def texts(self, call: RenderCall) -> list[str]:
        variant = call.variant
        label = (
            f"{variant.lang}|{','.join(variant.topics)}|{variant.max_items}|"
            f"{variant.period_start:%d %H:%M}-{variant.period_end:%d %H:%M}"
        )
        if call.digest.empty:
            return [f"{label}|nothing new"]
        return [f"{label}|{call.story_ids}|part {n + 1}/{self.parts}" for n in range(self.parts)]


class Outbox:
    """A fake Telegram: keeps every message that reached a chat, answers as a rule says.

    `die_at=n`: the n-th send (counting from 1) kills the process; with `delivered`, that
    message reached the chat first (Telegram took it, the process died before recording it).
    Every send after a death raises too: a dead process sends nothing.
    """

    def __init__(self) -> None:
        self.sent: list[tuple[int, str]] = []
        self.calls = 0
        self.rule: Callable[[int, str], SendOutcome | None] | None = None
        self.die_at: int | None = None
        self.delivered = True
        self.dead = False
        self.in_flight: tuple[int, str] | None = None
        self.buttons: list[tuple[tuple[int, int], ...]] = []

    async def __call__(self, chat_id: int, message: DigestMessage) -> SendOutcome:
        text = message.text
        self.buttons.append(message.stories)
        if self.dead:
            raise ProcessDied
        self.calls += 1
        if self.calls == self.die_at:
            self.dead = True
            if self.delivered:
                self.sent.append((chat_id, text))
                self.in_flight = (chat_id, text)
            raise ProcessDied
        outcome = self.rule(chat_id, text) if self.rule else None
        if outcome in ("blocked", "error"):
            return outcome
        self.sent.append((chat_id, text))
        return "ok"

    def to(self, chat_id: int) -> list[str]:
        return [text for chat, text in self.sent if chat == chat_id]

    def chats(self) -> set[int]:
        return {chat for chat, _ in self.sent}


class FakeTranslations:
    """The translation service: records what it is asked; translates what `known` holds."""

    def __init__(self, known: dict[int, str] | None = None, complete: bool = False) -> None:
        self.known = known or {}
        self.complete = complete
        self.calls: list[tuple[list[tuple[int, str, str]], str]] = []

    async def stories(
        self, items: list[tuple[int, str, str]], lang: str = "en"
    ) -> tuple[dict[int, Translation], bool]:
        self.calls.append((list(items), lang))
        out = {
            story_id: Translation(story_id, lang, self.known[story_id], f"lead {story_id}")
            for story_id, _, _ in items
            if story_id in self.known
        }
        return out, self.complete


@dataclass
class World:
    """One database, one clock, the services over them, and the fakes at the edge."""

    settings: Settings
    store: Store
    services: Services
    topic_order: list[str]
    clock: Clock = field(default_factory=lambda: Clock(FIXED_NOW))
    render: Renderer = field(default_factory=Renderer)
    outbox: Outbox = field(default_factory=Outbox)
    sleeps: list[float] = field(default_factory=list)
    stores: list[Store] = field(default_factory=list)
    stories: dict[str, int] = field(default_factory=dict)
    sort_at: dict[int, datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.subs = SubscriptionService(self.store, self.clock)
        self.digests = self.digest_service()

    async def no_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    def digest_service(
        self, translations: Any = None, *, store: Store | None = None
    ) -> DigestService:
        return DigestService(
            store or self.store, translations, self.clock, self.topic_order, sleep=self.no_sleep
        )

    def restart(self, translations: Any = None) -> DigestService:
        """A new process: a new Store on the same file and a new DigestService over it."""
        store = Store(self.settings.database_path)
        store.open_sync()
        self.stores.append(store)
        self.outbox.dead = False
        self.outbox.die_at = None
        self.render.fail = None
        self.digests = self.digest_service(translations, store=store)
        self.subs = SubscriptionService(store, self.clock)
        return self.digests

    async def run(self, at: datetime | None = None) -> RunReport:
        if at is not None:
            self.clock.now = at
        return await self.digests.run(self.render, self.outbox)

    async def subscribe(
        self, chat_id: int, local_time: str = "08:00", zone: str = TRIPOLI, lang: str = "ar",
        **fields: Any,
    ) -> Subscription:  # fmt: skip
        subscription = await self.subs.subscribe(chat_id, local_time, lang)
        if zone != TRIPOLI:
            fields["timezone"] = zone
        if fields:
            changed = await self.subs.change(chat_id, **fields)
            assert changed is not None
            subscription = changed
        return subscription

    async def add_stories(self) -> None:
        """The fixture's stories, analyzed, each from its own outlet."""
        data = json.loads((FIXTURES / "stories.json").read_text("utf-8"))
        for n, entry in enumerate(data["stories"]):
            source = await self.store.run(
                sources.ensure_source, url=f"seed:digest{n}", name=f"Outlet {n}",
                name_ar=f"منفذ {n}", kind="seed", language="ar", now=FIXED_NOW,
            )  # fmt: skip
            body = entry["body"]
            draft = StoryDraft(position=0, headline=entry["headline"], body=body, lead=body[:200])
            # Fetched when published: digests count a story from when the bot stored it.
            when = FIRST_DUE - timedelta(hours=entry["hours_before_due"])
            await self.store.run(
                articles.upsert_seed_article, seed_key=entry["key"], source_id=source, url=None,
                language="ar", published_at=when, content_hash=entry["key"], raw_text=body,
                stories=[draft], now=when,
            )  # fmt: skip
        await self.services.analyze_pending()
        rows = await self.store.run(
            lambda db: db.execute(
                "SELECT a.seed_key, s.id, s.sort_at FROM stories s "
                "JOIN articles a ON a.id = s.article_id "
                "WHERE s.relevant = 1 AND (s.cluster_id IS NULL OR s.cluster_id = s.id)"
            ).fetchall()
        )
        self.stories = {key: story_id for key, story_id, _ in rows}
        self.sort_at = {story_id: datetime.fromisoformat(at) for _, story_id, at in rows}
        # Every story is shown, each on its own: the tests below count on it.
        assert set(self.stories) == {entry["key"] for entry in data["stories"]}

    def between(self, start: datetime, end: datetime) -> set[int]:
        return {story_id for story_id, at in self.sort_at.items() if start <= at < end}

    async def subscription(self, chat_id: int) -> Subscription:
        found = await self.subs.get(chat_id)
        assert found is not None
        return found

    async def rows(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        return await self.store.run(lambda db: list(db.query(sql, list(params))))

    async def deliveries(self, chat_id: int | None = None) -> list[dict[str, Any]]:
        where = "WHERE chat_id = ?" if chat_id is not None else ""
        params = [chat_id] if chat_id is not None else []
        return await self.rows(
            f"SELECT * FROM deliveries {where} ORDER BY chat_id, period_end", *params
        )


@pytest.fixture
async def world(
    settings: Settings, store: Store, services: Services, knowledge: Knowledge
) -> AsyncIterator[World]:
    made = World(settings, store, services, [t.id for t in knowledge.topics])
    yield made
    for extra in made.stores:
        extra.close()


async def settle() -> None:
    """Let the delivery tasks a dead run left behind end (each dies at its next send)."""
    others = asyncio.all_tasks() - {asyncio.current_task()}
    if others:
        await asyncio.wait(others, timeout=5)


def rendered_for(world: World, **match: Any) -> list[str]:
    """The chunks the one render call whose variant has these fields returned."""
    calls = [
        c for c in world.render.calls
        if all(getattr(c.variant, name) == value for name, value in match.items())
    ]  # fmt: skip
    assert len(calls) == 1, calls
    return world.render.texts(calls[0])


def stored_texts(delivery: dict[str, Any]) -> list[str]:
    return [message["text"] for message in json.loads(delivery["chunks"])]


# --- exactly once, on time ---------------------------------------------------------------


async def test_a_due_subscription_gets_its_digest_exactly_once(world: World) -> None:
    await world.add_stories()
    subscription = await world.subscribe(101)
    assert subscription.next_due == FIRST_DUE
    assert subscription.last_period_end is None

    early = await world.run(at=FIRST_DUE - timedelta(minutes=1))
    assert early == RunReport(due=0, claimed=0, variants=0, messages=0, blocked=0, errors=0,
                              resumed=0)  # fmt: skip
    assert world.outbox.sent == [] and world.render.calls == []

    report = await world.run(at=FIRST_DUE)
    assert report == RunReport(due=1, claimed=1, variants=1, messages=3, blocked=0, errors=0,
                               resumed=0)  # fmt: skip
    [call] = world.render.calls
    # The first digest covers the last 24 hours: the stories 1 to 23 hours old, not the one
    # 30 hours old nor those after the due time.
    assert (call.variant.period_start, call.variant.period_end) == (FIRST_DUE - DAY, FIRST_DUE)
    expected = {world.stories[k] for k in ("zeidan_abducted", "ghadames_dialogue",
                "migration_mou", "greece_expels", "africom_jets", "confidence_vote")}  # fmt: skip
    assert set(call.story_ids) == expected == world.between(FIRST_DUE - DAY, FIRST_DUE)
    assert world.outbox.to(101) == rendered_for(world) and len(world.outbox.sent) == 3
    # One message a second to a chat: a pause before each message after the first.
    assert world.sleeps == [PER_CHAT_GAP, PER_CHAT_GAP]

    # The same instant again, and an hour later: nothing more.
    assert (await world.run()).due == 0
    assert (await world.run(at=FIRST_DUE + timedelta(hours=1))).due == 0
    assert len(world.outbox.sent) == 3 and len(world.render.calls) == 1

    after = await world.subscription(101)
    assert after.next_due == FIRST_DUE + DAY  # 08:00 in Tripoli tomorrow
    assert after.last_period_end == FIRST_DUE
    [delivery] = await world.deliveries(101)
    assert delivery["status"] == "sent" and delivery["chunks_sent"] == 3
    assert delivery["period_start"] == (FIRST_DUE - DAY).isoformat()
    assert delivery["period_end"] == FIRST_DUE.isoformat()
    assert stored_texts(delivery) == world.outbox.to(101)
    # Each message went out with the buttons it was rendered with, kept in the ledger.
    assert world.outbox.buttons == [((1, 1),), ((2, 2),), ((3, 3),)]

    # The next day's digest starts where this one ended.
    await world.run(at=FIRST_DUE + DAY)
    second = world.render.calls[-1]
    assert (second.variant.period_start, second.variant.period_end) == (FIRST_DUE, FIRST_DUE + DAY)
    assert set(second.story_ids) == {world.stories["le_drian_visit"]}
    assert len(world.outbox.to(101)) == 6


async def test_next_due_moves_to_the_next_local_occurrence_in_each_zone(world: World) -> None:
    # (chat, local time, zone, next due after a run at 08:00 UTC on the 30th), worked by hand.
    cases = [
        (1, "08:00", TRIPOLI, datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),
        (2, "07:00", "Europe/Paris", datetime(2026, 12, 1, 6, 0, tzinfo=UTC)),  # CET
        (3, "08:00", "Pacific/Kiritimati", datetime(2026, 11, 30, 18, 0, tzinfo=UTC)),  # UTC+14
        (4, "08:00", "Etc/GMT+12", datetime(2026, 11, 30, 20, 0, tzinfo=UTC)),  # UTC-12
        (5, "01:30", "America/New_York", datetime(2026, 12, 1, 6, 30, tzinfo=UTC)),  # EST
    ]
    for chat, when, zone, _ in cases:
        await world.subscribe(chat, when, zone)
    now = FIXED_NOW + timedelta(hours=25)
    report = await world.run(at=now)
    # One variant per zone: each digest shows its times in its subscriber's zone.
    assert (report.due, report.claimed, report.variants) == (5, 5, 5)
    assert {c.variant.zone for c in world.render.calls} == {zone for _, _, zone, _ in cases}
    for chat, _, _, expected in cases:
        subscription = await world.subscription(chat)
        assert subscription.next_due == expected, chat
        assert subscription.last_period_end == now
        assert len(world.outbox.to(chat)) == 1  # an empty period: the "nothing new" notice


async def test_after_downtime_one_digest_covers_the_whole_gap(world: World) -> None:
    await world.add_stories()
    await world.subscribe(7)
    await world.run(at=FIRST_DUE)
    assert len(world.outbox.to(7)) == 3

    # Three days without a run: one digest, not three, from the last one's end until now.
    now = FIRST_DUE + 3 * DAY + timedelta(hours=4)
    report = await world.run(at=now)
    assert (report.due, report.claimed, report.messages) == (1, 1, 3)
    call = world.render.calls[-1]
    assert (call.variant.period_start, call.variant.period_end) == (FIRST_DUE, now)
    gap = {world.stories["le_drian_visit"], world.stories["dbeibah_ankara"]}
    assert set(call.story_ids) == gap == world.between(FIRST_DUE, now)
    assert len(world.outbox.to(7)) == 6

    subscription = await world.subscription(7)
    assert subscription.next_due == FIRST_DUE + 4 * DAY  # the next 08:00 after now
    assert subscription.last_period_end == now
    assert (await world.run()).due == 0
    assert len(await world.deliveries(7)) == 2


async def test_each_variant_is_rendered_once_for_many_subscribers(world: World) -> None:
    await world.add_stories()
    times = ["06:00", "08:00", "12:30", "23:45"]
    zones = [TRIPOLI, "Europe/Paris", "Pacific/Kiritimati", "Etc/GMT+12", "America/New_York"]
    kinds = [{}, {"lang": "en"}, {"topics": ("government",), "max_items": 3}]
    kind_of: dict[int, int] = {}
    for n in range(100):
        chat = 1000 + n
        kind_of[chat] = n % 3
        extra = dict(kinds[n % 3])
        lang = extra.pop("lang", "ar")
        await world.subscribe(chat, times[n % 4], zones[n % 5], lang, **extra)

    # 25 hours on, every local time has come round once.
    report = await world.run(at=FIXED_NOW + timedelta(hours=25))
    # 3 kinds of digest in 5 zones (times are shown in the subscriber's zone): 15, not 100.
    assert (report.due, report.claimed, report.variants) == (100, 100, 15)
    assert len(world.render.calls) == 15
    variants = {(c.variant.lang, c.variant.topics, c.variant.max_items) for c in world.render.calls}
    assert variants == {("ar", (), 10), ("en", (), 10), ("ar", ("government",), 3)}
    government = next(c for c in world.render.calls if c.variant.topics)
    assert 0 < len(government.story_ids) <= 3
    kinds_by_field: list[dict[str, Any]] = [
        {"lang": "ar", "topics": ()}, {"lang": "en"}, {"topics": ("government",)},
    ]  # fmt: skip
    chunks = {
        (kind, zone): rendered_for(world, zone=zone, **fields)
        for kind, fields in enumerate(kinds_by_field)
        for zone in zones
    }
    assert len({tuple(c) for c in chunks.values()}) == 3  # the fake renders no times
    for n, (chat, kind) in enumerate(kind_of.items()):
        assert world.outbox.to(chat) == chunks[kind, zones[n % 5]], chat
    assert report.messages == len(world.outbox.sent) == 300
    rows = await world.deliveries()
    assert [r["chat_id"] for r in rows] == sorted(kind_of)
    assert {r["status"] for r in rows} == {"sent"}


# --- crashes -----------------------------------------------------------------------------


async def test_a_crash_mid_run_resumes_without_resending_or_skipping(world: World) -> None:
    await world.add_stories()
    early = list(range(1, 16))  # 07:00 Tripoli: due at 05:00 UTC
    later = list(range(16, 31))  # 08:00 Tripoli: due at 06:00 UTC
    for chat in early:
        await world.subscribe(chat, "07:00")
    for chat in later:
        await world.subscribe(chat, "08:00")

    # The 20th message of 45 kills the process just after Telegram took it.
    world.outbox.die_at = 20
    with pytest.raises(ProcessDied):
        await world.run(at=FIRST_DUE - timedelta(hours=1))
    await settle()
    crashed_chat, crashed_text = world.outbox.in_flight or (0, "")
    assert crashed_chat in early
    before = Counter(world.outbox.sent)
    assert sum(before.values()) == 20
    assert world.outbox.chats() <= set(early)
    complete_before = {c for c in early if len(world.outbox.to(c)) == 3} - {crashed_chat}
    first_chunks = rendered_for(world)

    # A new process, an hour later: it finishes the early digests from where the ledger says
    # they stopped, and claims the later ones.
    world.restart()
    report = await world.run(at=FIRST_DUE)
    assert report.resumed == len(early) - len(complete_before)
    assert (report.due, report.claimed) == (len(later), len(later))
    assert len(world.render.calls) == 2  # the early digests are not rendered again

    # Every chat has exactly one complete digest. The ledger records a message after Telegram
    # took it, so a message in flight when the process dies goes again on resume: that one
    # chunk, to that one chat, arrives twice (consecutively); nothing else ever does. (This
    # fake dies on one send; a real process dying with SEND_WORKERS chats mid-send may repeat
    # one chunk to each of them, never more than one per chat.)
    later_chunks = rendered_for(world, period_start=FIRST_DUE - DAY, period_end=FIRST_DUE)
    for chat in early:
        expected = list(first_chunks)
        if chat == crashed_chat:
            expected.insert(expected.index(crashed_text), crashed_text)
        assert world.outbox.to(chat) == expected, chat
    for chat in later:
        assert world.outbox.to(chat) == later_chunks, chat
    counts = Counter(world.outbox.sent)
    assert [pair for pair, n in counts.items() if n > 1] == [(crashed_chat, crashed_text)]
    assert counts[(crashed_chat, crashed_text)] == 2
    rows = await world.deliveries()
    assert len(rows) == 30 and {r["status"] for r in rows} == {"sent"}
    assert {r["chunks_sent"] for r in rows} == {3}
    assert (await world.run()).messages == 0


async def test_a_crash_between_claim_and_send_is_delivered_once_on_restart(
    world: World,
) -> None:
    await world.add_stories()
    chats = [11, 12, 13, 14, 15]
    for chat in chats:
        await world.subscribe(chat)
    world.outbox.die_at = 1
    world.outbox.delivered = False  # it dies before the first message leaves
    with pytest.raises(ProcessDied):
        await world.run(at=FIRST_DUE)
    await settle()
    assert world.outbox.sent == []
    # Claimed: the chunks are in the ledger and the schedule moved on.
    rows = await world.deliveries()
    assert [r["status"] for r in rows] == ["pending"] * 5
    assert {r["chunks_sent"] for r in rows} == {0}
    for chat in chats:
        assert (await world.subscription(chat)).next_due == FIRST_DUE + DAY

    world.restart()
    report = await world.run(at=FIRST_DUE + timedelta(minutes=1))
    assert (report.resumed, report.due, report.claimed, report.messages) == (5, 0, 0, 15)
    assert len(world.render.calls) == 1  # sent from the ledger, not rendered again
    for chat in chats:
        assert world.outbox.to(chat) == rendered_for(world)
    assert (await world.run()).messages == 0
    assert len(world.outbox.sent) == 15


async def test_a_crash_before_the_claim_leaves_the_digest_due(world: World) -> None:
    await world.add_stories()
    await world.subscribe(21)
    world.render.fail = ProcessDied()
    with pytest.raises(ProcessDied):
        await world.run(at=FIRST_DUE)
    assert await world.deliveries() == []
    assert (await world.subscription(21)).next_due == FIRST_DUE

    world.restart()
    later = FIRST_DUE + timedelta(minutes=30)
    report = await world.run(at=later)
    assert (report.due, report.claimed, report.messages) == (1, 1, 3)
    [call] = world.render.calls
    # Still the first digest: from 24 hours before the first due... until now.
    assert (call.variant.period_start, call.variant.period_end) == (later - DAY, later)
    assert (await world.subscription(21)).next_due == FIRST_DUE + DAY


async def test_concurrent_runs_in_one_process_send_each_digest_once(world: World) -> None:
    await world.add_stories()
    for chat in range(1, 11):
        await world.subscribe(chat)
    world.clock.now = FIRST_DUE
    reports = await asyncio.gather(
        world.digests.run(world.render, world.outbox), world.digests.run(world.render, world.outbox)
    )
    assert sum(r.claimed for r in reports) == 10
    counts = Counter(world.outbox.sent)
    assert set(counts.values()) == {1}
    assert len(counts) == 30


async def test_a_stale_due_subscription_cannot_be_claimed_twice(world: World) -> None:
    """The claim moves next_due only from the value it read: a second claimer gets False."""
    await world.subscribe(1)
    world.clock.now = FIRST_DUE
    [stale] = await world.store.run(subs.due_subscriptions, FIRST_DUE)
    await world.run()
    assert len(world.outbox.to(1)) == 1
    claimed = await world.store.run(
        subs.claim_delivery, stale, period_start=FIRST_DUE - DAY,
        period_end=FIRST_DUE + timedelta(seconds=1), chunks=[DigestMessage("again")],
        next_due=FIRST_DUE + 5 * DAY, now=FIRST_DUE,
    )  # fmt: skip
    assert claimed is False
    assert len(await world.deliveries(1)) == 1
    assert (await world.subscription(1)).next_due == FIRST_DUE + DAY
    assert (await world.run()).messages == 0


# --- what send answers ---------------------------------------------------------------------


async def test_blocked_deactivates_and_a_returning_user_gets_digests_again(world: World) -> None:
    await world.add_stories()
    for chat in (1, 2, 3):
        await world.subscribe(chat)
    # Chat 2 blocks the bot after its first message.
    world.outbox.rule = lambda chat, text: "blocked" if chat == 2 and "part 2/" in text else None
    report = await world.run(at=FIRST_DUE)
    assert (report.blocked, report.messages, report.errors) == (1, 7, 0)
    chunks = rendered_for(world)
    assert world.outbox.to(1) == world.outbox.to(3) == chunks
    assert world.outbox.to(2) == chunks[:1]
    blocked = await world.subscription(2)
    assert not blocked.active
    [reason] = await world.rows("SELECT deactivated_reason FROM subscriptions WHERE chat_id = 2")
    assert reason == {"deactivated_reason": "blocked"}
    [delivery] = await world.deliveries(2)
    assert delivery["status"] == "failed" and delivery["chunks_sent"] == 1
    assert "blocked" in delivery["error"]

    # Later runs skip them, even once the rule is gone.
    world.outbox.rule = None
    report = await world.run(at=FIRST_DUE + DAY)
    assert (report.due, report.resumed) == (2, 0)
    assert len(world.outbox.to(2)) == 1 and len(world.outbox.to(1)) == 6

    # They come back (/start): the digest resumes at their next local time.
    now = FIRST_DUE + DAY + timedelta(hours=3)
    world.clock.now = now
    assert await world.subs.returned(2)
    assert not await world.subs.returned(2)  # already active
    back = await world.subscription(2)
    assert back.active and back.next_due == FIRST_DUE + 2 * DAY
    [reason] = await world.rows("SELECT deactivated_reason FROM subscriptions WHERE chat_id = 2")
    assert reason == {"deactivated_reason": None}
    report = await world.run(at=FIRST_DUE + 2 * DAY)
    assert (report.due, report.variants, report.messages) == (3, 2, 9)
    # Their digest runs from the end of the one they blocked: that period is not sent again.
    theirs = rendered_for(world, period_start=FIRST_DUE, period_end=FIRST_DUE + 2 * DAY)
    assert world.outbox.to(2) == [chunks[0], *theirs]


async def test_returned_does_not_undo_an_unsubscribe(world: World) -> None:
    await world.subscribe(5)
    assert await world.subs.unsubscribe(5)
    assert not await world.subs.returned(5)
    assert not (await world.subscription(5)).active
    assert not await world.subs.returned(404)  # never subscribed


async def test_an_error_skips_only_that_message(world: World) -> None:
    await world.add_stories()
    for chat in (1, 2):
        await world.subscribe(chat)
    world.outbox.rule = lambda chat, text: "error" if chat == 1 and "part 2/" in text else None
    report = await world.run(at=FIRST_DUE)
    assert (report.errors, report.messages, report.blocked) == (1, 5, 0)
    chunks = rendered_for(world)
    assert world.outbox.to(1) == [chunks[0], chunks[2]]
    assert world.outbox.to(2) == chunks
    [delivery] = await world.deliveries(1)
    assert delivery["status"] == "sent" and delivery["chunks_sent"] == 3
    assert (await world.subscription(1)).active
    # Not retried.
    world.outbox.rule = None
    assert (await world.run()).messages == 0
    assert len(world.outbox.to(1)) == 2


async def test_a_send_that_raises_does_not_stop_other_digests(world: World) -> None:
    """An exception from send is that message's error: it must not stall every later run."""
    await world.add_stories()
    for chat in (1, 2):
        await world.subscribe(chat)

    def broken(chat: int, text: str) -> SendOutcome | None:
        if chat == 1:
            raise RuntimeError("Bad Request: message is too long")
        return None

    world.outbox.rule = broken
    report = await world.run(at=FIRST_DUE)
    assert (report.errors, report.messages) == (3, 3)
    assert world.outbox.to(2) == rendered_for(world)
    await world.subscribe(3, "09:00")  # due at 07:00 UTC
    report = await world.run(at=FIRST_DUE + timedelta(hours=1))
    assert (report.resumed, report.due, report.messages) == (0, 1, 3)
    assert len(world.outbox.to(3)) == 3
    [delivery] = await world.deliveries(1)
    assert delivery["status"] == "sent"


# --- empty periods -------------------------------------------------------------------------


async def test_an_empty_period_sends_the_notice_or_nothing(world: World) -> None:
    await world.subscribe(1)  # empty_notice by default
    await world.subscribe(2, empty_notice=False)
    report = await world.run(at=FIRST_DUE)
    assert (report.due, report.claimed) == (2, 2)
    [call] = world.render.calls  # only chat 1's variant is rendered
    assert call.digest.empty and call.variant.empty_notice
    assert world.outbox.to(1) == rendered_for(world)
    assert len(world.outbox.to(1)) == 1 and "nothing new" in world.outbox.to(1)[0]
    assert world.outbox.to(2) == []
    for chat in (1, 2):
        subscription = await world.subscription(chat)
        assert subscription.next_due == FIRST_DUE + DAY
        assert subscription.last_period_end == FIRST_DUE
    [quiet] = await world.deliveries(2)
    assert quiet["status"] == "sent" and stored_texts(quiet) == []
    assert (await world.run()).due == 0


# --- translation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("known", "complete"), [("none", False), ("all", True), ("some", False)])
async def test_translations_reach_the_render_of_english_digests_only(
    world: World, known: Any, complete: bool
) -> None:
    await world.add_stories()
    ids = sorted(world.stories.values())
    table = {"all": {i: f"EN {i}" for i in ids}, "some": {ids[0]: f"EN {ids[0]}"}}.get(known, {})
    translations = FakeTranslations(table, complete)
    world.digests = world.digest_service(translations)
    await world.subscribe(1, lang="en")
    await world.subscribe(2, lang="ar")
    await world.subscribe(3, lang="both")
    await world.run(at=FIRST_DUE)

    by_lang = {c.variant.lang: c for c in world.render.calls}
    assert set(by_lang) == {"en", "ar", "both"}
    # Asked once per variant with English in it, for that digest's stories in its order.
    assert by_lang["en"].story_ids == by_lang["both"].story_ids
    assert len(translations.calls) == 2
    for items, lang in translations.calls:
        assert lang == "en"
        assert [i for i, _, _ in items] == by_lang["en"].story_ids
    assert by_lang["both"].translated == by_lang["en"].translated
    english = by_lang["en"]
    assert english.complete is complete
    expected = {i: t for i, t in table.items() if i in english.story_ids}
    assert {i: t.headline for i, t in english.translated.items()} == expected
    # Arabic as published: no translation asked, nothing missing.
    assert by_lang["ar"].translated == {} and by_lang["ar"].complete is True


async def test_without_a_translation_service_english_is_arabic_with_no_notice(
    world: World,
) -> None:
    # TRANSLATOR=none: nothing failed, so the digest says nothing of a missing translation.
    await world.add_stories()
    await world.subscribe(1, lang="en")
    await world.run(at=FIRST_DUE)
    [call] = world.render.calls
    assert call.translated == {} and call.complete is True


# --- settings ------------------------------------------------------------------------------


async def test_unsubscribe_stops_deliveries(world: World) -> None:
    await world.add_stories()
    await world.subscribe(1)
    await world.subscribe(2)
    assert await world.subs.unsubscribe(1)
    assert not await world.subs.unsubscribe(1)
    assert not await world.subs.unsubscribe(999)
    report = await world.run(at=FIRST_DUE)
    assert report.due == 1
    assert world.outbox.chats() == {2}
    gone = await world.subscription(1)
    assert not gone.active and gone.next_due == FIRST_DUE  # not claimed, not moved
    assert await world.deliveries(1) == []
    assert (await world.run(at=FIRST_DUE + DAY)).due == 1
    assert world.outbox.chats() == {2}
    # Subscribing again starts from the next 08:00.
    world.clock.now = FIRST_DUE + DAY + timedelta(hours=1)
    again = await world.subs.subscribe(1, None, "ar")
    assert again.active and again.next_due == FIRST_DUE + 2 * DAY
    await world.run(at=FIRST_DUE + 2 * DAY)
    assert len(world.outbox.to(1)) == 3


async def test_change_of_time_or_zone_reschedules(world: World) -> None:
    await world.subscribe(1)
    assert (await world.subscription(1)).next_due == FIRST_DUE
    # At 09:00 in Tripoli, 10:00 is still to come today.
    changed = await world.subs.change(1, local_time="10:00")
    assert changed is not None and changed.next_due == datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    changed = await world.subs.change(1, timezone="Asia/Tokyo")  # 10:00 JST is 01:00 UTC
    assert changed is not None and changed.next_due == datetime(2026, 11, 30, 1, 0, tzinfo=UTC)
    assert changed.local_time == "10:00" and changed.timezone == "Asia/Tokyo"
    # A time as a user types it is kept as HH:MM.
    changed = await world.subs.change(1, local_time="٧:٠٥")
    assert changed is not None and changed.local_time == "07:05"
    assert changed.next_due == datetime(2026, 11, 29, 22, 5, tzinfo=UTC)
    # Other settings leave the schedule alone.
    changed = await world.subs.change(1, max_items=5, topics=("elections",))
    assert changed is not None and changed.next_due == datetime(2026, 11, 29, 22, 5, tzinfo=UTC)
    assert (changed.max_items, changed.topics) == (5, ("elections",))
    with pytest.raises(ValueError):
        await world.subs.change(1, local_time="25:00")
    assert await world.subs.change(404, local_time="08:00") is None

    # The digest comes at the new time, not at one it replaced.
    assert (await world.run(at=datetime(2026, 11, 29, 8, 0, tzinfo=UTC))).due == 0
    assert (await world.run(at=datetime(2026, 11, 29, 22, 4, tzinfo=UTC))).due == 0
    assert (await world.run(at=datetime(2026, 11, 29, 22, 5, tzinfo=UTC))).due == 1
    assert len(world.outbox.to(1)) == 1
    assert (await world.subscription(1)).next_due == datetime(2026, 11, 30, 22, 5, tzinfo=UTC)


async def test_preview_does_not_move_the_schedule(world: World) -> None:
    await world.add_stories()
    await world.subscribe(1, empty_notice=False)
    before = await world.subscription(1)
    now = FIRST_DUE - timedelta(hours=2)
    world.clock.now = now
    chunks = [m.text for m in await world.digests.preview(1, world.render)]
    [call] = world.render.calls
    assert chunks == rendered_for(world) and len(chunks) == 3
    # A preview reaches one second past now: what was stored this second is included.
    end = now.replace(microsecond=0) + timedelta(seconds=1)
    assert (call.variant.period_start, call.variant.period_end) == (now - DAY, end)
    assert set(call.story_ids) == world.between(now - DAY, end)
    assert await world.subscription(1) == before
    assert await world.deliveries() == [] and world.outbox.sent == []

    # The scheduled digest is still due, and still covers its whole period.
    report = await world.run(at=FIRST_DUE)
    assert report.claimed == 1
    assert world.render.calls[-1].variant.period_start == FIRST_DUE - DAY

    # Later, a preview covers what came since the last digest; an empty one still renders.
    world.clock.now = FIRST_DUE + timedelta(minutes=5)
    chunks = await world.digests.preview(1, world.render)
    assert world.render.calls[-1].variant.period_start == FIRST_DUE
    assert world.render.calls[-1].digest.empty and len(chunks) == 1
    assert (await world.subscription(1)).next_due == FIRST_DUE + DAY
    # A chat with no subscription previews the default digest.
    await world.digests.preview(777, world.render)
    assert world.render.calls[-1].variant.lang == "ar"
    assert len(await world.deliveries()) == 1


async def test_each_subscriber_s_follows_reach_their_own_digest(world: World) -> None:
    await world.add_stories()
    for chat in (1, 2, 3):
        await world.subscribe(chat)
    await world.subs.follow(1, "actor", "najla_mangoush")
    await world.subs.follow(1, "topic", "elections")
    await world.subs.follow(3, "topic", "elections")
    report = await world.run(at=FIRST_DUE)
    assert report.claimed == 3
    follows = sorted(sorted(call.variant.follows) for call in world.render.calls)
    # Chat 2 follows nothing; 1 and 3 differ, so three renderings.
    assert follows == [[], ["elections"], ["elections", "najla_mangoush"]]
    assert report.variants == 3
