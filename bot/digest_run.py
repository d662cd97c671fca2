"""The scheduled digest run: each variant built once, sent once per subscriber and period.

Telegram stays outside: rendering and sending are functions the edge passes in.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from bot.digest_builder import SOURCE_WEIGHT, RankedPeriod, build_digest, rank_period
from bot.group_commit import GroupCommit
from bot.models import Digest, DigestMessage, Subscription, Translation
from bot.schedule import next_due, parse_local_time
from bot.subscribers import DEFAULT_ZONE, Clock
from storage import Store, candidates
from storage import subscriptions as subs
from storage.candidates import Period

log = logging.getLogger(__name__)

# "retry": Telegram did not refuse the message but could not take it (a 5xx, a timeout, no
# connection): the digest stays pending and the next tick resumes it at that message.
SendOutcome = Literal["ok", "blocked", "error", "retry"]
FIRST_PERIOD = timedelta(hours=24)
# How many digest messages may be on their way at once: handed to Telegram and not yet
# counted in the ledger. A crash can repeat each of them once (Telegram takes no idempotency
# key), so this is the most a crash can send twice. 6 keeps the 27 messages/s of the rate
# limiter through Bot API round trips (send and ledger write) of up to 0.22 s.
SEND_WORKERS = 6
# About one message a second to one chat, as Telegram asks.
PER_CHAT_GAP = 1.0
# How long a digest (or an alert) Telegram cannot take is tried again, every tick, before
# it is given up: an outage longer than this is not waited out, the next digest is near.
RETRY_FOR = timedelta(hours=6)


class Translations(Protocol):
    """What the digest needs of the translation service."""

    async def stories(
        self, items: list[tuple[int, str, str]], lang: str = "en"
    ) -> tuple[dict[int, Translation], bool]:
        """Translations of (story id, headline, lead), and whether all came."""
        ...


@dataclass(frozen=True, slots=True)
class Variant:
    """What makes two subscribers' digests the same: rendered once, sent to both."""

    lang: str
    zone: str  # the subscriber's: the digest's times are shown in it
    topics: tuple[str, ...]
    max_items: int
    empty_notice: bool
    follows: frozenset[str]
    period_start: datetime
    period_end: datetime


Render = Callable[[Digest, Variant, dict[int, Translation], bool], list[DigestMessage]]
Send = Callable[[int, DigestMessage], Awaitable[SendOutcome]]


@dataclass(frozen=True, slots=True)
class Sent:
    """What sending one ledger's pending deliveries did."""

    deliveries: int = 0
    messages: int = 0
    blocked: int = 0
    errors: int = 0
    retrying: int = 0


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one digest run did."""

    due: int
    claimed: int
    variants: int
    messages: int
    blocked: int
    errors: int
    resumed: int
    retrying: int = 0  # deliveries left pending for the next tick: Telegram could not take them

    @classmethod
    def of(cls, due: int, claimed: int, variants: int, resumed: Sent, sent: Sent) -> RunReport:
        """A run's report from what it resumed first and what it sent after claiming."""
        return cls(
            due=due,
            claimed=claimed,
            variants=variants,
            messages=resumed.messages + sent.messages,
            blocked=resumed.blocked + sent.blocked,
            errors=resumed.errors + sent.errors,
            resumed=resumed.deliveries,
            retrying=resumed.retrying + sent.retrying,
        )


