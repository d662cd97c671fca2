"""python -m bench: ingest, query, digest and delivery figures for Libya Brief.

Builds a synthetic corpus in a temporary directory (see bench/corpus.py), measures it in
one run, prints progress, and writes RESULTS.md. `--quick` is a smoke run over 1000
stories; the default measures the queries at 10,000 and 100,000 stories.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import AIORateLimiter

from bench import pictures, report
from bench.bulk import bulk_load
from bench.corpus import PAGE_TEMPLATE, SEEDS_DIR, CorpusGenerator, Knowledge, Story
from bench.digest_run import make_subscribers, run_digests, top_actors
from bench.ingest import (
    IngestFigures,
    analysis_floor,
    grouping_check,
    ingest_feed,
    ingest_pages,
    make_sources,
)
from bench.measure import Latency, current_rss_mb, machine, peak_rss_mb
from bench.queries import (
    COMMANDS,
    FTS_FLOOR_SQL,
    PACE_SECONDS,
    echo_floor,
    fts_floor,
    make_inputs,
    run_command,
)
from bench.report import Results, Row
from bench.telegram import (
    BotApp,
    Driver,
    TimedBotApi,
    echo_app,
    plain_app,
    product_app,
    send_many,
)
from bot.config import Settings, load_settings
from bot.core import Core, build_core
from bot.digest_run import SEND_WORKERS, DigestService
from bot.services import Services
from bot.tg.app import running
from bot.tg.deliveries import telegram_send
from bot.tg.digest_render import digest_renderer
from storage import Store, articles

TARGET_SIZE = 100_000  # the size the query and memory targets are stated for
INGEST_TARGET = 300.0
QUERY_P95_TARGET_MS = 25.0
SEARCH_FLOOR_RATIO = 2.0
DIGEST_TARGET_S = 10.0
DELIVERY_OFF_TARGET = 300.0
DELIVERY_ON_TARGET = 25.0
RSS_TARGET_MB = 300.0


@dataclass(frozen=True, slots=True)
class Plan:
    """How much of everything one run does."""

    sizes: tuple[int, ...]
    real: int  # stories ingested into the empty store through the real path
    samples: int  # timed round trips per command and size
    budget: float  # seconds of round trips per command and size, at most
    pages: int
    live: int  # stories ingested into each store size through the real path, at most
    live_budget: float  # seconds, at most
    bulk_budget: float  # seconds of analysis per bulk load; copies fill the rest
    subscribers: int
    group_chats: int  # groups and channels with a digest, besides the private subscribers
    delivery_off: int
    delivery_on: int
    workers: int


def plan_for(args: argparse.Namespace) -> Plan:
    """The run's plan from the command line."""
    workers = max(1, os.cpu_count() or 1)
    if args.quick:
        return Plan((1000,), 500, 30, 10.0, 40, 200, 15.0, 60.0, 1000, 50, 300, 90, workers)
    sizes = tuple(sorted(int(s) for s in args.sizes.split(",") if s.strip()))
    return Plan(sizes, 2000, 120, 20.0, 300, 1000, 40.0, 75.0, 10_000, 500, 2000, 300, workers)


def say(message: str) -> None:
    """Progress, with the seconds since the run started."""
    print(f"[{time.perf_counter() - _STARTED:7.1f}s] {message}", flush=True)


_STARTED = time.perf_counter()


