"""Channels: /channel add, list and remove, each channel's settings buttons, the bot's status.

A channel has no one to type commands in it: its administrator links it from a private
chat, where the bot checks with getChatMember that they administer it and that the bot may
post there. Its digest is an ordinary subscription under the channel's chat id.
"""

from __future__ import annotations

import re
from typing import Any

from telegram import (
    Chat,
    ChatMemberAdministrator,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    MessageOriginChannel,
    Update,
)
from telegram.constants import ChatMemberStatus
from telegram.error import BadRequest, Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.chats import ChatService, Membership
from bot.core import Core
from bot.models import Channel, Subscription
from bot.tg.buttons import label
from bot.tg.deliveries import tell_channel_lost
from bot.tg.digest_commands import DigestCommands
from bot.tg.groups import ADMIN_STATUSES
from bot.tg.i18n import Lang, t
from bot.tg.render import esc
from bot.tg.replies import chat_user, user_lang
from bot.tg.settings_view import settings_keyboard, settings_text

CHANNEL = "ch"
# Waiting for a forwarded post after a bare /channel add, in the private chat's chat_data.
AWAITING = "channel_add"
_USERNAME = re.compile(r"(?:https?://)?(?:t\.me/|@)?([A-Za-z][A-Za-z0-9_]{3,31})")
_CHAT_ID = re.compile(r"-?[0-9]{1,16}")


def channel_ref(text: str) -> str | int | None:
    """The chat getChat takes for what a person typed: "@name", a t.me link or an id."""
    text = text.strip()
    if _CHAT_ID.fullmatch(text):
        return int(text)
    found = _USERNAME.fullmatch(text)
    return f"@{found.group(1)}" if found else None


def shown_ref(channel: Channel) -> str:
    """How to name a channel in a command: its @name, else its id."""
    return f"@{channel.username}" if channel.username else str(channel.chat_id)


def bot_may_post(member: object) -> bool:
    """Whether the bot's membership lets it post in a channel."""
    if getattr(member, "status", None) == ChatMemberStatus.OWNER:
        return True
    return isinstance(member, ChatMemberAdministrator) and bool(member.can_post_messages)


def channel_panel(
    channel: Channel, sub: Subscription, lang: Lang, core: Core, view: str = "main"
) -> tuple[str, InlineKeyboardMarkup]:
    """A channel's settings: the digest's as /settings shows them, its alerts, whether paused."""
    topics = core.services.topics()
    lines = settings_text(sub, lang, topics, view).split("\n")
    head = [t(lang, "channel_title", title=esc(channel.title), ref=esc(shown_ref(channel)))]
    if channel.paused:
        head.append(t(lang, "channel_paused_line", ref=esc(shown_ref(channel))))
    state = t(lang, "on" if channel.alerts else "off")
    alerts = [t(lang, "channel_alerts", state=state)]
    text = "\n".join([*head, *lines[1:-2], *alerts, *lines[-2:]])
    prefix = f"{CHANNEL}:{channel.chat_id}"
    keyboard = settings_keyboard(sub, lang, topics, view, prefix=prefix)
    rows = [list(row) for row in keyboard.inline_keyboard]
    if view == "main":
        flip = "0" if channel.alerts else "1"
        name = t(lang, "btn_alerts_off" if channel.alerts else "btn_alerts_on")
        rows.append([InlineKeyboardButton(label(name), callback_data=f"{prefix}:alerts:{flip}")])
    return text, InlineKeyboardMarkup(rows)