class DigestService:
    """The scheduled run: build each variant once, claim, send, and resume after a crash."""

    def __init__(
        self,
        store: Store,
        translations: Translations | None,
        clock: Clock,
        topic_order: Sequence[str],
        *,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.translations = translations
        self.clock = clock
        self.topic_order = tuple(topic_order)
        self.sleep = sleep
        # One run at a time: two would both send the deliveries the ledger holds as pending.
        self._running = asyncio.Lock()

    async def preview(
        self, chat_id: int, render: Render, *, default_zone: str = DEFAULT_ZONE
    ) -> list[DigestMessage]:
        """A chat's digest as it would be now, for /digest; the schedule does not move."""
        subscription = await self.store.run(subs.get_subscription, chat_id)
        now = self.clock()
        start = (subscription.last_period_end if subscription else None) or now - FIRST_PERIOD
        # Stored times have whole seconds: a story stored this second is "now" too.
        end = now.replace(microsecond=0) + timedelta(seconds=1)
        variant = await self.variant(subscription, chat_id, start, end, default_zone)
        ranked = await self.ranked({(start, end)})
        return await self._render(variant, render, ranked, force=True)

    async def run(self, render: Render, send: Send) -> RunReport:
        """Resume what a crash interrupted, then deliver every digest that is due."""
        async with self._running:
            return await self._run(render, send)

    async def _run(self, render: Render, send: Send) -> RunReport:
        # Deliveries Telegram could not take in this run wait for the next tick: trying them
        # again seconds later, in the second pass, would only fail again.
        held: set[tuple[int, str]] = set()
        resumed = await self.deliver(send, subs.DAILY, held)
        now = self.clock()
        due = await self.store.run(subs.due_subscriptions, now)
        # Everyone's follows in one query: one each was a round trip per subscriber.
        follows = await self.store.run(subs.follows_of_chats, [s.chat_id for s in due])
        variants = [
            await self.variant(
                subscription, subscription.chat_id,
                subscription.last_period_end or now - FIRST_PERIOD, now,
                follows=frozenset(follows.get(subscription.chat_id, ())),
            )
            for subscription in due
        ]  # fmt: skip
        ranked = await self.ranked({(v.period_start, v.period_end) for v in variants})
        rendered: dict[Variant, list[DigestMessage]] = {}
        claims = []
        for subscription, variant in zip(due, variants, strict=True):
            if variant not in rendered:
                rendered[variant] = await self._render(variant, render, ranked)
            when = parse_local_time(subscription.local_time)
            assert when is not None
            claims.append(
                subs.Claim(
                    subscription,
                    period_start=variant.period_start,
                    period_end=now,
                    chunks=rendered[variant],
                    next_due=next_due(now, when, subscription.timezone),
                )
            )
        # All of the run's claims in one transaction: one each cost more than the rest.
        claimed = await self.store.run(subs.claim_deliveries, claims, now)
        sent = await self.deliver(send, subs.DAILY, held, claimed)
        return RunReport.of(len(due), len(claimed), len(rendered), resumed, sent)

    async def ranked(
        self, periods: set[Period], source_weight: float = SOURCE_WEIGHT
    ) -> dict[Period, RankedPeriod]:
        """Each period's stories, read in one call and ranked off the loop.

        `source_weight`: the hours of freshness one more outlet is worth (see rank_period).
        """
        if not periods:
            return {}
        found = await self.store.run(candidates.period_candidates, sorted(periods))

        def rank_all() -> dict[Period, RankedPeriod]:
            return {
                (start, end): rank_period(
                    stories, period_start=start, period_end=end, source_weight=source_weight
                )
                for (start, end), stories in found.items()
            }

        # Ranked once per period: every variant of the period shares it.
        return await asyncio.to_thread(rank_all)

    async def variant(
        self,
        subscription: Subscription | None,
        chat_id: int,
        start: datetime,
        end: datetime,
        default_zone: str = DEFAULT_ZONE,
        follows: frozenset[str] | None = None,
    ) -> Variant:
        """What a chat's digest of the period depends on (its follows read when not given)."""
        if follows is None:
            follows = frozenset(key for _, key in await self.store.run(subs.follows_of, chat_id))
        return Variant(
            lang=subscription.digest_lang if subscription else "ar",
            zone=subscription.timezone if subscription else default_zone,
            topics=subscription.topics if subscription else (),
            max_items=subscription.max_items if subscription else 10,
            empty_notice=subscription.empty_notice if subscription else True,
            follows=follows,
            period_start=start,
            period_end=end,
        )

    async def _render(
        self,
        variant: Variant,
        render: Render,
        ranked: dict[Period, RankedPeriod],
        force: bool = False,
    ) -> list[DigestMessage]:
        digest = build_digest(
            ranked[(variant.period_start, variant.period_end)],
            period_start=variant.period_start,
            period_end=variant.period_end,
            topics=variant.topics,
            max_items=variant.max_items,
            follows=variant.follows,
            topic_order=self.topic_order,
        )
        if digest.empty and not variant.empty_notice and not force:
            return []
        translated, complete = await self.translate(digest, variant.lang)
        return render(digest, variant, translated, complete)

    async def translate(self, digest: Digest, lang: str) -> tuple[dict[int, Translation], bool]:
        """The English of a digest's stories when its language wants it, and whether all came."""
        if lang not in ("en", "both") or digest.empty or self.translations is None:
            # With no translator configured (TRANSLATOR=none) the digest is simply Arabic:
            # nothing failed, so nothing is said about it.
            return {}, True
        items = [
            (item.story.id, item.story.headline, item.story.lead)
            for _, section in digest.sections
            for item in section
        ]
        return await self.translations.stories(items, "en")

    async def deliver(
        self,
        send: Send,
        ledger: str,
        held: set[tuple[int, str]],
        claimed: Sequence[subs.Pending] | None = None,
    ) -> Sent:
        """Send what a ledger (daily digests, weekly briefs) holds as pending, but `held`.

        `claimed`: the deliveries just claimed, sent as they are rather than read back (the
        run resumed every other pending one first). A delivery Telegram could not take is
        added to `held`: not tried again this run.
        """
        if claimed is None:
            claimed = await self.store.run(subs.pending_deliveries, ledger)
        pending = [item for item in claimed if (item[0], item[1]) not in held]
        gate = asyncio.Semaphore(SEND_WORKERS)
        counts = {"messages": 0, "blocked": 0, "errors": 0, "retrying": 0}

        async def commit(batch: Sequence[subs.Progress]) -> None:
            await self.store.run(subs.record_progress, batch, self.clock(), ledger)

        progress = GroupCommit(commit)

        async def deliver(
            chat_id: int, period_end: str, chunks: list[DigestMessage], done: int
        ) -> None:
            if done >= len(chunks):
                # Nothing (left) to send: an empty period without its notice.
                await progress.write(subs.Progress(chat_id, period_end, len(chunks), True))
                return
            for index in range(done, len(chunks)):
                if index > done:
                    # Outside the gate: a chat's pause holds no slot other chats could use.
                    await self.sleep(PER_CHAT_GAP)
                # A slot is held from the send until the ledger counts the message: what a
                # crash can repeat is at most SEND_WORKERS messages, one per chat.
                async with gate:
                    carry_on = await self._send_one(
                        send, (chat_id, period_end, ledger), chunks, index, counts, held,
                        progress,
                    )  # fmt: skip
                if not carry_on:
                    return

        await asyncio.gather(*(deliver(*item) for item in pending))
        return Sent(deliveries=len(pending), **counts)

    async def _send_one(
        self,
        send: Send,
        which: tuple[int, str, str],  # chat id, period end, ledger
        chunks: list[DigestMessage],
        index: int,
        counts: dict[str, int],
        held: set[tuple[int, str]],
        progress: GroupCommit[subs.Progress],
    ) -> bool:
        """Send one message of a digest and record it; False when the digest stops there."""
        chat_id, period_end, ledger = which
        try:
            outcome = await send(chat_id, chunks[index])
        except Exception:
            # Outside the Send contract: that message's error, not the run's, or one bad
            # delivery would stop every digest after it, run after run.
            log.exception("digest message %d to chat %d failed", index, chat_id)
            outcome = "error"
        if outcome == "blocked":
            counts["blocked"] += 1
            await self.store.run(subs.deactivate, chat_id, "blocked")
            await self.store.run(
                subs.finish_delivery, chat_id, period_end, "failed", self.clock(),
                "the user blocked the bot", ledger=ledger,
            )  # fmt: skip
            return False
        if outcome == "retry":
            await self._retry_later(which, counts)
            held.add((chat_id, period_end))
            return False
        if outcome == "error":
            counts["errors"] += 1  # that message only; the rest still go
        else:
            counts["messages"] += 1
        # Counted with the other senders' messages of the moment, in one transaction; the
        # last message is counted with the closing.
        last = index + 1 == len(chunks)
        await progress.write(subs.Progress(chat_id, period_end, index + 1, last))
        return True

    async def _retry_later(self, which: tuple[int, str, str], counts: dict[str, int]) -> None:
        """Leave a delivery pending at its first unsent message, or give it up after RETRY_FOR."""
        chat_id, period_end, ledger = which
        now = self.clock()
        # chunks_sent already counts what went, so resuming never sends a message twice.
        since = await self.store.run(subs.delivery_retry, chat_id, period_end, now, ledger)
        if now - since < RETRY_FOR:
            counts["retrying"] += 1
            return
        counts["errors"] += 1
        log.warning(
            "digest to chat %d given up: Telegram could not take it since %s", chat_id, since
        )
        await self.store.run(
            subs.finish_delivery, chat_id, period_end, "failed", now,
            f"Telegram could not take it for {RETRY_FOR.total_seconds() / 3600:g} hours",
            ledger=ledger,
        )  # fmt: skip
