"""The weekly brief end to end over the fake Bot API: settings, schedule, exactly once (issue 14).

The real Application polls a fake Bot API on 127.0.0.1; the clock is the test's. The store
holds a week of stories with one meeting (tests.test_charts.fill), so a brief carries both
pictures, the meetings' list and the stories.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from bot.analysis.knowledge import Knowledge
from bot.config import Settings
from bot.core import Core
from bot.digest_run import SendOutcome
from bot.models import DigestMessage
from bot.tg.deliveries import Deliveries, telegram_send
from bot.tg.fake_api import ApiError, Outgoing, png_size
from bot.tg.pictures import words
from storage import Store
from tests.test_charts import fill
from tests.test_groups_e2e import (
    ADMIN,
    CHANNEL,
    FORUM,
    OWNER,
    READER,
    TOPIC,
    Bot,
    bot_over,
    link_channel,
    world,
)
from tests.test_subscriptions_e2e import TRIPOLI, Clock, make_core

# Sunday 29 Nov 2026, 07:00 in Tripoli (UTC+2).
START = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def core(settings: Settings, store: Store, knowledge: Knowledge, clock: Clock) -> Core:
    store.run_sync(fill)
    return make_core(settings, store, knowledge, clock)


@pytest.fixture
async def bot(settings: Settings, core: Core) -> AsyncIterator[Bot]:
    async with bot_over(settings, core, world()) as running_bot:
        yield running_bot


def brief_shape(replies: list[Outgoing]) -> list[str]:
    """What each message of a brief is: a photo, or the start of its text."""
    return [
        f"photo {png_size(r.params['photo'])}" if r.method == "sendPhoto" else r.text[:40]
        for r in replies
    ]


async def weekly_on(bot: Bot, chat: int, setting: str = "sun 08:00") -> Outgoing:
    await bot.say_in("/subscribe", chat=chat)
    [panel] = await bot.say_in(f"/settings weekly {setting}", chat=chat)
    return panel


# ---- /settings ---------------------------------------------------------------------------


async def test_weekly_settings_typed_and_with_buttons_in_both_languages(
    bot: Bot, core: Core
) -> None:
    await bot.say_in("/subscribe", chat=READER)
    [panel] = await bot.say_in("/settings", chat=READER)
    assert "When nothing is new: a short notice\nWeekly brief: off\n" in panel.text
    assert panel.buttons[-1] == [{"text": "Weekly: off", "callback_data": "set:v:weekly"}]

    [view] = await bot.press_as(panel.message_id, "set:v:weekly", user=READER)
    assert "Choose the day and time, or type /settings weekly mon 08:00" in view.text
    data = [[b["callback_data"] for b in row] for row in view.buttons]
    assert data[0] == ["set:wk:1", "set:wk:0"]
    assert data[1] == ["set:wday:0", "set:wday:1", "set:wday:2", "set:wday:3"]
    assert data[2] == ["set:wday:4", "set:wday:5", "set:wday:6"]
    assert data[3] == ["set:wtime:0600", "set:wtime:0700", "set:wtime:0730"]
    assert data[-1] == ["set:v:main"]
    assert view.buttons[0][1]["text"] == "✓ No weekly brief"

    # Choosing a day turns the brief on; the time keeps its 08:00 until one is chosen.
    [view] = await bot.press_as(panel.message_id, "set:wday:0", user=READER)
    assert "Weekly brief: every Monday at 08:00, next 30 Nov 08:00 (Africa/Tripoli)" in view.text
    assert view.buttons[1][0]["text"] == "✓ Monday"
    [view] = await bot.press_as(panel.message_id, "set:wtime:0900", user=READER)
    assert "every Monday at 09:00, next 30 Nov 09:00 (Africa/Tripoli)" in view.text
    sub = await core.subscriptions.get(READER)
    assert sub is not None and sub.weekly_next_due == datetime(2026, 11, 30, 7, 0, tzinfo=UTC)
    [view] = await bot.press_as(panel.message_id, "set:wk:0", user=READER)
    assert "Weekly brief: off" in view.text
    sub = await core.subscriptions.get(READER)
    assert sub is not None and not sub.weekly_on and sub.weekly_next_due is None
    # Forged presses are answered, not obeyed.
    for forged in ("set:wday:7", "set:wtime:2500", "set:wk:2"):
        bot.api.user_presses(panel.message_id, forged, user_id=READER)
    await bot.quiet(0.4)
    assert (await core.subscriptions.get(READER)) == sub

    # Typed: a day and a time, either alone, on, off; a zone change moves the brief too.
    [reply] = await bot.say_in("/settings weekly sun 08:00", chat=READER)
    assert "Weekly brief: every Sunday at 08:00, next 29 Nov 08:00 (Africa/Tripoli)" in reply.text
    [reply] = await bot.say_in("/settings weekly Friday", chat=READER)
    assert "every Friday at 08:00, next 4 Dec 08:00" in reply.text
    [reply] = await bot.say_in("/settings zone Europe/London", chat=READER)
    assert "every Friday at 08:00, next 4 Dec 08:00 (Europe/London)" in reply.text
    sub = await core.subscriptions.get(READER)
    assert sub is not None and sub.weekly_next_due == datetime(2026, 12, 4, 8, 0, tzinfo=UTC)
    [reply] = await bot.say_in("/settings weekly off", chat=READER)
    assert "Weekly brief: off" in reply.text
    [reply] = await bot.say_in("/settings weekly on", chat=READER)
    assert "every Friday at 08:00" in reply.text
    for bad in ("someday", "mon tue", "08:00 09:00", ""):
        [reply] = await bot.say_in(f"/settings weekly {bad}", chat=READER)
        assert reply.text.endswith(
            "is not a weekday and time. Type /settings weekly mon 08:00, or /settings weekly off."
        ), bad

    # In Arabic: the day's Arabic name typed, the line and the buttons in Arabic.
    [reply] = await bot.say_in("/settings weekly الخميس 18:00", chat=READER, lang="ar")
    assert "الموجز الأسبوعي: الخميس من كل أسبوع في 18:00، والتالي 3 ديسمبر 18:00" in reply.text
    assert reply.buttons[-1] == [
        {"text": "الأسبوعي: الخميس 18:00", "callback_data": "set:v:weekly"}
    ]
    [view] = await bot.press_as(reply.message_id, "set:v:weekly", user=READER, lang="ar")
    assert "اختر اليوم والوقت" in view.text
    assert view.buttons[0][0]["text"] == "✓ أرسله أسبوعيًا"
    assert view.buttons[1][3]["text"] == "✓ الخميس"
    [reply] = await bot.say_in("/settings weekly يوما", chat=READER, lang="ar")
    assert reply.text.startswith("“يوما” ليس يومًا ووقتًا.")


# ---- the scheduled brief -----------------------------------------------------------------


async def test_the_brief_comes_at_the_weekday_and_time_in_the_subscribers_zone(
    bot: Bot, core: Core, clock: Clock
) -> None:
    await bot.say_in("/subscribe", chat=READER)
    await bot.say_in("/settings zone America/New_York", chat=READER)
    [panel] = await bot.say_in("/settings weekly mon 07:00", chat=READER)
    assert "next 30 Nov 07:00 (America/New_York)" in panel.text
    deliveries = Deliveries(core, TRIPOLI)
    clock.now = datetime(2026, 11, 30, 11, 59, tzinfo=UTC)  # 06:59 in New York
    assert (await deliveries.send_weekly(bot.app.bot)).due == 0
    clock.now = datetime(2026, 11, 30, 12, 1, tzinfo=UTC)
    report = await deliveries.send_weekly(bot.app.bot)
    assert (report.due, report.claimed, report.blocked, report.errors) == (1, 1, 0, 0)
    replies = await bot.replies(report.messages)
    shape = brief_shape(replies)
    assert shape[:2] == ["photo (1080, 1080)", "photo (1080, 1080)"]
    assert shape[2].startswith("<b>اللقاءات والاتصالات</b>\n• ")  # the list, for images off
    assert "• غسان سلامة — نجلاء المنقوش (لقاء، طرابلس، 2026-11-27)" in replies[2].text
    assert replies[0].text.startswith("<b>موجز ليبيا الأسبوعي — 30 نوفمبر 2026</b>\n")
    assert len(replies[0].text) <= 1024 and len(replies[1].text) <= 1024
    assert replies[1].text.startswith("<b>من التقى بمن</b>")
    assert replies[3].text.startswith("<b>أهم أخبار الأسبوع حسب الموضوع — 30 نوفمبر 2026</b>")
    sub = await core.subscriptions.get(READER)
    assert sub is not None and sub.weekly_next_due == datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
    # /mydata lists it with the daily digests.
    [mine] = await bot.say_in("/mydata", chat=READER)
    assert "<b>Last weekly briefs</b>\n• 30 Nov 2026 07:01: sent" in mine.text


async def test_the_weekly_brief_alone_with_the_daily_digest_off_and_back_on(
    bot: Bot, core: Core, clock: Clock
) -> None:
    await weekly_on(bot, READER, "mon 07:00")
    [panel] = await bot.say_in("/settings daily off", chat=READER)
    assert "Status: daily digest off, weekly brief only" in panel.text
    assert "Weekly brief: every Monday at 07:00" in panel.text
    main = [b["text"] for row in panel.buttons for b in row]
    assert "Daily: off" in main
    [mine] = await bot.say_in("/mydata", chat=READER)
    assert "weekly brief only" in mine.text and "Weekly brief: every Monday at 07:00" in mine.text
    [panel_off] = await bot.say_in("/settings weekly off", chat=READER)
    assert "and no weekly brief: nothing is sent" in panel_off.text
    await bot.say_in("/settings weekly mon 07:00", chat=READER)
    deliveries = Deliveries(core, TRIPOLI)
    clock.now = datetime(2026, 11, 30, 5, 1, tzinfo=UTC)  # Monday 07:01 in Tripoli
    daily = await deliveries.send_digests(bot.app.bot)
    assert (daily.due, daily.claimed, daily.messages) == (0, 0, 0)  # no daily digest
    weekly = await deliveries.send_weekly(bot.app.bot)
    assert (weekly.claimed, weekly.errors) == (1, 0)
    assert len(await bot.replies(weekly.messages)) == weekly.messages
    assert (await deliveries.send_digests(bot.app.bot)).claimed == 0  # still none

    # Back on, with a button in the time view: the next digest is at its time, of the day
    # before it, not of the days it was off.
    [view] = await bot.press_as(panel.message_id, "set:daily:1", user=READER)
    assert [b["text"] for b in view.buttons[0]] == ["✓ Daily digest on", "Weekly brief only"]
    sub = await core.subscriptions.get(READER)
    assert sub is not None and sub.daily_on and sub.last_period_end is None
    assert sub.next_due == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)  # 08:00 that Monday
    clock.now = datetime(2026, 11, 30, 6, 1, tzinfo=UTC)
    daily = await deliveries.send_digests(bot.app.bot)
    assert (daily.claimed, daily.errors) == (1, 0)


class Crash(BaseException):
    """The process dies: nothing after it runs."""


async def test_a_brief_is_sent_once_across_a_crash_in_the_middle_and_a_restart(
    settings: Settings, store: Store, knowledge: Knowledge, clock: Clock
) -> None:
    store.run_sync(fill)
    api = world()
    core = make_core(settings, store, knowledge, clock)
    async with bot_over(settings, core, api) as bot:
        await weekly_on(bot, READER)
        deliveries = Deliveries(core, TRIPOLI)
        assert (await deliveries.send_weekly(bot.app.bot)).due == 0
        clock.advance(hours=1, minutes=1)  # 08:01 on Sunday in Tripoli
        real = telegram_send(bot.app.bot)
        went: list[DigestMessage] = []

        async def dies_after_two(chat_id: int, message: DigestMessage) -> SendOutcome:
            if len(went) == 2:
                raise Crash
            went.append(message)
            return await real(chat_id, message)

        with pytest.raises(Crash):
            await core.weekly().run(deliveries.weekly_render, dies_after_two, words)
        before = await bot.replies(2)
        assert [r.method for r in before] == ["sendPhoto", "sendPhoto"]
    # The restarted bot opens the same database afresh and resumes at the third message.
    again = Store(settings.database_path)
    core = make_core(settings, again, knowledge, clock)
    try:
        async with bot_over(settings, core, api) as bot:
            api.take_outbox()
            deliveries = Deliveries(core, TRIPOLI)
            report = await deliveries.send_weekly(bot.app.bot)
            assert (report.due, report.claimed, report.resumed) == (0, 0, 1)
            rest = await bot.replies(report.messages)
            assert report.messages >= 2
            assert all(r.method == "sendMessage" for r in rest)
            assert rest[0].text.startswith("<b>اللقاءات والاتصالات</b>")
            await bot.quiet(0.3)
            assert (await deliveries.send_weekly(bot.app.bot)).messages == 0
            # Not the next day: the next Sunday.
            clock.advance(days=6)
            assert (await deliveries.send_weekly(bot.app.bot)).due == 0
            clock.advance(days=1)
            report = await deliveries.send_weekly(bot.app.bot)
            assert (report.claimed, report.resumed) == (1, 0)
            await bot.replies(report.messages)
    finally:
        again.close()


async def test_a_failing_photo_is_retried_next_tick_and_a_403_stops_the_subscription(
    bot: Bot, core: Core, clock: Clock
) -> None:
    await weekly_on(bot, READER)
    deliveries = Deliveries(core, TRIPOLI)
    clock.advance(hours=1, minutes=1)
    bot.api.fail_next("sendPhoto", ApiError(502, "Bad Gateway"))
    report = await deliveries.send_weekly(bot.app.bot)
    assert (report.claimed, report.retrying, report.messages) == (1, 1, 0)
    await bot.quiet(0.2)
    clock.advance(minutes=1)
    report = await deliveries.send_weekly(bot.app.bot)
    assert (report.resumed, report.retrying, report.errors) == (1, 0, 0)
    replies = await bot.replies(report.messages)
    assert brief_shape(replies)[:2] == ["photo (1080, 1080)"] * 2

    clock.advance(days=7)
    bot.api.fail_next("sendPhoto", ApiError(403, "Forbidden: bot was blocked by the user"))
    report = await deliveries.send_weekly(bot.app.bot)
    assert (report.claimed, report.blocked, report.messages) == (1, 1, 0)
    sub = await core.subscriptions.get(READER)
    assert sub is not None and not sub.active
    clock.advance(days=7)
    assert (await deliveries.send_weekly(bot.app.bot)).due == 0


async def test_a_brief_goes_to_a_forum_topic_and_to_a_linked_channel(
    bot: Bot, core: Core, clock: Clock
) -> None:
    await bot.say_in("/subscribe", chat=FORUM, user=ADMIN, thread=TOPIC)
    [panel] = await bot.say_in("/settings weekly sun 08:00", chat=FORUM, user=ADMIN, thread=TOPIC)
    assert panel.params.get("message_thread_id") == TOPIC and "every Sunday" in panel.text
    linked = await link_channel(bot)
    [view] = await bot.press_as(linked.message_id, f"ch:{CHANNEL}:v:weekly", user=OWNER)
    assert [b["callback_data"] for b in view.buttons[0]] == [
        f"ch:{CHANNEL}:wk:1", f"ch:{CHANNEL}:wk:0",
    ]  # fmt: skip
    [view] = await bot.press_as(linked.message_id, f"ch:{CHANNEL}:wday:6", user=OWNER)
    assert "Weekly brief: every Sunday at 08:00" in view.text

    clock.advance(hours=1, minutes=1)
    report = await Deliveries(core, TRIPOLI).send_weekly(bot.app.bot)
    assert (report.claimed, report.variants, report.blocked) == (2, 1, 0)
    replies = await bot.replies(report.messages)
    by_chat: dict[int, list[Outgoing]] = {}
    for reply in replies:
        by_chat.setdefault(reply.chat_id, []).append(reply)
    assert set(by_chat) == {FORUM, CHANNEL}
    assert {r.params.get("message_thread_id") for r in by_chat[FORUM]} == {TOPIC}
    assert all("message_thread_id" not in r.params for r in by_chat[CHANNEL])
    assert brief_shape(by_chat[FORUM]) == brief_shape(by_chat[CHANNEL])
    assert [r.method for r in by_chat[CHANNEL]][:2] == ["sendPhoto", "sendPhoto"]


async def test_digest_weekly_shows_the_brief_now_and_moves_nothing(bot: Bot, core: Core) -> None:
    await bot.say_in("/subscribe", chat=READER)
    api = bot.api
    api.user_sends("/digest weekly", chat_id=READER)
    first = await bot.replies(4)
    assert brief_shape(first)[:2] == ["photo (1080, 1080)"] * 2
    assert first[0].text.startswith("<b>موجز ليبيا الأسبوعي — 29 نوفمبر 2026</b>")
    assert first[3].text.startswith("<b>أهم أخبار الأسبوع حسب الموضوع")
    sub = await core.subscriptions.get(READER)
    assert sub is not None and not sub.weekly_on and sub.weekly_next_due is None
