"""The composition of the Telegram Application: handlers, defaults, limits, lifecycle."""

from __future__ import annotations

import asyncio
import html
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    Defaults,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)
from telegram.request import BaseRequest

from bot.chats import ChatService
from bot.config import Settings
from bot.core import Core
from bot.english import EnglishViews, read_seed_outlets
from bot.tg.admin import AdminCommands
from bot.tg.channels import CHANNEL, ChannelCommands
from bot.tg.commands import LATEST_PREFIX, PublicCommands
from bot.tg.deliveries import Deliveries, chat_lang
from bot.tg.digest_commands import DigestCommands
from bot.tg.explore import SEARCH, TOPIC, WHO, ExploreCommands
from bot.tg.follows import FOLLOW, UNFOLLOW, FollowCommands
from bot.tg.groups import AdminCheck, has_args, update_thread
from bot.tg.i18n import t
from bot.tg.inline import InlineSearch
from bot.tg.language import LANG, LanguageCommands
from bot.tg.menus import ADMIN_COMMANDS, register_menus
from bot.tg.my_data import FORGET, DataCommands
from bot.tg.pictures import PictureCommands
from bot.tg.replies import TRANSLATE, user_lang
from bot.tg.settings_view import SETTINGS
from bot.tg.translate_button import TranslateButton

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 30
POLL_TICK_SECONDS = 60
POLL_FIRST_SECONDS = 5
DIGEST_TICK_SECONDS = 60
ALERTS_TICK_SECONDS = 60
BotApp = Application[Any, Any, Any, Any, Any, Any]
SUBSCRIPTION_COMMANDS = (
    *DigestCommands.COMMANDS, *FollowCommands.COMMANDS, *LanguageCommands.COMMANDS,
    *DataCommands.COMMANDS, *ChannelCommands.COMMANDS,
)  # fmt: skip
# In a group, the commands that change the group's digest, follows, language or data, for
# its administrators only: always, or (with has_args) when they come with arguments.
GROUP_ADMIN_COMMANDS: dict[str, Callable[[Update, ContextTypes.DEFAULT_TYPE], bool] | None] = {
    "subscribe": None, "unsubscribe": None, "settings": has_args, "follow": None,
    "unfollow": has_args, "lang": has_args, "forget": None,
}  # fmt: skip


class _StoppingApplication(Application[Any, Any, Any, Any, Any, Any]):
    """The Application, with a word to the core as it starts stopping.

    `stop()` first waits for the updates being handled: an admin's /fetchnow of a slow
    source would hold it for minutes. Abandoning the source runs first lets it end at once.
    """

    __slots__ = ("on_stop",)
    on_stop: Callable[[], None] | None

    async def stop(self) -> None:
        """Abandon what `on_stop` says, then stop as the Application does."""
        on_stop: Callable[[], None] | None = getattr(self, "on_stop", None)
        if on_stop is not None:
            on_stop()
        await super().stop()


