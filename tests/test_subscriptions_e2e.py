"""Subscriptions, settings, follows, /lang, /mydata, /forget, digests and alerts, end to end.

The real Application polls a fake Bot API over HTTP on 127.0.0.1; the clock is ours to move.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import responses

from bot.admins import Admins
from bot.analysis.knowledge import Knowledge
from bot.charts import Charts
from bot.config import Settings
from bot.core import Core
from bot.digest_run import DigestService
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.models import StoryDraft, Subscription
from bot.services import Services
from bot.subscribers import SubscriptionService
from bot.tg.app import BotApp
from bot.tg.deliveries import Deliveries
from bot.tg.fake_api import ApiError, FakeBotApi, Outgoing, parse_telegram_html
from bot.tg.render import MAX_MESSAGE, utf16_len
from bot.translate import TranslationService, make_translator
from storage import Store, articles, sources
from tests.fakes.bot_api_server import polling_bot
from tests.fakes.translator import GOOGLE, google_answering

# 07:00 in Tripoli (UTC+2 all year): an 08:00 digest falls due at 06:00 UTC.
START = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
TRIPOLI = ZoneInfo("Africa/Tripoli")
ME = 1001
ARABIC_READER = 1002


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


class Chat:
    """A user on one side of the fake Bot API, the real bot polling on the other."""

    def __init__(self, api: FakeBotApi, app: BotApp) -> None:
        self.api = api
        self.app = app

    async def say(
        self, text: str, count: int = 1, lang: str | None = "en", chat_id: int = ME
    ) -> list[Outgoing]:
        self.api.user_sends(text, chat_id=chat_id, language_code=lang)
        return await self.replies(count)

    async def press(
        self, message_id: int, data: str, count: int = 1, lang: str | None = "en"
    ) -> list[Outgoing]:
        assert len(data.encode()) <= 64
        self.api.user_presses(message_id, data, language_code=lang)
        return await self.replies(count)

    async def replies(self, count: int) -> list[Outgoing]:
        replies = await asyncio.to_thread(self.api.wait_for_outbox, count, 10.0)
        assert len(replies) == count, [r.text for r in replies]
        for reply in replies:
            check(reply)
        return replies

    async def quiet(self, seconds: float = 0.4) -> None:
        """Nothing more was sent."""
        await asyncio.sleep(seconds)
        assert self.api.take_outbox() == []

    def alerts_answered(self) -> list[dict[str, Any]]:
        return [p for m, p in self.api.calls if m == "answerCallbackQuery" and p.get("text")]


def check(reply: Outgoing) -> None:
    """Every message parses as Telegram HTML, fits 4096, and its buttons carry ≤ 64 bytes."""
    visible = parse_telegram_html(reply.text)
    assert utf16_len(visible) <= MAX_MESSAGE
    for row in reply.buttons:
        for button in row:
            assert len(button["callback_data"].encode()) <= 64


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def core(settings: Settings, store: Store, knowledge: Knowledge, clock: Clock) -> Core:
    return make_core(settings, store, knowledge, clock)


def make_core(
    settings: Settings,
    store: Store,
    knowledge: Knowledge,
    clock: Clock,
    translations: TranslationService | None = None,
) -> Core:
    """The composition the bot runs on, with a clock the test moves; no translator by default."""
    services = Services(store, knowledge, clock=clock)
    topic_ids = [t.id for t in knowledge.topics]
    return Core(
        services=services,
        ingest=IngestService(store, Fetcher(allow_private=True), services.analyze_pending, clock),
        admins=Admins(store, settings.admin_ids, clock),
        fetcher=Fetcher(allow_private=True),
        subscriptions=SubscriptionService(store, clock),
        digests=DigestService(store, translations, clock, topic_ids, sleep=_no_sleep),
        charts=Charts(store, services.knowledge, clock),
        translations=translations,
    )


async def _no_sleep(seconds: float) -> None:
    await asyncio.sleep(0)


@asynccontextmanager
async def polling(settings: Settings, core: Core) -> AsyncIterator[Chat]:
    async with polling_bot(settings, core) as (api, app):
        yield Chat(api, app)


@pytest.fixture
async def chat(settings: Settings, core: Core) -> AsyncIterator[Chat]:
    async with polling(settings, core) as chat:
        yield chat


async def subscription(core: Core, chat_id: int = ME) -> Subscription:
    found = await core.subscriptions.get(chat_id)
    assert found is not None
    return found


# ---- /subscribe, /unsubscribe ------------------------------------------------------------


async def test_subscribe_at_the_default_time_at_a_chosen_time_and_a_bad_time(
    chat: Chat, core: Core
) -> None:
    [reply] = await chat.say("/subscribe")
    assert reply.text == (
        "<b>You are subscribed.</b> Your digest comes every day at 08:00 (Africa/Tripoli), "
        "in Arabic, as published. The next one: 29 Nov 08:00 (Africa/Tripoli).\n\n"
        "Change the time, zone, language or topics with /settings; stop it with /unsubscribe."
    )
    sub = await subscription(core)
    assert (sub.active, sub.local_time, sub.timezone, sub.digest_lang) == (
        True, "08:00", "Africa/Tripoli", "ar",
    )  # fmt: skip
    assert sub.next_due == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)

    [reply] = await chat.say("/subscribe 07:30")
    assert "every day at 07:30 (Africa/Tripoli)" in reply.text
    assert "The next one: 29 Nov 07:30 (Africa/Tripoli)." in reply.text
    assert (await subscription(core)).local_time == "07:30"

    [reply] = await chat.say("/subscribe 25:00")
    assert reply.text == (
        "“25:00” is not a time of day. Send it as HH:MM, for example /subscribe 07:30."
    )
    assert (await subscription(core)).local_time == "07:30"  # unchanged

    [reply] = await chat.say("/subscribe <b>x</b>")
    assert "“&lt;b&gt;x&lt;/b&gt;” is not a time of day" in reply.text

    [reply] = await chat.say("/subscribe ٠٦:٤٥", lang="ar")
    assert "يصلك الموجز كل يوم في 06:45 (Africa/Tripoli)" in reply.text
    assert "الموجز التالي: 30 نوفمبر 06:45" in reply.text


async def test_unsubscribe_stops_and_keeps_the_settings(chat: Chat, core: Core) -> None:
    [reply] = await chat.say("/unsubscribe")
    assert reply.text == "You are not subscribed. /subscribe starts a daily digest."
    await chat.say("/subscribe 07:15")
    [reply] = await chat.say("/unsubscribe")
    assert reply.text == (
        "Your daily digest is stopped. Your settings are kept: /subscribe brings it back."
    )
    sub = await subscription(core)
    assert not sub.active and sub.local_time == "07:15"
    [settings] = await chat.say("/settings")
    assert "Status: stopped; /subscribe resumes it" in settings.text
    [reply] = await chat.say("/subscribe")
    assert "every day at 07:15" in reply.text  # the time chosen before is kept
    assert (await subscription(core)).active


# ---- /settings ---------------------------------------------------------------------------


async def test_settings_buttons_change_each_setting_and_edit_the_message(
    chat: Chat, core: Core
) -> None:
    [reply] = await chat.say("/settings")
    assert reply.text.startswith("You are not subscribed yet.")
    await chat.say("/subscribe")
    [panel] = await chat.say("/settings")
    assert panel.text == (
        "<b>Your digest settings</b>\n"
        "Status: active, next digest 29 Nov 08:00 (Africa/Tripoli)\n"
        "Time: 08:00 (Africa/Tripoli)\n"
        "Language: Arabic, as published\n"
        "Topics: all\n"
        "At most 10 stories\n"
        "When nothing is new: a short notice\n"
        "Weekly brief: off\n\n"
        "<i>Tap to change, or type /settings time 07:30 or /settings zone Europe/Paris "
        "(or UTC+2).</i>"
    )
    assert [[b["callback_data"] for b in row] for row in panel.buttons] == [
        ["set:v:time", "set:v:zone"],
        ["set:v:lang", "set:v:topics"],
        ["set:v:max", "set:v:empty"],
        ["set:v:weekly"],
    ]
    mid = panel.message_id

    async def press(data: str) -> Outgoing:
        [edited] = await chat.press(mid, data)
        assert edited.method == "editMessageText"
        assert edited.message_id == mid
        return edited

    view = await press("set:v:time")
    assert "Choose the delivery time" in view.text
    assert [b["callback_data"] for b in view.buttons[0]] == ["set:daily:1", "set:daily:0"]
    assert {"text": "✓ 08:00", "callback_data": "set:time:0800"} in view.buttons[2]
    view = await press("set:time:0700")
    assert "Time: 07:00 (Africa/Tripoli)" in view.text
    assert "next digest 30 Nov 07:00" in view.text  # 07:00 has passed today in Tripoli
    assert view.buttons[0][0]["callback_data"] == "set:v:time"  # back on the main view
    assert (await subscription(core)).local_time == "07:00"

    view = await press("set:v:zone")
    zones = [b["callback_data"] for row in view.buttons for b in row]
    assert zones == [
        "set:zone:Africa/Tripoli", "set:zone:Africa/Cairo", "set:zone:Africa/Tunis",
        "set:zone:Europe/Rome", "set:zone:Europe/Paris", "set:zone:Europe/London",
        "set:zone:Europe/Brussels", "set:zone:America/New_York", "set:zone:UTC", "set:v:main",
    ]  # fmt: skip
    view = await press("set:zone:America/New_York")
    assert "Time: 07:00 (America/New_York)" in view.text
    sub = await subscription(core)
    assert sub.timezone == "America/New_York"
    assert sub.next_due == datetime(2026, 11, 29, 12, 0, tzinfo=UTC)  # 07:00 EST

    await press("set:v:lang")
    view = await press("set:lang:both")
    assert "Language: Arabic and English" in view.text
    assert (await subscription(core)).digest_lang == "both"

    view = await press("set:v:topics")
    assert view.buttons[0] == [{"text": "✓ All topics", "callback_data": "set:topic:*"}]
    assert len([b for row in view.buttons[1:-1] for b in row]) == 8
    view = await press("set:topic:migration")
    assert "Topics: Migration" in view.text
    view = await press("set:topic:elections")
    assert "Topics: Elections, Migration" in view.text  # in the taxonomy's order
    assert {"text": "✓ Elections", "callback_data": "set:topic:elections"} in view.buttons[1]
    assert (await subscription(core)).topics == ("elections", "migration")
    view = await press("set:topic:migration")
    assert (await subscription(core)).topics == ("elections",)
    view = await press("set:topic:*")
    assert "Topics: all" in view.text
    assert (await subscription(core)).topics == ()

    await press("set:v:max")
    view = await press("set:max:15")
    assert "At most 15 stories" in view.text
    assert (await subscription(core)).max_items == 15

    view = await press("set:v:empty")
    assert [b["callback_data"] for row in view.buttons for b in row] == [
        "set:empty:1", "set:empty:0", "set:v:main",
    ]  # fmt: skip
    view = await press("set:empty:0")
    assert "When nothing is new: no message" in view.text
    assert (await subscription(core)).empty_notice is False

    # A forged or stale button is answered, not obeyed.
    for forged in ("set:zone:Mars/Olympus", "set:max:9999", "set:time:9999", "set:v:nope", "set:"):
        chat.api.user_presses(mid, forged)
        await chat.quiet(0.3)
    assert [a["text"] for a in chat.alerts_answered()] == [
        "This button has expired; send the command again."
    ] * 5
    sub = await subscription(core)
    assert (sub.timezone, sub.max_items, sub.local_time) == ("America/New_York", 15, "07:00")


async def test_settings_typed_time_and_zone(chat: Chat, core: Core) -> None:
    await chat.say("/subscribe")
    [reply] = await chat.say("/settings zone UTC+2")
    assert "Time: 08:00 (UTC+2)" in reply.text
    assert reply.buttons  # the panel, ready for more changes
    assert (await subscription(core)).timezone == "Etc/GMT-2"
    [reply] = await chat.say("/settings time 07:30")
    assert "Time: 07:30 (UTC+2)" in reply.text
    [reply] = await chat.say("/settings zone Europe/Paris")
    assert "Time: 07:30 (Europe/Paris)" in reply.text
    assert (await subscription(core)).next_due == datetime(2026, 11, 29, 6, 30, tzinfo=UTC)
    [reply] = await chat.say("/settings lang en")
    assert "Language: English" in reply.text
    [reply] = await chat.say("/settings max 5")
    assert "At most 5 stories" in reply.text
    [reply] = await chat.say("/settings zone Mars/Olympus")
    assert reply.text == (
        "I don't know the time zone “Mars/Olympus”. Use a name like Europe/Paris or an offset "
        "like UTC+2."
    )
    [reply] = await chat.say("/settings time 7h")
    assert reply.text.startswith("“7h” is not a time of day.")
    [reply] = await chat.say("/settings colour blue")
    assert reply.text.startswith("Usage: /settings, /settings time HH:MM")
    assert reply.text.endswith("/settings daily on|off.")  # what it accepts
    sub = await subscription(core)
    assert (sub.local_time, sub.timezone, sub.digest_lang, sub.max_items) == (
        "07:30", "Europe/Paris", "en", 5,
    )  # fmt: skip


# ---- /follow, /unfollow, /following ------------------------------------------------------


async def test_follow_a_person_and_a_topic_list_and_unfollow(chat: Chat, core: Core) -> None:
    [reply] = await chat.say("/follow")
    assert reply.text.startswith("Send /follow with a person or a topic")
    [reply] = await chat.say("/follow Mangoush")
    assert reply.text.startswith("You now follow <b>Najla Mangoush (نجلاء المنقوش)</b>.")
    [reply] = await chat.say("/follow المنقوش")
    assert reply.text == "You already follow <b>Najla Mangoush (نجلاء المنقوش)</b>."
    [reply] = await chat.say("/follow elections")
    assert reply.text.startswith("You now follow <b>Elections</b>.")
    assert await core.subscriptions.following(ME) == [
        ("actor", "najla_mangoush"), ("topic", "elections"),
    ]  # fmt: skip

    [listing] = await chat.say("/following")
    assert listing.text == (
        "<b>You follow</b>\n"
        "• Najla Mangoush (نجلاء المنقوش)\n"
        "• Elections — topic\n\n"
        "Tap one to stop following it, or send /unfollow with its name."
    )
    data = [b["callback_data"] for row in listing.buttons for b in row]
    assert data[1] == "unf:t:elections" and data[0].startswith("unf:a:")

    [reply] = await chat.say("/unfollow elections")
    assert reply.text == "You no longer follow <b>Elections</b>."
    [reply] = await chat.say("/unfollow elections")
    assert reply.text == "You don't follow <b>Elections</b>."
    # The ✕ button under the list stops following and edits the list in place.
    [edited] = await chat.press(listing.message_id, data[0])
    assert edited.method == "editMessageText"
    assert edited.text.startswith("You no longer follow <b>Najla Mangoush (نجلاء المنقوش)</b>.")
    assert "You follow no one and no topic yet." in edited.text
    assert await core.subscriptions.following(ME) == []

    [reply] = await chat.say("/unfollow")  # without a name: the list, empty now
    assert reply.text == (
        "You follow no one and no topic yet. Try /follow Mangoush or /follow elections."
    )
    [reply] = await chat.say("/follow xyzzyq <b>")
    assert reply.text.startswith("I know no person or topic called “xyzzyq &lt;b&gt;”.")


async def test_an_ambiguous_name_offers_buttons(chat: Chat, core: Core) -> None:
    [choice] = await chat.say("/follow Haftar")
    assert choice.text == "Several people match “Haftar”. Which one do you mean?"
    first = choice.buttons[0][0]
    assert first["text"] == "Khalifa Haftar"
    assert first["callback_data"].startswith("fol:a:")
    [done] = await chat.press(choice.message_id, first["callback_data"])
    assert done.method == "editMessageText" and done.message_id == choice.message_id
    assert done.text.startswith("You now follow <b>Khalifa Haftar (خليفة حفتر)</b>.")
    assert await core.subscriptions.following(ME) == [("actor", "khalifa_haftar")]
    [reply] = await chat.say("/unfollow Haftar")  # only one Haftar is followed
    assert reply.text == "You no longer follow <b>Khalifa Haftar (خليفة حفتر)</b>."
    chat.api.user_presses(choice.message_id, "fol:a:999999999")
    await chat.quiet(0.3)
    assert chat.alerts_answered()[-1]["text"] == "This button has expired; send the command again."


async def test_unfollow_by_a_shared_surname_finds_the_one_followed(chat: Chat, core: Core) -> None:
    # /who Haftar would show Khalifa; the Haftar followed here is Saddam.
    [choice] = await chat.say("/follow Haftar")
    [saddam] = [b for row in choice.buttons for b in row if b["text"] == "Saddam Haftar"]
    await chat.press(choice.message_id, saddam["callback_data"])
    [reply] = await chat.say("/unfollow حفتر")
    assert reply.text == "You no longer follow <b>Saddam Haftar (صدام حفتر)</b>."
    assert await core.subscriptions.following(ME) == []


async def test_following_a_woman_in_arabic_speaks_of_her_in_the_feminine(chat: Chat) -> None:
    [her] = await chat.say("/follow المنقوش", lang="ar")
    assert her.text == (
        "أصبحت تتابع <b>نجلاء المنقوش (Najla Mangoush)</b>. سأراسلك عند ورود خبر جديد عنها، "
        "وأميّز أخبارها بـ★ في موجزك."
    )
    [him] = await chat.say("/follow غوتيريش", lang="ar")
    assert "خبر جديد عنه، وأميّز أخباره" in him.text
    [english] = await chat.say("/follow Stephanie Williams")
    assert "when a new story is about her, and mark her stories" in english.text
    # A woman chosen by a button too ("Stephanie" is two people): Williams, in the news, first.
    [choice] = await chat.say("/follow Stephanie")
    assert [b["text"] for row in choice.buttons for b in row] == [
        "Stephanie Williams", "Stephanie Koury"
    ]  # fmt: skip
    [done] = await chat.press(choice.message_id, choice.buttons[0][1]["callback_data"])
    assert done.text.startswith("You now follow <b>Stephanie Koury (ستيفاني خوري)</b>.")
    assert "about her, and mark her stories" in done.text


# ---- /lang -------------------------------------------------------------------------------


async def test_lang_ar_makes_every_reply_arabic_despite_telegram_english(
    settings: Settings, core: Core, knowledge: Knowledge, clock: Clock
) -> None:
    other = 2002  # a chat whose Telegram is in Arabic, for the expected replies
    async with polling(settings, core) as chat:
        [reply] = await chat.say("/lang ar")
        assert reply.text == "من الآن أجيبك بالعربية."
        commands = [
            "/start", "/help", "/latest 1", "/subscribe", "/subscribe 99:99", "/settings",
            "/settings zone Mars", "/follow elections", "/following", "/unfollow elections",
            "/follow nobodyatall", "/who", "/topic", "/search الانتخابات", "/digest",
            "/latest abc", "/frobnicate", "hello", "/unsubscribe", "/forget", "/lang",
        ]  # fmt: skip
        for command in commands:
            [mine] = await chat.say(command, lang="en")
            [theirs] = await chat.say(command, lang="ar", chat_id=other)
            assert mine.text == theirs.text, command
            assert [[b["text"] for b in r] for r in mine.buttons] == [
                [b["text"] for b in r] for r in theirs.buttons
            ], command
        [mine] = await chat.say("/mydata")
        assert mine.text.startswith("<b>ما أحفظه عنك</b>")
        assert "لغة الواجهة: العربية" in mine.text
        # Buttons pressed with an English Telegram answer in Arabic too.
        [panel] = await chat.say("/settings")
        [edited] = await chat.press(panel.message_id, "set:v:max", lang="en")
        assert "كم خبراً كحد أقصى؟" in edited.text
    # The choice is stored: a restarted bot still answers in Arabic.
    store = Store(settings.database_path)
    core = make_core(settings, store, knowledge, clock)
    async with polling(settings, core) as chat:
        [reply] = await chat.say("/help", lang="en")
        assert reply.text.startswith("<b>الأوامر</b>")
        [reply] = await chat.say("/lang auto", lang="en")
        assert reply.text == "I answer in your Telegram language again."
        [reply] = await chat.say("/help", lang="en")
        assert reply.text.startswith("<b>Commands</b>")
        [reply] = await chat.say("/lang en", lang="ar")
        assert reply.text == "From now on I answer in English."
        [reply] = await chat.say("/help", lang="ar")
        assert reply.text.startswith("<b>Commands</b>")
        [usage] = await chat.say("/lang", lang="ar")
        assert usage.text.startswith("I answer in English.")
        [edited] = await chat.press(usage.message_id, "lang:ar", lang="en")
        assert edited.text == "من الآن أجيبك بالعربية."
        assert await core.subscriptions.ui_lang(ME) == "ar"


# ---- /mydata, /forget --------------------------------------------------------------------


async def test_mydata_shows_what_is_stored_and_forget_deletes_it_after_confirming(
    chat: Chat, core: Core
) -> None:
    [reply] = await chat.say("/mydata")
    assert reply.text == "I keep nothing about you."
    await chat.say("/start")
    await chat.say("/subscribe 07:30")
    await chat.say("/follow Mangoush")
    await chat.say("/follow elections")
    [reply] = await chat.say("/mydata")
    text = reply.text
    assert text.startswith("<b>What I keep about you</b>\n\nChat 1001; Telegram language: en;")
    assert "interface language: as Telegram's." in text
    assert "First seen 29 Nov 2026 07:00; last seen 29 Nov 2026 07:00." in text
    assert "<b>Digest</b>\nStatus: active, next digest 29 Nov 07:30 (Africa/Tripoli)" in text
    assert "Time: 07:30 (Africa/Tripoli)" in text
    assert "<b>Follows</b>\n• Najla Mangoush (نجلاء المنقوش) — 29 Nov 2026 07:00\n" in text
    assert "• Elections — 29 Nov 2026 07:00" in text
    assert text.endswith("Delete it all with /forget.")

    [ask] = await chat.say("/forget")
    assert ask.text.startswith("This deletes your subscription")
    assert [b["callback_data"] for b in ask.buttons[0]] == ["forget:yes", "forget:no"]
    [edited] = await chat.press(ask.message_id, "forget:no")
    assert edited.text == "Nothing was deleted."
    assert edited.buttons == []
    assert await core.subscriptions.get(ME) is not None

    await chat.say("/lang ar")
    [ask] = await chat.say("/forget")
    [edited] = await chat.press(ask.message_id, "forget:yes")
    assert edited.text == "تم: حذفت كل ما كنت أحفظه عنك."
    assert await core.subscriptions.get(ME) is None
    assert await core.subscriptions.following(ME) == []
    data = await core.subscriptions.my_data(ME)
    assert all(not rows for rows in data.values() if rows != [{"alerts": 0}])
    [reply] = await chat.say("/mydata")
    assert reply.text == "I keep nothing about you."  # the /lang choice went too


# ---- /digest -----------------------------------------------------------------------------


async def test_digest_now_over_the_seed_in_arabic_then_english_without_a_translator(
    chat: Chat, core: Core, clock: Clock
) -> None:
    clock.advance(minutes=1)  # the seed was stored as the bot started, at 07:00 Tripoli
    [reply] = await chat.say("/digest")
    assert reply.text.startswith(
        "<b>موجز ليبيا — 29 نوفمبر 2026</b>\n<i>منذ 28 نوفمبر 07:01 (Africa/Tripoli)</i>\n\n"
    )
    assert "مباحثات بين الخارجية الليبية والروسية" in reply.text
    assert "<b>1. " in reply.text and "الدستور" in reply.text
    assert "Translation" not in reply.text

    await chat.say("/subscribe")
    await chat.say("/settings lang en")
    [reply] = await chat.say("/digest")
    # No translator configured (TRANSLATOR=none): the stories are Arabic, and nothing is
    # said about a translation nobody set up.
    assert reply.text.startswith(
        "<b>Libya Brief — 29 Nov 2026</b>\n<i>Since 28 Nov 07:01 (Africa/Tripoli)</i>\n\n"
    )
    assert "Translation" not in reply.text
    assert "مباحثات بين الخارجية الليبية والروسية" in reply.text
    assert "Al-Dostor" in reply.text
    # /digest does not move the schedule.
    sub = await subscription(core)
    assert sub.next_due == datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    assert sub.last_period_end is None

    await chat.say("/settings zone Europe/London")
    [reply] = await chat.say("/digest")
    assert "Since 28 Nov 05:01 (Europe/London)" in reply.text  # in the subscriber's zone


# ---- the scheduled run -------------------------------------------------------------------


async def test_the_digest_arrives_once_a_block_stops_it_and_start_brings_it_back(
    chat: Chat, core: Core, clock: Clock
) -> None:
    deliveries = Deliveries(core, TRIPOLI)
    await chat.say("/subscribe")
    clock.advance(minutes=59)  # 06:59 Tripoli: not yet
    report = await deliveries.send_digests(chat.app.bot)
    assert report.due == 0
    await chat.quiet(0.2)

    clock.advance(minutes=2)  # 06:01 UTC, past 08:00 in Tripoli
    report = await deliveries.send_digests(chat.app.bot)
    assert (report.due, report.claimed, report.messages, report.blocked) == (1, 1, 1, 0)
    [digest] = await chat.replies(1)
    assert digest.chat_id == ME and digest.method == "sendMessage"
    assert digest.text.startswith("<b>موجز ليبيا — 29 نوفمبر 2026</b>")
    assert "مباحثات بين الخارجية الليبية والروسية" in digest.text

    report = await deliveries.send_digests(chat.app.bot)  # again: nothing more
    assert (report.due, report.messages) == (0, 0)
    await chat.quiet(0.2)
    sub = await subscription(core)
    assert sub.next_due == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)

    # The next day the user has blocked the bot: the subscription stops.
    clock.advance(days=1)
    chat.api.fail_next("sendMessage", ApiError(403, "Forbidden: bot was blocked by the user"))
    report = await deliveries.send_digests(chat.app.bot)
    assert (report.claimed, report.blocked, report.messages) == (1, 1, 0)
    assert not (await subscription(core)).active
    clock.advance(days=1)
    report = await deliveries.send_digests(chat.app.bot)
    assert report.due == 0
    await chat.quiet(0.2)

    # They come back with /start: the digest resumes.
    [welcome] = await chat.say("/start")
    assert welcome.text.endswith(
        "Welcome back: your daily digest resumes, next at 2 Dec 08:00 (Africa/Tripoli)."
    )
    assert (await subscription(core)).active
    [again] = await chat.say("/start")
    assert "Welcome back" not in again.text  # said once
    clock.advance(days=1)
    report = await deliveries.send_digests(chat.app.bot)
    assert report.messages == 1
    [digest] = await chat.replies(1)
    # Nothing new came in since the last period: the short notice, in Arabic.
    assert digest.text.startswith("لا جديد منذ")


SEED_ENGLISH = {
    "مباحثات بين الخارجية الليبية والروسية بشأن خروج القوات الأجنبية والمرتزقة": (
        "Libyan and Russian foreign ministries discuss the exit of foreign forces and mercenaries"
    ),
    "وزيرة الخارجية تلتقي سفيرة المملكة المتحدة لدى ليبيا": (
        "The foreign minister meets the British ambassador to Libya"
    ),
}


def seed_english(arabic: str) -> str:
    """The fake Google's English: the seed's headlines by hand, any other text as a label."""
    return SEED_ENGLISH.get(arabic.strip(), f"English text of {len(arabic)} characters.")


async def test_subscribe_advance_the_clock_the_digest_arrives_in_arabic_and_in_english(
    settings: Settings, store: Store, knowledge: Knowledge, clock: Clock
) -> None:
    """Two subscribers, one per language; Google answered at the wire through deep-translator."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as wire:
        wire.add_callback(responses.GET, GOOGLE, callback=google_answering(seed_english))
        service = TranslationService(store, make_translator("google", None, None), clock)
        core = make_core(settings, store, knowledge, clock, service)
        async with polling(settings, core) as chat:
            # 07:00 in Paris is 08:00 in Tripoli: both digests fall due at 06:00 UTC.
            await chat.say("/subscribe 07:00")
            await chat.say("/settings zone Europe/Paris")
            [changed] = await chat.say("/settings lang en")
            assert "English" in changed.text
            await chat.say("/subscribe 08:00", chat_id=ARABIC_READER, lang="ar")
            deliveries = Deliveries(core, TRIPOLI)
            assert (await deliveries.send_digests(chat.app.bot)).due == 0

            clock.advance(hours=1, minutes=1)  # 08:01 in Tripoli
            report = await deliveries.send_digests(chat.app.bot)
            assert (report.due, report.claimed, report.variants, report.messages) == (2, 2, 2, 2)
            by_chat = {reply.chat_id: reply for reply in await chat.replies(2)}
            english, arabic = by_chat[ME], by_chat[ARABIC_READER]

            assert english.text.startswith(
                "<b>Libya Brief — 29 Nov 2026</b>\n<i>Since 28 Nov 07:01 (Europe/Paris)</i>\n"
            )
            assert "Translation is unavailable" not in english.text
            assert "<b>1. The foreign minister meets the British ambassador" in english.text
            assert "<b>2. Libyan and Russian foreign ministries discuss the exit" in english.text
            assert "English text of" in english.text  # the leads, translated too
            assert "مباحثات" not in english.text and "Al-Dostor" in english.text
            assert english.buttons == []  # nothing left to translate on demand
            # Headline and lead of two stories, once each; cached for every later reader.
            asked = [c for c in wire.calls if c.request.url.startswith(GOOGLE)]
            assert len(asked) == 4

            assert arabic.text.startswith(
                "<b>موجز ليبيا — 29 نوفمبر 2026</b>\n<i>منذ 28 نوفمبر 08:01 (Africa/Tripoli)</i>"
            )
            assert "مباحثات بين الخارجية الليبية والروسية" in arabic.text
            assert "Libyan and Russian" not in arabic.text
            assert [b["text"] for row in arabic.buttons for b in row] == ["🌐 1", "🌐 2"]
            # The Arabic reader asks for story 2 in English: it comes from the cache.
            [on_demand] = await chat.press(
                arabic.message_id, arabic.buttons[0][1]["callback_data"], lang="ar"
            )
            assert on_demand.chat_id == ARABIC_READER
            assert on_demand.text.startswith(
                "<b>Libyan and Russian foreign ministries discuss the exit of foreign forces"
            )
            assert len([c for c in wire.calls if c.request.url.startswith(GOOGLE)]) == 4

            # Once per period: the next tick sends nothing more.
            assert (await deliveries.send_digests(chat.app.bot)).messages == 0
            await chat.quiet(0.2)


