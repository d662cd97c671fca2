"""A chat's own data in Telegram: /mydata shows it in words, /forget deletes it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.core import Core
from bot.models import Subscription, Topic
from bot.subscribers import DEFAULT_ZONE
from bot.tg.follows import FollowCommands
from bot.tg.groups import is_group, update_thread
from bot.tg.i18n import Lang, format_day, story_count, t
from bot.tg.render import esc, join_blocks
from bot.tg.replies import HEADLINES, UI_LANG, send_chunks, user_lang
from bot.tg.settings_view import settings_text

FORGET = "forget"


def _stamp(value: Any, lang: Lang, zone: ZoneInfo) -> str:
    """A stored instant as a reader's date and time; "never" when there is none."""
    if not value:
        return t(lang, "never")
    try:
        moment = datetime.fromisoformat(str(value)).astimezone(zone)
    except ValueError:
        return esc(str(value))
    return f"{format_day(moment.date(), lang)} {moment:%H:%M}"


def my_data_chunks(
    data: dict[str, Any],
    names: dict[tuple[str, str], str],
    topics: Sequence[Topic],
    lang: Lang,
    *,
    group: bool = False,
) -> list[str]:
    """Everything stored about a chat, in words rather than rows; a group's speaks of it."""
    users = data.get("user") or []
    subs: list[Subscription] = data.get("subscription") or []
    follows = data.get("follows") or []
    deliveries = data.get("deliveries") or []
    briefs = data.get("weekly_briefs") or []
    channels = data.get("channels") or []
    alerts = sum(int(row.get("alerts") or 0) for row in data.get("alerts") or [])
    if not (users or subs or follows or deliveries or briefs or alerts or channels):
        return [t(lang, "mydata_none_group" if group else "mydata_none")]
    zone = ZoneInfo(subs[0].timezone) if subs else ZoneInfo(DEFAULT_ZONE)
    blocks = [t(lang, "mydata_title_group" if group else "mydata_title")]
    for user in users:
        ui = user.get("ui_lang")
        chosen = ("English" if ui == "en" else "العربية") if ui else t(lang, "mydata_ui_auto")
        text = t(
            lang, "mydata_user", chat=esc(str(user.get("chat_id"))),
            code=esc(str(user.get("language_code") or "—")), ui=esc(chosen),
            first=_stamp(user.get("first_seen"), lang, zone),
            last=_stamp(user.get("last_seen"), lang, zone),
        )  # fmt: skip
        blocks.append(text)
    for sub in subs:
        lines = settings_text(sub, lang, topics, "main").split("\n")[1:-2]
        lines[0:0] = [t(lang, "mydata_sub")]
        if sub.last_period_end:
            when = _stamp(sub.last_period_end.isoformat(), lang, zone)
            lines.append(t(lang, "mydata_period", when=when))
        blocks.append("\n".join(lines))
    if follows:
        lines = [t(lang, "mydata_follows")]
        for row in follows:
            key = (str(row["kind"]), str(row["key"]))
            name = names.get(key) or esc(key[1])
            lines.append(f"• {name} — {_stamp(row.get('created_at'), lang, zone)}")
        blocks.append("\n".join(lines))
    for title, ledger in (("mydata_deliveries", deliveries), ("mydata_weekly", briefs)):
        if ledger:
            lines = [t(lang, title)]
            for row in ledger:
                status = str(row.get("status"))
                known = status in ("sent", "pending", "failed")
                word = t(lang, f"delivery_{status}") if known else status
                lines.append(f"• {_stamp(row.get('period_end'), lang, zone)}: {esc(word)}")
            blocks.append("\n".join(lines))
    if alerts:
        blocks.append(t(lang, "mydata_alerts", stories=story_count(alerts, lang)))
    if channels:
        lines = [t(lang, "mydata_channels")]
        for row in channels:
            paused = f" ({t(lang, 'mydata_paused')})" if row.get("paused_at") else ""
            name = f"@{row['username']}" if row.get("username") else str(row.get("chat_id"))
            when = _stamp(row.get("linked_at"), lang, zone)
            lines.append(f"• {esc(str(row.get('title')))} ({esc(name)}) — {when}{paused}")
        blocks.append("\n".join(lines))
    blocks.append(t(lang, "mydata_footer_group" if group else "mydata_footer"))
    return join_blocks(blocks)


class DataCommands:
    """Handlers for a chat's own data: /mydata shows it, /forget deletes it."""

    COMMANDS = ("mydata", "forget")

    def __init__(self, core: Core, follows: FollowCommands) -> None:
        self.core = core
        self.subs = core.subscriptions
        self.services = core.services
        self.follows = follows

    async def mydata(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Everything stored about the chat, as readable text."""
        chat = update.effective_chat
        if chat is None:
            return
        lang = user_lang(update, context)
        data = await self.subs.my_data(chat.id)
        names = {(i.kind, i.key): i.name for i in await self.follows.follow_items(chat.id, lang)}
        chunks = my_data_chunks(data, names, self.services.topics(), lang, group=is_group(chat))
        await send_chunks(context, chat.id, chunks, thread_id=update_thread(update))

    async def forget(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ask before deleting everything about the chat."""
        message = update.effective_message
        if message is None:
            return
        lang = user_lang(update, context)
        ask = "forget_ask_group" if is_group(update.effective_chat) else "forget_ask"
        keyboard = InlineKeyboardMarkup(
            [
                [
                    InlineKeyboardButton(t(lang, "btn_forget_yes"), callback_data=f"{FORGET}:yes"),
                    InlineKeyboardButton(t(lang, "btn_forget_no"), callback_data=f"{FORGET}:no"),
                ]
            ]
        )
        await message.reply_text(t(lang, ask), reply_markup=keyboard)

    async def forget_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Delete everything on "yes"; the question becomes the answer."""
        query, chat = update.callback_query, update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        confirmed = query.data == f"{FORGET}:yes"
        await query.answer()
        if confirmed:
            await self.core.subscriptions.forget(chat.id)
            if context.chat_data is not None:
                # Remembered searches are data about the user too.
                context.chat_data.clear()
                context.chat_data[UI_LANG] = None
                context.chat_data[HEADLINES] = None
        done = "forget_done_group" if is_group(chat) else "forget_done"
        await query.edit_message_text(t(lang, done if confirmed else "forget_cancel"))