def build_application(
    settings: Settings,
    core: Core,
    *,
    token: str | None = None,
    request: BaseRequest | None = None,
    serving: bool = False,
) -> BotApp:
    """The bot, wired: every handler, HTML defaults, the rate limiter and the lifecycle hooks.

    `serving` is the real bot's mode: heartbeat, default sources and polling them on
    schedule. The offline chat and most tests leave it off, so nothing reaches the network.
    """
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        tzinfo=settings.timezone,
    )
    builder = (
        ApplicationBuilder()
        .token(token or settings.telegram_bot_token or "")
        .base_url(settings.bot_api_url)
        .base_file_url(settings.bot_file_url)
        .defaults(defaults)
        # 27/s, not the documented 30: at exactly the limit jitter draws 429s (bench/RESULTS.md).
        .rate_limiter(AIORateLimiter(overall_max_rate=27, max_retries=3))
        .application_class(_StoppingApplication)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    services = core.services

    async def post_init(app: BotApp) -> None:
        await services.store.open()
        report = await services.load_seeds(settings.seeds_dir)
        log.info(
            "seeds: %d added, %d updated, %d unchanged",
            report.added,
            report.updated,
            report.unchanged,
        )
        await register_menus(app.bot, await core.admins.all())
        if serving and app.job_queue is not None:
            await _start_jobs(app, settings, core, english)

    async def post_shutdown(app: BotApp) -> None:
        await core.aclose()
        await asyncio.to_thread(services.store.close)

    app = builder.post_init(post_init).post_shutdown(post_shutdown).build()
    if isinstance(app, _StoppingApplication):
        app.on_stop = core.ingest.abandon
    english = EnglishViews(core.translations, read_seed_outlets(settings.seeds_dir))
    language = LanguageCommands(core)
    follows = FollowCommands(core)
    add_handlers(
        app,
        PublicCommands(services, settings.timezone, core.subscriptions, english=english),
        ExploreCommands(services, settings.timezone, english=english),
        AdminCommands(core.ingest, core.admins, settings.timezone),
        SubscriptionHandlers(
            digest=DigestCommands(core, settings.timezone, language),
            follows=follows,
            language=language,
            data=DataCommands(core, follows),
            channels=ChannelCommands(
                core, ChatService(core.store, core.services.clock, core.subscriptions)
            ),
            gate=AdminCheck(),
        ),
        TranslateButton(services, core.translations),
        PictureCommands(core.charts, services, settings.timezone, core.subscriptions),
    )
    inline = InlineSearch(services, core.subscriptions, settings.timezone, english)
    app.add_handler(InlineQueryHandler(inline.answer))
    return app


async def _start_jobs(app: BotApp, settings: Settings, core: Core, english: EnglishViews) -> None:
    """The heartbeat, the default sources, and the poll that keeps the sources fetched."""
    assert app.job_queue is not None
    # The first beat says "started"; later ones say the event loop still turns.
    await asyncio.to_thread(_write_heartbeat, settings.heartbeat_path)
    app.job_queue.run_repeating(
        _beat(settings.heartbeat_path), interval=HEARTBEAT_SECONDS, first=HEARTBEAT_SECONDS
    )
    defaults = settings.seeds_dir / "sources.json"
    if settings.default_sources and defaults.is_file():
        added = await core.ingest.load_default_sources(defaults)
        log.info("default sources: %d added", added)

    async def poll(context: ContextTypes.DEFAULT_TYPE) -> None:
        # Starts the due sources' runs and returns: a source still running is skipped by
        # the next tick, the others are not, and stopping abandons the runs (Core.aclose).
        await core.ingest.start_due()
        await _tell_admins(context, core)

    # Each source is due at its own time, so ticking every minute spreads the fetches.
    app.job_queue.run_repeating(
        poll, interval=POLL_TICK_SECONDS, first=POLL_FIRST_SECONDS,
        job_kwargs={"max_instances": 1},
    )  # fmt: skip
    # Digests fall due at each subscriber's own minute; alerts go out within a minute.
    deliveries = Deliveries(core, settings.timezone, english)
    app.job_queue.run_repeating(
        deliveries.digest_job, interval=DIGEST_TICK_SECONDS, first=10,
        job_kwargs={"max_instances": 1},
    )  # fmt: skip
    # Weekly briefs on the same minute tick, as a job of their own: drawing their pictures
    # never delays a daily digest.
    app.job_queue.run_repeating(
        deliveries.weekly_job, interval=DIGEST_TICK_SECONDS, first=15,
        job_kwargs={"max_instances": 1},
    )  # fmt: skip
    app.job_queue.run_repeating(
        deliveries.alerts_job, interval=ALERTS_TICK_SECONDS, first=20,
        job_kwargs={"max_instances": 1},
    )  # fmt: skip


async def _tell_admins(context: ContextTypes.DEFAULT_TYPE, core: Core) -> None:
    """Tell every admin, once, about sources paused after repeated failures."""
    for source in await core.ingest.sources_to_report():
        for admin in await core.admins.all():
            lang = await chat_lang(core, admin)
            text = t(
                lang, "source_paused_alert", id=source.id, name=html.escape(source.name),
                n=source.failures, error=html.escape(source.last_error or "?"),
            )  # fmt: skip
            try:
                await context.bot.send_message(admin, text)
            except TelegramError as exc:
                log.warning("could not tell admin %s: %s", admin, exc)


@dataclass(frozen=True, slots=True)
class SubscriptionHandlers:
    """The handlers of a reader's own things: digest and settings, follows, language, data."""

    digest: DigestCommands
    follows: FollowCommands
    language: LanguageCommands
    data: DataCommands
    channels: ChannelCommands
    gate: AdminCheck  # who may change a group's things


def add_handlers(
    app: BotApp,
    commands: PublicCommands,
    explore: ExploreCommands,
    admin: AdminCommands,
    subscriptions: SubscriptionHandlers,
    translate: TranslateButton,
    pictures: PictureCommands,
) -> None:
    """Register every handler; order matters: specific commands before the catch-alls."""
    digest, follows = subscriptions.digest, subscriptions.follows
    language, data = subscriptions.language, subscriptions.data
    channels, admins_only = subscriptions.channels, subscriptions.gate.only_admins
    # Group -1 runs before every handler: the chat's /lang choice is loaded for user_lang.
    app.add_handler(TypeHandler(Update, language.remember_lang), group=-1)
    app.add_handler(CallbackQueryHandler(translate.press, pattern=f"^{TRANSLATE}:"))
    for name in ADMIN_COMMANDS:
        method = "admins_command" if name == "admins" else name
        app.add_handler(CommandHandler(name, admin.guarded(getattr(admin, method))))
    app.add_handler(CommandHandler("start", commands.start))
    app.add_handler(CommandHandler("help", commands.help))
    app.add_handler(CommandHandler("latest", commands.latest))
    app.add_handler(CommandHandler("who", explore.who))
    app.add_handler(CommandHandler("topic", explore.topic))
    app.add_handler(CommandHandler("search", explore.search))
    app.add_handler(CommandHandler("trends", pictures.trends))
    app.add_handler(CommandHandler("meetings", pictures.meetings))
    for handlers in (digest, follows, language, data, channels):
        for name in handlers.COMMANDS:
            callback = getattr(handlers, name)
            if name in GROUP_ADMIN_COMMANDS:
                callback = admins_only(callback, GROUP_ADMIN_COMMANDS[name])
            app.add_handler(CommandHandler(name, callback))
    app.add_handler(CallbackQueryHandler(commands.latest_page, pattern=f"^{LATEST_PREFIX}:"))
    # Every button that changes a group's things is for its administrators only.
    app.add_handler(
        CallbackQueryHandler(admins_only(digest.settings_button), pattern=f"^{SETTINGS}:")
    )
    app.add_handler(CallbackQueryHandler(admins_only(follows.follow_button), pattern=f"^{FOLLOW}:"))
    app.add_handler(
        CallbackQueryHandler(admins_only(follows.unfollow_button), pattern=f"^{UNFOLLOW}:")
    )
    app.add_handler(CallbackQueryHandler(admins_only(language.lang_button), pattern=f"^{LANG}:"))
    app.add_handler(CallbackQueryHandler(admins_only(data.forget_button), pattern=f"^{FORGET}:"))
    app.add_handler(CallbackQueryHandler(channels.button, pattern=f"^{CHANNEL}:"))
    app.add_handler(ChatMemberHandler(channels.bot_status, ChatMemberHandler.MY_CHAT_MEMBER))
    app.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, channels.migrated))
    app.add_handler(CallbackQueryHandler(explore.who_button, pattern=f"^{WHO}:"))
    app.add_handler(CallbackQueryHandler(explore.topic_button, pattern=f"^{TOPIC}:"))
    app.add_handler(CallbackQueryHandler(explore.search_button, pattern=f"^{SEARCH}:"))
    app.add_handler(CallbackQueryHandler(commands.latest_page))
    # Only messages: a channel's post that starts with "/" is not a command to the bot.
    app.add_handler(
        MessageHandler(filters.COMMAND & filters.UpdateType.MESSAGE, commands.unknown_command)
    )
    # Privacy mode stays on, and what else reaches the bot in a group (replies to it, service
    # messages) gets no answer: only private chats hear these hints.
    private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    app.add_handler(MessageHandler(private & filters.FORWARDED, channels.forwarded))
    app.add_handler(MessageHandler(private & filters.TEXT, commands.chatter))
    app.add_handler(MessageHandler(private & ~filters.TEXT, commands.not_text))
    app.add_error_handler(on_error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback; tell the user, in their language, without internals."""
    log.error("error while handling an update", exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if update.callback_query is not None:
        try:
            await update.callback_query.answer()
        except Exception:
            log.debug("could not answer the callback query", exc_info=True)
    try:
        await context.bot.send_message(
            update.effective_chat.id, html.escape(t(user_lang(update, context), "error")),
            message_thread_id=update_thread(update),
        )  # fmt: skip
    except Exception:
        log.exception("could not tell the user about the error")


def _beat(path: Path) -> Callable[[ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]:
    async def beat(context: ContextTypes.DEFAULT_TYPE) -> None:
        await asyncio.to_thread(_write_heartbeat, path)

    return beat


def _write_heartbeat(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()


class BotApiRefused(RuntimeError):
    """Telegram could not be reached, or refused the token, when the bot started."""


def serve_forever(app: BotApp, settings: Settings) -> None:
    """Long polling, or a webhook when WEBHOOK_URL is set; returns after SIGINT or SIGTERM.

    Raises BotApiRefused, with a message for the operator, when start-up cannot talk to
    Telegram; once running, python-telegram-bot rides out network errors itself.
    """
    try:
        _serve(app, settings)
    except InvalidToken as exc:
        raise BotApiRefused(
            "Telegram refused TELEGRAM_BOT_TOKEN; check it with @BotFather"
        ) from exc
    except NetworkError as exc:
        raise BotApiRefused(
            f"cannot reach the Telegram Bot API at {settings.telegram_api_base_url} ({exc.message})"
        ) from exc


def _serve(app: BotApp, settings: Settings) -> None:
    if settings.webhook_url:
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(settings.webhook_url).path.lstrip("/"),
            webhook_url=settings.webhook_url,
            secret_token=webhook_secret(settings),
            allowed_updates=Update.ALL_TYPES,
        )
    else:
        app.run_polling(allowed_updates=Update.ALL_TYPES)


def webhook_secret(settings: Settings) -> str:
    """WEBHOOK_SECRET, or a fresh random one registered with setWebhook at this start.

    Without a secret anyone who can reach the port could post a forged update (from the
    owner's id, say); a per-start secret needs no configuration and python-telegram-bot
    then answers 403 to every request without Telegram's X-Telegram-Bot-Api-Secret-Token.
    """
    if settings.webhook_secret:
        return settings.webhook_secret
    log.info("WEBHOOK_SECRET is not set: registering a random secret for this run")
    # token_urlsafe draws from A-Z, a-z, 0-9, _ and -, the alphabet Telegram accepts.
    return secrets.token_urlsafe(32)


@asynccontextmanager
async def running(app: BotApp) -> AsyncIterator[BotApp]:
    """Initialize, start and later stop the app, hooks included, as run_polling would."""
    await app.initialize()
    try:
        if app.post_init is not None:
            await app.post_init(app)
        await app.start()
        try:
            yield app
        finally:
            if app.updater is not None and app.updater.running:
                await app.updater.stop()
            await app.stop()
    finally:
        await app.shutdown()
        if app.post_shutdown is not None:
            await app.post_shutdown(app)