async def test_a_429_is_retried_and_the_digest_still_arrives_once(
    chat: Chat, core: Core, clock: Clock
) -> None:
    deliveries = Deliveries(core, TRIPOLI)
    await chat.say("/subscribe")
    clock.advance(hours=1, minutes=1)
    chat.api.fail_next(
        "sendMessage", ApiError(429, "Too Many Requests: retry after 1", {"retry_after": 1})
    )
    report = await deliveries.send_digests(chat.app.bot)
    assert (report.claimed, report.messages, report.errors) == (1, 1, 0)
    [digest] = await chat.replies(1)
    assert digest.text.startswith("<b>موجز ليبيا")
    attempts = [p for m, p in chat.api.calls if m == "sendMessage" and p["chat_id"] == ME]
    assert len(attempts) == 3  # the /subscribe reply, the refused try, the retry
    await chat.quiet(0.2)


async def test_a_chat_that_is_gone_counts_as_blocked(chat: Chat, core: Core, clock: Clock) -> None:
    deliveries = Deliveries(core, TRIPOLI)
    await chat.say("/subscribe")
    clock.advance(hours=1, minutes=1)
    chat.api.fail_next("sendMessage", ApiError(400, "Bad Request: chat not found"))
    report = await deliveries.send_digests(chat.app.bot)
    assert report.blocked == 1
    assert not (await subscription(core)).active


