"""Telegram HTML rendering: escaping, story items, and splitting long replies safely."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.models import StoryView
from bot.tg.fake_api import parse_telegram_html
from bot.tg.render import (
    MAX_MESSAGE,
    esc,
    esc_attr,
    join_blocks,
    split_html,
    story_item,
    utf16_len,
)

TRIPOLI = ZoneInfo("Africa/Tripoli")
_TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)[^>]*>")


def squash(text: str) -> str:
    """Text with all whitespace removed, for comparing what is shown modulo layout."""
    return "".join(text.split())


def visible(markup: str) -> str:
    return parse_telegram_html(markup)


def assert_chunks_ok(
    chunks: list[str], original_visible: str, limit: int, *, was_cut: bool = True
) -> None:
    for chunk in chunks:
        assert utf16_len(chunk) <= limit, (utf16_len(chunk), chunk[:200])
        shown = parse_telegram_html(chunk)  # raises ApiError where Telegram would refuse it
        assert chunk.strip(), repr(chunk)
        assert shown.strip(), repr(chunk)
        if was_cut:
            # No blank line or space at the top or bottom of a message, even inside tags.
            assert shown == shown.strip(), repr(chunk[:100] + " ... " + chunk[-100:])
    assert squash("".join(visible(chunk) for chunk in chunks)) == squash(original_visible)


def tag_overhead(markup: str) -> int:
    """The most UTF-16 units that the open tags and their closing tags take at any point."""
    stack: list[tuple[str, str]] = []
    worst = 0
    for match in _TAG.finditer(markup):
        if match.group(1):
            stack.pop()
            continue
        stack.append((match.group(), match.group(2)))
        worst = max(worst, sum(utf16_len(raw) + len(name) + 3 for raw, name in stack))
    return worst


# ---- strategies ------------------------------------------------------------------------------

ARABIC = "".join(chr(c) for c in range(0x0600, 0x0700)) + "   \n.،؟"
ARABIC_LETTERS = "".join(chr(c) for c in range(0x0621, 0x064B))
JUNK = [
    "<script>",
    "</script>",
    "a & b",
    "<b>",
    "</i>",
    '"quoted"',
    "'single'",
    "&amp;",
    "&lt;",
    "<",
    ">",
    "&",
    "x<y>z",
    "AT&T",
    "<a href='x'>",
]
SEPARATORS = [" ", "\n", "\n\n", ". ", "؟ ", "، ", "\n\n\n", "  "]

emoji = st.text(
    alphabet=st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF), min_size=1, max_size=4
)
arabic = st.text(alphabet=ARABIC, max_size=80)
fragment = st.one_of(arabic, st.sampled_from(JUNK), emoji, st.sampled_from(SEPARATORS))
small_text = st.lists(fragment, min_size=1, max_size=6).map("".join)


def repeated(seed: str, size: int) -> str:
    return (seed * (size // len(seed) + 1))[:size]


# Hypothesis favours small numbers; name the big sizes so they come up often.
word_sizes = st.sampled_from([1_000, 4_095, 4_097, 10_000]) | st.integers(300, 10_000)
text_sizes = st.sampled_from([4_000, 8_200, 30_000]) | st.integers(1_000, 30_000)
long_word = st.builds(
    repeated,
    st.text(alphabet=ARABIC_LETTERS + "😀🇱🇾&<>\"'", min_size=1, max_size=5),
    word_sizes,
)
long_text = st.builds(
    repeated,
    st.lists(fragment, min_size=2, max_size=8).map("".join).filter(lambda s: s.strip()),
    text_sizes,
)
bulk = st.one_of(long_word, long_text)

hrefs = st.one_of(
    st.sampled_from(
        [
            "https://example.com/?a=1&b=2",
            'https://e.ly/"q"',
            "https://t.me/s/libya",
            "https://x.y/<z>",
        ]
    ),
    st.text(alphabet="ab\"&<>'", max_size=5).map(lambda tail: f"https://e.ly/{tail}"),
)


@st.composite
def tag(draw: st.DrawFn) -> tuple[str, str]:
    name = draw(st.sampled_from(["b", "i", "a"]))
    if name == "a":
        return f'<a href="{esc_attr(draw(hrefs))}">', "</a>"
    return f"<{name}>", f"</{name}>"


@st.composite
def node(draw: st.DrawFn, depth: int = 0) -> str:
    if depth >= 3 or draw(st.integers(min_value=0, max_value=2)) == 0:
        return esc(draw(small_text))
    opening, closing = draw(tag())
    children = draw(st.lists(node(depth + 1), min_size=1, max_size=3))
    return opening + "".join(children) + closing


@st.composite
def telegram_html(draw: st.DrawFn, with_bulk: bool = True) -> str:
    """Well-formed Telegram HTML: escaped text in <b>, <i> and <a> at most three deep."""
    parts = draw(st.lists(node(), min_size=1, max_size=5))
    if with_bulk and draw(st.booleans()):
        wrappers = draw(st.lists(tag(), max_size=2))
        inner = esc(draw(bulk))
        for opening, closing in reversed(wrappers):
            inner = opening + inner + closing
        parts.insert(draw(st.integers(min_value=0, max_value=len(parts))), inner)
    return "".join(parts)


def small_limit(markup: str) -> st.SearchStrategy[int]:
    # A chunk must hold the tags open around a cut plus some text; keep limits where it can.
    low = max(50, 2 * tag_overhead(markup) + 8)
    return st.integers(min_value=low, max_value=max(300, low))


# ---- split_html properties ---------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(telegram_html(), st.data())
def test_split_html_small_limits(markup: str, data: st.DataObject) -> None:
    limit = data.draw(small_limit(markup), label="limit")
    original = visible(markup)
    chunks = split_html(markup, limit)
    fits = utf16_len(markup) <= limit
    assert_chunks_ok(chunks, original, limit, was_cut=not fits)
    if fits:
        assert chunks == ([markup] if original.strip() else [])


@settings(max_examples=100, deadline=None)
@given(telegram_html())
def test_split_html_default_limit(markup: str) -> None:
    original = visible(markup)
    chunks = split_html(markup)
    fits = utf16_len(markup) <= MAX_MESSAGE
    assert_chunks_ok(chunks, original, MAX_MESSAGE, was_cut=not fits)
    if fits:
        assert chunks == ([markup] if original.strip() else [])
    elif utf16_len(squash(original)) > MAX_MESSAGE:
        assert len(chunks) >= 2


@settings(max_examples=100, deadline=None)
@given(
    telegram_html(with_bulk=False).filter(
        lambda m: visible(m).strip() and utf16_len(m) <= MAX_MESSAGE
    )
)
def test_split_html_returns_fitting_markup_unchanged(markup: str) -> None:
    assert split_html(markup) == [markup]
    assert join_blocks([markup]) == [markup]


@settings(max_examples=60, deadline=None)
@given(st.lists(telegram_html(), min_size=1, max_size=4), st.data())
def test_join_blocks_properties(blocks: list[str], data: st.DataObject) -> None:
    limit = data.draw(small_limit("".join(blocks)), label="limit")
    chunks = join_blocks(blocks, limit)
    assert_chunks_ok(chunks, "".join(visible(b) for b in blocks), limit, was_cut=False)


@settings(max_examples=60, deadline=None)
@given(st.lists(telegram_html(with_bulk=False), min_size=1, max_size=8), st.integers(300, 4096))
def test_join_blocks_keeps_fitting_blocks_whole_and_in_order(blocks: list[str], limit: int) -> None:
    blocks = [b for b in blocks if visible(b).strip() and utf16_len(b) <= limit]
    chunks = join_blocks(blocks, limit)
    assert "\n\n".join(chunks) == "\n\n".join(blocks)
    for chunk in chunks:
        assert utf16_len(chunk) <= limit
        parse_telegram_html(chunk)
    # As few messages as fit: the next message's first block would not have fitted.
    index = 0
    for chunk in chunks:
        taken = 1
        while "\n\n".join(blocks[index : index + taken]) != chunk:
            taken += 1
        index += taken
        if index < len(blocks):
            assert utf16_len(f"{chunk}\n\n{blocks[index]}") > limit
    assert index == len(blocks)


words = st.lists(
    st.text(alphabet=ARABIC_LETTERS + "😀", min_size=1, max_size=12), min_size=30, max_size=400
)


@settings(max_examples=100, deadline=None)
@given(words, st.lists(st.sampled_from([" ", "\n", "\n\n", ". ", "، "]), min_size=1), st.data())
def test_split_html_never_cuts_a_word_that_fits(
    ws: list[str], seps: list[str], data: st.DataObject
) -> None:
    text = "".join(w + seps[i % len(seps)] for i, w in enumerate(ws)).strip()
    markup = "<b>" + esc(text) + "</b>"
    limit = data.draw(st.integers(min_value=60, max_value=300), label="limit")
    chunks = split_html(markup, limit)
    assert_chunks_ok(chunks, text, limit)
    expected = text.replace(".", " ").replace("،", " ").split()
    got = [
        w for chunk in chunks for w in visible(chunk).replace(".", " ").replace("،", " ").split()
    ]
    assert got == expected


# ---- split_html examples -----------------------------------------------------------------------


def test_cut_prefers_paragraph_break_over_sentence_end_and_space() -> None:
    first = "one two. three four. five six"  # sentence ends and spaces, then a paragraph break
    markup = f"{first}\n\nseven eight. nine ten eleven twelve thirteen fourteen"
    chunks = split_html(markup, 40)
    assert chunks[0] == first
    assert chunks[1] == "seven eight. nine ten eleven twelve"
    assert chunks[2] == "thirteen fourteen"


def test_cut_prefers_sentence_end_over_space() -> None:
    markup = "alpha beta gamma delta. epsilon zeta eta theta iota kappa lambda mu nu"
    chunks = split_html(markup, 40)
    assert chunks[0] == "alpha beta gamma delta."
    # No sentence end further on: the cut falls on a space.
    assert chunks[1:] == ["epsilon zeta eta theta iota kappa", "lambda mu nu"]


def test_cut_prefers_line_break_over_sentence_end() -> None:
    markup = "alpha. beta gamma delta\nepsilon. zeta eta theta iota kappa"
    assert split_html(markup, 40) == [
        "alpha. beta gamma delta",
        "epsilon. zeta eta theta iota kappa",
    ]


def test_cut_falls_on_a_space_not_inside_a_word() -> None:
    text = " ".join(["كلمة"] * 30)  # 149 characters, no sentence ends
    chunks = split_html(text, 50)
    # Ten words and their spaces take 49 characters; an eleventh would need 54.
    assert chunks == [" ".join(["كلمة"] * 10)] * 3


def test_a_word_longer_than_a_chunk_is_cut() -> None:
    word = "ل" * 10_000
    chunks = split_html(f"<b>{word}</b>", 4096)
    assert len(chunks) in (3, 4)
    assert all(c.startswith("<b>") and c.endswith("</b>") for c in chunks)
    assert "".join(visible(c) for c in chunks) == word


def test_emoji_count_two_units_and_are_never_split() -> None:
    text = "😀" * 3000  # 6000 UTF-16 units
    chunks = split_html(text, 4096)
    assert len(chunks) == 2
    assert all(utf16_len(c) <= 4096 for c in chunks)
    assert "".join(chunks) == text


def test_open_tags_are_closed_and_reopened_at_a_cut() -> None:
    text = " ".join(["خبر"] * 40)  # 159 characters
    markup = f"<b>{text}</b>"
    chunks = split_html(markup, 100)
    assert len(chunks) == 2
    for chunk in chunks:
        assert chunk.startswith("<b>") and chunk.endswith("</b>")
        assert "<b>" not in chunk[3:] and "</b>" not in chunk[:-4]
    assert squash("".join(visible(c) for c in chunks)) == squash(text)


def test_nested_tags_with_attributes_are_reopened_in_order() -> None:
    href = esc_attr('https://example.com/?a=1&b="2"')
    text = " ".join(["word"] * 60)
    markup = f'<a href="{href}"><i>{text}</i></a>'
    chunks = split_html(markup, 150)
    assert len(chunks) >= 3
    opening = f'<a href="{href}"><i>'
    for chunk in chunks:
        assert chunk.startswith(opening)
        assert chunk.endswith("</i></a>")
        parse_telegram_html(chunk)


def test_blank_markup_gives_no_chunks() -> None:
    assert split_html("") == []
    assert split_html("  \n\n ") == []
    assert split_html("<b> </b>") == []
    assert split_html("<b>" + " " * 300 + "</b>", 50) == []


def test_long_whitespace_runs_do_not_make_oversized_or_empty_chunks() -> None:
    markup = "<b>hello" + " " * 300 + "world" + "\n" * 500 + "again</b>"
    chunks = split_html(markup, 60)
    assert chunks == ["<b>hello</b>", "<b>world</b>", "<b>again</b>"]


# ---- join_blocks examples ----------------------------------------------------------------------


def test_join_blocks_packs_whole_blocks() -> None:
    blocks = ["a" * 40, "b" * 40, "c" * 40]
    assert join_blocks(blocks, 100) == ["a" * 40 + "\n\n" + "b" * 40, "c" * 40]
    assert join_blocks(blocks, 4096) == ["\n\n".join(blocks)]
    assert join_blocks(blocks, 40) == blocks


def test_join_blocks_splits_only_a_block_too_long_for_one_message() -> None:
    long = " ".join(["kalima"] * 30)  # 209 characters
    fourteen = " ".join(["kalima"] * 14)  # 97 characters
    assert join_blocks(["short one", long, "tail"], 100) == [
        "short one",
        fourteen,
        fourteen,
        "kalima kalima\n\ntail",
    ]


def test_join_blocks_adds_no_blank_lines_at_a_cut_inside_tags() -> None:
    long = "<b>" + "word " * 30 + "\n\n" + "word " * 5 + "</b>"
    chunks = join_blocks([long, "<i>next</i>"], 60)
    ten = "<b>" + " ".join(["word"] * 10) + "</b>"
    assert chunks == [ten, ten, ten, "<b>word word word word word</b>\n\n<i>next</i>"]


def test_join_blocks_skips_blank_blocks() -> None:
    assert join_blocks(["", "  ", "<b>x</b>"]) == ["<b>x</b>"]
    assert join_blocks([]) == []


# ---- escaping ----------------------------------------------------------------------------------


def test_esc_escapes_markup_but_leaves_quotes() -> None:
    assert esc("<b>a & b</b>") == "&lt;b&gt;a &amp; b&lt;/b&gt;"
    assert esc("\"double\" 'single'") == "\"double\" 'single'"
    assert esc("&amp;") == "&amp;amp;"
    assert esc("ليبيا") == "ليبيا"


def test_esc_attr_escapes_quotes_too() -> None:
    assert esc_attr('https://x.ly/?a=1&b="2"<>') == "https://x.ly/?a=1&amp;b=&quot;2&quot;&lt;&gt;"
    assert esc_attr("it's") == "it's"


def test_utf16_len_counts_astral_characters_twice() -> None:
    assert utf16_len("abc") == 3
    assert utf16_len("ليبيا") == 5
    assert utf16_len("😀") == 2
    assert utf16_len("🇱🇾") == 4


# ---- story_item --------------------------------------------------------------------------------


def _story(**changes: object) -> StoryView:
    fields: dict[str, object] = {
        "id": 7,
        "headline": "<script>alert(1)</script> & co",
        "lead": 'Lead with <i>tags</i> & "quotes"',
        "outlet": "Al-Dostor <x>",
        "outlet_ar": "الدستور & <y>",
        "url": 'https://example.com/?a=1&b="2"',
        # 23:30 UTC on 7 Dec is 01:30 on 8 Dec in Tripoli (UTC+2).
        "published_at": datetime(2021, 12, 7, 23, 30, tzinfo=UTC),
    }
    fields.update(changes)
    return StoryView(**fields)  # type: ignore[arg-type]


def test_story_item_english_escapes_everything_hostile() -> None:
    html = story_item(_story(), 3, "en", TRIPOLI)
    assert html == (
        "<b>3. &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</b>\n"
        'Lead with &lt;i&gt;tags&lt;/i&gt; &amp; "quotes"\n'
        "<i>Al-Dostor &lt;x&gt; · 8 Dec 2021 · "
        '<a href="https://example.com/?a=1&amp;b=&quot;2&quot;">Read</a></i>'
    )
    shown = parse_telegram_html(html)
    assert shown.splitlines()[0] == "3. <script>alert(1)</script> & co"


def test_story_item_arabic() -> None:
    html = story_item(_story(), 1, "ar", TRIPOLI)
    assert html.startswith("<b>1. &lt;script&gt;")
    assert html.endswith(
        "<i>الدستور &amp; &lt;y&gt; · 8 ديسمبر 2021 · "
        '<a href="https://example.com/?a=1&amp;b=&quot;2&quot;">اقرأ</a></i>'
    )
    parse_telegram_html(html)


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "<i>Al-Dostor &lt;x&gt;, no link · date unknown</i>"),
        ("ar", "<i>الدستور &amp; &lt;y&gt;، بلا رابط · التاريخ غير معروف</i>"),
    ],
)
def test_story_item_without_date_or_url(lang: str, expected: str) -> None:
    html = story_item(_story(published_at=None, url=None), 2, lang, TRIPOLI)  # type: ignore[arg-type]
    assert html.splitlines()[-1] == expected
    assert "<a " not in html
    parse_telegram_html(html)


# 22:30 UTC on 5 Dec is 00:30 on 6 Dec in Tripoli.
STORED = datetime(2026, 12, 5, 22, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lang", "kind", "expected"),
    [
        ("en", "seed", "<i>seed page, Al-Dostor &lt;x&gt; · stored 6 Dec 2026</i>"),
        ("ar", "seed", "<i>صفحة مرفقة بالبوت، الدستور &amp; &lt;y&gt; · حُفظ في 6 ديسمبر 2026</i>"),
        ("en", "file", "<i>saved file, Al-Dostor &lt;x&gt; · stored 6 Dec 2026</i>"),
        ("en", "feed", "<i>Al-Dostor &lt;x&gt;, no link · stored 6 Dec 2026</i>"),
    ],
)
def test_an_undated_story_shows_when_it_was_stored_and_where_it_came_from(
    lang: str, kind: str, expected: str
) -> None:
    story = _story(published_at=None, url=None, stored_at=STORED, source_kind=kind)
    html = story_item(story, 1, lang, TRIPOLI)  # type: ignore[arg-type]
    assert html.splitlines()[-1] == expected
    assert "date unknown" not in html and "غير معروف" not in html
    parse_telegram_html(html)


def test_a_dated_story_shows_its_date_not_when_it_was_stored() -> None:
    html = story_item(_story(stored_at=STORED), 1, "en", TRIPOLI)
    assert "8 Dec 2021" in html and "stored" not in html


def test_only_web_links_are_linked() -> None:
    html = story_item(_story(url="javascript:alert(1)", stored_at=STORED), 1, "en", TRIPOLI)
    assert "<a " not in html and "javascript" not in html
    assert "Al-Dostor &lt;x&gt;, no link · 8 Dec 2021" in html


def test_story_item_without_lead_has_two_lines() -> None:
    html = story_item(
        _story(lead="", url=None, headline="وزيرة الخارجية تلتقي السفير"), 1, "en", TRIPOLI
    )
    assert html == (
        "<b>1. وزيرة الخارجية تلتقي السفير</b>\n<i>Al-Dostor &lt;x&gt;, no link · 8 Dec 2021</i>"
    )


def test_story_item_date_follows_the_zone() -> None:
    story = _story(url=None)
    assert "7 Dec 2021" in story_item(story, 1, "en", ZoneInfo("UTC"))
    assert "8 Dec 2021" in story_item(story, 1, "en", TRIPOLI)
