"""One hostile source must not stall the others: budgets per source run, and polling.

A feed of thousands of teasers, or teasers whose pages drip a byte a second, once held an
ingest for many minutes, and the poll (one job for every source) with it.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import timedelta

import pytest

from bot.config import Settings
from bot.core import Core, build_core
from bot.ingest.fetch import Fetcher
from bot.ingest.reading import MAX_TEASER_FETCHES
from bot.tg import app as app_module
from bot.tg.app import build_application, running
from bot.tg.fake_api import FakeBotApi
from storage import Store, sources
from tests.conftest import TOKEN, local_only_resolver
from tests.fakes.bot_api_server import serve
from tests.fakes.news_site import NewsSite, news_site
from tests.test_ingest import (  # noqa: F401 - build is a fixture
    INTERVAL,
    LONG_PARAGRAPHS,
    RSS,
    Build,
    Clock,
    article_page,
    build,
    rss,
)

TEASER = "اجتماع اللجنة المشتركة في طرابلس لبحث الملفات العالقة."


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as running_site:
        yield running_site


def teaser_feed(site: NewsSite, count: int, prefix: str = "/news") -> bytes:
    """A feed of `count` teasers, each linking to its own article page under `prefix`."""
    items = [
        {
            "title": f"اجتماع اللجنة الليبية المشتركة رقم {n} في طرابلس",
            "link": site.url(f"{prefix}/{n}"),
            "pubDate": f"Sat, {n % 28 + 1:02d} Nov 2026 09:00:00 +0000",
            "description": f"{TEASER} ({n})",
        }
        for n in range(1, count + 1)
    ]
    return rss("أخبار قصيرة", items)


def serve_articles(site: NewsSite, count: int) -> None:
    for n in range(1, count + 1):
        title = f"اجتماع اللجنة الليبية المشتركة رقم {n} في طرابلس"
        paragraphs = [f"{TEASER} ({n})", *LONG_PARAGRAPHS]
        site.route(f"/news/{n}", article_page(title, paragraphs, "2026-11-20T09:00:00Z"))


def page_hits(site: NewsSite, prefix: str = "/news/") -> int:
    return sum(1 for r in list(site.requests) if r.path.startswith(prefix))


async def test_a_feed_of_many_teasers_fetches_a_bounded_number_of_pages_per_run(
    build: Build,  # noqa: F811
    site: NewsSite,
) -> None:
    rig = build()
    count = MAX_TEASER_FETCHES + 10
    site.route("/feed", teaser_feed(site, count), content_type=RSS, etag='"v1"')
    serve_articles(site, count)
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    # Like a listing: at most MAX_TEASER_FETCHES pages a run; the rest wait for the next.
    assert page_hits(site) == MAX_TEASER_FETCHES
    assert (added.run.entries, added.run.new, added.run.left) == (count, MAX_TEASER_FETCHES, 10)
    # Entries were left, so the feed's validators are not kept: a 304 would strand them.
    assert not (await rig.source(added.source.id)).etag
    rig.clock.advance(INTERVAL)
    [second] = await rig.ingest.ingest_due()
    assert site.requests[-11].headers.get("if-none-match") is None
    assert (second.new, second.left) == (10, 0)
    assert page_hits(site) == count  # every page once, none twice
    rows = await rig.rows("SELECT raw_text FROM articles")
    assert len(rows) == count and all(LONG_PARAGRAPHS[0] in r["raw_text"] for r in rows)
    # Nothing was left this time: the validators are kept again.
    assert (await rig.source(added.source.id)).etag == '"v1"'


async def test_a_run_stops_fetching_pages_at_its_time_budget(
    build: Build,  # noqa: F811
    site: NewsSite,
) -> None:
    # Each page drips a byte every 0.2 s: the fetcher gives up on one only after 3 s, so
    # 24 of them, 4 at a time, would hold the run for 18 s.
    rig = build(total_timeout=3, read_timeout=10)
    rig.ingest.run_budget = 1.0
    site.route("/feed", teaser_feed(site, 24, prefix="/drip"), content_type=RSS)
    for n in range(1, 25):
        site.trickle(f"/drip/{n}", interval=0.2, length=1000)
    started = time.monotonic()
    added = await rig.ingest.add_source(site.url("/feed"), None, by=None)
    took = time.monotonic() - started
    assert took < 2.5, took
    # The pages not read in time keep their teaser, as a page that timed out does.
    assert (added.run.entries, added.run.new, added.run.error) == (24, 20, None)
    assert page_hits(site, "/drip/") <= 8
    rows = await rig.rows("SELECT raw_text FROM articles")
    assert all(r["raw_text"].startswith(TEASER) for r in rows)


# --- polling: each source has its own slot ------------------------------------------------


@pytest.fixture
async def polled(
    settings: Settings, store: Store, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[Core, Clock]]:
    """The serving bot's jobs over a fake Bot API, the poll ticking every 0.2 s."""
    monkeypatch.setattr(app_module, "POLL_TICK_SECONDS", 0.2)
    monkeypatch.setattr(app_module, "POLL_FIRST_SECONDS", 0.1)
    clock = Clock()
    fetcher = Fetcher(
        allow_private=True, resolver=local_only_resolver, total_timeout=30, read_timeout=30
    )
    wired = replace(settings, default_sources=False, analysis_workers=1)
    core = build_core(wired, store, fetcher=fetcher, translations=None, clock=clock)
    api = FakeBotApi(token=TOKEN)
    with serve(api) as url:
        wired = replace(wired, telegram_api_base_url=url, telegram_bot_token=TOKEN)
        app = build_application(wired, core, serving=True)
        async with running(app):
            yield core, clock


async def wait_until(predicate: object, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if callable(predicate) and predicate():
            return True
        await asyncio.sleep(0.05)
    return False


async def test_a_source_still_running_holds_back_only_itself(
    polled: tuple[Core, Clock], site: NewsSite
) -> None:
    core, clock = polled
    site.route("/slow", teaser_feed(site, 8, prefix="/drip"), content_type=RSS)
    for n in range(1, 9):
        site.trickle(f"/drip/{n}", interval=0.5, length=1000)
    # Another host (the fetcher limits requests at once per host, as a courtesy).
    good = site.url("/good").replace("127.0.0.1", "localhost")
    site.route("/good", teaser_feed(site, 2).replace(b"127.0.0.1", b"localhost"), content_type=RSS)
    serve_articles(site, 2)
    for url in (site.url("/slow"), good):
        await core.store.run(
            sources.add_source, url=url, site_url=None, name=url, name_ar="",
            kind="feed", language="ar", added_by=None, now=clock(),
        )  # fmt: skip
    assert await wait_until(lambda: page_hits(site, "/drip/") > 0, 10)
    found = await core.ingest.find(good)
    while found is not None and found.last_ok_at is None:  # its run is over
        await asyncio.sleep(0.05)
        found = await core.ingest.find(good)
    # The healthy source falls due again while the slow one is still dripping.
    clock.advance(INTERVAL + timedelta(minutes=1))
    assert await wait_until(lambda: site.hits("/good") >= 2, 3), "the poll waited on /slow"
    assert site.hits("/slow") == 1  # the source still running is not started twice
