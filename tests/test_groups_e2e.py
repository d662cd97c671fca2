"""Groups, forum topics and channels, end to end over the fake Bot API (issue 13).

The real Application polls a fake Bot API served on 127.0.0.1 that knows groups, forum
supergroups and channels, who administers each, and refuses a post where the bot may not
post, as Telegram does. The clock is the test's.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.analysis.knowledge import Knowledge
from bot.config import Settings
from bot.core import Core
from bot.tg.deliveries import Deliveries
from bot.tg.fake_api import BOT_ID, ApiError, FakeBotApi, Outgoing
from storage import Store, sources
from storage import chats as chat_store
from storage import subscriptions as subs
from tests.conftest import TOKEN
from tests.fakes.bot_api_server import polling_bot
from tests.test_subscriptions_e2e import TRIPOLI, Chat, Clock, add_stories, make_core

START = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)  # 07:00 in Tripoli
GROUP = -4001
FORUM = -1004002
TOPIC = 55
CHANNEL = -1004003
HIDDEN = -1004004  # a private channel the bot is not in
ADMIN = 501
MEMBER = 502
OWNER = 601  # administers the channel, links it from a private chat
READER = 1001  # a private subscriber


class Bot(Chat):
    """The fake Bot API with the real bot polling it; people in groups, channels, chats."""

    async def say_in(
        self,
        text: str,
        *,
        chat: int,
        user: int | None = None,
        lang: str = "en",
        thread: int | None = None,
        count: int = 1,
    ) -> list[Outgoing]:
        self.api.user_sends(text, chat_id=chat, user_id=user, language_code=lang, thread_id=thread)
        return await self.replies(count)

    async def press_as(
        self, message_id: int, data: str, *, user: int, lang: str = "en", count: int = 1
    ) -> list[Outgoing]:
        assert len(data.encode()) <= 64
        self.api.user_presses(message_id, data, user_id=user, language_code=lang)
        return await self.replies(count)

    def alerts_shown(self) -> list[str]:
        return [
            str(p["text"]) for m, p in self.api.calls if m == "answerCallbackQuery" and "text" in p
        ]

    def member_checks(self, chat: int, user: int) -> int:
        return sum(
            1
            for m, p in self.api.calls
            if m == "getChatMember" and int(p["chat_id"]) == chat and int(p["user_id"]) == user
        )


def world() -> FakeBotApi:
    """A group, a forum, a public channel and a private one, and who administers each."""
    api = FakeBotApi(token=TOKEN)
    api.add_chat(GROUP, "group", "Embassy desk")
    api.add_chat(FORUM, "supergroup", "Newsroom", is_forum=True)
    api.add_chat(CHANNEL, "channel", "Libya Desk", username="libyadesk")
    api.add_chat(HIDDEN, "channel", "Private notes")
    for chat in (GROUP, FORUM):
        api.set_member(chat, ADMIN, "administrator")
        api.set_member(chat, MEMBER, "member")
        api.set_member(chat, BOT_ID, "member")
    api.set_member(CHANNEL, OWNER, "creator")
    api.set_member(CHANNEL, MEMBER, "member")
    api.set_member(CHANNEL, BOT_ID, "administrator", can_post_messages=True)
    api.set_member(HIDDEN, OWNER, "creator")
    return api


@asynccontextmanager
async def bot_over(settings: Settings, core: Core, api: FakeBotApi) -> AsyncIterator[Bot]:
    """The real Application over `core`, polling `api` (kept across restarts)."""
    async with polling_bot(settings, core, api) as (_, app):
        yield Bot(api, app)


@pytest.fixture
def clock() -> Clock:
    return Clock(START)


@pytest.fixture
def core(settings: Settings, store: Store, knowledge: Knowledge, clock: Clock) -> Core:
    return make_core(settings, store, knowledge, clock)


@pytest.fixture
async def bot(settings: Settings, core: Core) -> AsyncIterator[Bot]:
    async with bot_over(settings, core, world()) as running_bot:
        yield running_bot


async def until(check: Callable[[], object], seconds: float = 5.0) -> None:
    """Wait for the bot to have handled an update that sends nothing."""
    for _ in range(int(seconds / 0.05)):
        if check():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the bot did not get there")


# ---- groups ------------------------------------------------------------------------------


async def test_a_group_hears_addressed_commands_and_only_admins_change_its_things(
    bot: Bot, core: Core, store: Store
) -> None:
    bot.api.bot_status_changes(GROUP, "member", by=ADMIN)
    await until(lambda: store.run_sync(chat_store.membership, GROUP) is not None)
    row = store.run_sync(chat_store.membership, GROUP)
    assert row is not None and (row["chat_type"], row["status"], row["changed_by"]) == (
        "group", "member", ADMIN,
    )  # fmt: skip

    # Commands addressed to the bot, and plain ones, answer in the group.
    [latest] = await bot.say_in("/latest@LibyaBriefBot 1", chat=GROUP, user=MEMBER)
    assert latest.chat_id == GROUP and "1–1" in latest.text
    [unknown] = await bot.say_in("/nonsense@LibyaBriefBot", chat=GROUP, user=MEMBER)
    assert unknown.chat_id == GROUP and "/help" in unknown.text
    # Another bot's command, a stray unknown one and plain talk get no answer in a group.
    bot.api.user_sends("/latest@OtherBot", chat_id=GROUP, user_id=MEMBER)
    bot.api.user_sends("/nonsense", chat_id=GROUP, user_id=MEMBER)
    bot.api.user_sends("good morning", chat_id=GROUP, user_id=MEMBER)
    await bot.quiet()

    # A member may not change the group's digest: refused in their language, nothing kept.
    [refused] = await bot.say_in("/subscribe 07:30", chat=GROUP, user=MEMBER, lang="ar")
    assert (
        refused.text
        == "لا يغيّر موجز هذه المجموعة ولا متابعاتها ولا لغتها ولا بياناتها إلا مشرفوها."
    )
    [refused] = await bot.say_in("/follow Mangoush", chat=GROUP, user=MEMBER)
    assert refused.text.startswith("Only this group's administrators can change")
    assert await core.subscriptions.get(GROUP) is None
    assert await core.subscriptions.following(GROUP) == []

    # An administrator subscribes the group and follows for it.
    [done] = await bot.say_in("/subscribe 07:30", chat=GROUP, user=ADMIN)
    assert done.chat_id == GROUP and "every day at 07:30" in done.text
    [followed] = await bot.say_in("/follow Mangoush", chat=GROUP, user=ADMIN)
    assert followed.chat_id == GROUP
    assert [kind for kind, _ in await core.subscriptions.following(GROUP)] == ["actor"]
    assert await core.subscriptions.get(ADMIN) is None  # the group's, not the admin's

    # Any member sees the settings; only administrators press their buttons.
    [panel] = await bot.say_in("/settings", chat=GROUP, user=MEMBER)
    assert panel.text.startswith("<b>This group's digest settings</b>")
    assert "Time: 07:30" in panel.text
    bot.api.user_presses(panel.message_id, "set:time:0900", user_id=MEMBER)
    await until(lambda: len(bot.alerts_shown()) == 1)
    assert bot.alerts_shown()[0].startswith("Only this group's administrators")
    [refused] = await bot.say_in("/settings time 09:00", chat=GROUP, user=MEMBER)
    assert refused.text.startswith("Only this group's administrators")
    sub = await core.subscriptions.get(GROUP)
    assert sub is not None and sub.local_time == "07:30"
    [edited] = await bot.press_as(panel.message_id, "set:time:0900", user=ADMIN)
    assert edited.text.startswith("<b>This group's digest settings</b>")
    assert "Time: 09:00" in edited.text

    # /mydata speaks of the group; /forget is the administrators'.
    [data] = await bot.say_in("/mydata", chat=GROUP, user=MEMBER)
    assert data.text.startswith("<b>What I keep about this group</b>")
    assert "The group's administrators can delete it all with /forget." in data.text
    [refused] = await bot.say_in("/forget", chat=GROUP, user=MEMBER)
    assert refused.text.startswith("Only this group's administrators")
    [ask] = await bot.say_in("/forget", chat=GROUP, user=ADMIN)
    assert ask.text.startswith("This deletes this group's subscription")
    [gone] = await bot.press_as(ask.message_id, "forget:yes", user=ADMIN)
    assert gone.text == "Done: I have deleted everything I kept about this group."
    assert await core.subscriptions.get(GROUP) is None

    # The administrator was asked about once: the answer is kept for a few minutes.
    assert bot.member_checks(GROUP, ADMIN) == 1
    assert bot.member_checks(GROUP, MEMBER) == 1


async def test_an_anonymous_admin_writing_as_the_group_may_change_it(bot: Bot, core: Core) -> None:
    update = bot.api.user_sends("/subscribe", chat_id=GROUP, user_id=1087968824)
    update["message"]["sender_chat"] = bot.api.chats[GROUP].as_chat()
    await bot.replies(1)
    assert await core.subscriptions.get(GROUP) is not None
    assert bot.member_checks(GROUP, 1087968824) == 0


# ---- forum topics ------------------------------------------------------------------------


async def test_a_forum_topic_gets_the_replies_the_digest_and_the_alerts(
    bot: Bot, core: Core, clock: Clock
) -> None:
    [done] = await bot.say_in("/subscribe", chat=FORUM, user=ADMIN, thread=TOPIC)
    assert done.params.get("message_thread_id") == TOPIC
    [followed] = await bot.say_in("/follow Mangoush", chat=FORUM, user=ADMIN, thread=TOPIC)
    assert followed.params.get("message_thread_id") == TOPIC
    [latest] = await bot.say_in("/latest 1", chat=FORUM, user=MEMBER, thread=TOPIC)
    assert latest.params.get("message_thread_id") == TOPIC
    # Lists sent as new messages (a profile, a topic's page, a search) go to the topic too.
    for ask in ("/who Mangoush", "/topic elections", "/search المنقوش", "/search xyzzy", "/trends"):
        [reply] = await bot.say_in(ask, chat=FORUM, user=MEMBER, thread=TOPIC)
        assert reply.params.get("message_thread_id") == TOPIC, ask
    # The seed page's meetings: the picture, then the list, both in the topic.
    month = await bot.say_in("/meetings month", chat=FORUM, user=MEMBER, thread=TOPIC, count=2)
    assert [r.method for r in month] == ["sendPhoto", "sendMessage"]
    assert [r.params.get("message_thread_id") for r in month] == [TOPIC, TOPIC]
    sub = await core.subscriptions.get(FORUM)
    assert sub is not None and sub.thread_id == TOPIC

    deliveries = Deliveries(core, TRIPOLI)
    clock.advance(hours=1, minutes=1)
    report = await deliveries.send_digests(bot.app.bot)
    assert (report.claimed, report.messages) == (1, 1)
    [digest] = await bot.replies(1)
    assert (digest.chat_id, digest.params.get("message_thread_id")) == (FORUM, TOPIC)
    assert digest.text.startswith("<b>موجز ليبيا")

    assert await deliveries.send_alerts(bot.app.bot) == 0  # what was there before is old
    await add_stories(core, clock, "forum-alerts")
    assert await deliveries.send_alerts(bot.app.bot) == 1
    [alert] = await bot.replies(1)
    assert (alert.chat_id, alert.params.get("message_thread_id")) == (FORUM, TOPIC)

    # The topic was deleted: the next digest goes to the forum's General topic, not nowhere.
    bot.api.fail_next("sendMessage", ApiError(400, "Bad Request: message thread not found"))
    clock.advance(days=1)
    assert (await deliveries.send_digests(bot.app.bot)).messages == 1
    [general] = await bot.replies(1)
    assert general.chat_id == FORUM and "message_thread_id" not in general.params


# ---- channels ----------------------------------------------------------------------------


async def link_channel(bot: Bot) -> Outgoing:
    [linked] = await bot.say_in("/channel add @libyadesk", chat=OWNER)
    assert linked.text.startswith("<b>Libya Desk is linked.</b>")
    return linked


async def test_channel_add_checks_who_asks_and_whether_the_bot_may_post(
    bot: Bot, core: Core, store: Store
) -> None:
    def linked() -> list[object]:
        return store.run_sync(chat_store.channels_of, OWNER) + store.run_sync(
            chat_store.channels_of, MEMBER
        )

    cases = [
        (MEMBER, "/channel add @libyadesk", "You are not an administrator of Libya Desk"),
        (OWNER, "/channel add @nosuchchannel", "I cannot see the channel @nosuchchannel."),
        (OWNER, f"/channel add {HIDDEN}", f"I cannot see the channel {HIDDEN}."),
        (OWNER, "/channel add @Embassy_desk_x", "I cannot see the channel"),
        (OWNER, f"/channel add {GROUP}", "Embassy desk is not a channel."),
        (OWNER, "/channel add <b>x</b>", "“&lt;b&gt;x&lt;/b&gt;” is not a channel's @name or id."),
        (OWNER, "/channel add " + "\u0007" * 300, "is not a channel's @name or id."),
        (OWNER, "/channel add @a", "“@a” is not a channel's @name or id."),
        (OWNER, "/channel frobnicate", "<b>Channels</b>"),
        (OWNER, "/channel remove @libyadesk", "@libyadesk is not one of your linked channels"),
    ]
    for user, text, expected in cases:
        [reply] = await bot.say_in(text, chat=user)
        assert expected in reply.text, (text, reply.text)
    # In Arabic too.
    [reply] = await bot.say_in("/channel add @libyadesk", chat=MEMBER, lang="ar")
    assert reply.text == "لست مشرفًا على Libya Desk، فلا يمكنك ربطها. لم يتغير شيء."

    # The bot is an administrator who may not post: refused until it may.
    bot.api.set_member(CHANNEL, BOT_ID, "administrator", can_post_messages=False)
    [reply] = await bot.say_in("/channel add @libyadesk", chat=OWNER)
    assert reply.text.startswith("I cannot post in Libya Desk.")
    bot.api.set_member(CHANNEL, BOT_ID, "member")
    [reply] = await bot.say_in("/channel add @libyadesk", chat=OWNER)
    assert reply.text.startswith("I cannot post in Libya Desk.")

    # A forward from a private channel the bot cannot see; a forward from a person.
    await bot.say_in("/channel add", chat=OWNER)
    bot.api.user_forwards(HIDDEN, chat_id=OWNER)
    [reply] = await bot.replies(1)
    assert reply.text.startswith("I cannot see the channel Private notes.")
    await bot.say_in("/channel add", chat=OWNER)
    update = bot.api.user_sends("a forward", chat_id=OWNER)
    update["message"]["forward_origin"] = {
        "type": "hidden_user", "sender_user_name": "Someone", "date": 1,
    }  # fmt: skip
    [reply] = await bot.replies(1)
    assert reply.text.startswith("That forward is not a post from a channel")
    # /channel in a group says where to go.
    [reply] = await bot.say_in("/channel", chat=GROUP, user=ADMIN)
    assert reply.text.startswith("Channels are linked in a private chat")

    assert linked() == []
    assert await core.subscriptions.get(CHANNEL) is None


async def test_a_channel_is_linked_by_forward_and_changed_with_its_buttons(
    bot: Bot, core: Core
) -> None:
    # A forwarded post not preceded by /channel add only says how.
    bot.api.user_forwards(CHANNEL, chat_id=OWNER)
    [hint] = await bot.replies(1)
    assert hint.text.startswith("To link the channel this post comes from")
    [ask] = await bot.say_in("/channel add", chat=OWNER)
    assert "forward me a post from it now" in ask.text
    bot.api.user_forwards(CHANNEL, chat_id=OWNER)
    [panel] = await bot.replies(1)
    assert panel.text.startswith("<b>Libya Desk is linked.</b>")
    assert "<b>Channel Libya Desk</b> (@libyadesk)" in panel.text
    assert "Alerts for what you follow: off" in panel.text
    data = [b["callback_data"] for row in panel.buttons for b in row]
    assert data[0] == f"ch:{CHANNEL}:v:time" and data[-1] == f"ch:{CHANNEL}:alerts:1"

    [view] = await bot.press_as(panel.message_id, f"ch:{CHANNEL}:v:time", user=OWNER)
    assert "Choose the delivery time" in view.text
    [view] = await bot.press_as(panel.message_id, f"ch:{CHANNEL}:time:0700", user=OWNER)
    assert "Time: 07:00" in view.text
    [view] = await bot.press_as(panel.message_id, f"ch:{CHANNEL}:lang:en", user=OWNER)
    [view] = await bot.press_as(panel.message_id, f"ch:{CHANNEL}:alerts:1", user=OWNER)
    assert "Alerts for what you follow: on" in view.text
    sub = await core.subscriptions.get(CHANNEL)
    assert sub is not None and (sub.local_time, sub.digest_lang) == ("07:00", "en")

    # Someone else's press, or a forged one, changes nothing.
    bot.api.user_presses(panel.message_id, f"ch:{CHANNEL}:time:0900", user_id=MEMBER)
    bot.api.user_presses(panel.message_id, f"ch:{CHANNEL}:zone:Mars/Base", user_id=OWNER)
    bot.api.user_presses(panel.message_id, "ch:99999999999999999999:v:time", user_id=OWNER)
    await until(lambda: len(bot.alerts_shown()) == 3)
    sub = await core.subscriptions.get(CHANNEL)
    assert sub is not None and (sub.local_time, sub.timezone) == ("07:00", "Africa/Tripoli")

    [listing] = await bot.say_in("/channel", chat=OWNER)
    assert "<b>Channel Libya Desk</b>" in listing.text and "Time: 07:00" in listing.text
    [mine] = await bot.say_in("/mydata", chat=OWNER)
    assert "<b>Channels you linked</b>\n• Libya Desk (@libyadesk)" in mine.text
    [removed] = await bot.say_in("/channel remove @LibyaDesk", chat=OWNER)
    assert removed.text.startswith("Libya Desk is unlinked")
    assert await core.subscriptions.get(CHANNEL) is None
    [none] = await bot.say_in("/channel", chat=OWNER)
    assert none.text.startswith("You have not linked a channel.")


# ---- the digest, once each, across a restart ---------------------------------------------


async def test_a_digest_to_a_group_a_topic_and_a_channel_once_each_across_a_restart(
    settings: Settings, store: Store, knowledge: Knowledge, clock: Clock
) -> None:
    api = world()
    core = make_core(settings, store, knowledge, clock)
    async with bot_over(settings, core, api) as bot:
        await bot.say_in("/subscribe", chat=GROUP, user=ADMIN)
        await bot.say_in("/subscribe", chat=FORUM, user=ADMIN, thread=TOPIC)
        await link_channel(bot)
        clock.advance(hours=1, minutes=1)  # past 08:00 in Tripoli
        # Telegram cannot take anything: the three digests are claimed and wait.
        api.fail_for("sendMessage", ApiError(502, "Bad Gateway"))
        report = await Deliveries(core, TRIPOLI).send_digests(bot.app.bot)
        assert (report.claimed, report.retrying, report.messages) == (3, 3, 0)
    # post_shutdown closed the store: the restarted bot opens the same database afresh.
    again = Store(settings.database_path)
    core = make_core(settings, again, knowledge, clock)
    try:
        async with bot_over(settings, core, api) as bot:
            api.recover("sendMessage")
            api.take_outbox()
            deliveries = Deliveries(core, TRIPOLI)
            report = await deliveries.send_digests(bot.app.bot)
            assert (report.due, report.resumed, report.messages) == (0, 3, 3)
            got = {(r.chat_id, r.params.get("message_thread_id")) for r in await bot.replies(3)}
            assert got == {(GROUP, None), (FORUM, TOPIC), (CHANNEL, None)}
            assert (await deliveries.send_digests(bot.app.bot)).messages == 0
            await bot.quiet(0.2)
            clock.advance(days=1)
            report = await deliveries.send_digests(bot.app.bot)
            assert (report.claimed, report.messages) == (3, 3)
            again_got = {
                (r.chat_id, r.params.get("message_thread_id")) for r in await bot.replies(3)
            }
            assert again_got == got
    finally:
        again.close()


async def deliveries_before(core: Core, bot: Bot) -> int:
    return await Deliveries(core, TRIPOLI).send_alerts(bot.app.bot)


# ---- losing a channel --------------------------------------------------------------------


async def test_the_bot_removed_from_a_channel_mid_run_pauses_it_and_tells_the_owner_once(
    bot: Bot, core: Core, clock: Clock, store: Store
) -> None:
    await bot.say_in("/subscribe", chat=READER)
    await bot.say_in("/subscribe", chat=GROUP, user=ADMIN)
    await link_channel(bot)
    [owner_panel] = await bot.say_in("/channel", chat=OWNER)
    await bot.press_as(owner_panel.message_id, f"ch:{CHANNEL}:alerts:1", user=OWNER)
    await bot.say_in("/follow Mangoush", chat=OWNER)
    assert await deliveries_before(core, bot) == 0  # what was there before is old
    # The channel's administrator removes the bot; the update is late, the digest is not.
    bot.api.set_member(CHANNEL, BOT_ID, "left")
    clock.advance(hours=1, minutes=1)
    deliveries = Deliveries(core, TRIPOLI)
    report = await deliveries.send_digests(bot.app.bot)
    assert (report.claimed, report.messages, report.blocked) == (3, 2, 1)
    out = await bot.replies(3)
    assert {r.chat_id for r in out} == {READER, GROUP, OWNER}
    [told] = [r for r in out if r.chat_id == OWNER]
    assert told.text.startswith("<b>I can no longer post in Libya Desk.</b>")
    assert "/channel add @libyadesk" in told.text
    channel = await core.store.run(chat_store.get_channel, CHANNEL)
    assert channel is not None and channel.paused

    # Then Telegram's my_chat_member update arrives: recorded, the owner not told again.
    bot.api.bot_status_changes(CHANNEL, "left", by=OWNER)
    await until(
        lambda: (store.run_sync(chat_store.membership, CHANNEL) or {}).get("status") == "left"
    )
    await bot.quiet(0.3)
    [listing] = await bot.say_in("/channel", chat=OWNER)
    assert "Paused: I can no longer post there." in listing.text

    # Nothing lost for the others: tomorrow they get theirs, the channel nothing, no alerts.
    await add_stories(core, clock, "after-removal")
    assert await deliveries.send_alerts(bot.app.bot) == 1  # the owner's own
    [alert] = await bot.replies(1)
    assert alert.chat_id == OWNER
    clock.advance(days=1)
    report = await deliveries.send_digests(bot.app.bot)
    assert (report.claimed, report.messages, report.blocked) == (2, 2, 0)
    assert {r.chat_id for r in await bot.replies(2)} == {READER, GROUP}
    await bot.quiet(0.2)

    # Made an administrator who may post again, the owner links it again: it resumes.
    bot.api.bot_status_changes(CHANNEL, "administrator", by=OWNER, can_post_messages=True)
    [linked] = await bot.say_in("/channel add @libyadesk", chat=OWNER)
    assert "Paused" not in linked.text
    sub = await core.subscriptions.get(CHANNEL)
    assert sub is not None and sub.active


async def test_a_demotion_seen_in_my_chat_member_pauses_the_channel_once(
    bot: Bot, core: Core, store: Store
) -> None:
    await link_channel(bot)
    bot.api.bot_status_changes(CHANNEL, "administrator", by=OWNER, can_post_messages=False)
    [told] = await bot.replies(1)
    assert told.chat_id == OWNER and "I can no longer post in Libya Desk" in told.text
    bot.api.bot_status_changes(CHANNEL, "kicked", by=OWNER)
    await until(
        lambda: (store.run_sync(chat_store.membership, CHANNEL) or {}).get("status") == "kicked"
    )
    await bot.quiet(0.3)
    sub = store.run_sync(subs.get_subscription, CHANNEL)
    assert sub is not None and not sub.active
    # The bot removed from a group: the group's digest stops, its settings kept.
    await bot.say_in("/subscribe", chat=GROUP, user=ADMIN)
    bot.api.bot_status_changes(GROUP, "left", by=ADMIN)
    await until(lambda: not (store.run_sync(subs.get_subscription, GROUP) or sub).active)
    rows = json.dumps(store.run_sync(chat_store.membership, GROUP))
    assert '"status": "left"' in rows


async def test_a_bot_admin_s_commands_in_a_forum_topic_answer_in_that_topic(
    settings: Settings, store: Store, knowledge: Knowledge, clock: Clock
) -> None:
    admin_settings = replace(settings, admin_ids=(ADMIN,))
    core = make_core(admin_settings, store, knowledge, clock)
    async with bot_over(admin_settings, core, world()) as bot:
        [empty] = await bot.say_in("/sources", chat=FORUM, user=ADMIN, thread=TOPIC)
        assert empty.text.startswith("No sources yet")
        # A source whose fetch fails at once (nothing listens on port 9 here).
        await store.run(
            sources.ensure_source, url="http://127.0.0.1:9/feed", name="Closed", name_ar="مغلق",
            kind="rss", language="ar", now=START,
        )  # fmt: skip
        asks = (("/addsource gopher://x", 2), ("/sources", 1), ("/fetchnow", 2))
        for ask, count in asks:
            replies = await bot.say_in(ask, chat=FORUM, user=ADMIN, thread=TOPIC, count=count)
            assert [r.params.get("message_thread_id") for r in replies] == [TOPIC] * count, ask
            if ask == "/sources":  # the list, sent as a new message
                assert "Closed" in replies[0].text
        assert empty.params.get("message_thread_id") == TOPIC
        # Anyone else is refused, in the topic too.
        [refused] = await bot.say_in("/sources", chat=FORUM, user=MEMBER, thread=TOPIC)
        assert refused.params.get("message_thread_id") == TOPIC


# ---- a group upgraded to a supergroup ----------------------------------------------------

SUPERGROUP = -1004009  # the id Telegram gives GROUP when it becomes a supergroup


async def test_a_group_upgraded_to_a_supergroup_keeps_its_digest_and_follows(
    bot: Bot, core: Core, clock: Clock, store: Store
) -> None:
    await bot.say_in("/subscribe", chat=GROUP, user=ADMIN)
    await bot.say_in("/follow Mangoush", chat=GROUP, user=ADMIN)
    bot.api.upgrade_group(GROUP, SUPERGROUP, by=ADMIN)
    await until(lambda: store.run_sync(subs.get_subscription, SUPERGROUP) is not None)
    await bot.quiet(0.2)  # the second service message too
    assert await store.run(subs.get_subscription, GROUP) is None
    assert [key for _, key in await store.run(subs.follows_of, SUPERGROUP)] == ["najla_mangoush"]

    clock.advance(hours=1, minutes=1)
    report = await Deliveries(core, TRIPOLI).send_digests(bot.app.bot)
    assert (report.claimed, report.messages, report.errors) == (1, 1, 0)
    [digest] = await bot.replies(1)
    assert digest.chat_id == SUPERGROUP
    # Its administrators still decide in the supergroup.
    [refused] = await bot.say_in("/unsubscribe", chat=SUPERGROUP, user=MEMBER)
    assert "administrator" in refused.text.lower()


async def test_an_upgrade_the_bot_did_not_see_moves_the_digest_when_telegram_says_so(
    bot: Bot, core: Core, clock: Clock, store: Store
) -> None:
    await bot.say_in("/subscribe", chat=GROUP, user=ADMIN)
    bot.api.upgrade_group(GROUP, SUPERGROUP, by=ADMIN, announce=False)
    deliveries = Deliveries(core, TRIPOLI)
    clock.advance(hours=1, minutes=1)
    report = await deliveries.send_digests(bot.app.bot)
    # Refused for the old id, with the new one: moved, and left for the next tick.
    assert (report.claimed, report.messages, report.retrying, report.errors) == (1, 0, 1, 0)
    assert bot.api.take_outbox() == []
    sub = await store.run(subs.get_subscription, SUPERGROUP)
    assert sub is not None and sub.active
    report = await deliveries.send_digests(bot.app.bot)
    assert (report.resumed, report.messages) == (1, 1)
    [digest] = await bot.replies(1)
    assert digest.chat_id == SUPERGROUP
    assert (await deliveries.send_digests(bot.app.bot)).messages == 0  # once
    rows = await store.run(lambda db: list(db.query("SELECT chat_id, status FROM deliveries")))
    assert rows == [{"chat_id": SUPERGROUP, "status": "sent"}]


@pytest.mark.parametrize(
    ("digest_lang", "title"),
    [(None, "<b>جديد عمّا تتابعه</b>"), ("en", "<b>New on what you follow</b>")],
)
async def test_a_channel_s_alerts_speak_its_digest_s_language(
    bot: Bot, core: Core, clock: Clock, digest_lang: str | None, title: str
) -> None:
    await link_channel(bot)  # the owner talks to the bot in English; the digest is Arabic
    [panel] = await bot.say_in("/channel", chat=OWNER)
    await bot.press_as(panel.message_id, f"ch:{CHANNEL}:alerts:1", user=OWNER)
    if digest_lang:
        await bot.press_as(panel.message_id, f"ch:{CHANNEL}:lang:{digest_lang}", user=OWNER)
    await bot.say_in("/follow Mangoush", chat=OWNER)
    deliveries = Deliveries(core, TRIPOLI)
    assert await deliveries.send_alerts(bot.app.bot) == 0  # what was there before is old
    await add_stories(core, clock, "channel-alerts")
    assert await deliveries.send_alerts(bot.app.bot) == 2
    by_chat = {r.chat_id: r.text for r in await bot.replies(2)}
    assert by_chat[OWNER].startswith("<b>New on what you follow</b>")
    assert by_chat[CHANNEL].startswith(title)
