"""Public commands: /start, /help, /latest, and what to say to anything else."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Chat, InlineKeyboardButton, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.english import EnglishViews
from bot.models import StoryPage
from bot.services import DEFAULT_LATEST, MAX_LATEST, Services
from bot.subscribers import SubscriptionService
from bot.tg.digest_render import zone_label
from bot.tg.groups import update_thread
from bot.tg.i18n import Lang, format_moment, t
from bot.tg.render import esc, join_blocks, story_item
from bot.tg.replies import (
    chat_user,
    headline_choice,
    send_chunks,
    stories_keyboard,
    user_lang,
)

LATEST_PREFIX = "latest"


def help_entries(lang: Lang) -> list[tuple[str, str, str]]:
    """(command, usage, description) for every public command, in menu order."""
    return [
        ("start", "/start", t(lang, "cmd_start")),
        ("help", "/help", t(lang, "cmd_help")),
        (
            "latest",
            "/latest [n]",
            t(lang, "cmd_latest", default=DEFAULT_LATEST, max=MAX_LATEST),
        ),
        ("who", t(lang, "usage_who"), t(lang, "cmd_who")),
        ("topic", t(lang, "usage_topic"), t(lang, "cmd_topic")),
        ("search", t(lang, "usage_search"), t(lang, "cmd_search")),
        ("trends", t(lang, "usage_trends"), t(lang, "cmd_trends")),
        ("meetings", t(lang, "usage_meetings"), t(lang, "cmd_meetings")),
        ("subscribe", t(lang, "usage_subscribe"), t(lang, "cmd_subscribe")),
        ("unsubscribe", "/unsubscribe", t(lang, "cmd_unsubscribe")),
        ("settings", "/settings", t(lang, "cmd_settings")),
        ("digest", "/digest", t(lang, "cmd_digest")),
        ("follow", t(lang, "usage_follow"), t(lang, "cmd_follow")),
        ("unfollow", t(lang, "usage_unfollow"), t(lang, "cmd_unfollow")),
        ("following", "/following", t(lang, "cmd_following")),
        ("lang", "/lang ar|en", t(lang, "cmd_lang")),
        ("mydata", "/mydata", t(lang, "cmd_mydata")),
        ("forget", "/forget", t(lang, "cmd_forget")),
        ("channel", t(lang, "usage_channel"), t(lang, "cmd_channel")),
    ]


def parse_count(args: list[str]) -> int | None:
    """The n of `/latest n`: None when it is not a whole number of at least one."""
    if not args:
        return DEFAULT_LATEST
    if len(args) != 1:
        return None
    try:
        # int() reads Arabic-Indic digits too, so /latest ٥ works.
        value = int(args[0])
    except ValueError:
        return None
    return value if value >= 1 else None


def latest_callback(offset: int, limit: int) -> str:
    """Callback data for the button that shows the page at `offset`."""
    return f"{LATEST_PREFIX}:{offset}:{limit}"


def parse_latest_callback(data: str) -> tuple[int, int] | None:
    """(offset, limit) from callback data, or None when it is not ours or malformed."""
    parts = data.split(":")
    if len(parts) != 3 or parts[0] != LATEST_PREFIX:
        return None
    if not (parts[1].isdecimal() and parts[2].isdecimal()):
        return None
    offset, limit = int(parts[1]), int(parts[2])
    # Bounds keep a forged button from asking for absurd pages.
    if offset > 10_000_000 or not 1 <= limit <= MAX_LATEST:
        return None
    return offset, limit


class PublicCommands:
    """Handlers for everyone: each parses, calls one service, renders and replies."""

    def __init__(
        self,
        services: Services,
        zone: ZoneInfo,
        subscriptions: SubscriptionService | None = None,
        *,
        english: EnglishViews | None = None,
    ) -> None:
        self.services = services
        self.zone = zone
        self.subscriptions = subscriptions
        self.english = english or EnglishViews(None, {})
        # "🌐 n" buttons, when a translator is configured
        self.translate = self.english.translating

    async def start(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Greet the user in their language; someone back after blocking gets their digest back."""
        lang = user_lang(update, context)
        user = chat_user(update)
        if user is None or update.effective_message is None:
            return
        await self.services.seen(user)
        first = update.effective_user.first_name if update.effective_user else ""
        name = ("، " if lang == "ar" else ", ") + esc(first) if first else ""
        text = t(lang, "start", name=name)
        if self.subscriptions is not None and await self.subscriptions.returned(user.chat_id):
            back = await self.subscriptions.get(user.chat_id)
            if back is not None:
                moment = format_moment(back.next_due, lang, ZoneInfo(back.timezone))
                when = f"{moment} ({zone_label(back.timezone)})"
                text += "\n\n" + t(lang, "start_resumed", next=esc(when))
        await update.effective_message.reply_text(text)

    async def help(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """List every command with its usage."""
        lang = user_lang(update, context)
        if update.effective_message is None:
            return
        lines = [t(lang, "help_title"), ""]
        lines += [f"{esc(usage)} — {esc(text)}" for _, usage, text in help_entries(lang)]
        lines += ["", t(lang, "help_footer")]
        await update.effective_message.reply_text("\n".join(lines))

    async def latest(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Show the newest stories, n of them."""
        lang = user_lang(update, context)
        chat = update.effective_chat
        if chat is None or update.effective_message is None:
            return
        count = parse_count(list(context.args or []))
        if count is None:
            await update.effective_message.reply_text(t(lang, "latest_bad_count", max=MAX_LATEST))
            return
        if count > MAX_LATEST:
            await update.effective_message.reply_text(t(lang, "latest_clamped", max=MAX_LATEST))
        page = await self.services.latest(count, 0)
        await self._send_page(context, chat.id, page, lang, update_thread(update))

    async def latest_page(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Answer the "older" button: the next page, and the pressed button goes away."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        lang = user_lang(update, context)
        parsed = parse_latest_callback(query.data or "")
        if parsed is None:
            await query.answer(t(lang, "stale_button"), show_alert=True)
            return
        await query.answer()
        try:
            # The button goes once pressed; a double tap finds it gone and shows nothing twice.
            await query.edit_message_reply_markup(None)
        except BadRequest as exc:
            if "not modified" in exc.message:
                return
            raise
        offset, limit = parsed
        page = await self.services.latest(limit, offset)
        await self._send_page(context, chat.id, page, lang, update_thread(update))

    async def _send_page(
        self,
        context: ContextTypes.DEFAULT_TYPE,
        chat_id: int,
        page: StoryPage,
        lang: Lang,
        thread_id: int | None = None,
    ) -> None:
        if not page.stories:
            key = "latest_end" if page.offset else "latest_empty"
            await context.bot.send_message(chat_id, t(lang, key), message_thread_id=thread_id)
            return
        title = t(
            lang,
            "latest_title",
            first=page.offset + 1,
            last=page.offset + len(page.stories),
            total=page.total,
        )
        english = await self.english.for_list(lang, headline_choice(context), page.stories)
        blocks = [title] + [
            story_item(story, page.offset + i + 1, lang, self.zone, english)
            for i, story in enumerate(page.stories)
        ]
        older = None
        if page.has_more:
            older = InlineKeyboardButton(
                t(lang, "older"),
                callback_data=latest_callback(page.offset + len(page.stories), page.limit),
            )
        numbered = [(page.offset + i + 1, s.id) for i, s in enumerate(page.stories)]
        keyboard = stories_keyboard(numbered, older, translate=self.translate)
        await send_chunks(context, chat_id, join_blocks(blocks), keyboard, thread_id=thread_id)

    async def unknown_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Point an unknown command at /help."""
        message = update.effective_message
        if message is None or not message.text:
            return
        command = message.text.split()[0][:64]
        # In a group, a command nobody addressed to this bot may be another bot's.
        mine = f"@{context.bot.username or ''}".lower()
        if message.chat.type != Chat.PRIVATE and not command.lower().endswith(mine):
            return
        await message.reply_text(
            t(user_lang(update, context), "unknown_command", command=esc(command))
        )

    async def not_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A polite hint for stickers, photos, voice notes and the like."""
        if update.effective_message is not None:
            await update.effective_message.reply_text(t(user_lang(update, context), "not_text"))

    async def chatter(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A polite hint for plain text that is not a command."""
        if update.effective_message is not None:
            await update.effective_message.reply_text(t(user_lang(update, context), "chatter"))