class ChannelCommands:
    """/channel and its buttons, linking by forwarded post, and the bot's own status changes."""

    COMMANDS = ("channel",)

    def __init__(self, core: Core, chats: ChatService) -> None:
        self.core = core
        self.chats = chats

    async def channel(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """`/channel` lists, `/channel add @name` links, `/channel remove @name` unlinks."""
        message, chat = update.effective_message, update.effective_chat
        if message is None or chat is None:
            return
        lang = user_lang(update, context)
        if chat.type != Chat.PRIVATE:
            await message.reply_text(t(lang, "channel_private_only"))
            return
        args = list(context.args or [])
        action = args[0].lower() if args else ""
        rest = " ".join(args[1:]).strip()
        if action == "add" and rest:
            await self._add_ref(update, context, rest)
        elif action == "add":
            if context.chat_data is not None:
                context.chat_data[AWAITING] = True
            await message.reply_text(t(lang, "channel_add_ask"))
        elif action == "remove":
            await self._remove(update, context, rest)
        elif not args:
            await self._list(update, context)
        else:
            await message.reply_text(t(lang, "channel_usage"))

    async def forwarded(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A post forwarded after a bare /channel add: link the channel it came from."""
        message = update.effective_message
        if message is None:
            return
        lang = user_lang(update, context)
        awaiting = context.chat_data.pop(AWAITING, False) if context.chat_data else False
        origin = message.forward_origin
        if not awaiting:
            # Any other forward is talk to the bot, answered as such.
            key = "chatter" if message.text else "not_text"
            if isinstance(origin, MessageOriginChannel):
                key = "channel_forward_hint"
            await message.reply_text(t(lang, key))
        elif not isinstance(origin, MessageOriginChannel):
            # A forward from a person, or one whose sender hides where it came from.
            await message.reply_text(t(lang, "channel_forward_not_channel"))
        else:
            await self._link(update, context, origin.chat.id, esc(origin.chat.title or ""))

    async def _add_ref(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        message = update.effective_message
        assert message is not None
        ref = channel_ref(text)
        if ref is None:
            lang = user_lang(update, context)
            await message.reply_text(t(lang, "channel_bad_ref", text=esc(text[:64])))
            return
        await self._link(update, context, ref, esc(str(ref)))

    async def _link(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, ref: str | int, shown: str
    ) -> None:
        """Link a channel after checking it is one, the asker administers it, the bot may post.

        Each refusal says which check failed, and changes nothing.
        """
        message, user = update.effective_message, chat_user(update)
        assert message is not None
        if user is None:
            return
        lang = user_lang(update, context)
        bot = context.bot
        try:
            found = await bot.get_chat(ref)
        except (BadRequest, Forbidden):
            await message.reply_text(t(lang, "channel_not_found", ref=shown or "?"))
            return
        title = esc(found.title or shown)
        if found.type != Chat.CHANNEL:
            await message.reply_text(t(lang, "channel_not_channel", ref=title))
            return
        try:
            asker = await bot.get_chat_member(found.id, user.user_id)
            mine = await bot.get_chat_member(found.id, bot.id)
        except TelegramError:
            await message.reply_text(t(lang, "channel_not_admin", title=title))
            return
        if asker.status not in ADMIN_STATUSES:
            await message.reply_text(t(lang, "channel_not_admin", title=title))
            return
        if not bot_may_post(mine):
            await message.reply_text(t(lang, "channel_cannot_post", title=title))
            return
        # The owner is told in their language when the bot later loses its rights there.
        await self.core.services.seen(user)
        await self.chats.changed(
            Membership(found.id, Chat.CHANNEL, found.title, mine.status, True, user.user_id)
        )
        channel = await self.chats.link(
            found.id, found.title or str(found.id), found.username, user.user_id, "ar"
        )
        sub = await self.core.subscriptions.get(found.id)
        assert sub is not None
        text, keyboard = channel_panel(channel, sub, lang, self.core)
        linked = t(lang, "channel_linked", title=title)
        await message.reply_text(f"{linked}\n\n{text}", reply_markup=keyboard)

    async def _list(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None
        if user is None:
            return
        lang = user_lang(update, context)
        channels = await self.chats.of_owner(user.id)
        if not channels:
            await message.reply_text(t(lang, "channel_none"))
            return
        for channel in channels:
            sub = await self.core.subscriptions.get(channel.chat_id)
            if sub is None:
                continue
            text, keyboard = channel_panel(channel, sub, lang, self.core)
            await message.reply_text(text, reply_markup=keyboard)

    async def _remove(self, update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
        message, user = update.effective_message, update.effective_user
        assert message is not None
        if user is None:
            return
        lang = user_lang(update, context)
        channels = await self.chats.of_owner(user.id)
        ref = channel_ref(text)
        if not text:
            chosen = channels if len(channels) == 1 else []
        else:
            wanted = str(ref).lower()
            chosen = [c for c in channels if wanted in (str(c.chat_id), shown_ref(c).lower())]
        if not chosen:
            names = ", ".join(esc(shown_ref(c)) for c in channels) or "—"
            key = "channel_remove_which" if not text else "channel_not_linked"
            await message.reply_text(t(lang, key, ref=esc(text[:64]), channels=names))
            return
        await self.chats.unlink(chosen[0].chat_id)
        await message.reply_text(t(lang, "channel_removed", title=esc(chosen[0].title)))

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button of a channel's panel: change one setting or open a view, for its owner."""
        query, user = update.callback_query, update.effective_user
        if query is None or user is None:
            return
        lang = user_lang(update, context)
        parts = (query.data or "").split(":", 3)
        channel = None
        if len(parts) == 4 and _CHAT_ID.fullmatch(parts[1]):
            channel = await self.chats.get(int(parts[1]))
        sub = await self.core.subscriptions.get(channel.chat_id) if channel else None
        if channel is None or sub is None or channel.owner_id != user.id:
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        action, value = parts[2], parts[3]
        change: dict[str, Any] = {}
        view: str | None = "main"
        if action == "alerts" and value in ("0", "1"):
            await self.chats.set_alerts(channel.chat_id, value == "1")
            channel = await self.chats.get(channel.chat_id) or channel
        else:
            change, view = DigestCommands.pressed(action, value, sub, self.core.services.topics())
        if view is None or view == "headlines":
            await query.answer(t(lang, "button_expired"), show_alert=True)
            return
        if change:
            sub = await self.core.subscriptions.change(channel.chat_id, **change) or sub
        await query.answer()
        text, keyboard = channel_panel(channel, sub, lang, self.core, view)
        try:
            await query.edit_message_text(text, reply_markup=keyboard)
        except BadRequest as exc:
            if "not modified" not in exc.message:
                raise

    async def migrated(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A group became a supergroup: its digest, follows and alerts follow it to its new id.

        Telegram tells both chats (the old one "moved to", the new one "moved from"); the
        second to arrive finds nothing left to move.
        """
        message = update.effective_message
        if message is None:
            return
        if message.migrate_to_chat_id:
            await self.chats.moved(message.chat.id, message.migrate_to_chat_id)
        elif message.migrate_from_chat_id:
            await self.chats.moved(message.migrate_from_chat_id, message.chat.id)

    async def bot_status(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The bot was added, promoted, demoted or removed somewhere: record it, and act.

        A linked channel where it may no longer post is paused and its owner told, once.
        """
        change = update.my_chat_member
        if change is None:
            return
        member = change.new_chat_member
        can_post = bot_may_post(member)
        paused = await self.chats.changed(
            Membership(
                chat_id=change.chat.id, chat_type=change.chat.type, title=change.chat.title,
                status=member.status, can_post=can_post, by=change.from_user.id,
            )
        )  # fmt: skip
        if paused is not None:
            await tell_channel_lost(context.bot, self.core, paused)
