"""Admin commands: sources and admins. Everyone else is refused with a clear reply."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import datetime
from functools import wraps
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.admins import AdminError, Admins
from bot.ingest.errors import SourceError
from bot.ingest.service import IngestService, RunResult
from bot.ingest.urls import masked_url
from bot.models import Source
from bot.tg.groups import update_thread
from bot.tg.i18n import Lang, format_day, t
from bot.tg.menus import clear_admin_menu, set_admin_menu
from bot.tg.render import esc, join_blocks
from bot.tg.replies import send_chunks, user_lang

Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]
# Telegram user ids have at most 52 significant bits; anything larger is not a user.
MAX_USER_ID = 2**52 - 1


def parse_user_id(text: str) -> int | None:
    """A user id as an admin typed it (Arabic-Indic digits too), or None when it is none."""
    if not text.isdecimal() or len(text) > len(str(MAX_USER_ID)):
        return None
    value = int(text)
    return value if 0 < value <= MAX_USER_ID else None


def source_error(error: SourceError, lang: Lang) -> str:
    """What went wrong with a source request, in the admin's language."""
    if error.reason == "fetch":
        why = t(lang, f"why_{error.detail}", status=error.status or "?")
        return t(lang, "source_fetch", why=why)
    return t(lang, f"source_{error.reason}", detail=esc(error.detail or ""))


def _when(moment: datetime | None, lang: Lang, zone: ZoneInfo) -> str:
    if moment is None:
        return t(lang, "never")
    local = moment.astimezone(zone)
    return f"{format_day(local.date(), lang)} {local:%H:%M}"


def source_line(source: Source, lang: Lang, zone: ZoneInfo) -> str:
    """One source as /sources shows it: name, kind, state, URL and figures."""
    kind = (
        t(lang, f"kind_{source.kind}")
        if source.kind in ("feed", "listing", "article")
        else source.kind
    )
    if source.state == "failing":
        state = t(
            lang, "state_failing", since=_when(source.failing_since, lang, zone),
            n=source.failures, error=esc(source.last_error or "?"),
        )  # fmt: skip
    else:
        state = t(lang, f"state_{source.state}")
    stats = t(
        lang, "source_stats", fetch=_when(source.last_fetch_at, lang, zone),
        items=source.items_total, new=_when(source.last_new_at, lang, zone),
    )  # fmt: skip
    return (
        f"{source.id}. <b>{esc(source.name)}</b> — {esc(kind)} · {state}\n"
        f"{esc(masked_url(source.url))}\n<i>{stats}</i>"
    )


def run_line(run: RunResult, lang: Lang) -> str:
    """One source's fetch result."""
    name = esc(run.source.name)
    if run.error:
        return t(lang, "fetch_failed", id=run.source.id, name=name, error=esc(run.error))
    if run.not_modified:
        return t(lang, "fetch_not_modified", id=run.source.id, name=name)
    return t(
        lang, "fetch_line", id=run.source.id, name=name, entries=run.entries, new=run.new,
        relevant=run.relevant,
    )  # fmt: skip


