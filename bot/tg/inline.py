"""Inline mode: `@BotName words` in any chat offers the best matching stories to send."""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from telegram import (
    InlineQueryResultArticle,
    InlineQueryResultsButton,
    InputTextMessageContent,
    Update,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.analysis.text.clip import HEADLINE_MAX_CHARS, clip
from bot.english import EnglishViews, ListEnglish
from bot.models import StoryView
from bot.services import Services
from bot.subscribers import SubscriptionService
from bot.tg.i18n import Lang, lang_of, t
from bot.tg.render import outlet_name, story_share, story_when

log = logging.getLogger(__name__)

INLINE_PAGE = 10
# Telegram keeps an answer this long for the same query (per user: is_personal); short, so
# new stories show within the minute.
CACHE_SECONDS = 30
# Telegram sends at most 256 characters; a forged update could send more.
MAX_QUERY = 256
# The /start parameter of the button offered with an empty answer.
START_PARAMETER = "inline"
# Telegram's limit on a result's description; a headline title is cut the same way.
MAX_DESCRIPTION = 200


def clean_query(text: str) -> str:
    """The words of an inline query: control characters as spaces, invisible ones dropped."""
    kept = []
    for char in text[:MAX_QUERY]:
        kind = unicodedata.category(char)
        if kind == "Cc":
            kept.append(" ")
        elif not kind.startswith("C"):  # Cf (direction marks, joiners), Cs, Co, Cn
            kept.append(char)
    return " ".join("".join(kept).split())


def page_offset(offset: str) -> int:
    """Where the page starts: the `next_offset` given before, or 0 for anything else."""
    # A forged offset past SQLite's integers would raise, not answer.
    return int(offset) if offset.isdecimal() and len(offset) <= 9 else 0


class InlineSearch:
    """Answers inline queries: the same search as /search, or the latest stories when empty."""

    def __init__(
        self,
        services: Services,
        subscriptions: SubscriptionService,
        zone: ZoneInfo,
        english: EnglishViews,
    ) -> None:
        self.services = services
        self.subscriptions = subscriptions
        self.zone = zone
        self.english = english

    async def answer(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A page of stories for the words typed after @BotName, in the reader's language."""
        query = update.inline_query
        if query is None:
            return
        words, offset = clean_query(query.query), page_offset(query.offset)
        # A person's private chat has their id: there a /lang and headline choice are kept.
        user = query.from_user
        chosen = await self.subscriptions.ui_lang(user.id)
        lang = lang_of(chosen if chosen in ("ar", "en") else user.language_code)
        if words:
            found = await self.services.search(words, offset, INLINE_PAGE)
            stories: Sequence[StoryView] = [hit.story for hit in found.hits]
            total = found.total
        else:
            page = await self.services.latest(INLINE_PAGE, offset)
            stories, total = page.stories, page.total
        # Only what is cached: an inline query is asked again at each letter typed.
        choice = await self.subscriptions.headlines(user.id)
        english = await self.english.for_list(lang, choice, stories, cached_only=True)
        results = [self._result(story, lang, english) for story in stories]
        more = offset + len(stories) < total and bool(stories)
        button = None
        if not results and offset == 0:
            button = InlineQueryResultsButton(
                text=t(lang, "inline_open"), start_parameter=START_PARAMETER
            )
        try:
            await query.answer(
                results,
                cache_time=CACHE_SECONDS,
                is_personal=True,
                # None, not "" for the last page: python-telegram-bot 22.8 with Defaults turns ""
                # into "[]" (ExtBot takes it for an empty list of poll options), and the app
                # would then ask for that offset, which reads as the first page again.
                next_offset=str(offset + len(stories)) if more else None,
                button=button,
            )
        except BadRequest as exc:
            # The reader typed on, or waited: Telegram no longer wants this answer.
            log.info("an inline answer came too late: %s", exc.message)

    def _result(
        self, story: StoryView, lang: Lang, english: ListEnglish
    ) -> InlineQueryResultArticle:
        translated = english.headline(story.id)
        title = translated if translated is not None and english.mode == "en" else story.headline
        where = f"{outlet_name(story, lang, english)} · {story_when(story, lang, self.zone)}"
        if translated is not None and english.mode == "both":
            where = f"{translated}\n{where}"
        return InlineQueryResultArticle(
            id=str(story.id),
            title=clip(" ".join(title.split()), HEADLINE_MAX_CHARS) or "…",
            description=clip(where, MAX_DESCRIPTION),
            input_message_content=InputTextMessageContent(
                story_share(story, lang, self.zone, english), parse_mode=ParseMode.HTML
            ),
        )
