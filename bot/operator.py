"""`libya-brief sources ...` and `libya-brief ingest ...`: the admin commands, for operators."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bot.config import Settings
from bot.core import Core
from bot.ingest.errors import SourceError
from bot.ingest.service import RunResult
from bot.ingest.urls import masked_url

NO_SOURCES = "No sources yet. Add one with: libya-brief sources add URL [NAME...]"


def add_operator_commands(sub: Any) -> None:
    """Add the `sources` and `ingest` subcommands to the CLI's parser."""
    sources = sub.add_parser("sources", help="list and manage the news sources")
    actions = sources.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="validate a URL by fetching it, then list it")
    add.add_argument("url")
    add.add_argument("name", nargs="*", help="a name to show; by default the feed's title")
    actions.add_parser("list", help="every source with its state")
    for action in ("remove", "pause", "resume"):
        one = actions.add_parser(action, help=f"{action} a source")
        one.add_argument("source", help="its id or URL")
    ingest = sub.add_parser("ingest", help="fetch sources now, or ingest a saved feed or page")
    ingest.add_argument("--source", help="only this source (id or URL)")
    ingest.add_argument("--file", type=Path, help="a saved feed or page to ingest")


def run_operator_command(
    settings: Settings, args: argparse.Namespace, open_core: Callable[[Settings], Core]
) -> int:
    """Run `sources ...` or `ingest ...`; 0 on success, 1 with a message otherwise."""
    core = open_core(settings)
    try:
        return asyncio.run(_run(core, settings, args))
    except SourceError as exc:
        print(f"libya-brief: {_explain(exc)}", file=sys.stderr)
        return 1
    finally:
        core.store.close()


async def _run(core: Core, settings: Settings, args: argparse.Namespace) -> int:
    try:
        # The same start as the bot's: seeds and their analysis, so counts are right.
        await core.services.load_seeds(settings.seeds_dir)
        if args.command == "ingest":
            return await _ingest(core, args)
        return await _sources(core, args)
    finally:
        await core.aclose()


async def _sources(core: Core, args: argparse.Namespace) -> int:
    ingest = core.ingest
    if args.action == "add":
        added = await ingest.add_source(args.url, " ".join(args.name) or None, None)
        print(f"added source {added.source.id}: {added.source.name} ({added.source.kind})")
        print(_run_line(added.run))
    elif args.action == "list":
        listed = await ingest.list_sources()
        if not listed:
            print(NO_SOURCES)
        for s in listed:
            last = s.last_fetch_at.isoformat() if s.last_fetch_at else "never"
            error = f" ({s.failures} failures: {s.last_error})" if s.failures else ""
            print(f"{s.id}\t{s.state}{error}\t{s.kind}\t{s.items_total} items\t{last}\t{s.name}")
            print(f"\t{masked_url(s.url)}")
    else:
        state = {"remove": "removed", "pause": "paused", "resume": "ok"}[args.action]
        source = await ingest.set_state(args.source, state)
        print(f"source {source.id} ({source.name}): {source.state}")
    return 0


async def _ingest(core: Core, args: argparse.Namespace) -> int:
    if args.file is not None:
        if not args.file.is_file():
            print(f"libya-brief: no such file {args.file}", file=sys.stderr)
            return 1
        runs = [await core.ingest.ingest_file(args.file, args.source)]
    else:
        runs = await core.ingest.ingest_now(args.source)
    for run in runs:
        print(_run_line(run))
    return 1 if runs and all(r.error for r in runs) else 0


def _run_line(run: RunResult) -> str:
    head = f"{run.source.id}. {run.source.name}"
    if run.error:
        return f"{head}: failed, {run.error}"
    if run.not_modified:
        return f"{head}: unchanged"
    return f"{head}: {run.entries} items, {run.new} new, {run.relevant} about Libya"


def _explain(error: SourceError) -> str:
    reasons = {
        "scheme": "only http and https addresses can be sources",
        "no_scheme": "only http and https addresses can be sources; "
        f"try: libya-brief sources add {error.detail}",
        "unreadable": "that address is neither a feed nor a page with articles",
        "exists": f"already listed as source {error.detail}",
        "unknown": f"no source {error.detail}",
    }
    if error.reason == "fetch":
        status = f" (HTTP {error.status})" if error.status else ""
        return f"could not fetch it: {error.detail}{status}"
    return reasons.get(error.reason, str(error))
