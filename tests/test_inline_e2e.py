"""Inline mode through the real Application over HTTP against the fake Bot API.

`@Bot words` is answered with the same search as /search (the latest stories when empty),
in the reader's language, paged with next_offset; every answer passes the fake's checks
(at most 50 results, ids of at most 64 bytes, each message valid HTML of at most 4096).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

from bot.config import Settings
from bot.core import Core
from bot.tg.fake_api import ApiError, FakeBotApi, parse_telegram_html
from bot.tg.inline import CACHE_SECONDS, INLINE_PAGE, START_PARAMETER, clean_query
from storage import translations as cache
from tests.conftest import FIXED_NOW
from tests.fakes.bot_api_server import polling_bot
from tests.fakes.translator import EchoTranslator
from tests.test_english_lists_e2e import with_translator
from tests.test_search import STORIES, add_stories

HNEC = "مفوضية ليبيا تحدد موعد انتخابات رئاسية في ديسمبر"
HNEC_URL = "https://news.test/hnec-date?id=1&amp;lang=ar"


@dataclass
class Inline:
    """A user typing `@LibyaBriefBot …` in some chat."""

    api: FakeBotApi
    core: Core

    async def ask(self, text: str, offset: str = "", lang: str | None = "en") -> dict[str, Any]:
        update = self.api.user_queries_inline(text, offset, lang)
        query_id = update["inline_query"]["id"]
        answer = await asyncio.to_thread(self.api.wait_for_inline_answer, query_id, 10.0)
        assert answer is not None, f"no answer to {text!r} at {offset!r}"
        return answer

    async def every_page(self, text: str, lang: str = "en") -> list[dict[str, Any]]:
        """The results of every page, following next_offset until there is none."""
        results: list[dict[str, Any]] = []
        offset = ""
        for _ in range(20):
            answer = await self.ask(text, offset, lang)
            assert 0 < len(answer["results"]) <= INLINE_PAGE or not results
            results += answer["results"]
            offset = answer.get("next_offset", "")
            if not offset:
                return results
        pytest.fail("next_offset never ran out")


def message(result: dict[str, Any]) -> str:
    text = str(result["input_message_content"]["message_text"])
    assert result["input_message_content"]["parse_mode"] == "HTML"
    parse_telegram_html(text)
    return text


def ids(results: list[dict[str, Any]]) -> list[int]:
    return [int(result["id"]) for result in results]


@pytest.fixture
def translator() -> EchoTranslator:
    return EchoTranslator()


@pytest.fixture
async def inline(
    settings: Settings, core: Core, translator: EchoTranslator
) -> AsyncIterator[Inline]:
    """The bot over the seed page and the golden search stories, a translator configured."""
    await add_stories(core.services, STORIES)
    wired = await with_translator(core, translator, 2.0)
    async with polling_bot(settings, wired) as (api, _):
        yield Inline(api, wired)


async def test_an_arabic_query_offers_what_search_finds_in_arabic(inline: Inline) -> None:
    answer = await inline.ask("الانتخابات", lang="ar")
    found = await inline.core.services.search("الانتخابات", 0, INLINE_PAGE)
    assert ids(answer["results"]) == [hit.story.id for hit in found.hits]
    assert len(answer["results"]) >= 3
    assert answer["cache_time"] == CACHE_SECONDS and answer["is_personal"] is True
    [hnec] = [r for r in answer["results"] if r["title"] == HNEC]
    assert message(hnec) == (
        f'<b>{HNEC}</b>\n<i>بوابة الوسط · 1 سبتمبر 2021 · <a href="{HNEC_URL}">اقرأ</a></i>'
    )
    assert hnec["description"] == "بوابة الوسط · 1 سبتمبر 2021"
    assert "button" not in answer


async def test_an_english_query_is_answered_in_english_with_cached_english_only(
    inline: Inline, translator: EchoTranslator
) -> None:
    [story_id] = [hit.story.id for hit in (await inline.core.services.search(HNEC)).hits[:1]]
    await inline.core.store.run(
        cache.save_headlines, {story_id: "Libya's commission sets a date"}, "en", "fake", FIXED_NOW
    )
    answer = await inline.ask("elections")
    results = answer["results"]
    found = await inline.core.services.search("elections", 0, INLINE_PAGE)
    assert ids(results) == [hit.story.id for hit in found.hits] and story_id in ids(results)
    [hnec] = [r for r in results if int(r["id"]) == story_id]
    assert message(hnec) == (
        f"<b>{HNEC}</b>\n<b>Libya's commission sets a date</b>\n"
        f'<i>Al-Wasat · 1 Sep 2021 · <a href="{HNEC_URL}">Read</a></i>'
    )
    assert hnec["description"] == "Libya's commission sets a date\nAl-Wasat · 1 Sep 2021"
    # The others have no English cached: Arabic only, and nobody asked the translator.
    others = [r for r in results if r is not hnec]
    assert others and all("<b>" in message(r) and message(r).count("<b>") == 1 for r in others)
    assert translator.calls == []


async def test_paging_follows_next_offset_until_the_search_is_exhausted(inline: Inline) -> None:
    found = await inline.core.services.search("ليبيا", 0, 20)
    assert found.total > INLINE_PAGE  # more than one page, or this would test nothing
    results = await inline.every_page("ليبيا", lang="ar")
    assert ids(results) == [hit.story.id for hit in found.hits][: found.total]
    assert len(results) == found.total


async def test_an_empty_query_pages_through_the_latest_stories(inline: Inline) -> None:
    latest = await inline.core.services.latest(20)
    assert latest.total > INLINE_PAGE
    results = await inline.every_page("")
    assert ids(results) == [story.id for story in latest.stories][: latest.total]
    first = await inline.ask("   ")
    assert ids(first["results"]) == ids(results)[:INLINE_PAGE]
    assert first["next_offset"] == str(INLINE_PAGE)


async def test_junk_is_sanitized_and_nothing_found_is_a_valid_empty_answer(
    inline: Inline,
) -> None:
    controls = "".join(chr(code) for code in range(32)) * 8
    assert len(controls) == 256
    # Only control characters: no words, so the latest stories.
    answer = await inline.ask(controls)
    latest = await inline.core.services.latest(INLINE_PAGE)
    assert ids(answer["results"]) == [story.id for story in latest.stories]
    # Words among control and invisible characters are searched as the words alone.
    wrapped = await inline.ask("\x00الانتخابات\u200f\x07\x1b", lang="ar")
    plain = await inline.ask("الانتخابات", lang="ar")
    assert ids(wrapped["results"]) == ids(plain["results"]) != []
    # Nothing found: an empty answer with a button that opens the bot.
    for lang, label in (
        ("en", "No stories found. Open Libya Brief"),
        ("ar", "لا أخبار مطابقة. افتح موجز ليبيا"),
    ):
        none = await inline.ask("زززز qqqq", lang=lang)
        assert none["results"] == [] and none.get("next_offset", "") == ""
        assert none["button"] == {"text": label, "start_parameter": START_PARAMETER}
    # A forged offset starts from the top instead of failing.
    for offset in ("abc", "-5", "9" * 30):
        forged = await inline.ask("", offset)
        assert ids(forged["results"]) == [story.id for story in latest.stories]


async def test_the_language_chosen_with_lang_is_used(inline: Inline) -> None:
    inline.api.user_sends("/lang ar", language_code="en")
    assert await asyncio.to_thread(inline.api.wait_for_outbox, 1, 10.0)
    answer = await inline.ask("الانتخابات", lang="en")
    assert "اقرأ" in message(answer["results"][0])


def test_clean_query_keeps_words_and_drops_controls() -> None:
    assert clean_query("\x00 ليبيا\t\nتونس\u200f ") == "ليبيا تونس"
    assert clean_query("انتخا\u200cبات") == "انتخابات"
    assert clean_query("\x00" * 300) == ""
    assert len(clean_query("a" * 1000)) == 256


def article(result_id: str, text: str = "<b>x</b>") -> dict[str, Any]:
    content = {"message_text": text, "parse_mode": "HTML"}
    return {"type": "article", "id": result_id, "title": "t", "input_message_content": content}


@pytest.mark.parametrize(
    ("results", "error"),
    [
        ([article(str(i)) for i in range(51)], "RESULTS_TOO_MUCH"),
        ([article("x" * 65)], "RESULT_ID_INVALID"),
        ([article("1"), article("1")], "RESULT_ID_DUPLICATE"),
        ([article("1", "<b>x")], "can't parse entities"),
        ([article("1", "x" * 4097)], "message is too long"),
        ([{**article("1"), "title": " "}], "RESULT_TITLE_EMPTY"),
    ],
)
def test_the_fake_refuses_answers_telegram_would_refuse(
    results: list[dict[str, Any]], error: str
) -> None:
    api = FakeBotApi()
    query_id = api.user_queries_inline("x")["inline_query"]["id"]
    with pytest.raises(ApiError, match=error):
        api.call("answerInlineQuery", {"inline_query_id": query_id, "results": results})
    api.call("answerInlineQuery", {"inline_query_id": query_id, "results": []})
    # Answered once: a second answer, like one to a query never asked, is refused.
    for again in (query_id, "999"):
        with pytest.raises(ApiError, match="query is too old"):
            api.call("answerInlineQuery", {"inline_query_id": again, "results": []})
