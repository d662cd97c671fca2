"""Follows in Telegram: /follow, /unfollow, /following, their buttons and the list they show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.core import Core
from bot.models import ActorRecord
from bot.tg.buttons import label, rows, small_number
from bot.tg.cards import actor_name, topic_name
from bot.tg.i18n import Lang, t
from bot.tg.render import esc
from bot.tg.replies import chat_user, incoming, user_lang

FOLLOW = "fol"
UNFOLLOW = "unf"


@dataclass(frozen=True, slots=True)
class FollowItem:
    """Something a chat follows, named for display, with what its button carries."""

    kind: str  # "actor" | "topic"
    key: str
    name: str  # escaped HTML, in the reader's language
    ref: str  # the button's reference: an actor's number or a topic id


def following_view(
    items: Sequence[FollowItem], lang: Lang, done: str | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    """What a chat follows, each with a button to stop following it."""
    lines = [done, ""] if done else []
    if not items:
        return "\n".join([*lines, t(lang, "following_empty")]), None
    lines.append(t(lang, "following_title"))
    for item in items:
        suffix = f" — {esc(t(lang, 'topic_word'))}" if item.kind == "topic" else ""
        lines.append(f"• {item.name}{suffix}")
    lines += ["", t(lang, "following_hint")]
    buttons = [
        InlineKeyboardButton(
            label("✕ " + _plain(item.name)),
            callback_data=f"{UNFOLLOW}:{item.kind[0]}:{item.ref}",
        )
        for item in items
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows(buttons, 2))


def _plain(markup: str) -> str:
    # Names are escaped for messages; a button label shows its text as is.
    return markup.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def people_keyboard(prefix: str, actors: Sequence[ActorRecord], lang: Lang) -> InlineKeyboardMarkup:
    """A button per person, carrying their short number."""
    buttons = [
        InlineKeyboardButton(
            label(a.name_ar if lang == "ar" else a.name_en), callback_data=f"{prefix}:a:{a.ref}"
        )
        for a in actors
    ]
    return InlineKeyboardMarkup(rows(buttons, 2))


class FollowCommands:
    """Handlers for follows: /follow, /unfollow, /following and their buttons."""

    COMMANDS = ("follow", "unfollow", "following")

    def __init__(self, core: Core) -> None:
        self.subs = core.subscriptions
        self.services = core.services

    async def follow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Follow a topic or a person; several people by that name → buttons."""
        message, user = update.effective_message, chat_user(update)
        if message is None or user is None:
            return
        lang = user_lang(update, context)
        query = " ".join(context.args or []).strip()
        if not query:
            await message.reply_text(t(lang, "follow_usage"))
            return
        topic = self.services.find_topic(query)
        if topic is not None:
            await self.services.seen(user)
            added = await self.subs.follow(user.chat_id, "topic", topic.id)
            name = esc(topic_name(topic, lang))
            await message.reply_text(
                t(lang, "follow_done" if added else "follow_already", name=name)
            )
            return
        found = await self.services.find_person(query)
        if found.found is not None and not found.also:
            await self.services.seen(user)
            added = await self.subs.follow(user.chat_id, "actor", found.found.key)
            await message.reply_text(self._followed(found.found, added, lang))
        elif found.found is not None or found.choices:
            # A name several people share: /who shows the one most in the news, but a
            # follow is not guessed; they are offered in that order.
            choices = (found.found, *found.also) if found.found else found.choices
            await message.reply_text(
                t(lang, "follow_choose", query=esc(query[:100])),
                reply_markup=people_keyboard(FOLLOW, choices, lang),
            )
        else:
            text = t(lang, "follow_unknown", query=esc(query[:100]))
            keyboard = None
            if found.suggestions:
                text += "\n" + t(lang, "who_suggest")
                keyboard = people_keyboard(FOLLOW, found.suggestions, lang)
            await message.reply_text(text, reply_markup=keyboard)

    async def follow_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A person chosen among several: follow them; the choice becomes the confirmation."""
        query, user = update.callback_query, chat_user(update)
        if query is None or user is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":")
        profile = None
        if len(parts) == 3 and parts[1] == "a" and small_number(parts[2]):
            profile = await self.services.profile_by_ref(int(parts[2]))
        if profile is None:
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        await query.answer()
        await self.services.seen(user)
        added = await self.subs.follow(user.chat_id, "actor", profile.actor.key)
        await query.edit_message_text(self._followed(profile.actor, added, lang))

    def _followed(self, actor: ActorRecord, added: bool, lang: Lang) -> str:
        """The confirmation of a follow, in the feminine for a woman."""
        name = actor_name(actor, lang)
        if not added:
            return t(lang, "follow_already", name=name)
        return t(
            lang, "follow_done_f" if self.services.is_woman(actor) else "follow_done", name=name
        )

    async def following(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """What the chat follows, with a button to stop each."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = user_lang(update, context)
        text, keyboard = following_view(await self.follow_items(chat.id, lang), lang)
        await message.reply_text(text, reply_markup=keyboard)

    async def unfollow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop following a topic or a person; without a name, the list with buttons."""
        got = incoming(update, context)
        if got is None:
            return
        message, chat_id, lang, query = got.message, got.chat_id, got.lang, got.args
        if not query:
            await self.following(update, context)
            return
        topic = self.services.find_topic(query)
        if topic is not None:
            removed = await self.subs.unfollow(chat_id, "topic", topic.id)
            name = esc(topic_name(topic, lang))
            await message.reply_text(
                t(lang, "unfollow_done" if removed else "unfollow_not", name=name)
            )
            return
        found = await self.services.find_person(query)
        followed = {key for kind, key in await self.subs.following(chat_id) if kind == "actor"}
        if found.found is not None:
            # "Haftar" resolved to the one most in the news may not be the Haftar followed.
            named = [found.found, *found.also]
            candidates = [a for a in named if a.key in followed] or [found.found]
        else:
            candidates = [a for a in found.choices if a.key in followed]
        if len(candidates) > 1:
            await message.reply_text(
                t(lang, "follow_choose", query=esc(query[:100])),
                reply_markup=people_keyboard(UNFOLLOW, candidates, lang),
            )
            return
        if not candidates:
            await message.reply_text(t(lang, "unfollow_not", name=esc(query[:100])))
            return
        removed = await self.subs.unfollow(chat_id, "actor", candidates[0].key)
        name = actor_name(candidates[0], lang)
        await message.reply_text(t(lang, "unfollow_done" if removed else "unfollow_not", name=name))

    async def unfollow_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A ✕ button: stop following that one; the list is edited in place."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":")
        kind, key, name = "", "", ""
        if len(parts) == 3 and parts[1] == "t":
            topic = self.services.find_topic(parts[2])
            if topic is not None and topic.id == parts[2]:
                kind, key, name = "topic", topic.id, esc(topic_name(topic, lang))
        elif len(parts) == 3 and parts[1] == "a" and small_number(parts[2]):
            profile = await self.services.profile_by_ref(int(parts[2]))
            if profile is not None:
                kind, key, name = "actor", profile.actor.key, actor_name(profile.actor, lang)
        if not kind:
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        await query.answer()
        removed = await self.subs.unfollow(chat.id, kind, key)
        done = t(lang, "unfollow_done" if removed else "unfollow_not", name=name)
        text, keyboard = following_view(await self.follow_items(chat.id, lang), lang, done)
        await query.edit_message_text(text, reply_markup=keyboard)

    async def follow_items(self, chat_id: int, lang: Lang) -> list[FollowItem]:
        """What a chat follows, each named in the reader's language."""
        topics = {tp.id: tp for tp in self.services.topics()}
        items = []
        for kind, key in await self.subs.following(chat_id):
            if kind == "topic":
                topic = topics.get(key)
                name = esc(topic_name(topic, lang)) if topic else esc(key)
                items.append(FollowItem(kind, key, name, key))
                continue
            actor = await self.services.actor_ref(key)
            if actor is not None:
                items.append(FollowItem(kind, key, actor_name(actor, lang), str(actor.ref)))
        return items
