"""The command line: `libya-brief [run | chat | seed | health]`."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from bot.analysis.knowledge import KnowledgeError, load_knowledge
from bot.config import ConfigError, Settings, configure_logging, load_settings
from bot.core import Core, build_core
from bot.operator import add_operator_commands, run_operator_command
from bot.seeds import SeedError
from storage import DatabaseError, Store

NO_TOKEN = (
    "No TELEGRAM_BOT_TOKEN is set. Create a bot with @BotFather in Telegram "
    "(https://t.me/BotFather, /newbot), then put the token it gives you in the environment "
    "or in a .env file: TELEGRAM_BOT_TOKEN=123456:ABC...\n"
    "To try the bot without Telegram, run: libya-brief chat"
)
HEALTHY_WITHIN_SECONDS = 120
# The terminal chat's log, next to the database: kept out of the conversation.
CHAT_LOG = "chat.log"


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
    analyze = sub.add_parser("analyze", help="print the analysis of one article (a file or -)")
    analyze.add_argument("file", nargs="?", default="-", help="the article's text; - reads stdin")
    analyze.add_argument("--title", help="the article's headline, when the text lacks one")
    analyze.add_argument("--date", help="the article's date, YYYY-MM-DD, for اليوم and أمس")
    analyze.add_argument("--json", action="store_true", help="print JSON")
    evaluate = sub.add_parser(
        "evaluate", help="score the analysis on a labeled set (default tests/fixtures/eval)"
    )
    evaluate.add_argument("folder", nargs="?", help="a folder of labeled JSON stories")
    evaluate.add_argument(
        "--set",
        dest="real_set",
        metavar="DIR",
        help="score a set in the dev-corpus format (articles.jsonl and gold.jsonl) instead",
    )
    evaluate.add_argument("--verbose", action="store_true", help="list every miss")
    add_operator_commands(sub)
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
        if command in ("sources", "ingest"):
            return run_operator_command(settings, args, open_core)
        if command == "evaluate":
            if args.real_set:
                return evaluate_real_set(settings, args.real_set, verbose=args.verbose)
            return evaluate(settings, args.folder, verbose=args.verbose)
        if command == "analyze":
            return analyze(settings, args.file, args.title, args.date, as_json=args.json)
        return health(settings)
    except ConfigError as exc:
        print(f"libya-brief: configuration error: {exc}", file=sys.stderr)
        return 2
    except (DatabaseError, SeedError, KnowledgeError) as exc:
        print(f"libya-brief: {exc}", file=sys.stderr)
        return 1


def run(settings: Settings) -> int:
    """Run the bot against Telegram until SIGINT or SIGTERM."""
    from bot.tg.app import BotApiRefused, build_application, serve_forever

    if not settings.telegram_bot_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    core = open_core(settings, serving=True)
    try:
        serve_forever(build_application(settings, core, serving=True), settings)
    except BotApiRefused as exc:
        print(f"libya-brief: {exc}", file=sys.stderr)
        return 1
    return 0


def chat(settings: Settings, lang: str) -> int:
    """Chat with the bot in the terminal; read one message per line when piped."""
    from bot.tg.console import run_chat

    interactive = sys.stdin.isatty()
    if interactive:
        import readline  # noqa: F401 - loading it gives input() line editing and history

    if interactive or (sys.stderr.isatty() and sys.stdout.isatty()):
        # Standard error shows in the same terminal as the conversation: a warning (a
        # translator out of reach) would land between the bot's answers. To a file instead.
        log_file = settings.database_path.parent / CHAT_LOG
        configure_logging(logging.getLevelName(logging.getLogger().level), log_file)
        print(f"Warnings go to {log_file}", file=sys.stderr)

    core = open_core(settings)
    asyncio.run(
        run_chat(
            settings,
            core,
            sys.stdin,
            sys.stdout,
            interactive=interactive,
            language_code=lang,
        )
    )
    return 0


def seed(settings: Settings) -> int:
    """Load the seeds and report what changed."""
    core = open_core(settings)

    async def load() -> str:
        report = await core.services.load_seeds(settings.seeds_dir)
        return (
            f"seeds: {report.added} added, {report.updated} updated, {report.unchanged} unchanged"
        )

    try:
        print(asyncio.run(load()))
    finally:
        core.store.close()
    return 0


def open_core(settings: Settings, *, serving: bool = False) -> Core:
    """The composition of the core: the store, opened, and the services over it."""
    store = Store(settings.database_path)
    store.open_sync()  # a database that cannot open stops start-up with a clear message
    return build_core(settings, store, translate_names=serving)


def analyze(
    settings: Settings, file: str, title: str | None, day: str | None, *, as_json: bool
) -> int:
    """Print what the analysis finds in one article."""
    import json
    from datetime import date

    from bot.analysis.report import analyze_article, as_text

    try:
        on = date.fromisoformat(day) if day else None
    except ValueError:
        print(f"libya-brief: --date: expected YYYY-MM-DD, got {day!r}", file=sys.stderr)
        return 2
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"libya-brief: cannot read {file}: {exc}", file=sys.stderr)
        return 1
    report = analyze_article(text, load_knowledge(settings.seeds_dir), title=title, on=on)
    print(json.dumps(report, ensure_ascii=False, indent=2) if as_json else as_text(report))
    return 0


def evaluate(settings: Settings, folder: str | None, *, verbose: bool) -> int:
    """Print precision and recall per task on the labeled set."""
    from bot.analysis.evaluate import evaluate as run_evaluation
    from bot.analysis.evaluate import summary

    path = Path(folder) if folder else settings.seeds_dir.parent / "tests" / "fixtures" / "eval"
    if not path.is_dir():
        print(f"libya-brief: no labeled set at {path}", file=sys.stderr)
        return 1
    result = run_evaluation(path, load_knowledge(settings.seeds_dir))
    print(summary(result))
    if verbose:
        for score in (result.people, result.topics, result.meetings):
            print("\n".join(score.misses))
        print("\n".join(result.relevance_misses))
    return 0


def evaluate_real_set(settings: Settings, folder: str, *, verbose: bool) -> int:
    """Print the scores on a set in the dev-corpus format, by that corpus's rules."""
    from bot.analysis.evaluate_set import evaluate_set, summary

    path = Path(folder)
    missing = [name for name in ("articles.jsonl", "gold.jsonl") if not (path / name).is_file()]
    if missing:
        print(f"libya-brief: {path} has no {' or '.join(missing)}", file=sys.stderr)
        return 1
    try:
        result = evaluate_set(path, load_knowledge(settings.seeds_dir))
    except (ValueError, KeyError, TypeError) as exc:  # json errors are ValueErrors
        print(f"libya-brief: {path} is not in the dev-corpus format: {exc!r}", file=sys.stderr)
        return 1
    print(summary(result))
    if verbose:
        print("\n".join(result.misses))
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
