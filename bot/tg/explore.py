"""/who, /topic and /search: each parses, calls one service, renders and replies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.english import EnglishViews
from bot.models import ActorProfile, ActorRecord, StoryPage, Topic
from bot.services import Services
from bot.tg.cards import (
    people_list,
    period_words,
    profile,
    roles_wanted,
    search_hit,
    topic_list,
    topic_name,
)
from bot.tg.groups import update_thread
from bot.tg.i18n import Lang, t
from bot.tg.render import esc, join_blocks, story_item
from bot.tg.replies import (
    headline_choice,
    incoming,
    send_chunks,
    stories_keyboard,
    user_lang,
)

WHO = "who"
TOPIC = "topic"
SEARCH = "search"
MAX_REMEMBERED_SEARCHES = 20


def _plain(name: str) -> str:
    # Button labels are plain text: no HTML, and Telegram cuts them anyway past ~64 chars.
    return name[:60]


def _small(number: str) -> bool:
    # A forged button's number past SQLite's 64-bit integers would raise, not answer.
    return number.isdecimal() and len(number) <= 9


def _people_rows(actors: Sequence[ActorRecord], lang: Lang) -> list[list[InlineKeyboardButton]]:
    buttons = [
        InlineKeyboardButton(
            _plain(a.name_ar if lang == "ar" else a.name_en), callback_data=f"{WHO}:{a.ref}"
        )
        for a in actors
    ]
    return [buttons[i : i + 2] for i in range(0, len(buttons), 2)]


def _people_keyboard(actors: list[ActorRecord], lang: Lang) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(_people_rows(actors, lang))


class Where(NamedTuple):
    """Where an answer goes: the chat, and in a forum the topic the question came from."""

    chat: int
    thread: int | None


@dataclass(frozen=True, slots=True)
class _Also:
    """The others a name typed may mean, shown under the profile it resolved to."""

    query: str
    people: tuple[ActorRecord, ...]


class ExploreCommands:
    """People, topics and search over the analyzed stories."""

    def __init__(
        self, services: Services, zone: ZoneInfo, *, english: EnglishViews | None = None
    ) -> None:
        self.services = services
        self.zone = zone
        self.english = english or EnglishViews(None, {})
        # "🌐 n" buttons, when a translator is configured
        self.translate = self.english.translating

    # ---- /who --------------------------------------------------------------------------

    async def who(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """People in the news, or one person's profile."""
        got = incoming(update, context)
        if got is None:
            return
        message, chat_id, lang, query = got.message, got.chat_id, got.lang, got.args
        if not query:
            period = await self.services.news_period("people")
            people = await self.services.people_in_news(period)
            if not people:
                words = esc(period_words(period, lang, self.zone))
                await message.reply_text(t(lang, "who_empty", period=words))
                return
            roles = roles_wanted([p.actor for p in people])
            english = await self.english.for_list(lang, headline_choice(context), roles=roles)
            await message.reply_text(
                people_list(people, period, lang, self.zone, english),
                reply_markup=_people_keyboard([p.actor for p in people], lang),
            )
            return
        found = await self.services.find_person(query)
        if found.found is not None:
            # The others the name may mean ("Haftar": Saddam, Khaled...), a tap away.
            also = _Also(query, found.also) if found.also else None
            where = Where(chat_id, update_thread(update))
            await self._send_profile(context, where, found.found.key, lang, also)
        elif found.choices:
            await message.reply_text(
                t(lang, "who_choose", query=esc(query[:100])),
                reply_markup=_people_keyboard(list(found.choices), lang),
            )
        else:
            text = t(lang, "who_unknown", query=esc(query[:100]))
            keyboard: InlineKeyboardMarkup | None = None
            if found.suggestions:
                text += "\n" + t(lang, "who_suggest")
                keyboard = _people_keyboard(list(found.suggestions), lang)
            await message.reply_text(text, reply_markup=keyboard)

    async def who_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A name button: that person's profile."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        ref = (query.data or "").partition(":")[2]
        item = await self.services.profile_by_ref(int(ref)) if _small(ref) else None
        if item is None:
            await query.answer(t(lang, "stale_button"), show_alert=True)
            return
        await query.answer()
        await self._reply_profile(context, Where(chat.id, update_thread(update)), item, lang)

    async def _send_profile(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        where: Where,
        key: str,
        lang: Lang,
        also: _Also | None = None,
    ) -> None:
        item = await self.services.profile(key)
        if item is not None:
            await self._reply_profile(context, where, item, lang, also)

    async def _reply_profile(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        where: Where,
        item: ActorProfile,
        lang: Lang,
        also: _Also | None = None,
    ) -> None:
        english = await self.english.for_list(
            lang, headline_choice(context), item.latest, roles_wanted([item.actor])
        )
        woman = self.services.is_woman(item.actor)
        blocks = [profile(item, lang, self.zone, self.services.place_label, english, woman=woman)]
        numbered = [(number, story.id) for number, story in enumerate(item.latest, start=1)]
        keyboard = stories_keyboard(numbered, None, translate=self.translate)
        if also is not None:
            names = ", " if lang == "en" else "، "
            shown = names.join(esc(a.name_ar if lang == "ar" else a.name_en) for a in also.people)
            blocks.append(t(lang, "who_also", query=esc(also.query[:100]), names=shown))
            rows = [list(row) for row in keyboard.inline_keyboard] if keyboard else []
            keyboard = InlineKeyboardMarkup(rows + _people_rows(also.people, lang))
        chunks = join_blocks(blocks)
        await send_chunks(context, where.chat, chunks, keyboard, thread_id=where.thread)

    # ---- /topic ------------------------------------------------------------------------

    async def topic(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Topics with the latest week's counts, or one topic's latest stories."""
        got = incoming(update, context)
        if got is None:
            return
        message, chat_id, lang, query = got.message, got.chat_id, got.lang, got.args
        if not query:
            period = await self.services.news_period("topics")
            counts = await self.services.topic_counts(period)
            topics = self.services.topics()
            buttons = [
                InlineKeyboardButton(
                    _plain(topic_name(tp, lang)), callback_data=f"{TOPIC}:{tp.id}:0"
                )
                for tp in topics
            ]
            keyboard = InlineKeyboardMarkup([buttons[i : i + 2] for i in range(0, len(buttons), 2)])
            text = topic_list(counts, topics, period, lang, self.zone)
            await message.reply_text(text, reply_markup=keyboard)
            return
        found = self.services.find_topic(query)
        if found is None:
            await message.reply_text(t(lang, "topic_unknown", query=esc(query[:100])))
            return
        await self._topic_page(context, Where(chat_id, update_thread(update)), found, 0, lang)

    async def topic_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A topic button or its "older" button: a page of that topic's stories."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":")
        found = self.services.find_topic(parts[1]) if len(parts) == 3 else None
        if found is None or not _small(parts[2]):
            await query.answer(t(lang, "stale_button"), show_alert=True)
            return
        await query.answer()
        where = Where(chat.id, update_thread(update))
        await self._topic_page(context, where, found, int(parts[2]), lang)

    async def _topic_page(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        where: Where,
        topic: Topic,
        offset: int,
        lang: Lang,
    ) -> None:
        page = await self.services.topic_stories(topic.id, offset)
        name = esc(topic_name(topic, lang))
        if not page.stories:
            key = "latest_end" if offset else "topic_empty"
            text = t(lang, key, name=name)
            await context.bot.send_message(where.chat, text, message_thread_id=where.thread)
            return
        title = t(
            lang, "topic_page", name=name, first=offset + 1,
            last=offset + len(page.stories), total=page.total,
        )  # fmt: skip
        await self._send_stories(context, where, title, page, lang, f"{TOPIC}:{topic.id}")

    async def _send_stories(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        where: Where,
        title: str,
        page: StoryPage,
        lang: Lang,
        prefix: str,
    ) -> None:
        english = await self.english.for_list(lang, headline_choice(context), page.stories)
        blocks = [title] + [
            story_item(s, page.offset + i + 1, lang, self.zone, english)
            for i, s in enumerate(page.stories)
        ]
        older = None
        if page.has_more:
            data = f"{prefix}:{page.offset + len(page.stories)}"
            older = InlineKeyboardButton(t(lang, "older"), callback_data=data)
        numbered = [(page.offset + i + 1, s.id) for i, s in enumerate(page.stories)]
        keyboard = stories_keyboard(numbered, older, translate=self.translate)
        chunks = join_blocks(blocks)
        await send_chunks(context, where.chat, chunks, keyboard, thread_id=where.thread)

    # ---- /search -----------------------------------------------------------------------

    async def search(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stories matching the words, best first, matched words in bold."""
        got = incoming(update, context)
        if got is None:
            return
        message, chat_id, lang, query = got.message, got.chat_id, got.lang, got.args
        if not query:
            await message.reply_text(t(lang, "search_usage"))
            return
        number = self._remember(context, query)
        where = Where(chat_id, update_thread(update))
        await self._search_page(context, where, query, number, 0, lang)

    async def search_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The "older" button of a search: its next page."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":")
        remembered = self._searches(context)
        if len(parts) != 3 or not _small(parts[1]) or not _small(parts[2]):
            await query.answer(t(lang, "stale_button"), show_alert=True)
            return
        text = remembered.get(int(parts[1]))
        if text is None:
            await query.answer(t(lang, "search_expired"), show_alert=True)
            return
        await query.answer()
        where = Where(chat.id, update_thread(update))
        await self._search_page(context, where, text, int(parts[1]), int(parts[2]), lang)

    async def _search_page(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        where: Where,
        text: str,
        number: int,
        offset: int,
        lang: Lang,
    ) -> None:
        result = await self.services.search(text, offset)
        shown = esc(text[:100] + ("…" if len(text) > 100 else ""))
        if not result.hits:
            key = "latest_end" if offset else "search_none"
            text = t(lang, key, query=shown)
            await context.bot.send_message(where.chat, text, message_thread_id=where.thread)
            return
        title = t(
            lang, "search_title", query=shown, first=offset + 1,
            last=offset + len(result.hits), total=result.total,
        )  # fmt: skip
        stories = [hit.story for hit in result.hits]
        english = await self.english.for_list(lang, headline_choice(context), stories)
        blocks = [title] + [
            search_hit(hit, offset + i + 1, list(runs), lang, self.zone, english)
            for i, (hit, runs) in enumerate(zip(result.hits, result.snippets, strict=True))
        ]
        older = None
        if offset + len(result.hits) < result.total:
            data = f"{SEARCH}:{number}:{offset + len(result.hits)}"
            older = InlineKeyboardButton(t(lang, "older"), callback_data=data)
        numbered = [(offset + i + 1, hit.story.id) for i, hit in enumerate(result.hits)]
        keyboard = stories_keyboard(numbered, older, translate=self.translate)
        chunks = join_blocks(blocks)
        await send_chunks(context, where.chat, chunks, keyboard, thread_id=where.thread)

    def _searches(self, context: ContextTypes.DEFAULT_TYPE) -> dict[int, str]:
        data = context.chat_data if context.chat_data is not None else {}
        searches: dict[int, str] = data.setdefault("searches", {})
        return searches

    def _remember(self, context: ContextTypes.DEFAULT_TYPE, query: str) -> int:
        """Keep the query for its paging button; button data cannot hold the text itself."""
        searches = self._searches(context)
        number = max(searches, default=0) + 1
        searches[number] = query
        for old in sorted(searches)[:-MAX_REMEMBERED_SEARCHES]:
            del searches[old]
        return number
