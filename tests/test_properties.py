"""Properties over arbitrary text: normalization, stemming, story splitting, search, HTML.

test_normalize_stem, test_stories, test_search and test_render hold the golden cases and
the first properties (idempotence, the one-pass normalize, split_html on generated
markup); these add what any text, however hostile, must never break.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.text import normalize as n
from bot.analysis.text.highlight import snippet
from bot.analysis.text.stem import index_terms, loose_key, query_terms, readings, stem
from bot.analysis.text.stories import LEAD_MAX_CHARS, split_page
from bot.ingest.dates import FIRST_YEAR, LAST_YEAR, iso_utc
from bot.ingest.feeds import parse_feed
from bot.models import SearchHit, StoryView
from bot.services import SearchResult, Services
from bot.tg.cards import search_hit
from bot.tg.fake_api import parse_telegram_html
from bot.tg.render import MAX_MESSAGE, esc, esc_attr, join_blocks, split_html, story_item, utf16_len
from storage import Store, search, sources
from tests.conftest import FIXED_NOW

TRIPOLI = ZoneInfo("Africa/Tripoli")
# What a reading may hold: letters and digits only, so no FTS5 operator, quote, column
# filter, prefix star or NUL can ever reach a MATCH expression through it.
FTS5_SAFE = re.compile(r"[^\W_]+")
# Everything normalize() must remove or fold away.
FOLDED = set(
    "\u0640أإآٱىةؤئیکەۀ٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹"
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)
MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed]")

# ---- strategies ------------------------------------------------------------------------------

ARABIC_BLOCK = "".join(chr(c) for c in range(0x0600, 0x0700))
HOSTILE_BITS = [
    "\u200f", "\u202e", "\u2066", "\u2069", "\u200b", "\ufeff", "\u0640", "\u0651", "\u064e",
    '"', "*", "NEAR(", " AND ", " OR ", " NOT ", "col:", "^", "(", ")", "'", ";", "--",
    "<b>", "</i>", "&amp;", "<", "&", "\x00", "\x1f", "\x7f", "\r\n", "\t", "\u2028",
    "😀", "🇱🇾", "𝟓", "٣", "۴", "ﻻ", "ﷺ", "İ", "ß",
]  # fmt: skip
# Realistic text (Arabic, Latin, digits, marks, invisibles, punctuation) mixed with hostile
# fragments, and text drawn from the whole of Unicode.
mixed_text = st.lists(
    st.one_of(
        st.text(alphabet=ARABIC_BLOCK + " \n.،؟", max_size=30),
        st.text(alphabet="abcXYZ019 -_.", max_size=10),
        st.sampled_from(HOSTILE_BITS),
    ),
    max_size=12,
).map("".join)
any_text = st.one_of(st.text(), mixed_text)


# ---- normalization and stemming --------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_normalize_leaves_no_tatweel_marks_invisibles_or_foreign_digits(text: str) -> None:
    out = n.normalize(text)
    assert not FOLDED & set(out), sorted(FOLDED & set(out))
    assert not MARKS.search(out)
    assert out == out.casefold()
    # Each rule alone is idempotent too.
    for rule in n.RULES:
        once = rule(text)
        assert rule(once) == once, rule.__name__


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_tokens_are_normalized_words(text: str) -> None:
    for word in n.tokens(text):
        assert FTS5_SAFE.fullmatch(word), word
        assert n.normalize(word) == word
        assert n.tokens(word) == [word]


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_readings_are_fts5_safe_pieces_of_the_word(text: str) -> None:
    for word in n.tokens(text):
        found = readings(word)
        assert found and len(set(found)) == len(found)
        assert stem(word) == found[0] == min(found, key=len)
        for reading in found:
            assert FTS5_SAFE.fullmatch(reading), (word, reading)
            assert reading in word  # only clitics and suffixes come off


@settings(max_examples=300, deadline=None)
@given(any_text, st.integers(min_value=1, max_value=20))
def test_query_terms_are_bounded_distinct_and_indexed_alike(text: str, limit: int) -> None:
    groups = query_terms(text, limit)
    assert len(groups) <= limit
    assert len(set(groups)) == len(groups)
    indexed = index_terms(text).split()
    loose = {loose_key(r) for word in n.tokens(text) for r in readings(word)} - {""}
    for group in groups:
        assert group and all(FTS5_SAFE.fullmatch(term) for term in group), group
        # What a query asks for, the index of the same text holds: a story finds itself.
        # Loose keys are the exception: only the names of a story's people and places are
        # indexed under them (bot/analysis/pipeline.py), so they are asked for besides, never alone.
        assert set(group) - loose <= set(indexed)
    assert all(FTS5_SAFE.fullmatch(term) for term in indexed)
    # The whole query, quoted, mentions no syntax outside its quotes.
    outside = re.sub(r'"(?:[^"]|"")*"', "", search.fts_query(groups))
    assert set(outside) <= set("() ANDOR"), outside


# ---- story splitting -------------------------------------------------------------------------

page_lines = st.lists(
    st.one_of(
        mixed_text,
        st.sampled_from(
            [
                "رئيس التحرير",
                "محمد الباز",
                "وزيرة الخارجية تلتقي السفير الإيطالي",
                "التقت الوزيرة السفير اليوم في طرابلس.",
                "شارك الخبر",
                "...",
                "",
                "ل" * 700,
                "كلمة " * 90 + ".",
            ]
        ),
    ),
    max_size=30,
).map("\n".join)


def _folded_lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


def _is_subsequence(items: list[str], of: list[str]) -> bool:
    rest = iter(of)
    return all(any(item == other for other in rest) for item in items)


@settings(max_examples=250, deadline=None)
@given(st.one_of(st.text(max_size=3000), page_lines))
def test_split_page_invents_nothing_and_keeps_the_order(text: str) -> None:
    lines = _folded_lines(text)
    stories = split_page(text)
    paragraphs = [p for story in stories for p in story.body.split("\n\n")]
    # Every paragraph is a line of the page, whitespace folded, in the page's order.
    assert _is_subsequence(paragraphs, lines), paragraphs
    for story in stories:
        first = story.body.split("\n\n")[0]
        # The lead is the start of the first paragraph, perhaps cut with an ellipsis.
        assert first.startswith(story.lead.removesuffix("…")), (story.lead, first)
        assert len(story.lead) <= LEAD_MAX_CHARS
        # The headline is a line of the page, or the start of the lead's first sentence.
        headline = story.headline.removesuffix("…")
        assert headline in lines or story.lead.startswith(headline), (headline, story.lead)


# ---- search against a real store -------------------------------------------------------------
# Through the conftest store and services: one database per test function, which the
# examples share (hence the suppressed health check); each example replaces the story.

FUNCTION_SCOPED = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _only_story(store: Store, text: str) -> int:
    """The store's one shown story, its search index holding `text` as analysis stores it."""

    def insert(db: sqlite_utils.Database) -> int:
        db.execute("DELETE FROM stories")
        source = sources.ensure_source(
            db, url="test:properties", name="Props", name_ar="خصائص", kind="seed",
            language="ar", now=FIXED_NOW,
        )  # fmt: skip
        db.table("articles").insert(
            {"id": 1, "source_id": source, "fetched_at": "2026-11-29T07:00:00+00:00",
             "content_hash": "p", "raw_text": "", "url": "https://e.ly/p"},
            ignore=True,
        )  # fmt: skip
        db.table("stories").insert(
            {"article_id": 1, "position": 0, "headline": "h", "lead": "", "body": text,
             "sort_at": "2026-11-29T07:00:00+00:00"}
        )  # fmt: skip
        story_id = int(db.execute("SELECT max(id) FROM stories").fetchone()[0])
        db.execute(
            "UPDATE stories SET relevant = 1, search_stems = ?, search_tags = '' WHERE id = ?",
            [index_terms(text), story_id],
        )
        return story_id

    return store.run_sync(insert)


