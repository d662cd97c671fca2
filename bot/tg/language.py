"""The interface language (/lang) and how lists show headlines: chosen, kept, loaded per chat."""

from __future__ import annotations

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.core import Core
from bot.english import HEADLINE_CHOICES
from bot.english import headline_mode as english_headline_mode
from bot.tg.i18n import Lang, t
from bot.tg.render import esc
from bot.tg.replies import HEADLINES, UI_LANG, chat_user, headline_choice, user_lang
from bot.tg.settings_view import headlines_name, headlines_rows

LANG = "lang"


class LanguageCommands:
    """Handlers for the interface language (/lang) and the headline choice; load both per chat."""

    COMMANDS = ("lang",)

    def __init__(self, core: Core) -> None:
        self.subs = core.subscriptions
        self.services = core.services
        # The headline setting exists only when a translator can give English.
        self.translating = core.translations is not None

    async def remember_lang(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Before any handler: load the chat's /lang choice once, for user_lang."""
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if context.chat_data is not None and UI_LANG not in context.chat_data:
            context.chat_data[UI_LANG] = await self.subs.ui_lang(update.effective_chat.id)
        if context.chat_data is not None and HEADLINES not in context.chat_data:
            context.chat_data[HEADLINES] = await self.subs.headlines(update.effective_chat.id)

    # ---- /lang -------------------------------------------------------------------------

    async def lang(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Choose the interface language: ar, en, or auto (Telegram's)."""
        message = update.effective_message
        if message is None:
            return
        choice = (context.args or [""])[0].lower()
        if choice not in ("ar", "en", "auto"):
            lang = user_lang(update, context)
            await message.reply_text(
                self._with_headlines(t(lang, "lang_usage"), context, lang),
                reply_markup=self._lang_keyboard(context, lang),
            )
            return
        text = await self._set_lang(update, context, choice)
        lang = user_lang(update, context)
        await message.reply_text(
            self._with_headlines(text, context, lang),
            reply_markup=self._headlines_keyboard(context, lang),
        )

    async def lang_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A language button."""
        query = update.callback_query
        if query is None:
            return
        choice = (query.data or "").partition(":")[2]
        headlines = choice.removeprefix("hl:") if choice.startswith("hl:") else None
        if headlines is not None and self.translating and headlines in HEADLINE_CHOICES:
            await query.answer()
            await self.set_headlines(update, context, headlines)
            lang = user_lang(update, context)
            await query.edit_message_text(
                self._with_headlines(t(lang, "pick_headlines"), context, lang),
                reply_markup=self._headlines_keyboard(context, lang),
            )
            return
        if choice not in ("ar", "en"):
            await query.answer(t(user_lang(update, context), "button_expired"), show_alert=True)
            return
        await query.answer()
        text = await self._set_lang(update, context, choice)
        lang = user_lang(update, context)
        await query.edit_message_text(
            self._with_headlines(text, context, lang),
            reply_markup=self._headlines_keyboard(context, lang),
        )

    # ---- headlines in lists ------------------------------------------------------------

    def headline_mode(self, context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> str | None:
        """How this chat's lists show headlines; None without a translator (no choice then)."""
        if not self.translating:
            return None
        return english_headline_mode(headline_choice(context), lang, translating=True)

    def _with_headlines(self, text: str, context: ContextTypes.DEFAULT_TYPE, lang: Lang) -> str:
        mode = self.headline_mode(context, lang)
        if mode is None:
            return text
        return f"{text}\n\n{t(lang, 'set_headlines', name=esc(headlines_name(mode, lang)))}"

    def _headlines_keyboard(
        self, context: ContextTypes.DEFAULT_TYPE, lang: Lang
    ) -> InlineKeyboardMarkup | None:
        mode = self.headline_mode(context, lang)
        return None if mode is None else InlineKeyboardMarkup(headlines_rows(LANG, mode, lang))

    def _lang_keyboard(
        self, context: ContextTypes.DEFAULT_TYPE, lang: Lang
    ) -> InlineKeyboardMarkup:
        rows = [
            [
                InlineKeyboardButton("العربية", callback_data=f"{LANG}:ar"),
                InlineKeyboardButton("English", callback_data=f"{LANG}:en"),
            ]
        ]
        headlines = self._headlines_keyboard(context, lang)
        if headlines is not None:
            rows += [list(row) for row in headlines.inline_keyboard]
        return InlineKeyboardMarkup(rows)

    async def set_headlines(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, choice: str
    ) -> str:
        """Keep the chat's headline choice; the choice as it now holds."""
        user = chat_user(update)
        if user is not None:
            # Kept on the user's row, which exists once they have been seen.
            await self.services.seen(user)
            await self.subs.set_headlines(user.chat_id, choice)
        if context.chat_data is not None:
            context.chat_data[HEADLINES] = choice
        return choice

    async def _set_lang(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, choice: str
    ) -> str:
        user = chat_user(update)
        if user is None:
            return t(user_lang(update, context), "error")
        chosen = None if choice == "auto" else choice
        # The choice is kept on the user's row, which exists once they have been seen.
        await self.services.seen(user)
        await self.subs.set_ui_lang(user.chat_id, chosen)
        if context.chat_data is not None:
            context.chat_data[UI_LANG] = chosen
        lang = user_lang(update, context)
        return t(lang, "lang_auto" if chosen is None else "lang_set")
