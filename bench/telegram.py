"""The Telegram side of the bench: a timed fake Bot API, the apps over it, and a driver."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from telegram import LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CommandHandler,
    ContextTypes,
    Defaults,
)
from telegram.request import HTTPXRequest

from bot.config import Settings
from bot.core import Core
from bot.digest_run import SendOutcome
from bot.models import DigestMessage
from bot.tg.app import build_application
from bot.tg.fake_api import ApiError, FakeBotApi

BotApp = Application[Any, Any, Any, Any, Any, Any]
# Telegram's documented limits for bots: about 30 messages a second overall, and about one
# a second to one chat.
GLOBAL_RATE = 30.0
# ... and about 20 a minute to one group or channel.
GROUP_RATE = 20
GROUP_PERIOD = 60.0
PER_CHAT_GAP = 1.0


class TimedBotApi(FakeBotApi):
    """The project's fake Bot API, stamping each recorded reply and the time it spent.

    With `enforce_limits`, sendMessage answers 429 with retry_after as Telegram does when
    a bot goes over its limits: a token bucket of GLOBAL_RATE a second (burst GLOBAL_RATE)
    overall, PER_CHAT_GAP between two messages to one chat, and GROUP_RATE messages in
    GROUP_PERIOD to one group or channel.
    """

    def __init__(self, *, enforce_limits: bool = False) -> None:
        super().__init__()
        self.stamps: list[float] = []
        self.server_seconds = 0.0
        self.enforce_limits = enforce_limits
        self.too_many = 0
        self.too_many_at: list[float] = []
        self._tokens = GLOBAL_RATE
        self._refilled = time.monotonic()
        self._last_to_chat: dict[int, float] = {}
        self._to_group: dict[int, deque[float]] = {}
        self._limit_lock = threading.Lock()
        self._recent: deque[float] = deque()

    def handle_http(self, path: str, content_type: str, body: bytes) -> tuple[int, dict[str, Any]]:
        started = time.perf_counter()
        try:
            return super().handle_http(path, content_type, body)
        finally:
            with self._limit_lock:
                self.server_seconds += time.perf_counter() - started

    def call(self, method: str, params: dict[str, Any]) -> Any:
        if self.enforce_limits and method == "sendMessage":
            self._check_limits(int(params.get("chat_id", 0)))
        return super().call(method, params)

    def _check_limits(self, chat_id: int) -> None:
        now = time.monotonic()
        with self._limit_lock:
            self._tokens = min(GLOBAL_RATE, self._tokens + (now - self._refilled) * GLOBAL_RATE)
            self._refilled = now
            last = self._last_to_chat.get(chat_id)
            wait = 0.0
            if self._tokens < 1.0:
                wait = (1.0 - self._tokens) / GLOBAL_RATE
            if last is not None and now - last < PER_CHAT_GAP:
                wait = max(wait, PER_CHAT_GAP - (now - last))
            if chat_id < 0:
                # A group or channel: at most GROUP_RATE messages in GROUP_PERIOD seconds.
                sent = self._to_group.setdefault(chat_id, deque())
                while sent and now - sent[0] >= GROUP_PERIOD:
                    sent.popleft()
                if len(sent) >= GROUP_RATE:
                    wait = max(wait, GROUP_PERIOD - (now - sent[0]))
            if wait > 0:
                self.too_many += 1
                self.too_many_at.append(time.perf_counter())
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {max(1, round(wait))}",
                    {"retry_after": max(1, round(wait))},
                )
            self._tokens -= 1.0
            self._last_to_chat[chat_id] = now
            if chat_id < 0:
                self._to_group[chat_id].append(now)

    def _record(self, method: str, message: dict[str, Any], params: dict[str, Any]) -> None:
        super()._record(method, message, params)
        self.stamps.append(time.perf_counter())

    def forget_outbox(self) -> None:
        """Drop what was recorded so far (a long run would otherwise keep every reply)."""
        with self._lock:
            self.outbox.clear()
            self.stamps.clear()
            self.calls.clear()
            self._messages.clear()
            self._updates.clear()
            self._read = 0


def _request(api: FakeBotApi) -> HTTPXRequest:
    return HTTPXRequest(httpx_kwargs={"transport": api.transport})


def product_app(settings: Settings, core: Core, api: TimedBotApi) -> BotApp:
    """The real Application (handlers, defaults, AIORateLimiter) over the fake, as the console."""
    return build_application(settings, core, token=api.token, request=_request(api))


def plain_app(
    settings: Settings, api: TimedBotApi, limiter: AIORateLimiter | None = None
) -> BotApp:
    """An Application with the bot's defaults and no rate limiter (or `limiter`), over the fake."""
    defaults = Defaults(
        parse_mode=ParseMode.HTML,
        link_preview_options=LinkPreviewOptions(is_disabled=True),
        tzinfo=settings.timezone,
    )
    request = _request(api)
    builder = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(settings.bot_api_url)
        .defaults(defaults)
        .request(request)
        .get_updates_request(request)
    )
    if limiter is not None:
        return builder.rate_limiter(limiter).build()
    return builder.build()


def echo_app(settings: Settings, api: TimedBotApi) -> BotApp:
    """The floor: one handler that replies "ok", nothing else."""
    request = _request(api)
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(settings.bot_api_url)
        .request(request)
        .get_updates_request(request)
        .build()
    )

    async def ping(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if update.effective_message is not None:
            await update.effective_message.reply_text("ok")

    app.add_handler(CommandHandler("ping", ping))
    return app


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """One update handled: from the update to the last reply the fake recorded."""

    seconds: float
    replies: int
    text: str  # the first reply's text, to check what the bot answered


class Driver:
    """Sends users' messages into an Application with process_update, and times the replies."""

    def __init__(self, app: BotApp, api: TimedBotApi, *, lang: str = "ar") -> None:
        self.app = app
        self.api = api
        self.lang = lang
        self._chat = 500_000

    async def say(self, text: str, chat_id: int | None = None) -> RoundTrip:
        """Handle one message from a user; raises when the bot recorded no reply."""
        if chat_id is None:
            self._chat += 1
            chat_id = self._chat
        raw = self.api.user_sends(text, chat_id=chat_id, language_code=self.lang)
        before = len(self.api.outbox)
        started = time.perf_counter()
        await self.app.process_update(Update.de_json(raw, self.app.bot))
        replies = self.api.outbox[before:]
        if not replies:
            raise RuntimeError(f"no reply to {text!r}")
        finished = self.api.stamps[before + len(replies) - 1]
        return RoundTrip(finished - started, len(replies), replies[0].text)


async def send_many(
    send: Callable[[int, DigestMessage], Awaitable[SendOutcome]],
    chats: list[int],
    text: str,
    workers: int,
) -> dict[str, int]:
    """Send one message to each chat, `workers` at a time, as the digest run does."""
    gate = asyncio.Semaphore(workers)
    # "retry": Telegram could not take it (5xx, timeout, 429 past the limiter's retries).
    counts: dict[str, int] = {"ok": 0, "blocked": 0, "error": 0, "retry": 0}

    async def one(chat_id: int) -> None:
        async with gate:
            counts[await send(chat_id, DigestMessage(text))] += 1

    await asyncio.gather(*(one(chat) for chat in chats))
    return counts