def _search(services: Services, query: str) -> SearchResult:
    return asyncio.run(services.search(query))


search_words = st.one_of(
    st.text(alphabet=ARABIC_BLOCK + "abcdefXYZ0123456789\u200f\u0640", min_size=1, max_size=15),
    st.text(min_size=1, max_size=15),
)


@FUNCTION_SCOPED
@given(
    words=st.lists(search_words, min_size=1, max_size=12),
    sep=st.sampled_from([" ", "\n", "، ", ". ", ' "', "* ", ") (", " ^"]),
    data=st.data(),
)
def test_a_story_is_found_by_any_of_its_words(
    services: Services, words: list[str], sep: str, data: st.DataObject
) -> None:
    text = sep.join(words)
    story_id = _only_story(services.store, text)
    tokens = n.tokens(text)
    if not tokens:
        assert _search(services, text).total == 0
        return
    word = data.draw(st.sampled_from(tokens), label="word")
    # Syntax around the word is only punctuation: the word itself is still searched.
    for query in (word, " ".join(tokens[:16]), f'"{word}*', f"^({word}):", f"-{word}+", f'{word}"'):
        result = _search(services, query)
        assert [hit.story.id for hit in result.hits] == [story_id], query
        assert result.total == 1


long_queries = st.builds(
    lambda head, size, tail: head * size + tail,
    st.sampled_from([" ", "\u3000", "\n", "ليبيا ", "x", '" ', "*("]),
    st.integers(min_value=1900, max_value=2100),
    st.text(max_size=20),
)


@FUNCTION_SCOPED
@given(query=st.one_of(any_text, long_queries))
def test_any_user_string_is_a_valid_search(services: Services, query: str) -> None:
    _only_story(services.store, "ليبيا والانتخابات في طرابلس")
    try:
        result = _search(services, query)
    except sqlite3.OperationalError as exc:  # pragma: no cover - the failure looked for
        pytest.fail(f"{query[:80]!r} broke the MATCH expression: {exc}")
    assert result.total == len(result.hits) <= 1
    assert len(result.groups) <= 16


