"""Faults, fast: the database read-only, the disk full, the Bot API answering 500 for a while.

Each fault is made for real where it can be: a read-only database file for the command line
(its permissions; as root, who writes whatever they say, SQLite's own read-only mark in the
file header), `PRAGMA query_only` on the running bot's connection, a full disk through
`PRAGMA max_page_count`, and a Bot API outage from the fake Bot API served over HTTP on
127.0.0.1, with the real Application and python-telegram-bot in between.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlite_utils
from telegram import Bot
from telegram.request import HTTPXRequest

from bot.analysis.knowledge import Knowledge
from bot.analysis.text.stories import make_lead
from bot.config import Settings
from bot.core import Core
from bot.digest_run import RETRY_FOR, SendOutcome
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.models import DigestMessage, StoryDraft
from bot.services import Services
from bot.tg.deliveries import ALERT_ATTEMPTS, Deliveries, telegram_send
from bot.tg.fake_api import ApiError, FakeBotApi
from bot.tg.i18n import t
from storage import Store, StoreUnwritable, articles, sources
from storage.timefmt import to_db
from tests.conftest import TOKEN, local_only_resolver
from tests.fakes.news_site import NewsSite, news_site
from tests.test_ingest import INTERVAL, RSS, numbered_feed
from tests.test_subscriptions_e2e import (
    ARABIC_READER,
    ME,
    NEW_STORIES,
    START,
    TRIPOLI,
    Clock,
    make_core,
    polling,
)

REPO = Path(__file__).resolve().parent.parent
SCRIPT = Path(sys.executable).parent / "libya-brief"
EVAL = REPO / "tests" / "fixtures" / "eval"
OTHER = 1003
SEED_HEADLINE = "مباحثات بين الخارجية الليبية والروسية"
INTERNAL_ERROR = ApiError(500, "Internal Server Error")
MANY_PAGES = 1_073_741_823  # SQLite's default max_page_count: no limit to speak of


# ---- the database, seen from the test ----------------------------------------------------


def query_only(db: sqlite_utils.Database, on: bool) -> None:
    db.execute(f"PRAGMA query_only = {int(on)}")


def limit_pages(db: sqlite_utils.Database, extra: int | None) -> int:
    """Let the database grow by `extra` pages only (None: lift the limit); the new limit."""
    count = int(db.execute("PRAGMA page_count").fetchone()[0])
    limit = MANY_PAGES if extra is None else count + extra
    return int(db.execute(f"PRAGMA max_page_count = {limit}").fetchone()[0])


def fill_users(db: sqlite_utils.Database, first_id: int) -> int:
    """Add tiny user rows until the disk is full, so a bigger one cannot fit; how many fit."""
    added = 0
    while True:
        try:
            db.execute(
                "INSERT INTO users (chat_id, first_seen, last_seen) VALUES (?, '', '')",
                [first_id + added],
            )
        except sqlite3.OperationalError as exc:
            assert exc.sqlite_errorcode == sqlite3.SQLITE_FULL, exc
            return added
        added += 1


def integrity(db: sqlite_utils.Database) -> list[str]:
    """SQLite's integrity check, and the search index's own (which raises when it is off)."""
    found = [str(row[0]) for row in db.execute("PRAGMA integrity_check")]
    db.execute("INSERT INTO stories_fts(stories_fts) VALUES ('integrity-check')")
    return found


def rows(db: sqlite_utils.Database, sql: str, params: list[Any] | None = None) -> list[Any]:
    return [tuple(row) for row in db.execute(sql, params or [])]


def counts(db: sqlite_utils.Database) -> dict[str, int]:
    tables = ("sources", "articles", "stories", "mentions", "actors", "users", "subscriptions")
    return {name: int(db.execute(f"SELECT COUNT(*) FROM {name}").fetchone()[0]) for name in tables}


def error_logged(caplog: pytest.LogCaptureFixture) -> list[BaseException]:
    """The exceptions logged with a traceback."""
    return [r.exc_info[1] for r in caplog.records if r.exc_info and r.exc_info[1] is not None]


# ---- 1. the database read-only -----------------------------------------------------------


@contextmanager
def read_only(db: Path) -> Iterator[str]:
    """Make a closed database read-only for SQLite; yields how. Undone on exit."""
    folder_mode, file_mode = db.parent.stat().st_mode, db.stat().st_mode
    db.chmod(0o444)
    db.parent.chmod(0o555)
    how = "permissions"
    if os.access(db, os.W_OK):
        # Root writes whatever the permissions say. A write version above 2 in the header
        # (byte 18) is SQLite's own mark of a file it must open read-only, for anyone.
        db.parent.chmod(folder_mode)
        db.chmod(file_mode)
        with db.open("r+b") as file:
            file.seek(18)
            assert file.read(1) == b"\x02"  # WAL
            file.seek(18)
            file.write(b"\x03")
        how = "header"
    try:
        yield how
    finally:
        if how == "header":
            with db.open("r+b") as file:
                file.seek(18)
                file.write(b"\x02")
        else:
            db.parent.chmod(folder_mode)
            db.chmod(file_mode)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_read_only_database_stops_seed_and_run_with_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(db),
        "HEARTBEAT_PATH": str(tmp_path / "heartbeat"),
        "TELEGRAM_BOT_TOKEN": TOKEN,
        # Nothing listens there: `run` must stop before it would talk to Telegram.
        "TELEGRAM_API_BASE_URL": f"http://127.0.0.1:{free_port()}",
        "DEFAULT_SOURCES": "false",
        "TRANSLATOR": "none",
    }

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(SCRIPT), *args], cwd=tmp_path, env=env, capture_output=True, text=True,
            timeout=60, check=False,
        )  # fmt: skip

    first = cli("seed")
    assert (first.returncode, first.stdout.strip()) == (0, "seeds: 1 added, 0 updated, 0 unchanged")
    with sqlite_utils.Database(db) as before:
        written = counts(before)
    assert written["stories"] > 0

    with read_only(db):
        for command in ("seed", "run"):
            refused = cli(command)
            assert refused.returncode == 1, refused
            assert "Traceback" not in refused.stderr
            [line] = refused.stderr.splitlines()
            assert line.startswith(f"libya-brief: the database {db} is read-only (")
            assert line.endswith("Libya Brief must be able to write to it and to its folder")
            assert refused.stdout == ""
        assert not (tmp_path / "heartbeat").exists()  # `run` never started

    with sqlite_utils.Database(db) as after:
        assert integrity(after) == ["ok"]
        assert counts(after) == written
    again = cli("seed")
    assert (again.returncode, again.stdout.strip()) == (0, "seeds: 0 added, 0 updated, 1 unchanged")


def bound_by_permissions(command: list[str]) -> list[str]:
    """The command run so that file permissions bind it: as root, without root's override."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root, with no setpriv to drop the permission override")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search", *command]