# ---- alerts ------------------------------------------------------------------------------

NEW_STORIES = [
    (
        "المنقوش تبحث مع السفير الإيطالي دعم المسار السياسي في ليبيا",
        "بحثت وزيرة الخارجية الليبية نجلاء المنقوش في طرابلس مع السفير الإيطالي لدى ليبيا "
        "دعم حكومة الوحدة الوطنية والمسار السياسي الليبي وخروج المرتزقة من ليبيا.",
    ),
    (
        "المفوضية العليا للانتخابات تعلن موعد الانتخابات البلدية في ليبيا",
        "أعلنت المفوضية الوطنية العليا للانتخابات في ليبيا موعد إجراء الانتخابات البلدية "
        "وفتح باب التسجيل للناخبين في طرابلس وبنغازي وسبها.",
    ),
    (
        "المنقوش تستقبل وفدا من الاتحاد الأوروبي في طرابلس",
        "استقبلت وزيرة الخارجية الليبية نجلاء المنقوش وفدا من الاتحاد الأوروبي في طرابلس "
        "لبحث دعم المسار السياسي والانتخابات المقبلة في ليبيا.",
    ),
]


async def add_stories(core: Core, clock: Clock, key: str) -> None:
    services = core.services
    source = await services.store.run(
        sources.ensure_source, url=f"seed:{key}", name="Test <Outlet>", name_ar="منفذ",
        kind="seed", language="ar", now=clock(),
    )  # fmt: skip
    drafts = [
        StoryDraft(position=i, headline=h, body=f"{h}\n{b}", lead=b)
        for i, (h, b) in enumerate(NEW_STORIES)
    ]
    await services.store.run(
        articles.upsert_seed_article, seed_key=key, source_id=source,
        url="https://x.test/a?b=1&c=2", language="ar", published_at=clock(),
        content_hash=key, raw_text="x", stories=drafts, now=clock(),
    )  # fmt: skip
    await services.analyze_pending()


