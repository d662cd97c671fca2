"""The "🌐 n" button under a list of stories: that story's headline and lead in English."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from bot.services import Services
from bot.tg.groups import update_thread
from bot.tg.i18n import t
from bot.tg.render import esc
from bot.tg.replies import user_lang
from bot.translate import TranslationService


class TranslateButton:
    """Answers a translate button: from the cache when it can, else through the translator."""

    def __init__(self, services: Services, translations: TranslationService | None) -> None:
        self.services = services
        self.translations = translations

    async def press(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Send the story in English, or say why it cannot be done now."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        ref = (query.data or "").partition(":")[2]
        story = (
            await self.services.story_text(int(ref)) if ref.isdecimal() and len(ref) <= 12 else None
        )
        if story is None:
            await query.answer(t(lang, "stale_button"), show_alert=True)
            return
        await query.answer()
        thread = update_thread(update)  # in a forum, the topic of the list it was under
        if self.translations is None:
            await context.bot.send_message(
                chat.id, t(lang, "translate_off"), message_thread_id=thread
            )
            return
        headline, lead = story
        done, _ = await self.translations.stories([(int(ref), headline, lead)], "en")
        english = done.get(int(ref))
        if english is None:
            await context.bot.send_message(
                chat.id, t(lang, "translate_failed"), message_thread_id=thread
            )
            return
        text = f"<b>{esc(english.headline)}</b>"
        if english.lead:
            text += f"\n{esc(english.lead)}"
        text += f"\n<i>{esc(t(lang, 'translated'))}</i>"
        await context.bot.send_message(chat.id, text, message_thread_id=thread)
