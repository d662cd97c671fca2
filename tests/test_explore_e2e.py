"""/search, /who and /topic through the real Application over HTTP against the fake Bot API.

Every reply goes through the fake's HTML check and the 4096-character limit (a reply the
fake refuses never arrives, so a test waiting for it fails); ExploreChat checks both again.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.tg.fake_api import MAX_TEXT, Outgoing, parse_telegram_html
from tests.conftest import SEEDS
from tests.test_bot_e2e import Chat, polling
from tests.test_find_person import SADDAM_TODAY, SPELLINGS_DBEIBAH
from tests.test_search import STORIES, add_stories

REPLIES = Path(__file__).parent / "fixtures" / "search" / "replies"
TOPICS = json.loads((SEEDS / "topics.json").read_text("utf-8"))["topics"]
TOPIC_IDS = [t["id"] for t in TOPICS]
TOPIC_BY_NAME = {t["name_en"]: t["id"] for t in TOPICS}
UK_HEADLINE = "وزيرة الخارجية تلتقي سفيرة المملكة المتحدة لدى ليبيا"
RUSSIA_HEADLINE = "مباحثات بين الخارجية الليبية والروسية بشأن خروج القوات الأجنبية والمرتزقة"
QUIET = 0.15  # how long after answering a button the bot must stay silent


def tidy(text: str) -> str:
    return re.sub(r"\s+…", "…", text)


def golden(name: str) -> str:
    return (REPLIES / name).read_text(encoding="utf-8").rstrip("\n")


class ExploreChat(Chat):
    """A Chat whose every reply is checked as Telegram would, and which can press in Arabic."""

    async def _replies(self, count: int) -> list[Outgoing]:
        replies = await super()._replies(count)
        for reply in replies:
            visible = parse_telegram_html(reply.text)
            assert 0 < len(visible.encode("utf-16-le")) // 2 <= MAX_TEXT
            for row in reply.buttons:
                for button in row:
                    assert 0 < len(button["callback_data"].encode()) <= 64
        return replies

    async def press_as(self, message_id: int, data: str, lang: str) -> list[Outgoing]:
        self.api.user_presses(message_id, data, language_code=lang)
        return await self._replies(1)

    async def press_silently(self, message_id: int, data: str) -> dict[str, Any]:
        """Press a button that must get no message, only an answer; returns the answer."""
        before = len(self.answers())
        self.api.user_presses(message_id, data)
        for _ in range(250):  # up to 5 s for the bot to answer the press
            if len(self.answers()) > before:
                break
            await asyncio.sleep(0.02)
        await asyncio.sleep(QUIET)  # an error reply would follow the answer at once
        assert [r.text for r in self.api.take_outbox()] == [], data
        answers = self.answers()
        assert len(answers) == before + 1, data
        return answers[-1]

    def answers(self) -> list[dict[str, Any]]:
        return [params for method, params in self.api.calls if method == "answerCallbackQuery"]


@pytest.fixture
async def chat(settings: Settings, core: Any) -> AsyncIterator[ExploreChat]:
    """The bot over the seed page only."""
    async with polling(settings, core) as base:
        yield ExploreChat(base.api)


@pytest.fixture
async def chat_with_stories(settings: Settings, core: Any) -> AsyncIterator[ExploreChat]:
    """The bot over the seed page and the golden search stories."""
    await add_stories(core.services, STORIES)
    async with polling(settings, core) as base:
        yield ExploreChat(base.api)


def texts(reply: Outgoing) -> list[str]:
    return [button["text"] for row in reply.buttons for button in row]


def data_of(reply: Outgoing, text: str) -> str:
    [data] = [b["callback_data"] for row in reply.buttons for b in row if b["text"] == text]
    return str(data)


# ---- /search -------------------------------------------------------------------------


async def test_search_finds_the_uk_story_with_the_matched_words_in_bold(chat: ExploreChat) -> None:
    [reply] = await chat.say("/search الانتخابات")
    # Exact but for the whitespace before an ellipsis, where the passage was cut.
    assert tidy(reply.text) == tidy(golden("search_elections_en.html"))
    assert "<b>انتخابات</b>" in reply.text and "<b>الانتخابي</b>" in reply.text
    assert reply.buttons == []
    [reply] = await chat.say("/search الانتخابات", lang="ar")
    assert reply.text.startswith(f"<b>بحث:</b> الانتخابات (1–1 من 1)\n\n<b>1. {UK_HEADLINE}</b>\n")
    assert reply.text.endswith("<i>صفحة مرفقة بالبوت، الدستور · حُفظ في 29 نوفمبر 2026</i>")


async def test_search_in_english_finds_people_and_topics(chat: ExploreChat) -> None:
    [reply] = await chat.say("/search Mangoush")
    assert reply.text.startswith("<b>Search:</b> Mangoush (1–2 of 2)")
    assert UK_HEADLINE in reply.text and RUSSIA_HEADLINE in reply.text
    [reply] = await chat.say("/search elections")
    assert reply.text.startswith("<b>Search:</b> elections (1–1 of 1)")
    assert UK_HEADLINE in reply.text


async def test_search_without_words_explains_how(chat: ExploreChat) -> None:
    [reply] = await chat.say("/search")
    assert reply.text == (
        "Send /search followed by words, for example /search الانتخابات or /search Mangoush."
    )
    [reply] = await chat.say("/search    ", lang="ar")
    assert reply.text == "أرسل /search متبوعاً بكلمات، مثل /search الانتخابات أو /search المنقوش."


async def test_search_of_nothing_searchable_says_nothing_found(chat: ExploreChat) -> None:
    for query, shown in [
        ("***", "***"),
        ('" OR "', '" OR "'),
        ("NEAR(", "NEAR("),
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("'; DROP TABLE stories; --", "'; DROP TABLE stories; --"),
        ("😀🇱🇾", "😀🇱🇾"),
    ]:
        [reply] = await chat.say(f"/search {query}")
        assert reply.text == f"Nothing found for “{shown}”. Try fewer words or another spelling."
    # The bot and its database are still fine.
    [after] = await chat.say("/search المرتزقة")
    assert after.text.startswith("<b>Search:</b> المرتزقة (1–1 of 1)")
    assert RUSSIA_HEADLINE in after.text


async def test_a_long_search_is_answered_within_the_limits(chat: ExploreChat) -> None:
    query = "ليبيا " * 600  # 3,600 characters: a pasted article
    [reply] = await chat.say(f"/search {query}")
    # Cut between words to 2,000 characters it still means Libya: both seed stories. The
    # title echoes it cut to 100 characters.
    echoed = ("ليبيا " * 20)[:100] + "…"
    assert reply.text.startswith(f"<b>Search:</b> {echoed} (1–2 of 2)\n")
    assert UK_HEADLINE in reply.text and RUSSIA_HEADLINE in reply.text


async def test_search_pages_with_the_older_button(chat_with_stories: ExploreChat) -> None:
    chat = chat_with_stories
    [first] = await chat.say("/search ليبيا")
    assert first.text.startswith("<b>Search:</b> ليبيا (1–5 of 14)\n")
    assert first.buttons == [[{"text": "Older ›", "callback_data": "search:1:5"}]]
    assert [n for n in range(1, 15) if f"<b>{n}. " in first.text] == [1, 2, 3, 4, 5]
    [second] = await chat.press(first.message_id, "search:1:5")
    assert second.text.startswith("<b>Search:</b> ليبيا (6–10 of 14)\n")
    assert [n for n in range(1, 15) if f"<b>{n}. " in second.text] == [6, 7, 8, 9, 10]
    assert second.buttons == [[{"text": "Older ›", "callback_data": "search:1:10"}]]
    [third] = await chat.press(second.message_id, "search:1:10")
    assert third.text.startswith("<b>Search:</b> ليبيا (11–14 of 14)\n")
    assert third.buttons == []
    pages = "\n".join(r.text for r in (first, second, third))
    headlines = [
        s["headline"] for s in STORIES if s["key"] not in ("liberia_vote", "football_qualifier")
    ]
    for headline in [*headlines, UK_HEADLINE, RUSSIA_HEADLINE]:
        assert pages.count(f". {headline}</b>") == 1, headline
    assert "ليبيريا" not in pages and "المنتخب" not in pages
    # A link with & in its address is escaped.
    assert 'href="https://news.test/hnec-date?id=1&amp;lang=ar"' in pages


async def test_a_second_search_gets_its_own_button_number(chat_with_stories: ExploreChat) -> None:
    chat = chat_with_stories
    [first] = await chat.say("/search ليبيا")
    [second] = await chat.say("/search الليبية")
    assert second.buttons == [[{"text": "Older ›", "callback_data": "search:2:5"}]]
    # The first search's button still pages the first search.
    [page] = await chat.press(first.message_id, "search:1:5")
    assert page.text.startswith("<b>Search:</b> ليبيا (6–10 of 14)")
    [page] = await chat.press(second.message_id, "search:2:5")
    assert page.text.startswith("<b>Search:</b> الليبية (6–10 of 14)")


async def test_a_search_button_past_the_end_says_so(chat_with_stories: ExploreChat) -> None:
    [first] = await chat_with_stories.say("/search ليبيا")
    [past] = await chat_with_stories.press(first.message_id, "search:1:40")
    assert past.text == "There are no older stories."


async def test_a_stale_search_button_answers_with_the_expired_alert(chat: ExploreChat) -> None:
    [reply] = await chat.say("/search الانتخابات")
    answer = await chat.press_silently(reply.message_id, "search:99:5")
    assert answer["text"] == "This search has expired; send /search again."
    assert answer["show_alert"] is True


async def test_forged_buttons_are_answered_with_an_alert_not_an_error(chat: ExploreChat) -> None:
    # Numbers too big for SQLite's integers must not reach it: they would raise, and the
    # reader would get "something went wrong" instead of the alert.
    huge = "9" * 40
    [search] = await chat.say("/search الانتخابات")
    [people] = await chat.say("/who")
    [topics] = await chat.say("/topic")
    stale = "This button has expired; send /latest again."
    expired = "This search has expired; send /search again."
    cases = [
        (search, "search:x:5", stale), (search, "search:1", stale),
        (search, "search:1:5:9", stale), (search, "search:-1:5", stale),
        (search, f"search:1:{huge}", stale), (search, f"search:{huge}:5", stale),
        (people, "who:x", stale), (people, "who:", stale), (people, "who:99999", stale),
        (people, f"who:{huge}", stale),
        (topics, "topic:nonsense:0", stale), (topics, "topic:elections", stale),
        (topics, "topic:elections:x", stale), (topics, f"topic:elections:{huge}", stale),
        (search, "search:99:5", expired),
    ]  # fmt: skip
    for message, data, text in cases:
        answer = await chat.press_silently(message.message_id, data)
        assert (answer.get("text"), answer.get("show_alert")) == (text, True), data


# ---- /who ----------------------------------------------------------------------------


async def test_who_lists_mangoush_first_and_her_button_opens_her_profile(
    chat: ExploreChat,
) -> None:
    [listing] = await chat.say("/who")
    assert listing.text == golden("who_list_en.html")
    assert listing.text.split("\n")[2].startswith("1. <b>Najla Mangoush (نجلاء المنقوش)</b>")
    assert texts(listing)[0] == "Najla Mangoush"
    assert set(texts(listing)) >= {"Najla Mangoush", "Caroline Hurndall", "Ivan Molotkov"}
    assert all(b["callback_data"].startswith("who:") for row in listing.buttons for b in row)
    [profile] = await chat.press(listing.message_id, data_of(listing, "Najla Mangoush"))
    assert profile.text == golden("who_mangoush_en.html")
    [other] = await chat.press(listing.message_id, data_of(listing, "Caroline Hurndall"))
    assert other.text.startswith("<b>Caroline Hurndall (كارولاين هرندل)</b>\n")
    assert "• Najla Mangoush (نجلاء المنقوش) — Tripoli" in other.text


async def test_who_finds_mangoush_by_any_spelling(chat: ExploreChat) -> None:
    for name in ["المنقوش", "Mangoush", "منقوش", "mangosh", "والمنقوش", "نجلاء المنقوش"]:
        [reply] = await chat.say(f"/who {name}")
        assert reply.text == golden("who_mangoush_en.html"), name


async def test_the_profile_says_whom_she_met_and_where(chat: ExploreChat) -> None:
    [reply] = await chat.say("/who Mangoush")
    met = reply.text.split("<b>Met</b>\n")[1].split("\n\n")[0].split("\n")
    assert len(met) == 2
    assert any("Caroline Hurndall" in line and "Tripoli" in line for line in met)
    # The Russian official is not in the curated list: the analysis discovered him.
    assert any("إيفان مولوتكوف" in line and "Tripoli" in line for line in met)
    [discovered] = await chat.say("/who مولوتكوف")
    assert discovered.text.startswith("<b>")
    assert "<i>Not in the curated list: found in the stories, name romanized.</i>" in (
        discovered.text
    )
    assert "Najla Mangoush" in discovered.text


async def test_who_haftar_is_the_usual_one_with_the_others_as_buttons(chat: ExploreChat) -> None:
    # No Haftar is in the news: "Haftar" is the one it usually means, Khalifa.
    [reply] = await chat.say("/who Haftar")
    assert reply.text.startswith("<b>Khalifa Haftar (خليفة حفتر)</b>\n")
    assert reply.text.endswith(
        "\n\nAlso called “Haftar”: Belqasem Haftar, Khaled Haftar, Saddam Haftar"
    )
    assert texts(reply) == ["Belqasem Haftar", "Khaled Haftar", "Saddam Haftar"]
    [profile] = await chat.press(reply.message_id, data_of(reply, "Saddam Haftar"))
    assert profile.text.startswith("<b>Saddam Haftar (صدام حفتر)</b>\n")
    [arabic] = await chat.say("/who حفتر", lang="ar")
    assert arabic.text.startswith("<b>خليفة حفتر (Khalifa Haftar)</b>\n")
    assert arabic.text.endswith("يحمل اسم «حفتر» أيضاً: بلقاسم حفتر، خالد حفتر، صدام حفتر")
    assert texts(arabic) == ["بلقاسم حفتر", "خالد حفتر", "صدام حفتر"]


async def test_who_haftar_is_the_haftar_in_the_news(settings: Settings, core: Any) -> None:
    await add_stories(core.services, [SADDAM_TODAY])
    await core.services.analyze_pending()
    async with polling(settings, core) as base:
        chat = ExploreChat(base.api)
        for query, lang in [("Haftar", "en"), ("حفتر", "ar"), ("Hafter", "en")]:
            [reply] = await chat.say(f"/who {query}", lang=lang)
            name = "صدام حفتر (Saddam Haftar)" if lang == "ar" else "Saddam Haftar (صدام حفتر)"
            assert reply.text.startswith(f"<b>{name}</b>\n"), query
            # Khalifa next, the one the name usually means.
            assert texts(reply)[0] in ("Khalifa Haftar", "خليفة حفتر")


async def test_who_dbeibah_is_the_same_for_every_spelling(chat: ExploreChat) -> None:
    replies = [(await chat.say(f"/who {name}"))[0] for name in SPELLINGS_DBEIBAH]
    first = replies[0]
    assert first.text.startswith("<b>Abdul Hamid Dbeibah (عبد الحميد الدبيبة)</b>\n")
    assert texts(first) == ["Ali Dbeibah"]
    for name, reply in zip(SPELLINGS_DBEIBAH, replies, strict=True):
        assert reply.text == first.text.replace("“Dbeibah”", f"“{name}”"), name
        assert reply.buttons == first.buttons, name


async def test_a_choice_is_buttons_that_open_profiles(chat: ExploreChat) -> None:
    [reply] = await chat.say("/who Khalifa")
    assert reply.text == "Several people match “Khalifa”. Which one do you mean?"
    assert "Khalifa Haftar" in texts(reply)
    [profile] = await chat.press(reply.message_id, data_of(reply, "Khalifa Haftar"))
    assert profile.text == (
        "<b>Khalifa Haftar (خليفة حفتر)</b>\n"
        "General Commander of the Libyan National Army (Libyan Arab Armed Forces)\n"
        "No stories about them are stored yet."
    )


async def test_who_says_when_it_does_not_know_a_name(chat: ExploreChat) -> None:
    [reply] = await chat.say("/who xyzzy")
    assert reply.text == "I don't know anyone called “xyzzy” yet."
    assert reply.buttons == []
    [reply] = await chat.say("/who <b>&amp;")
    assert reply.text == "I don't know anyone called “&lt;b&gt;&amp;amp;” yet."


async def test_who_forgives_a_typo_in_williams(chat: ExploreChat) -> None:
    [reply] = await chat.say("/who Wiliams")
    resolved = reply.text.startswith("<b>Stephanie Williams (ستيفاني ويليامز)</b>\n")
    suggested = "Stephanie Williams" in texts(reply)
    assert resolved or suggested, reply.text
    if suggested:
        [reply] = await chat.press(reply.message_id, data_of(reply, "Stephanie Williams"))
    assert "Named in 1 story." in reply.text
    assert UK_HEADLINE in reply.text


async def test_who_answers_an_arabic_reader_in_arabic(chat: ExploreChat) -> None:
    [listing] = await chat.say("/who", lang="ar")
    lines = listing.text.split("\n")
    assert lines[0] == "<b>في الأخبار هذا الأسبوع</b>"
    assert lines[2] == (
        "1. <b>نجلاء المنقوش (Najla Mangoush)</b> — وزيرة الخارجية والتعاون الدولي · خبران"
    )
    assert lines[-1] == "اضغط على اسم، أو أرسل /who متبوعاً باسم بالعربية أو الإنجليزية."
    assert texts(listing)[0] == "نجلاء المنقوش"
    [profile] = await chat.press_as(listing.message_id, data_of(listing, "نجلاء المنقوش"), "ar")
    assert profile.text.startswith("<b>نجلاء المنقوش (Najla Mangoush)</b>\n")
    for part in (
        "<b>التقى</b>\n• كارولاين هرندل (Caroline Hurndall) — طرابلس\n",
        "• إيفان مولوتكوف (Ivan Molotkov) — طرابلس",
        "<b>يظهر مع</b>",
        "• ستيفاني ويليامز (Stephanie Williams) · خبر واحد",
        f"<b>أحدث الأخبار</b>\n1. {RUSSIA_HEADLINE} "
        "<i>(صفحة مرفقة بالبوت، الدستور · حُفظ في 29 نوفمبر 2026)</i>",
    ):
        assert part in profile.text
    for english in ("Met", "Appears with", "Tripoli", "Al-Dostor", "Named in"):
        assert english not in profile.text
    [unknown] = await chat.say("/who xyzzy", lang="ar")
    assert unknown.text == "لا أعرف أحداً باسم «xyzzy» حتى الآن."


async def test_arabic_profile_count_is_grammatical(chat: ExploreChat) -> None:
    [profile] = await chat.say("/who المنقوش", lang="ar")
    assert "\nورد في خبرين.\n" in profile.text


# ---- /topic --------------------------------------------------------------------------


async def test_topic_lists_the_eight_topics_with_counts_as_buttons(chat: ExploreChat) -> None:
    [reply] = await chat.say("/topic")
    assert reply.text == golden("topic_list_en.html")
    # Names only: the ids are for the buttons and /topic ID, not for reading.
    assert "<code>" not in reply.text and "bilateral_relations" not in reply.text
    counts = {
        TOPIC_BY_NAME[line.split("<b>")[1].split("</b>")[0]]: int(line.rsplit("— ", 1)[1])
        for line in reply.text.split("\n")
        if line.startswith("• ")
    }
    assert counts == {
        "bilateral_relations": 2, "elections": 1, "foreign_forces": 1, "un_mediation": 1,
        "security_military": 1, "oil_economy": 0, "migration": 0, "government": 0,
    }  # fmt: skip
    data = [b["callback_data"] for row in reply.buttons for b in row]
    assert len(data) == 8
    assert sorted(data) == sorted(f"topic:{topic}:0" for topic in counts)
    assert sorted(counts) == sorted(TOPIC_IDS)
    [arabic] = await chat.say("/topic", lang="ar")
    assert arabic.text.startswith("<b>الموضوعات هذا الأسبوع</b>\n\n• <b>العلاقات الثنائية</b>")
    assert "الانتخابات" in texts(arabic)


async def test_topic_by_any_name_shows_the_elections_story(chat: ExploreChat) -> None:
    for name in ["elections", "Elections", "الانتخابات", "انتخابات", "ELECTIONS"]:
        [reply] = await chat.say(f"/topic {name}")
        assert reply.text == golden("topic_elections_en.html"), name


async def test_topic_that_does_not_exist_says_so(chat: ExploreChat) -> None:
    [reply] = await chat.say("/topic nonsense")
    assert reply.text == "There is no topic “nonsense”. Send /topic to see them all."
    [reply] = await chat.say("/topic <i>", lang="ar")
    assert reply.text == "لا يوجد موضوع باسم «&lt;i&gt;». أرسل /topic لرؤيتها كلها."


async def test_pressing_a_topic_button_shows_its_page(chat: ExploreChat) -> None:
    [listing] = await chat.say("/topic")
    [page] = await chat.press(listing.message_id, data_of(listing, "Elections"))
    assert page.text == golden("topic_elections_en.html")
    [empty] = await chat.press(listing.message_id, data_of(listing, "Oil and economy"))
    assert empty.text == "No stories on Oil and economy yet."
    [arabic] = await chat.press_as(listing.message_id, "topic:bilateral_relations:0", "ar")
    assert arabic.text.startswith("<b>العلاقات الثنائية</b> — أحدث الأخبار (1–2 من 2)\n")
    assert RUSSIA_HEADLINE in arabic.text and UK_HEADLINE in arabic.text


async def test_a_topic_page_lists_its_stories_newest_first_and_only_libyan(
    chat_with_stories: ExploreChat,
) -> None:
    [page] = await chat_with_stories.say("/topic elections")
    assert page.text.startswith(
        f"<b>Elections</b> — latest stories (1–5 of 5)\n\n<b>1. {UK_HEADLINE}"
    )
    # The golden election stories follow, newest first; Liberia's is tagged but not Libyan.
    order = ["williams_lpdf", "eu_delegation", "hor_laws", "hnec_date"]
    headlines = {s["key"]: s["headline"] for s in STORIES}
    for n, key in enumerate(order, start=2):
        assert f"<b>{n}. {headlines[key]}</b>" in page.text
    assert "ليبيريا" not in page.text
    assert page.buttons == []


async def test_a_womans_profile_speaks_of_her_in_the_feminine(chat: ExploreChat) -> None:
    # Hanna Tetteh, a woman the knowledge base lists, is in no story of the seed page.
    [reply] = await chat.say("/who تيتيه", lang="ar")
    assert "لا توجد أخبار عنها مخزنة بعد." in reply.text
    assert "الممثلة الخاصة للأمين العام" in reply.text
    [reply] = await chat.say("/who Tetteh")
    assert "No stories about them are stored yet." in reply.text
