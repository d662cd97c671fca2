"""Sending rendered chunks: the keyboard rides on the last one."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.models import ChatUser
from bot.tg.i18n import Lang, lang_of

# Where the language chosen with /lang waits for the handlers, loaded once per chat.
UI_LANG = "ui_lang"
# Likewise the headline language chosen in /settings or /lang ("ar", "en", "both").
HEADLINES = "headlines"


def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Lang:
    """The interface language: the one chosen with /lang, else the sender's Telegram one."""
    chosen = context.chat_data.get(UI_LANG) if context.chat_data is not None else None
    if chosen in ("ar", "en"):
        return "ar" if chosen == "ar" else "en"
    user = update.effective_user
    return lang_of(user.language_code if user else None)


def headline_choice(context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The headline language the chat chose, None for the default of its language."""
    chosen = context.chat_data.get(HEADLINES) if context.chat_data is not None else None
    return chosen if isinstance(chosen, str) else None


@dataclass(frozen=True, slots=True)
class Incoming:
    """A command as its handler needs it: where to answer, in which language, and with what."""

    message: Message
    chat_id: int
    lang: Lang
    args: str  # the command's arguments, joined by single spaces


def incoming(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Incoming | None:
    """The command's message, chat, language and arguments; None for an update without them."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return None
    args = " ".join(context.args or []).strip()
    return Incoming(message, chat.id, user_lang(update, context), args)


def chat_user(update: Update) -> ChatUser | None:
    """The chat and person behind an update, when it has both."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return ChatUser(chat_id=chat.id, user_id=user.id, language_code=user.language_code)


async def send_chunks(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    chunks: list[str],
    keyboard: InlineKeyboardMarkup | None = None,
    *,
    thread_id: int | None = None,
) -> list[Message]:
    """Send HTML chunks in order, the keyboard under the last one; in a forum, to a topic."""
    sent = []
    for index, chunk in enumerate(chunks):
        markup = keyboard if index == len(chunks) - 1 else None
        sent.append(
            await context.bot.send_message(
                chat_id, chunk, reply_markup=markup, message_thread_id=thread_id
            )
        )
    return sent


TRANSLATE = "tr"
TRANSLATE_ROW = 5


def stories_keyboard(
    story_ids: Sequence[tuple[int, int]],
    older: InlineKeyboardButton | None,
    *,
    translate: bool,
) -> InlineKeyboardMarkup | None:
    """Buttons "🌐 n" giving story n in English (with a translator set), then "older"."""
    rows: list[list[InlineKeyboardButton]] = []
    if translate:
        buttons = [
            InlineKeyboardButton(f"🌐 {number}", callback_data=f"{TRANSLATE}:{story_id}")
            for number, story_id in story_ids
        ]
        rows += [buttons[i : i + TRANSLATE_ROW] for i in range(0, len(buttons), TRANSLATE_ROW)]
    if older is not None:
        rows.append([older])
    return InlineKeyboardMarkup(rows) if rows else None