async def test_a_burst_of_new_stories_on_follows_is_one_alert_message(
    chat: Chat, core: Core, clock: Clock
) -> None:
    deliveries = Deliveries(core, TRIPOLI)
    await chat.say("/follow Mangoush")
    await chat.say("/follow elections")
    assert await deliveries.send_alerts(chat.app.bot) == 0  # what was there before is old
    clock.advance(minutes=5)
    await add_stories(core, clock, "burst")
    # A server error: nothing is lost, the alert goes on the next tick.
    chat.api.fail_next("sendMessage", ApiError(500, "Internal Server Error"))
    assert await deliveries.send_alerts(chat.app.bot) == 0
    await chat.quiet(0.2)
    assert await deliveries.send_alerts(chat.app.bot) == 1
    [alert] = await chat.replies(1)
    assert alert.chat_id == ME
    title = alert.text.split("\n")[0]
    assert title.startswith("<b>New on what you follow</b> (")
    assert "Najla Mangoush" in title and "Elections" in title
    for headline, _ in NEW_STORIES:
        assert alert.text.count(headline) == 1
    assert 'href="https://x.test/a?b=1&amp;c=2"' in alert.text
    assert await deliveries.send_alerts(chat.app.bot) == 0  # sent once
    await chat.quiet(0.2)