def _size(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def _ms(latency: Latency, n: bool = False) -> str:
    text = f"p50 {latency.p50:.1f} / p95 {latency.p95:.1f} ms"
    return f"{text} (n={latency.n})" if n else text


async def run(plan: Plan, workdir: Path, results: Results) -> None:
    """Every measurement, in one process, over one database in `workdir`."""
    now = datetime.now(UTC)
    base = load_settings({}, dotenv_path=None)
    settings = replace(
        base,
        database_path=workdir / "bench.db",
        heartbeat_path=workdir / "heartbeat",
        seeds_dir=SEEDS_DIR,
        translator="none",  # nothing may reach the network; digests go out untranslated
    )
    # The product's store, with the product's 10 s limit per call (as bot/cli.py opens it).
    store = Store(settings.database_path)
    store.open_sync()
    core = build_core(settings, store)
    services = core.services
    api = TimedBotApi()
    app = product_app(settings, core, api)
    kb = Knowledge()
    notes: list[str] = []
    rss: list[str] = []
    async with running(app):
        say("app started (seeds loaded); building the corpus")
        sources = await make_sources(store, now)
        first = CorpusGenerator(now, seed=1, kb=kb)
        floor = analysis_floor(services.knowledge, first.stories(300, start_index=60_000_000))
        say(f"floor: analyze_story alone {floor:.0f} stories/s on one core")
        real_n = min(plan.sizes[0], plan.real)
        say(f"ingest: {real_n} feed entries through store_article + analyze_pending")
        fig = await ingest_feed(services, sources, first.stories(real_n), now, say, real_n)
        _ingest_row(results, "Ingest, no page extraction", f"0→{_size(fig.stories)}", fig, floor)
        truth = {s.index: s.dup_of for s in first.stories(real_n)}
        check = await store.run(grouping_check, truth)
        notes.append(
            f"Same-story grouping by the product over the first {real_n} stories: "
            f"{check['grouped']} of {check['retold']} retellings (both relevant) were grouped "
            f"with their original; {check['mixed_clusters']} of {check['clusters']} groups "
            "mixed stories the generator made independently."
        )
        sample = list(first.stories(min(real_n, 600)))
        for position, size in enumerate(plan.sizes):
            have = await store.run(articles.count_stories)
            if have < size:
                more = size - have
                say(f"bulk load: {more} stories (analyze_story on {plan.workers} processes)")
                bulk = CorpusGenerator(now, seed=100 + position, kb=kb)
                fig_bulk = await bulk_load(
                    store, sources, bulk.stories(more, start_index=10_000_000 * (position + 1)),
                    more, now, SEEDS_DIR, plan.workers, plan.bulk_budget, say,
                )  # fmt: skip
                rate = fig_bulk.analyzed / fig_bulk.analyzed_seconds
                notes.append(
                    f"Bulk load to {_size(size)}: {fig_bulk.analyzed} stories analyzed "
                    f"({plan.workers} processes) and written in {fig_bulk.analyzed_seconds:.0f} s "
                    f"({rate:.0f}/s)"
                    + (
                        f"; {fig_bulk.copies} more are copies of those, written in "
                        f"{fig_bulk.copy_seconds:.0f} s."
                        if fig_bulk.copies
                        else "."
                    )
                )
            count = await store.run(articles.count_stories)
            rss.append(f"after loading {count} stories: {current_rss_mb():.0f} MB")
            await _queries(plan, settings, services, app, api, kb, sample, size, count, results)
            rss.append(f"after the queries at {count} stories: {current_rss_mb():.0f} MB")
            live = CorpusGenerator(datetime.now(UTC), seed=900 + position, kb=kb, days=0.5)
            say(f"ingest: up to {plan.live} new feed entries into the {_size(size)} store")
            fig = await ingest_feed(
                services, sources, live.stories(plan.live, start_index=90_000_000 + size), now,
                say, plan.live, budget=plan.live_budget,
            )  # fmt: skip
            label = f"{_size(size)}+{fig.stories}"
            _ingest_row(results, "Ingest, no page extraction", label, fig, floor)
            rss.append(f"after ingest into the {_size(size)} store: {current_rss_mb():.0f} MB")
            if position == 0:
                await _pages(plan, services, sources, now, kb, results)
        largest = plan.sizes[-1]
        await _digests(plan, core, results, largest)
        rss.append(f"after the digests: {current_rss_mb():.0f} MB")
        await _delivery(plan, settings, app, api, results)
        peak = peak_rss_mb()
        rss.append(f"peak (ru_maxrss) at the end: {peak:.0f} MB")
        at_target = largest >= TARGET_SIZE
        results.add(
            Row(
                "Peak RSS (ru_maxrss, whole bench process)", _size(largest), f"{peak:.0f} MB",
                target=f"≤ {RSS_TARGET_MB:.0f} MB at 100k",
                passed=(peak <= RSS_TARGET_MB) if at_target else None,
            )
        )  # fmt: skip
        # After the peak is read: matplotlib's memory counts in no other figure.
        say(f"pictures: /trends and /meetings answers on the {_size(largest)} store")
        await pictures.measure_answers(core.charts, results, _size(largest))
    results.section("Corpus", notes + _corpus_notes(plan))
    results.section("Memory over the run (VmRSS)", [f"- {line}" for line in rss])


def _ingest_row(results: Results, name: str, size: str, fig: IngestFigures, floor: float) -> None:
    results.add(
        Row(
            name, size, f"{fig.rate:.0f} stories/s", f"analyze_story alone: {floor:.0f}/s",
            f"{floor / fig.rate:.1f}x floor time" if fig.rate else "—",
            f"≥ {INGEST_TARGET:.0f} stories/s", fig.rate >= INGEST_TARGET,
        )
    )  # fmt: skip
    per = 1000 / max(1, fig.stories)
    results.section(
        f"{name}, {size}: where the time went",
        [
            f"{fig.stories} stories in {fig.seconds:.1f} s: building articles "
            f"{fig.build_seconds * per:.2f} ms/story, store_article {fig.store_seconds * per:.2f} "
            f"ms/story, analyze_pending {fig.analyze_seconds * per:.2f} ms/story.",
        ],
    )


async def _queries(
    plan: Plan,
    settings: Settings,
    services: Services,
    app: BotApp,
    api: TimedBotApi,
    kb: Knowledge,
    sample: list[Story],
    size: int,
    count: int,
    results: Results,
) -> None:
    say(f"queries at {count} stories: {plan.samples} round trips per command")
    inputs = await make_inputs(services, sample, kb, plan.samples)
    driver = Driver(app, api)
    echo_api = TimedBotApi()
    echo = echo_app(settings, echo_api)
    async with echo:
        await echo.start()
        echo_latency = await echo_floor(Driver(echo, echo_api), plan.samples, plan.budget)
        await echo.stop()
    fts = fts_floor(settings.database_path, inputs.search)
    at_target = size >= TARGET_SIZE
    lines = []
    for command in COMMANDS:
        # Slow searches still get a few samples.
        budget = plan.budget * (2 if command == "search" else 1)
        result = await run_command(driver, services, command, inputs.of(command), budget)
        api.forget_outbox()
        e2e = result.e2e
        ratio = e2e.p95 / echo_latency.p95 if echo_latency.p95 else 0.0
        results.add(
            Row(
                f"/{command} round trip", _size(size), _ms(e2e, n=True),
                f"echo bot: {_ms(echo_latency)}",
                f"p95 {ratio:.1f}x echo", f"p95 ≤ {QUERY_P95_TARGET_MS:.0f} ms at 100k",
                (e2e.p95 <= QUERY_P95_TARGET_MS) if at_target else None,
            )
        )  # fmt: skip
        if command == "search":
            ratio_fts = e2e.p95 / fts.p95 if fts.p95 else 0.0
            results.add(
                Row(
                    "/search round trip vs raw FTS5", _size(size), _ms(e2e, n=True),
                    f"FTS5 MATCH: {_ms(fts)}", f"p95 {ratio_fts:.1f}x FTS5",
                    f"p95 ≤ {SEARCH_FLOOR_RATIO:.0f}x FTS5 at 100k",
                    (ratio_fts <= SEARCH_FLOOR_RATIO) if at_target else None,
                )
            )  # fmt: skip
        outcomes = ", ".join(f"{k} {v}" for k, v in sorted(result.outcomes.items()))
        lines.append(
            f"| /{command} | {_ms(e2e)} (n={e2e.n}) | {_ms(result.service)} "
            f"(n={result.service.n}) | "
            f"{e2e.p95 - result.service.p95:.1f} ms | {outcomes} |"
        )
    results.section(
        f"Queries at {count} stories: round trip against the service call alone",
        [
            "The service call is the Services method the handler calls (for /who: "
            "find_person, then profile), timed straight on the event loop; the difference is "
            f"parsing, rendering, Telegram and the fake. At most {plan.samples} samples each "
            f"(fewer when a command spent its {plan.budget:.0f} s budget, twice that for "
            "/search, half for the service calls), after warm-up, one every "
            f"{PACE_SECONDS * 1000:.0f} ms (the app's AIORateLimiter allows 30 messages/s, "
            "so the figures are time to answer, not time queued). Outcomes: `answered` and "
            "`error` count the app's replies (`error` is the bot's error message, e.g. after "
            "the store's 10 s StoreTimeout); the rest count what the service calls returned.",
            "",
            "| Command | Round trip | Service call | p95 difference | Outcomes (app, service) |",
            "|---|---|---|---|---|",
            *lines,
            "",
            f"Floors: echo bot {_ms(echo_latency)}; FTS5 `{FTS_FLOOR_SQL}` {_ms(fts)}.",
        ],
    )


async def _pages(
    plan: Plan,
    services: Services,
    sources: dict[int, int],
    now: datetime,
    kb: Knowledge,
    results: Results,
) -> None:
    say(f"ingest with page extraction: {plan.pages} article pages")
    generator = CorpusGenerator(datetime.now(UTC), seed=500, kb=kb, days=2)
    stories = list(generator.stories(plan.pages, start_index=50_000_000))
    template = PAGE_TEMPLATE.read_text(encoding="utf-8")
    fig = await ingest_pages(services, sources, stories, template, now)
    floor_rate = fig.pages / fig.floor_seconds
    results.add(
        Row(
            "Ingest with page extraction", f"+{fig.pages} pages", f"{fig.rate:.0f} stories/s",
            f"trafilatura.extract alone: {floor_rate:.0f} pages/s",
            f"{floor_rate / fig.rate:.1f}x floor time" if fig.rate else "—",
        )
    )  # fmt: skip
    per = 1000 / max(1, fig.pages)
    results.section(
        "Ingest with page extraction: where the time went",
        [
            f"{fig.pages} pages gave {fig.stories} stories in {fig.seconds:.1f} s: "
            f"extract_article {fig.extract_seconds * per:.1f} ms/page (trafilatura.extract "
            f"alone {fig.floor_seconds * per:.1f} ms/page), building articles in all "
            f"{fig.build_seconds * per:.1f} ms/page, store_article "
            f"{fig.store_seconds * per:.2f} ms/page, analyze_pending "
            f"{fig.analyze_seconds * per:.1f} ms/page.",
        ],
    )


async def _no_pause(seconds: float) -> None:
    await asyncio.sleep(0)


async def _digests(plan: Plan, core: Core, results: Results, size: int) -> None:
    store = core.store
    now = datetime.now(UTC)
    topic_ids = [t.id for t in core.services.knowledge.topics]
    actors = await store.run(top_actors, 30)
    everyone = plan.subscribers + plan.group_chats
    say(f"digests: {plan.subscribers} private chats and {plan.group_chats} groups and channels")
    await store.run(make_subscribers, everyone, now, topic_ids, actors, groups=plan.group_chats)
    names = {tp.id: (tp.name_ar, tp.name_en) for tp in core.services.topics()}
    render = digest_renderer(names, offer_translation=core.translations is not None)
    # The 1 s pause between two messages to one chat is delivery pacing, measured under
    # Delivery; here it would only measure sleeping.
    service = DigestService(
        store, core.digests.translations, core.digests.clock, topic_ids, sleep=_no_pause
    )
    fig = await run_digests(service, everyone, render)
    results.add(
        Row(
            f"Digests for {plan.subscribers} private chats + {plan.group_chats} groups/channels",
            _size(size), f"{fig.seconds:.1f} s",
            target=f"≤ {DIGEST_TARGET_S:.0f} s for 10,000",
            passed=(fig.seconds <= DIGEST_TARGET_S) if plan.subscribers >= 10_000 else None,
        )
    )  # fmt: skip
    results.section(
        "Digests",
        [
            f"DigestService.run with the product's render (Telegram HTML in messages of at "
            f"most 4096 characters), a send that only counts and no pause between two messages "
            f"to one chat (pacing is delivery's), for {plan.subscribers} private chats and "
            f"{plan.group_chats} groups and channels (half of them in a forum topic) in 6 time "
            f"zones with mixed languages, topics, sizes and follows: {fig.subscribers} "
            f"digests claimed over {fig.runs} runs (a run takes at "
            f"most 1000 due subscriptions), {fig.variants} variants rendered, "
            f"{fig.sent} messages handed to send, in {fig.seconds:.1f} s; the render itself "
            f"took {fig.render_seconds:.2f} s.",
        ],
    )


async def _delivery(
    plan: Plan, settings: Settings, app: BotApp, api: TimedBotApi, results: Results
) -> None:
    text = "<b>Libya Brief</b>\n" + "\n".join(
        f"• خبر رقم {i}: المنفي يبحث مع وزير الخارجية المالطي التعاون في ملف الهجرة"
        for i in range(12)
    )
    say(f"delivery, limiter off: {plan.delivery_off} messages, {SEND_WORKERS} at a time")
    off_api = TimedBotApi()
    off_app = plain_app(settings, off_api)
    async with off_app:
        chats = list(range(30_000_000, 30_000_000 + plan.delivery_off))
        started = time.perf_counter()
        counts = await send_many(telegram_send(off_app.bot), chats, text, SEND_WORKERS)
        seconds = time.perf_counter() - started
    rate = plan.delivery_off / seconds
    lost = plan.delivery_off - len(off_api.outbox)
    results.add(
        Row(
            "Delivery, rate limiter off", f"{plan.delivery_off} msgs", f"{rate:.0f} msgs/s",
            target=f"≥ {DELIVERY_OFF_TARGET:.0f} msgs/s",
            passed=rate >= DELIVERY_OFF_TARGET and lost == 0 and counts["ok"] == len(chats),
        )
    )  # fmt: skip
    share = off_api.server_seconds / seconds
    say(f"delivery, limiter on: {plan.delivery_on} messages through the app's AIORateLimiter")
    api.forget_outbox()
    on = await _limited_delivery(app, api, 40_000_000, plan.delivery_on, text)
    results.add(
        Row(
            "Delivery, rate limiter on (sustained)", f"{plan.delivery_on} msgs",
            f"{on.sustained:.1f} msgs/s; {on.too_many} × 429; {on.lost} lost",
            target=f"≥ {DELIVERY_ON_TARGET:.0f} msgs/s, no 429, none lost",
            passed=on.sustained >= DELIVERY_ON_TARGET and on.too_many == 0 and on.lost == 0,
        )
    )  # fmt: skip
    lines = [
        f"Limiter off: an Application with the bot's defaults and no rate limiter sent "
        f"{plan.delivery_off} messages ({len(text)} characters of HTML) to as many chats, "
        f"{SEND_WORKERS} at a time as the digest run does, in {seconds:.2f} s: {rate:.0f} "
        f"msgs/s, {lost} lost, outcomes {dict(counts)}. The in-process fake (HTML check, "
        f"bookkeeping) spent {off_api.server_seconds:.2f} s of it ({share:.0%}) in its "
        "own threads.",
        "",
        "Limiter on: the fake enforces Telegram's limits as a token bucket, 30 messages/s "
        "with a burst of 30 overall, 1 s between two messages to one chat and 20 a minute "
        "to one group, and answers 429 with retry_after beyond them; one chat in ten is a "
        "group or channel. "
        + on.describe(
            "the product Application (AIORateLimiter(max_retries=3), PTB's default 30 messages/s)"
        ),
    ]
    if on.too_many:
        say("delivery, limiter on at 27/s: the same with a margin under Telegram's limit")
        margin_api = TimedBotApi()
        margin_app = plain_app(settings, margin_api, AIORateLimiter(27, max_retries=3))
        async with margin_app:
            margin = await _limited_delivery(
                margin_app, margin_api, 50_000_000, plan.delivery_on, text
            )
        results.add(
            Row(
                "Delivery, limiter at 27/s (proposed fix, not product)",
                f"{plan.delivery_on} msgs",
                f"{margin.sustained:.1f} msgs/s; {margin.too_many} × 429; {margin.lost} lost",
            )
        )  # fmt: skip
        lines += ["", margin.describe("an Application with AIORateLimiter(27, max_retries=3)")]
    results.section("Delivery", lines)


@dataclass(frozen=True, slots=True)
class _Limited:
    count: int
    seconds: float
    sustained: float
    too_many: int
    too_many_at: tuple[float, ...]
    lost: int
    outcomes: dict[str, int]

    def describe(self, what: str) -> str:
        times = ", ".join(f"{t:.2f}" for t in self.too_many_at[:10])
        return (
            f"Through {what}: {self.count} messages in {self.seconds:.1f} s "
            f"({self.count / self.seconds:.1f} msgs/s overall, {self.sustained:.1f} msgs/s "
            f"sustained after the first second's burst); 429 answered {self.too_many} times"
            + (f" (at {times} s)" if self.too_many else "")
            + f"; {self.count - self.lost} chats got their message; outcomes {self.outcomes}."
        )


async def _limited_delivery(
    app: BotApp, api: TimedBotApi, first_chat: int, count: int, text: str
) -> _Limited:
    """Send `count` messages to as many chats through `app` while the fake enforces limits."""
    api.enforce_limits = True
    api.too_many = 0
    api.too_many_at.clear()
    # One chat in ten a group or channel (a negative id), as a digest run to both reaches.
    chats = [-(first_chat + n) if n % 10 == 0 else first_chat + n for n in range(count)]
    started = time.perf_counter()
    outcomes = await send_many(telegram_send(app.bot), chats, text, SEND_WORKERS)
    seconds = time.perf_counter() - started
    api.enforce_limits = False
    wanted = set(chats)
    delivered = len({o.chat_id for o in api.outbox if o.chat_id in wanted})
    stamps = api.stamps
    later = [t for t in stamps if t >= stamps[0] + 1.0] if stamps else []
    sustained = (len(later) - 1) / (later[-1] - later[0]) if len(later) > 1 else 0.0
    return _Limited(
        count, seconds, sustained, api.too_many,
        tuple(t - started for t in api.too_many_at), count - delivered, dict(outcomes),
    )  # fmt: skip


def _corpus_notes(plan: Plan) -> list[str]:
    return [
        "",
        "Stories are composed from the paragraphs of tests/fixtures/eval (88 stories; the "
        "seed page is left out) with the knowledge base's people (seeds/actors.json, "
        "popularity-weighted) substituted for the people they name, topic lexicon terms "
        "(seeds/topics.json) for the terms they use, and numbers redrawn; 88% are drawn from "
        "relevant fixtures, 12% from irrelevant ones; 10 outlets; spread over the last 30 "
        "days; 15% of originals are retold by one or two other outlets 20 minutes to 18 "
        "hours later (reworded, a paragraph dropped or moved). Page-extraction stories are "
        "rendered into tests/fixtures/pages/article.html (menus, related links, sidebar).",
        f"The first {min(plan.sizes[0], plan.real)} stories, and the new stories ingested "
        "into each store size, go through the real ingest path in feed batches of 20: "
        "`_article`, `store_article`, `analyze_pending` (IngestService does the same per "
        "fetch). The rest are bulk-loaded (bench/bulk.py): `analyze_story` in worker "
        "processes, the rows `store_article` and `save_analysis` would write inserted in "
        "batched transactions (same-story groups as the generator made them, rather than "
        f"comparing signatures), for {plan.bulk_budget:.0f} s at most per load; the rest "
        "of a load are SQL copies of the analyzed stories (new ids, URLs and hashes, times "
        "shifted in time; mentions, topics and meetings copied). Both go through the "
        "schema's triggers, so the FTS5 index is built as the app builds it. Each round of "
        "copies is shifted later in time, so the analyzed stories and their copies together "
        "cover the 30 days evenly.",
    ]


def code_version() -> str:
    """The commit measured, and whether the working tree differed from it."""
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
            check=True,
        ).stdout.strip()  # fmt: skip
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--", ".", ":!bench"], cwd=root,
            capture_output=True, text=True, check=True,
        ).stdout.splitlines()  # fmt: skip
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    if not changed:
        return f"commit {head}"
    return f"commit {head}, with {len(changed)} changed file(s) outside bench/ in the working tree"


