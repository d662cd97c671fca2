"""Handlers for the daily digest: /subscribe, /unsubscribe, /digest, /settings and its buttons."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import Core
from bot.english import HEADLINE_CHOICES
from bot.models import Subscription, Topic
from bot.schedule import parse_local_time, parse_weekday, parse_zone
from bot.tg.deliveries import digest_keyboard
from bot.tg.digest_render import TopicNames, digest_renderer
from bot.tg.groups import is_group, thread_of, update_thread
from bot.tg.i18n import t
from bot.tg.language import LanguageCommands
from bot.tg.pictures import words
from bot.tg.render import esc
from bot.tg.replies import chat_user, user_lang
from bot.tg.settings_view import (
    ALL_TOPICS,
    COMMON_ZONES,
    DIGEST_LANGS,
    MAX_ITEMS,
    VIEWS,
    headlines_name,
    settings_keyboard,
    settings_text,
    subscribed_text,
)
from bot.tg.weekly_render import weekly_renderer

# What `/digest` takes to show the weekly brief rather than the daily digest.
WEEKLY_WORDS = ("weekly", "week", "أسبوعي", "الأسبوعي", "أسبوع", "الأسبوع")


class DigestCommands:
    """Handlers for the daily digest: /subscribe, /unsubscribe, /digest, /settings, its buttons."""

    COMMANDS = ("subscribe", "unsubscribe", "settings", "digest")

    def __init__(self, core: Core, zone: ZoneInfo, language: LanguageCommands) -> None:
        self.core = core
        self.subs = core.subscriptions
        self.services = core.services
        self.zone = zone
        self.language = language
        self.translating = language.translating
        self.topic_names: TopicNames = {
            tp.id: (tp.name_ar, tp.name_en) for tp in core.services.topics()
        }

    # ---- /subscribe, /unsubscribe, /digest ---------------------------------------------

    async def subscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Start the daily digest at HH:MM (08:00 by default) and confirm the details."""
        message, user = update.effective_message, chat_user(update)
        if message is None or user is None:
            return
        lang = user_lang(update, context)
        when = " ".join(context.args or []).strip() or None
        if when is not None and parse_local_time(when) is None:
            await message.reply_text(t(lang, "sub_bad_time", text=esc(when[:50])))
            return
        # Known users get messages the bot starts (alerts) in their language.
        await self.services.seen(user)
        # In a forum, the digest goes to the topic this was sent in.
        sub = await self.subs.subscribe(user.chat_id, when, "ar", thread_of(message))
        await message.reply_text(subscribed_text(sub, lang))

    async def unsubscribe(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop the daily digest; the settings stay for a later /subscribe."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        stopped = await self.subs.unsubscribe(chat.id)
        await message.reply_text(
            t(user_lang(update, context), "unsub_done" if stopped else "unsub_none")
        )

    async def digest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The chat's digest (`/digest weekly`: weekly brief) as it stands now; nothing moves."""
        chat = update.effective_chat
        if chat is None:
            return
        offer = self.core.translations is not None
        if " ".join(context.args or []).strip().lower() in WEEKLY_WORDS:
            render = weekly_renderer(self.topic_names, offer_translation=offer)
            messages = await self.core.weekly().preview(
                chat.id, render, words, default_zone=self.zone.key
            )
        else:
            messages = await self.core.digests.preview(
                chat.id, digest_renderer(self.topic_names, offer_translation=offer),
                default_zone=self.zone.key,
            )  # fmt: skip
        thread = update_thread(update)
        for message in messages:
            if message.photo is not None:
                await context.bot.send_photo(
                    chat.id, message.photo, caption=message.text, message_thread_id=thread
                )
                continue
            await context.bot.send_message(
                chat.id, message.text, reply_markup=digest_keyboard(message),
                message_thread_id=thread,
            )  # fmt: skip

    # ---- /settings ---------------------------------------------------------------------

    async def settings(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The settings with buttons; `/settings time 07:30` and the like change one directly."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = user_lang(update, context)
        args = list(context.args or [])
        if args and args[0].lower() == "headlines" and self.translating:
            # Not a digest setting: it holds for anyone's lists, subscribed or not.
            choice = " ".join(args[1:]).strip().lower()
            if choice not in HEADLINE_CHOICES:
                await message.reply_text(t(lang, "headlines_usage"))
                return
            chosen = await self.language.set_headlines(update, context, choice)
            name = esc(headlines_name(chosen, lang))
            await message.reply_text(t(lang, "headlines_set", name=name))
            return
        if not args:
            sub = await self.subs.get(chat.id)
        else:
            field, value = args[0].lower(), " ".join(args[1:]).strip()
            change = self.typed_change(field, value)
            if isinstance(change, str):
                await message.reply_text(t(lang, change, text=esc(value[:50])))
                return
            sub = await self.subs.change(chat.id, **change)
        if sub is None:
            await message.reply_text(t(lang, "not_subscribed"))
            return
        topics = self.services.topics()
        mode = self.language.headline_mode(context, lang)
        await message.reply_text(
            settings_text(sub, lang, topics, "main", mode, group=is_group(chat)),
            reply_markup=settings_keyboard(sub, lang, topics, "main", mode),
        )

    @staticmethod
    def typed_change(field: str, value: str) -> dict[str, Any] | str:
        """The fields a typed setting changes, or the key of what is wrong with it."""
        if field == "time":
            when = parse_local_time(value)
            # A time means wanting the daily digest: it is turned on with it.
            if when is None:
                return "settings_bad_time"
            return {"local_time": when.strftime("%H:%M"), "daily_on": True}
        if field == "zone":
            zone = parse_zone(value)
            return {"timezone": zone} if zone else "settings_bad_zone"
        if field == "lang" and value.lower() in DIGEST_LANGS:
            return {"digest_lang": value.lower()}
        if field == "max" and value.isdecimal() and 1 <= int(value) <= max(MAX_ITEMS):
            return {"max_items": int(value)}
        if field == "weekly":
            return weekly_change(value)
        if field == "daily" and value.lower() in ("on", "off"):
            return {"daily_on": value.lower() == "on"}
        return "settings_usage"

    async def settings_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A settings button: change one thing, or open a view; the message is edited in place."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":", 2)
        action, value = (parts[1], parts[2]) if len(parts) == 3 else ("", "")
        sub = await self.subs.get(chat.id)
        if sub is None:
            await query.answer(t(lang, "not_subscribed"), show_alert=True)
            return
        topics = self.services.topics()
        change: dict[str, Any] = {}
        view: str | None = "main"
        if action == "hl" and self.translating and value in HEADLINE_CHOICES:
            await self.language.set_headlines(update, context, value)
        else:
            change, view = self.pressed(action, value, sub, topics)
        if view is None or (view == "headlines" and not self.translating):
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        if change:
            changed = await self.subs.change(chat.id, **change)
            sub = changed or sub
        await query.answer()
        mode = self.language.headline_mode(context, lang)
        try:
            await query.edit_message_text(
                settings_text(sub, lang, topics, view, mode, group=is_group(chat)),
                reply_markup=settings_keyboard(sub, lang, topics, view, mode),
            )
        except BadRequest as exc:
            # Pressing what is already chosen changes nothing; Telegram says so.
            if "not modified" not in exc.message:
                raise

    @staticmethod
    def pressed(
        action: str, value: str, sub: Subscription, topics: Sequence[Topic]
    ) -> tuple[dict[str, Any], str | None]:
        """(fields to change, view to show next) for a button; view None for a forged one."""
        if action == "v":
            return {}, value if value in VIEWS else None
        if action == "time":
            when = parse_local_time(f"{value[:2]}:{value[2:]}") if len(value) == 4 else None
            # Choosing a time means wanting the daily digest: it is turned on with it.
            change = {"local_time": when.strftime("%H:%M"), "daily_on": True} if when else {}
            return (change, "main") if when else ({}, None)
        if action == "daily" and value in ("0", "1"):
            return {"daily_on": value == "1"}, "time"
        if action == "zone":
            return ({"timezone": value}, "main") if value in COMMON_ZONES else ({}, None)
        if action == "lang":
            return ({"digest_lang": value}, "main") if value in DIGEST_LANGS else ({}, None)
        if action == "max":
            ok = value.isdecimal() and int(value) in MAX_ITEMS
            return ({"max_items": int(value)}, "main") if ok else ({}, None)
        if action == "empty" and value in ("0", "1"):
            return {"empty_notice": value == "1"}, "main"
        if action == "wk" and value in ("0", "1"):
            return {"weekly_on": value == "1"}, "weekly"
        if action == "wday" and value in ("0", "1", "2", "3", "4", "5", "6"):
            # Choosing a day means wanting the brief: it is turned on with it.
            return {"weekly_day": int(value), "weekly_on": True}, "weekly"
        if action == "wtime":
            when = parse_local_time(f"{value[:2]}:{value[2:]}") if len(value) == 4 else None
            if when is None:
                return {}, None
            return {"weekly_time": when.strftime("%H:%M"), "weekly_on": True}, "weekly"
        if action == "topic":
            ids = [tp.id for tp in topics]
            if value == ALL_TOPICS:
                return {"topics": ()}, "topics"
            if value not in ids:
                return {}, None
            chosen = set(sub.topics) ^ {value}
            # Every topic ticked is the same as "all", which also keeps untagged stories.
            kept = () if chosen >= set(ids) else tuple(i for i in ids if i in chosen)
            return {"topics": kept}, "topics"
        return {}, None


def weekly_change(value: str) -> dict[str, Any] | str:
    """`/settings weekly off`, `on`, `mon 08:00`, `mon` or `08:00`: the fields it changes."""
    words = value.lower().split()
    if words in (["off"], ["on"]):
        return {"weekly_on": words == ["on"]}
    change: dict[str, Any] = {"weekly_on": True}
    for word in words:
        day, when = parse_weekday(word), parse_local_time(word)
        if day is not None and "weekly_day" not in change:
            change["weekly_day"] = day
        elif when is not None and "weekly_time" not in change:
            change["weekly_time"] = when.strftime("%H:%M")
        else:
            return "weekly_bad"
    return change if len(change) > 1 else "weekly_bad"