async def test_help_and_menus_list_the_new_commands(chat: Chat) -> None:
    new = ["subscribe", "unsubscribe", "settings", "digest", "follow", "unfollow", "following",
           "lang", "mydata", "forget"]  # fmt: skip
    [reply] = await chat.say("/help")
    for name in new:
        assert f"\n/{name}" in reply.text
    assert "/subscribe [HH:MM] — A daily digest at a time you choose" in reply.text
    [reply] = await chat.say("/help", lang="ar")
    assert "/follow اسم أو موضوع — متابعة شخص أو موضوع" in reply.text
    for lang in ("", "ar"):
        menu = chat.api.commands[(json.dumps({"type": "default"}), lang)]
        assert [c["command"] for c in menu][-len(new) - 1 :] == [*new, "channel"]
        assert all(1 <= len(c["description"]) <= 256 for c in menu)


def test_a_huge_burst_still_fits_one_message() -> None:
    from bot.alerts import ChatAlerts, Followed
    from bot.models import StoryView
    from bot.tg.deliveries import alert_message

    stories = tuple(
        StoryView(
            id=i,
            headline=f"<خبر> & رقم {i} " * 8,
            lead="جملة طويلة " * 40,
            outlet="O & <P>",
            outlet_ar="م",
            url=f"https://x.test/{i}?a=1&b=2",
            published_at=START,
        )
        for i in range(60)
    )
    about = (Followed("actor", "x", "<س>", "<X>"),)
    for lang in ("ar", "en"):
        text = alert_message(ChatAlerts(ME, tuple(range(60)), stories, about), lang, TRIPOLI)
        visible = parse_telegram_html(text)
        assert utf16_len(text) <= MAX_MESSAGE
        assert "<X>" in visible or "<س>" in visible
        shown = text.count('<a href="https://x.test/')
        assert 3 <= shown < 60
        more = f"… and {60 - shown} more." if lang == "en" else f"… و{60 - shown} غيرها."
        assert text.endswith(more)
    giant = replace(stories[0], headline="ب" * 9000)
    text = alert_message(ChatAlerts(ME, (1, 2), (giant, stories[1]), about), "en", TRIPOLI)
    assert utf16_len(text) <= MAX_MESSAGE
    parse_telegram_html(text)
    # The giant headline is cut where it is shown, so the other story fits beside it.
    assert "ب" * 300 not in text and text.count('<a href="https://x.test/') == 2


class BrokenSubscriptions(SubscriptionService):
    async def my_data(self, chat_id: int) -> dict[str, Any]:
        raise RuntimeError("disk on fire")


async def test_the_error_reply_follows_the_lang_choice(
    settings: Settings, core: Core, caplog: pytest.LogCaptureFixture
) -> None:
    broken = replace(core, subscriptions=BrokenSubscriptions(core.store, core.services.clock))
    async with polling(settings, broken) as chat:
        await chat.say("/lang ar")
        [reply] = await chat.say("/mydata", lang="en")
        assert reply.text == "عذراً، حدث خطأ من جهتي. يُرجى المحاولة بعد قليل."
    assert any("disk on fire" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)