def main(argv: list[str] | None = None) -> int:
    """Run the bench and write RESULTS.md."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="10000,100000", help="store sizes for the queries")
    parser.add_argument("--quick", action="store_true", help="a smoke run over 1000 stories")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "RESULTS.md")
    parser.add_argument("--workdir", type=Path, help="keep the database here (default: a temp dir)")
    args = parser.parse_args(argv)
    plan = plan_for(args)
    command = "python -m bench " + " ".join(shlex.quote(a) for a in (argv or sys.argv[1:]))
    results = Results(
        command=command.strip(),
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine(),
    )
    results.machine["code"] = code_version()
    say(f"plan: {plan}")
    load_before = os.getloadavg()
    started = time.perf_counter()
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        asyncio.run(run(plan, args.workdir, results))
    else:
        with tempfile.TemporaryDirectory(prefix="libya-bench-") as tmp:
            asyncio.run(run(plan, Path(tmp), results))
    # Last, so that matplotlib's memory counts in no other figure's peak RSS.
    say("pictures: drawing each picture of bot.pictures")
    pictures.measure(results)
    results.duration = time.perf_counter() - started
    load_after = os.getloadavg()
    results.machine["load average (1, 5, 15 min)"] = (
        f"{' / '.join(f'{x:.2f}' for x in load_before)} at the start, "
        f"{' / '.join(f'{x:.2f}' for x in load_after)} at the end (other work shares the "
        "machine: the figures carry its noise)"
    )
    report.write(results, args.out)
    say(f"wrote {args.out}")
    missed = [r for r in results.rows if r.passed is False]
    for row in missed:
        say(f"MISSED: {row.figure} [{row.size}] {row.value} (target {row.target})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