class AdminCommands:
    """Source management for admins; /admins for the owner."""

    def __init__(self, ingest: IngestService, admins: Admins, zone: ZoneInfo) -> None:
        self.ingest = ingest
        self.admins = admins
        self.zone = zone

    def guarded(self, handler: Handler) -> Handler:
        """The handler, for admins only; anyone else gets a clear refusal."""

        @wraps(handler)
        async def guard(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            user, message = update.effective_user, update.effective_message
            if user is None or message is None:
                return
            if not await self.admins.is_admin(user.id):
                await message.reply_text(t(user_lang(update, context), "admin_only"))
                return
            await handler(update, context)

        return guard

    async def addsource(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Validate a URL by fetching it, list it, and say what it holds."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        lang = user_lang(update, context)
        args = list(context.args or [])
        if not args:
            await message.reply_text(t(lang, "addsource_usage"))
            return
        url, name = args[0], " ".join(args[1:]) or None
        await message.reply_text(t(lang, "addsource_checking", url=esc(masked_url(url)[:300])))
        try:
            added = await self.ingest.add_source(url, name, user.id)
        except SourceError as exc:
            await message.reply_text(source_error(exc, lang))
            return
        run = added.run
        await message.reply_text(
            t(
                lang,
                "addsource_done",
                id=added.source.id,
                name=esc(added.source.name),
                kind=t(lang, f"kind_{added.source.kind}"),
                entries=run.entries,
                relevant=run.relevant,
                new=run.new,
            )
        )

    async def sources(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every source with its state, last fetch, items and last new item."""
        chat = update.effective_chat
        assert chat is not None
        lang = user_lang(update, context)
        listed = await self.ingest.list_sources()
        if not listed:
            await context.bot.send_message(
                chat.id, t(lang, "sources_empty"), message_thread_id=update_thread(update)
            )
            return
        blocks = [t(lang, "sources_title", n=len(listed))]
        blocks += [source_line(s, lang, self.zone) for s in listed]
        await send_chunks(context, chat.id, join_blocks(blocks), thread_id=update_thread(update))

    async def _change(
        self, update: Update, context: ContextTypes.DEFAULT_TYPE, state: str, done: str
    ) -> None:
        message = update.effective_message
        assert message is not None
        lang = user_lang(update, context)
        ref = " ".join(context.args or []).strip()
        if not ref:
            command = (message.text or "/").split()[0]
            await message.reply_text(t(lang, "source_ref_usage", command=esc(command)))
            return
        try:
            source = await self.ingest.set_state(ref, state)
        except SourceError as exc:
            await message.reply_text(source_error(exc, lang))
            return
        await message.reply_text(t(lang, done, id=source.id, name=esc(source.name)))

    async def removesource(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Remove a source by id or URL; its stories stay."""
        await self._change(update, context, "removed", "source_removed")

    async def pausesource(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Stop fetching a source until resumed."""
        await self._change(update, context, "paused", "source_paused")

    async def resumesource(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Fetch a paused or failing source again, failures forgiven."""
        await self._change(update, context, "ok", "source_resumed")

    async def fetchnow(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Ingest one source or all now, and report counts per source."""
        message, chat = update.effective_message, update.effective_chat
        assert message is not None and chat is not None
        lang = user_lang(update, context)
        ref = " ".join(context.args or []).strip() or None
        await message.reply_text(t(lang, "fetch_started"))
        try:
            runs = await self.ingest.ingest_now(ref)
        except SourceError as exc:
            await message.reply_text(source_error(exc, lang))
            return
        if not runs:
            await message.reply_text(t(lang, "fetch_none"))
            return
        await send_chunks(
            context, chat.id, join_blocks(["\n".join(run_line(r, lang) for r in runs)]),
            thread_id=update_thread(update),
        )  # fmt: skip

    async def admins_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """The owner lists, adds and removes admins."""
        message, user = update.effective_message, update.effective_user
        assert message is not None and user is not None
        lang = user_lang(update, context)
        args = list(context.args or [])
        if not args:
            ids = await self.admins.all()
            await message.reply_text(t(lang, "admins_list", ids="\n".join(f"• {i}" for i in ids)))
            return
        target = parse_user_id(args[1]) if len(args) == 2 else None
        if target is None or args[0] not in ("add", "remove"):
            await message.reply_text(t(lang, "admins_usage"))
            return
        try:
            if args[0] == "add":
                changed = await self.admins.add(target, user.id)
                key = "admin_added" if changed else "admin_already"
            else:
                changed = await self.admins.remove(target, user.id)
                key = "admin_removed" if changed else "admin_not"
        except AdminError as exc:
            key = "owner_only" if exc.reason == "not_owner" else "admin_configured"
            await message.reply_text(t(lang, key))
            return
        if changed:
            menu = set_admin_menu if args[0] == "add" else clear_admin_menu
            await menu(context.bot, target)
        await message.reply_text(t(lang, key, id=target))