def on_read_only_mount(folder: Path, command: list[str]) -> list[str]:
    """The command run where `folder` is a read-only file system (its own mount namespace)."""
    unshare = shutil.which("unshare")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    wrapped = [str(unshare), "-m", "sh", "-c", script, "sh", str(folder), *command]
    if unshare is None or subprocess.run([*wrapped[:-len(command)], "true"], check=False,
                                         capture_output=True).returncode != 0:  # fmt: skip
        pytest.skip("no mount namespace here to mount a folder read-only")
    return wrapped


@pytest.mark.parametrize("case", ["folder", "new database", "new folder", "read-only file system"])
def test_a_database_folder_that_takes_no_files_gives_the_read_only_line(
    tmp_path: Path, case: str
) -> None:
    # The attack: the database's folder, or the whole file system, read-only. SQLite must
    # create the -wal and -shm files (or the database) there, and said only "unable to open
    # database file", not the read-only line the README promises.
    folder = tmp_path / "data"
    db = folder / "bot.db"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(db),
        "DEFAULT_SOURCES": "false",
        "TRANSLATOR": "none",
    }
    seeded = subprocess.run(
        [str(SCRIPT), "seed"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    assert not Path(f"{db}-wal").exists()  # closed cleanly: the next start must create it
    command = [str(SCRIPT), "seed"]
    if case == "new database":
        db = folder / "other.db"
    elif case == "new folder":
        db = folder / "more" / "bot.db"
    env["DATABASE_PATH"] = str(db)
    mode = folder.stat().st_mode
    if case == "read-only file system":
        command = on_read_only_mount(folder, command)
    else:
        folder.chmod(0o555)
        command = bound_by_permissions(command)
    try:
        refused = subprocess.run(
            command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60,
            check=False,
        )  # fmt: skip
    finally:
        folder.chmod(mode)
    assert refused.returncode == 1, refused
    assert "Traceback" not in refused.stderr
    [line] = refused.stderr.splitlines()
    assert line.startswith(f"libya-brief: the database {db} is read-only ("), line
    assert line.endswith("Libya Brief must be able to write to it and to its folder"), line
    assert refused.stdout == ""
    assert not db.exists() or case in ("folder", "read-only file system")


async def test_a_read_only_database_in_the_running_bot_refuses_writes_and_still_reads(
    settings: Settings, store: Store, knowledge: Knowledge, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(START)
    core = make_core(settings, store, knowledge, clock)
    deliveries = Deliveries(core, TRIPOLI)
    async with polling(settings, core) as chat:
        await chat.say("/subscribe")
        await chat.say("/follow Mangoush")
        await store.run(query_only, True)

        # Commands that write get the apology in the user's language, nothing more.
        [reply] = await chat.say("/subscribe", chat_id=ARABIC_READER, lang="ar")
        assert reply.text == t("ar", "error")
        [reply] = await chat.say("/unsubscribe")
        assert reply.text == t("en", "error")
        # Reading still works.
        [latest] = await chat.say("/latest")
        assert SEED_HEADLINE in latest.text
        [following] = await chat.say("/following")
        assert "Najla Mangoush" in following.text
        # The digest falls due: it cannot be claimed, so nothing is sent (nor lost).
        clock.advance(hours=1, minutes=1)
        with pytest.raises(StoreUnwritable, match="read-only"):
            await deliveries.send_digests(chat.app.bot)
        await chat.quiet(0.2)

        refusals = [e for e in error_logged(caplog) if isinstance(e, StoreUnwritable)]
        assert len(refusals) == 2  # one per refused command, each naming the database
        assert all(str(settings.database_path) in str(e) for e in refusals)

        await store.run(query_only, False)
        assert await store.run(integrity) == ["ok"]
        sub = await core.subscriptions.get(ME)
        assert sub is not None and sub.active  # /unsubscribe changed nothing
        assert await core.subscriptions.get(ARABIC_READER) is None
        # Once writable again, the digest goes out, once.
        report = await deliveries.send_digests(chat.app.bot)
        assert (report.claimed, report.messages) == (1, 1)
        [digest] = await chat.replies(1)
        assert digest.chat_id == ME and SEED_HEADLINE in digest.text
        assert (await deliveries.send_digests(chat.app.bot)).messages == 0


# ---- 2. the disk full --------------------------------------------------------------------


@pytest.fixture
def site() -> Iterator[NewsSite]:
    with news_site() as running:
        yield running


async def test_a_full_disk_during_ingest_keeps_articles_whole_and_the_next_run_stores_the_rest(
    store: Store, knowledge: Knowledge, site: NewsSite, caplog: pytest.LogCaptureFixture
) -> None:
    clock = Clock(START)
    services = Services(store, knowledge, clock=clock)
    fetcher = Fetcher(allow_private=True, resolver=local_only_resolver)
    ingest = IngestService(
        store, fetcher, services.analyze_pending, clock, poll_interval=INTERVAL, max_failures=2
    )
    try:
        site.route("/feed", numbered_feed(site, 0), content_type=RSS)
        source = (await ingest.add_source(site.url("/feed"), None, by=None)).source
        site.route("/feed", numbered_feed(site, 8), content_type=RSS)

        def stored(db: sqlite_utils.Database) -> list[Any]:
            return rows(
                db,
                "SELECT a.url, COUNT(s.id) FROM articles a LEFT JOIN stories s "
                "ON s.article_id = a.id WHERE a.source_id = ? GROUP BY a.id ORDER BY a.id",
                [source.id],
            )

        # Room for a few articles, not eight; two runs, as many as pause a failing source.
        await store.run(limit_pages, 3)
        for _ in range(2):
            clock.advance(minutes=16)
            caplog.clear()
            run = await ingest.ingest_source(source)
            assert run.error is not None and "the disk is full" in run.error
            [logged] = [r for r in caplog.records if r.levelno >= logging.ERROR]
            assert logged.getMessage().startswith(f"could not store what source {source.id} gave")
            assert "the disk is full" in logged.getMessage() and logged.exc_info is None
        partial = await store.run(stored)
        # Some articles fit, each with its story; none half-stored, no story without its article.
        assert 0 < len(partial) < 8
        assert all(story_count == 1 for _, story_count in partial)
        orphans = await store.run(
            rows, "SELECT s.id FROM stories s LEFT JOIN articles a ON a.id = s.article_id "
            "WHERE a.id IS NULL",
        )  # fmt: skip
        assert orphans == []
        # The source did nothing wrong: not failing, not paused, no run logged against it.
        after = await store.run(sources.get_source, source.id)
        assert after is not None
        assert (after.state, after.failures, after.last_error) == ("ok", 0, None)
        assert after.next_fetch_at == clock() + INTERVAL  # not fetched every minute meanwhile
        runs = await store.run(
            rows, "SELECT outcome FROM source_runs WHERE source_id = ?", [source.id]
        )
        assert runs == [("ok",)]  # the first, empty fetch only

        # Space frees: the next due fetch stores the rest, nothing twice, all analysed.
        await store.run(limit_pages, None)
        clock.advance(minutes=15)
        [run] = await ingest.ingest_due()
        assert run.error is None
        assert (run.entries, run.new) == (8, 8 - len(partial))
        everything = await store.run(stored)
        assert sorted(url.rsplit("/", 1)[1] for url, _ in everything) == [
            str(n) for n in range(1, 9)
        ]
        assert all(story_count == 1 for _, story_count in everything)
        unanalysed = await store.run(
            rows, "SELECT s.id FROM stories s WHERE s.analysis_version = 0"
        )
        assert unanalysed == []
        assert await store.run(integrity) == ["ok"]
        final = await store.run(sources.get_source, source.id)
        assert final is not None and (final.state, final.failures) == ("ok", 0)
    finally:
        await fetcher.aclose()


async def test_a_full_disk_gets_a_write_command_the_error_reply_and_reads_still_work(
    settings: Settings, store: Store, knowledge: Knowledge
) -> None:
    core = make_core(settings, store, knowledge, Clock(START))
    async with polling(settings, core) as chat:
        await chat.say("/subscribe")
        await store.run(limit_pages, 0)
        await store.run(fill_users, 5_000_000)

        [reply] = await chat.say("/subscribe", chat_id=ARABIC_READER * 10_000, lang="ar")
        assert reply.text == t("ar", "error")
        [latest] = await chat.say("/latest")
        assert SEED_HEADLINE in latest.text

        await store.run(limit_pages, None)
        await chat.say("/subscribe", chat_id=ARABIC_READER * 10_000, lang="ar")
        assert await core.subscriptions.get(ARABIC_READER * 10_000) is not None
        assert await store.run(integrity) == ["ok"]
        sub = await core.subscriptions.get(ME)
        assert sub is not None and sub.active


# ---- 3. the Bot API answering 500 for a while --------------------------------------------


def eval_stories() -> list[StoryDraft]:
    """Distinct stories about Libya from the labeled set, for a digest of several messages."""
    drafts: list[StoryDraft] = []
    for path in sorted(EVAL.glob("*.json"))[2:]:
        data = json.loads(path.read_text("utf-8"))
        if not data["relevant"]:
            continue
        paragraphs = [p.strip() for p in data["text"].split("\n") if p.strip()]
        drafts.append(
            StoryDraft(
                len(drafts), data["title"], "\n\n".join(paragraphs), make_lead(paragraphs[0])
            )
        )
        if len(drafts) == 20:
            return drafts
    raise AssertionError("the labeled set has fewer than 20 stories about Libya")


async def add_many_stories(core: Core, clock: Clock) -> None:
    services = core.services
    source = await services.store.run(
        sources.ensure_source, url="seed:many", name="Many", name_ar="كثير", kind="seed",
        language="ar", now=clock(),
    )  # fmt: skip
    await services.store.run(
        articles.upsert_seed_article, seed_key="many", source_id=source, url=None,
        language="ar", published_at=clock(), content_hash="many", raw_text="x",
        stories=eval_stories(), now=clock(),
    )  # fmt: skip
    await services.analyze_pending()


def ledger(db: sqlite_utils.Database) -> dict[int, tuple[Any, ...]]:
    found = db.execute(
        "SELECT chat_id, status, chunks, chunks_sent, retries, retry_since, error FROM deliveries"
    )
    return {row[0]: (row[1], len(json.loads(row[2])), *row[3:]) for row in found}


def recorded(db: sqlite_utils.Database, chat_id: int) -> list[str]:
    """The texts of a chat's digest messages, as the ledger holds them."""
    [(chunks,)] = rows(db, "SELECT chunks FROM deliveries WHERE chat_id = ?", [chat_id])
    return [message["text"] for message in json.loads(chunks)]


def digest_sends(api: FakeBotApi, since: int) -> list[int]:
    """The chats of the sendMessage calls made since call number `since`, failed or not."""
    return [int(p["chat_id"]) for m, p in api.calls[since:] if m == "sendMessage"]


async def test_a_bot_api_outage_during_the_digest_run_loses_and_doubles_nothing(
    settings: Settings, store: Store, knowledge: Knowledge
) -> None:
    clock = Clock(START)
    core = make_core(settings, store, knowledge, clock)
    deliveries = Deliveries(core, TRIPOLI)
    async with polling(settings, core) as chat:
        await chat.say("/subscribe")
        await chat.say("/subscribe", chat_id=OTHER)
        # Digests of several messages, different for each, so each can stop in the middle.
        await core.subscriptions.change(ME, max_items=20)
        await core.subscriptions.change(OTHER, max_items=15)
        await add_many_stories(core, clock)
        clock.advance(hours=1, minutes=1)
        api = chat.api

        # The run begins; the first message goes, then the Bot API answers 500 to everything.
        api.fail_for("sendMessage", INTERNAL_ERROR, after=1)
        mark = len(api.calls)
        report = await deliveries.send_digests(chat.app.bot)
        assert (report.claimed, report.messages, report.errors, report.retrying) == (2, 1, 0, 2)
        [first] = await chat.replies(1)
        tick = clock()
        sizes = await store.run(ledger)
        assert sizes[ME][1] >= 2 and sizes[OTHER][1] >= 2
        assert sorted(digest_sends(api, mark)) == sorted([ME, OTHER, first.chat_id])

        # Each tick during the outage tries each digest once, at its first unsent message.
        for _ in range(2):
            clock.advance(minutes=1)
            mark = len(api.calls)
            report = await deliveries.send_digests(chat.app.bot)
            assert (report.resumed, report.messages, report.retrying) == (2, 0, 2)
            assert sorted(digest_sends(api, mark)) == [ME, OTHER]
        # A flood wait on top: python-telegram-bot waits it out and tries once more (a 500).
        clock.advance(minutes=1)
        api.fail_next("sendMessage", ApiError(429, "Too Many Requests: retry after 1",
                                              {"retry_after": 1}))  # fmt: skip
        mark = len(api.calls)
        report = await deliveries.send_digests(chat.app.bot)
        assert (report.messages, report.retrying, report.errors) == (0, 2, 0)
        assert len(digest_sends(api, mark)) == 3
        await chat.quiet(0.1)
        held = await store.run(ledger)
        for chat_id in (ME, OTHER):
            status, _, sent, retries, since, error = held[chat_id]
            assert (status, sent, retries, since, error) == (
                "pending", int(chat_id == first.chat_id), 4, to_db(tick), None,
            )  # fmt: skip

        # The Bot API recovers: the rest goes out, in order, each message once.
        api.recover("sendMessage")
        clock.advance(minutes=1)
        report = await deliveries.send_digests(chat.app.bot)
        total = sizes[ME][1] + sizes[OTHER][1]
        assert (report.messages, report.retrying, report.errors) == (total - 1, 0, 0)
        rest = await chat.replies(total - 1)
        got = {
            chat_id: [r.text for r in [first, *rest] if r.chat_id == chat_id]
            for chat_id in (ME, OTHER)
        }
        for chat_id in (ME, OTHER):
            assert got[chat_id] == await store.run(recorded, chat_id)
        done = await store.run(ledger)
        assert {c: (row[0], row[2]) for c, row in done.items()} == {
            ME: ("sent", sizes[ME][1]), OTHER: ("sent", sizes[OTHER][1]),
        }  # fmt: skip
        assert (await deliveries.send_digests(chat.app.bot)).messages == 0
        await chat.quiet(0.2)


async def test_a_digest_telegram_cannot_take_for_hours_is_given_up_and_the_next_one_comes(
    settings: Settings, store: Store, knowledge: Knowledge
) -> None:
    clock = Clock(START)
    core = make_core(settings, store, knowledge, clock)
    deliveries = Deliveries(core, TRIPOLI)
    async with polling(settings, core) as chat:
        await chat.say("/subscribe")
        clock.advance(hours=1, minutes=1)
        chat.api.fail_for("sendMessage", INTERNAL_ERROR)
        assert (await deliveries.send_digests(chat.app.bot)).retrying == 1
        clock.now += RETRY_FOR - timedelta(minutes=1)
        assert (await deliveries.send_digests(chat.app.bot)).retrying == 1
        clock.advance(minutes=1)
        report = await deliveries.send_digests(chat.app.bot)
        assert (report.retrying, report.errors, report.messages) == (0, 1, 0)
        [(status, _, sent, retries, _, error)] = (await store.run(ledger)).values()
        assert (status, sent, retries, error) == (
            "failed", 0, 3, "Telegram could not take it for 6 hours",
        )  # fmt: skip
        calls = len(chat.api.calls)
        clock.advance(minutes=1)
        assert (await deliveries.send_digests(chat.app.bot)).resumed == 0  # given up for good
        assert digest_sends(chat.api, calls) == []
        sub = await core.subscriptions.get(ME)
        assert sub is not None and sub.active  # the subscription goes on

        chat.api.recover("sendMessage")
        clock.advance(days=1)
        report = await deliveries.send_digests(chat.app.bot)
        assert (report.claimed, report.messages) == (1, 1)
        [digest] = await chat.replies(1)
        assert digest.chat_id == ME


async def test_alerts_wait_out_an_outage_longer_than_their_attempts_then_come_once(
    settings: Settings, store: Store, knowledge: Knowledge
) -> None:
    clock = Clock(START)
    core = make_core(settings, store, knowledge, clock)
    deliveries = Deliveries(core, TRIPOLI)
    async with polling(settings, core) as chat:
        await chat.say("/follow Mangoush")
        assert await deliveries.send_alerts(chat.app.bot) == 0
        clock.advance(minutes=5)
        await add_followed_story(core, clock, 0)
        chat.api.fail_for("sendMessage", INTERNAL_ERROR)
        calls = len(chat.api.calls)
        for _ in range(ALERT_ATTEMPTS + 2):  # past the attempts a refused message gets
            clock.advance(minutes=1)
            assert await deliveries.send_alerts(chat.app.bot) == 0
        assert digest_sends(chat.api, calls) == [ME] * (ALERT_ATTEMPTS + 2)
        chat.api.recover("sendMessage")
        assert await deliveries.send_alerts(chat.app.bot) == 1
        [alert] = await chat.replies(1)
        assert alert.chat_id == ME and alert.text.startswith("<b>New on what you follow</b>")
        assert await deliveries.send_alerts(chat.app.bot) == 0
        await chat.quiet(0.1)

        # An outage longer than RETRY_FOR: the alert is dropped, not kept for ever.
        clock.advance(minutes=5)
        await add_followed_story(core, clock, 2)
        chat.api.fail_for("sendMessage", INTERNAL_ERROR)
        calls = len(chat.api.calls)
        assert await deliveries.send_alerts(chat.app.bot) == 0
        clock.now += RETRY_FOR - timedelta(minutes=1)
        assert await deliveries.send_alerts(chat.app.bot) == 0
        assert await store.run(rows, "SELECT id FROM alerts WHERE sent_at IS NULL") != []
        clock.advance(minutes=1)
        assert await deliveries.send_alerts(chat.app.bot) == 0
        assert digest_sends(chat.api, calls) == [ME] * 3
        assert await store.run(rows, "SELECT id FROM alerts WHERE sent_at IS NULL") == []
        chat.api.recover("sendMessage")
        assert await deliveries.send_alerts(chat.app.bot) == 0
        await chat.quiet(0.1)


async def add_followed_story(core: Core, clock: Clock, index: int) -> None:
    """One new story about Najla Mangoush, stored now and analysed."""
    headline, lead = NEW_STORIES[index]
    source = await core.store.run(
        sources.ensure_source, url="seed:alerts", name="Outlet", name_ar="منفذ", kind="seed",
        language="ar", now=clock(),
    )  # fmt: skip
    await core.store.run(
        articles.upsert_seed_article, seed_key=f"alert-{index}", source_id=source, url=None,
        language="ar", published_at=clock(), content_hash=f"alert-{index}", raw_text=lead,
        stories=[StoryDraft(0, headline, f"{headline}\n{lead}", lead)], now=clock(),
    )  # fmt: skip
    await core.services.analyze_pending()


# How a Bot API failure reaches the digest: an outage is retried, a refusal is not.
FAILURES: list[tuple[str, ApiError | httpx.HTTPError, SendOutcome]] = [
    ("500", INTERNAL_ERROR, "retry"),
    ("502", ApiError(502, "Bad Gateway"), "retry"),
    ("429", ApiError(429, "Too Many Requests: retry after 5", {"retry_after": 5}), "retry"),
    ("timeout", httpx.ReadTimeout("timed out"), "retry"),
    ("no connection", httpx.ConnectError("connection refused"), "retry"),
    ("400", ApiError(400, "Bad Request: can't parse entities: unexpected '<'"), "error"),
    ("403", ApiError(403, "Forbidden: bot was blocked by the user"), "blocked"),
]


@pytest.mark.parametrize(
    ("failure", "outcome"), [f[1:] for f in FAILURES], ids=[f[0] for f in FAILURES]
)
async def test_telegram_send_tells_an_outage_from_a_refusal(
    failure: ApiError | httpx.HTTPError, outcome: SendOutcome
) -> None:
    api = FakeBotApi(token=TOKEN)

    pending = [failure] if isinstance(failure, httpx.HTTPError) else []

    async def answer(request: httpx.Request) -> httpx.Response:
        if pending and request.url.path.endswith("/sendMessage"):
            raise pending.pop()
        body = await request.aread()
        status, payload = api.handle_http(
            request.url.path, request.headers.get("content-type", ""), body
        )
        return httpx.Response(status, json=payload)

    if isinstance(failure, ApiError):
        api.fail_next("sendMessage", failure)
    request = HTTPXRequest(httpx_kwargs={"transport": httpx.MockTransport(answer)})
    async with Bot(TOKEN, base_url="http://127.0.0.1:9/bot", request=request) as bot:
        send = telegram_send(bot)
        assert await send(ME, DigestMessage("<b>Libya Brief</b>")) == outcome
        # Nothing was retried behind the digest's back: one try, and the next goes through.
        assert [m for m, _ in api.calls].count("sendMessage") == int(isinstance(failure, ApiError))
        assert await send(ME, DigestMessage("again")) == "ok"
    assert [o.text for o in api.outbox] == ["again"]
