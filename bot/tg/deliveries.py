"""The jobs that send: due digests and follow alerts, and how one message goes to Telegram."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ContextTypes

from bot.alerts import AlertService, ChatAlerts
from bot.chats import ChatService
from bot.core import Core
from bot.digest_run import RETRY_FOR, Render, RunReport, Send, SendOutcome
from bot.english import NO_ENGLISH, EnglishViews, ListEnglish, english_label
from bot.models import Channel, DigestMessage
from bot.tg.digest_render import TopicNames, digest_renderer
from bot.tg.i18n import Lang, lang_of, t
from bot.tg.pictures import words
from bot.tg.render import MAX_MESSAGE, esc, split_html, story_item, utf16_len
from bot.tg.replies import stories_keyboard
from bot.tg.weekly_render import weekly_renderer
from bot.weekly_run import WeeklyRender

log = logging.getLogger(__name__)

ALERT_ATTEMPTS = 3


def alert_message(
    alerts: ChatAlerts, lang: Lang, zone: ZoneInfo, english: ListEnglish = NO_ENGLISH
) -> str:
    """One message for a burst of alerts: as many stories as fit, then how many more."""
    names = [
        f.name_ar if lang == "ar" else english_label(f.name_en or f.name_ar) for f in alerts.about
    ]
    about = esc(("، " if lang == "ar" else ", ").join(names))
    text = t(lang, "alert_title", about=about) if about else t(lang, "alert_title_plain")
    shown = 0
    for story in alerts.stories:
        block = story_item(story, shown + 1, lang, zone, english)
        rest = len(alerts.stories) - shown - 1
        tail = f"\n\n{t(lang, 'alert_more', n=rest)}" if rest else ""
        if utf16_len(f"{text}\n\n{block}{tail}") > MAX_MESSAGE:
            if shown == 0:
                # A story too long for a message alone is cut; a burst never sends nothing.
                room = MAX_MESSAGE - utf16_len(f"{text}\n\n{tail}") - 16
                text = f"{text}\n\n{split_html(block, room)[0]}"
                shown = 1
            break
        text = f"{text}\n\n{block}"
        shown += 1
    if shown < len(alerts.stories):
        text += "\n\n" + t(lang, "alert_more", n=len(alerts.stories) - shown)
    return text


async def chat_lang(core: Core, chat_id: int, digest_lang: str | None = None) -> Lang:
    """The language of a message the bot starts: the /lang choice, else the last Telegram one.

    A chat nobody has typed in (a channel) has neither: its digest's language, if given,
    says how it reads.
    """
    chosen = await core.subscriptions.ui_lang(chat_id)
    if chosen in ("ar", "en"):
        return "ar" if chosen == "ar" else "en"
    code = await core.services.language_code(chat_id)
    if code is None and digest_lang is not None:
        return "en" if digest_lang == "en" else "ar"
    return lang_of(code)


async def tell_channel_lost(bot: Bot, core: Core, channel: Channel) -> None:
    """Tell the person who linked a channel, in their language, that it is paused and why."""
    lang = await chat_lang(core, channel.owner_id)
    ref = f"@{channel.username}" if channel.username else str(channel.chat_id)
    text = t(lang, "channel_lost", title=esc(channel.title), ref=esc(ref))
    try:
        await bot.send_message(channel.owner_id, text)
    except TelegramError as exc:
        # They blocked the bot or never opened a chat: the channel stays paused all the same.
        log.warning("could not tell %s that channel %s is paused: %s", channel.owner_id,
                    channel.chat_id, exc)  # fmt: skip


def digest_keyboard(message: DigestMessage) -> InlineKeyboardMarkup | None:
    """The "🌐 n" buttons for the stories in one digest message, if any."""
    return stories_keyboard(message.stories, None, translate=True)


# Refusals that mean the bot may not post in that chat any more: it was removed from a group
# or channel, or lost a channel's right to post.
_GONE = ("chat not found", "need administrator rights", "not enough rights")


# Told a chat's new id when Telegram says it moved (a group upgraded to a supergroup).
Moved = Callable[[int, int], Awaitable[object]]


def telegram_send(
    bot: Bot, threads: Mapping[int, int] | None = None, moved: Moved | None = None
) -> Send:
    """Send one message for a job: "ok", "blocked" (the chat is gone), "error" or "retry".

    `threads` holds the forum topic of each chat whose messages go to one. When a group
    became a supergroup, `moved` carries its subscription to the new id and the message is
    left to the next tick, which sends it there.
    """
    topics = threads or {}

    async def post(chat_id: int, message: DigestMessage, thread: int | None) -> None:
        keyboard = digest_keyboard(message)
        if message.photo is not None:
            # A photo of a weekly brief, `text` its caption (held to 1,024 by the renderer).
            await bot.send_photo(
                chat_id, message.photo, caption=message.text, reply_markup=keyboard,
                message_thread_id=thread,
            )  # fmt: skip
        else:
            await bot.send_message(
                chat_id, message.text, reply_markup=keyboard, message_thread_id=thread
            )

    async def send(chat_id: int, message: DigestMessage) -> SendOutcome:
        thread = topics.get(chat_id)
        try:
            # Flood waits (429) are retried by the application's AIORateLimiter.
            try:
                await post(chat_id, message, thread)
            except BadRequest as exc:
                if thread is None or "thread not found" not in exc.message.lower():
                    raise
                # The topic was deleted: the chat's General topic rather than nothing.
                await post(chat_id, message, None)
        except Forbidden:
            return "blocked"
        except ChatMigrated as exc:
            if moved is None:
                log.warning("chat %s is now %s; nothing here moves it", chat_id, exc.new_chat_id)
                return "error"
            await moved(chat_id, exc.new_chat_id)
            return "retry"
        except BadRequest as exc:
            if any(sign in exc.message.lower() for sign in _GONE):
                return "blocked"
            log.warning("could not send to %s: %s", chat_id, exc.message)
            return "error"
        except (NetworkError, RetryAfter) as exc:
            # A 5xx, a timeout, no connection, or flood waits past the limiter's retries:
            # Telegram did not refuse this message (BadRequest, a NetworkError too, is caught
            # above), so it is tried again later rather than skipped.
            log.warning("could not send to %s, will retry: %s", chat_id, exc)
            return "retry"
        except TelegramError as exc:
            log.warning("could not send to %s: %s", chat_id, exc)
            return "error"
        return "ok"

    return send


class Deliveries:
    """The jobs: due digests every minute, and alerts for follows, one message per chat."""

    def __init__(self, core: Core, zone: ZoneInfo, english: EnglishViews | None = None) -> None:
        self.core = core
        self.zone = zone
        self.english = english or EnglishViews(core.translations, {})
        topics = core.services.topics()
        self.alerts = AlertService(core.store, core.services.clock, topics)
        self.topic_names: TopicNames = {tp.id: (tp.name_ar, tp.name_en) for tp in topics}
        self.chats = ChatService(core.store, core.services.clock, core.subscriptions)
        self.weekly = core.weekly()
        self._failures: dict[int, int] = {}
        self._retrying_since: dict[int, datetime] = {}

    @property
    def render(self) -> Render:
        """The renderer for scheduled digests."""
        return digest_renderer(
            self.topic_names, offer_translation=self.core.translations is not None
        )

    async def send_digests(self, bot: Bot) -> RunReport:
        """Deliver every digest that is due; pause the channels that refused theirs."""
        threads = await self.core.subscriptions.threads()
        send = telegram_send(bot, threads, self.chats.moved)
        report = await self.core.digests.run(self.render, send)
        return await self._after(bot, "digests", report)

    async def send_weekly(self, bot: Bot) -> RunReport:
        """Deliver every weekly brief that is due; pause the channels that refused theirs."""
        threads = await self.core.subscriptions.threads()
        send = telegram_send(bot, threads, self.chats.moved)
        report = await self.weekly.run(self.weekly_render, send, words)
        return await self._after(bot, "weekly briefs", report)

    async def _after(self, bot: Bot, what: str, report: RunReport) -> RunReport:
        """Log a run that did something; pause the channels that refused theirs, telling once."""
        if report.claimed or report.resumed or report.errors or report.retrying:
            log.info("%s: %s", what, report)
        if report.blocked:
            for channel in await self.chats.pause_lost():
                await tell_channel_lost(bot, self.core, channel)
        return report

    @property
    def weekly_render(self) -> WeeklyRender:
        """The renderer for weekly briefs."""
        return weekly_renderer(
            self.topic_names, offer_translation=self.core.translations is not None
        )

    async def send_alerts(self, bot: Bot) -> int:
        """Queue alerts for new stories, then send each chat one message; how many went."""
        await self.alerts.collect()
        sent = 0
        for chat_id, pending in (await self.alerts.pending()).items():
            sub = await self.core.subscriptions.get(chat_id)
            lang = await chat_lang(self.core, chat_id, sub.digest_lang if sub else None)
            zone = ZoneInfo(sub.timezone) if sub else self.zone
            choice = await self.core.subscriptions.headlines(chat_id)
            if choice is None and sub is not None and sub.digest_lang == "both":
                choice = "both"  # a channel read in both languages: English under each
            english = await self.english.for_list(lang, choice, pending.stories)
            text = alert_message(pending, lang, zone, english)
            # A group's alerts go to the forum topic its digest goes to.
            thread = {chat_id: sub.thread_id} if sub and sub.thread_id else None
            send = telegram_send(bot, thread, self.chats.moved)
            outcome = await send(chat_id, DigestMessage(text))
            if outcome == "blocked":
                channel = await self.chats.pause(chat_id, "refused")
                if channel is not None:
                    await tell_channel_lost(bot, self.core, channel)
            if outcome == "retry":
                # Telegram could not take it (5xx, network): not a refusal, so it does not use
                # up the attempts; kept every tick for as long as a digest would be.
                now = self.core.services.clock()
                since = self._retrying_since.setdefault(chat_id, now)
                if now - since < RETRY_FOR:
                    continue
                log.warning("alerts to %s dropped: Telegram could not take them", chat_id)
            elif outcome == "error":
                # Tried again next minute, a few times: a message refused for good would
                # otherwise come back every minute.
                self._failures[chat_id] = self._failures.get(chat_id, 0) + 1
                if self._failures[chat_id] < ALERT_ATTEMPTS:
                    continue
            self._failures.pop(chat_id, None)
            self._retrying_since.pop(chat_id, None)
            # Sent, or the chat blocked the bot, or it failed too often: not sent again.
            await self.alerts.mark_sent(pending.ids)
            sent += outcome == "ok"
        return sent

    async def digest_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The digest tick."""
        await self.send_digests(context.bot)

    async def weekly_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The weekly brief's tick."""
        await self.send_weekly(context.bot)

    async def alerts_job(self, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The alerts tick."""
        await self.send_alerts(context.bot)
