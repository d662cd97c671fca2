"""A huge headline is cut where it is stored and again where it is shown, never sent whole.

A feed item with a 1 MB title once made `/latest 5`, `/search` and `/digest` each send 259
messages to whoever asked. Scaled down here to 20,000 characters: five messages before.
"""

from __future__ import annotations

import asyncio
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.analysis.text.highlight import snippet
from bot.analysis.text.stem import query_terms
from bot.config import Settings
from bot.core import Core
from bot.models import StoryView
from bot.tg.fake_api import FakeBotApi, Outgoing
from bot.tg.render import MAX_MESSAGE, story_item
from tests.conftest import FIXED_NOW
from tests.fakes.bot_api_server import polling_bot
from tests.test_ingest import LONG_PARAGRAPHS, rss

PHRASE = "المنفي يبحث مع السفير الإيطالي في طرابلس ملف الانتخابات الليبية"
HUGE = " ".join([PHRASE] * 300)  # 20,000 characters
TRIPOLI = ZoneInfo("Africa/Tripoli")


async def replies_to(api: FakeBotApi, text: str) -> list[Outgoing]:
    """Every message the bot sends for one command (more than one arrive a second apart)."""
    api.user_sends(text, language_code="en")
    sent = await asyncio.to_thread(api.wait_for_outbox, 1, 10.0)
    while more := await asyncio.to_thread(api.wait_for_outbox, 1, 1.5):
        sent += more
    return sent


def assert_one_short_message(sent: list[Outgoing]) -> None:
    assert len(sent) == 1, f"{len(sent)} messages, {sum(len(m.text) for m in sent)} characters"
    assert len(sent[0].text) < 2000


async def test_a_huge_feed_title_is_stored_cut_and_kept_whole_in_the_body(
    settings: Settings, core: Core, tmp_path: Path
) -> None:
    feed = tmp_path / "feed.xml"
    item = {
        "title": HUGE,
        "link": "https://news.example.ly/huge",
        "pubDate": "Sun, 29 Nov 2026 06:00:00 +0000",
        "content": "".join(f"<p>{p}</p>" for p in LONG_PARAGRAPHS),
    }
    feed.write_bytes(rss("أخبار", [item]))
    async with polling_bot(settings, core) as (api, _):
        run = await core.ingest.ingest_file(feed, None)
        assert run.new == 1 and run.relevant == 1
        rows = await core.store.run(
            lambda db: list(db.query("SELECT headline, lead, body FROM stories ORDER BY id DESC"))
        )
        stored = rows[0]
        assert len(stored["headline"]) <= 300 and stored["headline"].startswith(PHRASE)
        assert stored["headline"].endswith("…")
        assert HUGE in stored["body"]  # nothing is lost: search still finds every word
        assert len(stored["lead"]) <= 300
        assert_one_short_message(await replies_to(api, "/latest 5"))
        assert_one_short_message(await replies_to(api, "/search المنفي الإيطالي"))
        assert_one_short_message(await replies_to(api, "/digest"))


async def test_a_huge_headline_stored_before_the_bound_is_cut_when_shown(
    settings: Settings, core: Core
) -> None:
    async with polling_bot(settings, core) as (api, _):
        # The seed's stories, as an older version would have stored a 1 MB title.
        await core.store.run(
            lambda db: db.execute("UPDATE stories SET headline = ?, lead = ?", [HUGE, HUGE])
        )
        assert_one_short_message(await replies_to(api, "/latest 5"))
        assert_one_short_message(await replies_to(api, "/search الدستور"))
        assert_one_short_message(await replies_to(api, "/digest"))


def test_every_piece_of_a_story_item_is_bounded() -> None:
    story = StoryView(
        id=1,
        headline="ا" * 1_000_000,  # one huge word
        lead=HUGE * 50,
        url="https://news.example.ly/" + "a" * 1_000_000,
        outlet="Outlet",
        outlet_ar="المنبر",
        published_at=datetime(2026, 11, 29, tzinfo=FIXED_NOW.tzinfo),
        sources=1,
    )
    for lang in ("en", "ar"):
        text = story_item(story, 1, lang, TRIPOLI)
        assert len(text) < MAX_MESSAGE // 3
        assert "news.example.ly" not in text  # a link too long to send is left out


def test_the_passage_of_a_huge_body_is_found_in_linear_time() -> None:
    """The whole title is kept in the body, so /search shows a passage of a 1 MB body."""
    groups = tuple(query_terms("المنفي"))
    body = " ".join([PHRASE] * 16_000)  # 1 MB, 16,000 matches: over 100 s counted pairwise
    started = time.monotonic()
    runs = snippet(body, groups)
    assert time.monotonic() - started < 3.0
    assert runs[0] == ("المنفي", True)
    assert sum(len(text) for text, _ in runs) < 400
