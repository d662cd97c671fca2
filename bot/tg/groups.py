"""Groups and forum topics: who may change a group's things, and which topic to answer in."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from functools import wraps
from typing import Any

from telegram import Bot, Chat, Message, Update
from telegram.constants import ChatMemberStatus
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.tg.i18n import lang_of, t
from bot.tg.replies import user_lang

log = logging.getLogger(__name__)

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
# How long an administrator check holds: a demoted admin keeps their say this long at most,
# and a busy group costs one getChatMember per person in that time.
ADMIN_TTL = 300.0
_MAX_CACHED = 10_000
ADMIN_STATUSES = (ChatMemberStatus.OWNER, ChatMemberStatus.ADMINISTRATOR)


def thread_of(message: Message | None) -> int | None:
    """The forum topic a message is in; None outside topics (a reply chain is not one)."""
    if message is None or not message.is_topic_message:
        return None
    return message.message_thread_id


def update_thread(update: Update) -> int | None:
    """The forum topic of an update's message (a command, or the message under a button)."""
    return thread_of(update.effective_message)


def is_group(chat: Chat | None) -> bool:
    """Whether a chat is a group or supergroup."""
    return chat is not None and chat.type in (Chat.GROUP, Chat.SUPERGROUP)


class AdminCheck:
    """Whether a user administers a chat, asked of Telegram and kept for ADMIN_TTL seconds."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._known: dict[tuple[int, int], tuple[bool, float]] = {}

    async def is_admin(self, bot: Bot, chat_id: int, user_id: int) -> bool:
        """True for the chat's creator and administrators; False when Telegram will not say."""
        now = self.clock()
        cached = self._known.get((chat_id, user_id))
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            member = await bot.get_chat_member(chat_id, user_id)
        except TelegramError as exc:
            log.warning("could not check %s in chat %s: %s", user_id, chat_id, exc)
            return False
        admin = member.status in ADMIN_STATUSES
        if len(self._known) >= _MAX_CACHED:
            self._known = {k: v for k, v in self._known.items() if v[1] > now}
        self._known[(chat_id, user_id)] = (admin, now + ADMIN_TTL)
        return admin

    async def may_change(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
        """Whether the sender may change this chat's digest, follows and language.

        Anyone in a private chat; in a group, its administrators, including one writing
        anonymously as the group itself.
        """
        chat, user, message = update.effective_chat, update.effective_user, update.message
        if not is_group(chat):
            return True
        assert chat is not None
        if message is not None and message.sender_chat is not None:
            return message.sender_chat.id == chat.id
        if user is None:
            return False
        return await self.is_admin(context.bot, chat.id, user.id)

    def only_admins(
        self,
        handler: Handler,
        when: Callable[[Update, ContextTypes.DEFAULT_TYPE], bool] | None = None,
    ) -> Handler:
        """`handler`, run in a group only for its administrators; others are told why not.

        `when` narrows the check to the calls that change something (a /settings with
        arguments, say): the others run for every member.
        """

        @wraps(handler)
        async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            if (when is None or when(update, context)) and not await self.may_change(
                update, context
            ):
                await refuse(update, context)
                return
            await handler(update, context)

        return guarded


async def refuse(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell a member, in their own language, that only the group's administrators may do that."""
    # Their Telegram language, not the group's /lang: the refusal is for them alone.
    user = update.effective_user
    lang = lang_of(user.language_code) if user is not None else user_lang(update, context)
    text = t(lang, "group_admins_only")
    if update.callback_query is not None:
        await update.callback_query.answer(text, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(text)


def has_args(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    """Whether the command came with arguments (it changes something, then)."""
    return bool(context.args)
