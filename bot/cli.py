"""The command line: `libya-brief [run | chat | seed | health]`."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.seeds import SeedError
from bot.services import Services
from storage import DatabaseError, Store

NO_TOKEN = (
    "No TELEGRAM_BOT_TOKEN is set. Create a bot with @BotFather in Telegram "
    "(https://t.me/BotFather, /newbot), then put the token it gives you in the environment "
    "or in a .env file: TELEGRAM_BOT_TOKEN=123456:ABC...\n"
    "To try the bot without Telegram, run: libya-brief chat"
)
HEALTHY_WITHIN_SECONDS = 120


def parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    top = argparse.ArgumentParser(
        prog="libya-brief",
        description="Libya Brief: a Telegram bot briefing its subscribers on Libyan diplomacy. "
        "Without a subcommand it runs the bot when TELEGRAM_BOT_TOKEN is set, "
        "else the offline chat.",
    )
    sub = top.add_subparsers(dest="command")
    sub.add_parser("run", help="run the bot in Telegram (long polling, or a webhook)")
    chat = sub.add_parser("chat", help="chat with the bot in this terminal, offline")
    chat.add_argument(
        "--lang", choices=("en", "ar"), default="en", help="the language you write in"
    )
    sub.add_parser("seed", help="load the seed articles into the database and exit")
    sub.add_parser("health", help="exit 0 when the running bot's heartbeat is fresh")
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, read the settings, and run what was asked."""
    args = parser().parse_args(argv)
    try:
        settings = load_settings(os.environ)
    except ConfigError as exc:
        print(f"libya-brief: configuration error: {exc}", file=sys.stderr)
        return 2
    command = args.command or ("run" if settings.telegram_bot_token else "chat")
    # In the terminal chat, routine INFO lines would drown the conversation.
    chatting = command == "chat" and settings.log_level == "INFO"
    configure_logging("WARNING" if chatting else settings.log_level)
    try:
        if command == "run":
            return run(settings)
        if command == "chat":
            return chat(settings, getattr(args, "lang", "en"))
        if command == "seed":
            return seed(settings)
        return health(settings)
    except (DatabaseError, SeedError) as exc:
        print(f"libya-brief: {exc}", file=sys.stderr)
        return 1


def run(settings: Settings) -> int:
    """Run the bot against Telegram until SIGINT or SIGTERM."""
    from bot.tg.app import build_application, serve_forever

    if not settings.telegram_bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    store = Store(settings.database_path)
    store.open_sync()  # a database that cannot open stops start-up with a clear message
    serve_forever(build_application(settings, Services(store), heartbeat=True), settings)
    return 0


def chat(settings: Settings, lang: str) -> int:
    """Chat with the bot in the terminal; read one message per line when piped."""
    from bot.tg.console import run_chat

    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401 - loading it gives input() line editing and history

    store = Store(settings.database_path)
    store.open_sync()
    asyncio.run(
        run_chat(
            settings,
            Services(store),
            sys.stdin,
            sys.stdout,
            interactive=interactive,
            language_code=lang,
        )
    )
    return 0


def seed(settings: Settings) -> int:
    """Load the seeds and report what changed."""
    store = Store(settings.database_path)

    async def load() -> str:
        report = await Services(store).load_seeds(settings.seeds_dir)
        return (
            f"seeds: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        )

    try:
        store.open_sync()
        print(asyncio.run(load()))
    finally:
        store.close()
    return 0


def health(settings: Settings) -> int:
    """0 when the bot wrote its heartbeat recently, 1 otherwise."""
    path = Path(settings.heartbeat_path)
    try:
        age = time.time() - path.stat().st_mtime
    except OSError:
        print(f"unhealthy: no heartbeat at {path}", file=sys.stderr)
        return 1
    if age > HEALTHY_WITHIN_SECONDS:
        print(f"unhealthy: last heartbeat {age:.0f}s ago", file=sys.stderr)
        return 1
    print(f"healthy: last heartbeat {age:.0f}s ago")
    return 0