# ---- rendering -------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(any_text)
def test_escaped_text_shows_exactly_as_written(text: str) -> None:
    assert parse_telegram_html(esc(text)) == text
    assert parse_telegram_html(f"<b>{esc(text)}</b>") == text
    link = f'<a href="{esc_attr(text)}">{esc(text)}</a>'
    assert parse_telegram_html(link) == text


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(st.text(max_size=6000), mixed_text),
    st.integers(min_value=1, max_value=20),
    st.sampled_from([60, 200, 1000, MAX_MESSAGE]),
)
def test_split_html_of_any_escaped_text(text: str, repeat: int, limit: int) -> None:
    body = text * repeat
    markup = f"<i>{esc(body)}</i>"
    chunks = split_html(markup, limit)
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        assert parse_telegram_html(chunk).strip()
    shown = "".join(parse_telegram_html(chunk) for chunk in chunks)
    assert "".join(shown.split()) == "".join(body.split())


story_views = st.builds(
    StoryView,
    id=st.integers(min_value=1, max_value=10**6),
    headline=any_text,
    lead=st.one_of(any_text, st.text(min_size=3000, max_size=5000)),
    outlet=any_text,
    outlet_ar=any_text,
    url=st.one_of(st.none(), any_text.map(lambda s: "https://e.ly/" + s)),
    # Whatever ingest admits: see test_dates_from_feeds_are_safe_to_show_anywhere.
    published_at=st.one_of(
        st.none(),
        st.datetimes(
            min_value=datetime(FIRST_YEAR, 1, 1),
            max_value=datetime(LAST_YEAR, 12, 31, 23, 59),
            timezones=st.just(UTC),
        ),
    ),
    sources=st.integers(min_value=1, max_value=50),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(story_views, min_size=1, max_size=8), st.sampled_from(["ar", "en"]))
def test_story_lists_of_any_text_are_valid_messages(stories: list[StoryView], lang: str) -> None:
    assert lang in ("ar", "en")
    blocks = [story_item(s, i + 1, "ar" if lang == "ar" else "en", TRIPOLI) for i, s in
              enumerate(stories)]  # fmt: skip
    for block in blocks:
        parse_telegram_html(block)
    chunks = join_blocks(blocks)
    assert chunks
    for chunk in chunks:
        assert utf16_len(chunk) <= MAX_MESSAGE
        assert parse_telegram_html(chunk).strip()


@settings(max_examples=150, deadline=None)
@given(body=any_text, query=any_text, headline=any_text)
def test_search_hits_of_any_text_are_valid_html(body: str, query: str, headline: str) -> None:
    view = StoryView(
        id=1, headline=headline, lead="", outlet="o", outlet_ar="م", url=None, published_at=None
    )
    runs = snippet(body, query_terms(query))
    assert "".join(text for text, _ in runs).strip("…") in body
    for lang in ("ar", "en"):
        markup = search_hit(SearchHit(story=view, body=body), 1, runs, lang, TRIPOLI)
        parse_telegram_html(markup)


# ---- dates from feeds and pages --------------------------------------------------------------

ZONES = [ZoneInfo(z) for z in ("Africa/Tripoli", "Pacific/Kiritimati", "Etc/GMT+12", "UTC")]
offsets = st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)


@settings(max_examples=300, deadline=None)
@given(
    st.datetimes(timezones=st.one_of(st.none(), offsets))
    | st.sampled_from([datetime.min, datetime.max, datetime.max.replace(tzinfo=UTC)])
)
def test_dates_from_feeds_are_safe_to_show_anywhere(moment: datetime) -> None:
    read = iso_utc(moment.isoformat())
    if read is None:
        return
    assert read.tzinfo is UTC
    # Shown in any zone, and windows taken off it (grouping, digests), without overflow.
    for zone in ZONES:
        for lang in ("ar", "en"):
            story = StoryView(1, "h", "", "o", "م", None, read)
            parse_telegram_html(story_item(story, 1, "ar" if lang == "ar" else "en", zone))
    assert read - timedelta(days=366) < read < read + timedelta(days=366)


@pytest.mark.parametrize(
    ("pub_date", "kept"),
    [
        ("Fri, 31 Dec 9999 23:59:59 GMT", False),
        ("Mon, 01 Jan 0001 00:00:00 GMT", False),
        ("Sun, 29 Nov 2026 07:00:00 GMT", True),
    ],
)
def test_feed_dates_no_story_could_carry_are_dropped(pub_date: str, kept: bool) -> None:
    rss = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
        "<item><title>خبر</title><link>https://e.ly/1</link>"
        f"<pubDate>{pub_date}</pubDate></item></channel></rss>"
    ).encode()
    feed = parse_feed(rss, url="https://e.ly/feed", headers={})
    assert feed is not None
    [entry] = feed.entries
    assert (entry.published is not None) == kept
    assert iso_utc("9999-12-31T23:59:59+00:00") is None
    assert iso_utc("0001-01-01") is None
