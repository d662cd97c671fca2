"""Several processes on one database file: ingests side by side with a busy chat.

Each process is the real command line (`libya-brief ingest --file`, `libya-brief chat`), so
each has its own SQLite connection, as when an operator ingests beside the running bot. The
attack: three ingests at once failed with "database is locked" after no wait at all, having
stored part of their articles: a transaction that read, then wrote, could not wait for the
write lock held by another process (SQLite fails the upgrade at once; only a transaction
that asks for the lock first, BEGIN IMMEDIATE, waits on busy_timeout).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils

from bot.models import NewArticle, StoryDraft
from storage import Store, StoreBusy, articles, sources
from storage.db import BUSY_TIMEOUT
from tests.conftest import FIXED_NOW
from tests.test_ingest import LONG_PARAGRAPHS, rss

SCRIPT = Path(sys.executable).parent / "libya-brief"
FEEDS = 3
PER_FEED = 150
# Each feed shares half its articles with the next: every one must be stored once.
STEP = PER_FEED // 2
TOPICS = ("migration", "elections", "oil_economy", "un_mediation")


def overlapping_feed(first: int) -> bytes:
    """Articles `first` to `first + PER_FEED - 1`, carried whole so nothing is fetched."""
    items = []
    for n in range(first, first + PER_FEED):
        text = f"<p>الخبر رقم {n}.</p>" + "".join(f"<p>{p}</p>" for p in LONG_PARAGRAPHS)
        items.append(
            {
                "title": f"اجتماع اللجنة الليبية المشتركة في دورتها رقم {n} بطرابلس",
                "link": f"https://news.example.org/news/{n}",
                "pubDate": f"Sat, {n % 28 + 1:02d} Nov 2026 09:00:00 +0000",
                "content": text,
            }
        )
    return rss("أخبار مرقمة", items)


def environment(tmp_path: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DATABASE_PATH": str(tmp_path / "data" / "bot.db"),
        "HEARTBEAT_PATH": str(tmp_path / "heartbeat"),
        "DEFAULT_SOURCES": "false",
        "TRANSLATOR": "none",
        # One process each: the machine's cores are for the processes under test.
        "ANALYSIS_WORKERS": "1",
    }


def chat_script(rounds: int) -> str:
    """A user who keeps changing their mind: every command below writes to the database."""
    lines = []
    for n in range(rounds):
        topic = TOPICS[n % len(TOPICS)]
        lines += [
            f"/subscribe 07:{n % 60:02d}",
            f"/follow {topic}",
            "/lang ar" if n % 2 else "/lang en",
            f"/settings max {n % 20 + 1}",
            f"/unfollow {topic}" if n % 3 else "/latest",
        ]
    return "\n".join(lines) + "\n"


def test_three_ingests_and_a_busy_chat_at_once_store_everything_exactly_once(
    tmp_path: Path,
) -> None:
    env = environment(tmp_path)
    feeds = []
    for k in range(FEEDS):
        path = tmp_path / f"feed{k}.xml"
        path.write_bytes(overlapping_feed(k * STEP))
        feeds.append(path)
    expected = {f"https://news.example.org/news/{n}" for n in range((FEEDS - 1) * STEP + PER_FEED)}

    started = time.monotonic()
    # All at once on a database that does not exist yet: the migrations race too.
    ingests = [ingest(feed, env) for feed in feeds]
    chat = subprocess.Popen(
        [str(SCRIPT), "chat"], cwd=tmp_path, env=env, text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    chat_out, chat_err = chat.communicate(chat_script(40), timeout=180)
    results = [(p, *p.communicate(timeout=180)) for p in ingests]
    elapsed = time.monotonic() - started

    new = []
    for proc, out, err in results:
        assert proc.returncode == 0, err[-3000:]
        assert "Traceback" not in err and "locked" not in err, err[-3000:]
        [line] = out.splitlines()
        found = re.search(r": (\d+) items, (\d+) new, \d+ about Libya$", line)
        assert found is not None and int(found[1]) == PER_FEED, line
        new.append(int(found[2]))
    # Each article is new to exactly one of the three.
    assert sum(new) == len(expected), new
    assert chat.returncode == 0, chat_err[-3000:]
    assert "Traceback" not in chat_err, chat_err[-3000:]
    assert "something went wrong" not in chat_out
    assert "حدث خطأ" not in chat_out

    with sqlite_utils.Database(tmp_path / "data" / "bot.db") as db:
        assert [row[0] for row in db.execute("PRAGMA integrity_check")] == ["ok"]
        stored = [
            row[0]
            for row in db.execute(
                "SELECT canonical_url FROM articles a JOIN sources s ON s.id = a.source_id "
                "WHERE s.kind = 'file'"
            )
        ]
        assert sorted(stored) == sorted(expected)  # each once
        # The seed article once, though all four processes loaded the seeds.
        assert db.execute("SELECT COUNT(*) FROM sources WHERE kind = 'seed'").fetchone()[0] == 1
        assert db.execute("SELECT COUNT(*) FROM sources WHERE kind = 'file'").fetchone()[0] == 3
        waiting = db.execute("SELECT COUNT(*) FROM stories WHERE relevant IS NULL").fetchone()
        assert waiting[0] == 0  # every story analyzed
        # The chat's last commands, all of them stored.
        [(max_items, ui_lang)] = list(
            db.execute(
                "SELECT s.max_items, u.ui_lang FROM subscriptions s JOIN users u USING (chat_id)"
            )
        )
        assert (max_items, ui_lang) == (20, "ar")  # the last round: max 20, /lang ar
    print(f"3 ingests and a chat of 200 commands in {elapsed:.1f} s")


def test_a_transaction_that_reads_then_writes_waits_for_another_process_s_write(
    tmp_path: Path,
) -> None:
    # store_article reads (is it known?) then writes. Begun deferred, its upgrade to a
    # writer failed at once while another connection wrote: busy_timeout never applied.
    path = tmp_path / "bot.db"
    store = Store(path)
    store.open_sync()
    source = store.run_sync(
        sources.ensure_source, url="file:///feed.xml", name="feed", name_ar="", kind="file",
        language="ar", now=FIXED_NOW,
    )  # fmt: skip
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO users (chat_id, first_seen, last_seen) VALUES (1, '', '')")
    # The other process commits a moment later, well within the wait.
    release = threading.Timer(0.3, lambda: holder.execute("COMMIT"))
    release.start()
    try:
        started = time.monotonic()
        stored = store.run_sync(articles.store_article, source, _article(1), FIXED_NOW)
        waited = time.monotonic() - started
    finally:
        release.join()
        holder.close()
    assert stored is not None
    assert 0.25 <= waited < BUSY_TIMEOUT
    assert store.run_sync(articles.store_article, source, _article(1), FIXED_NOW) is None
    store.close()


def test_a_writer_waits_its_turn_then_fails_with_one_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "bot.db"
    store = Store(path, busy_timeout=0.3)
    store.open_sync()
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock, and keeps it
        started = time.monotonic()
        with pytest.raises(StoreBusy) as caught:
            store.run_sync(_write_a_user)
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert waited >= 0.3
    message = str(caught.value)
    assert "\n" not in message
    assert message == (
        f"the database {path} stayed locked by another program for 0.3 s "
        "(database is locked): try again when it is done"
    )
    # The lock let go, the same store writes again.
    store.run_sync(_write_a_user)
    store.close()


def test_the_command_line_waits_for_the_lock_then_says_so_in_one_line(tmp_path: Path) -> None:
    env = environment(tmp_path)
    seeded = subprocess.run(
        [str(SCRIPT), "seed"], cwd=tmp_path, env=env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip
    assert seeded.returncode == 0, seeded.stderr
    feed = tmp_path / "feed.xml"
    feed.write_bytes(overlapping_feed(0))
    holder = sqlite3.connect(tmp_path / "data" / "bot.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        started = time.monotonic()
        refused = subprocess.run(
            [str(SCRIPT), "ingest", "--file", str(feed)], cwd=tmp_path, env=env,
            capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert refused.returncode == 1
    assert waited >= BUSY_TIMEOUT
    [line] = refused.stderr.splitlines()
    db = tmp_path / "data" / "bot.db"
    assert line == (
        f"libya-brief: the database {db} stayed locked by another program for "
        f"{BUSY_TIMEOUT:g} s (database is locked): try again when it is done"
    )


def ingest(feed: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(SCRIPT), "ingest", "--file", str(feed)], cwd=feed.parent, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _article(n: int) -> NewArticle:
    text = f"الخبر رقم {n}. " + " ".join(LONG_PARAGRAPHS)
    return NewArticle(
        url=f"https://news.example.org/news/{n}",
        canonical_url=f"https://news.example.org/news/{n}",
        title=f"الخبر رقم {n}",
        language="ar",
        published_at=None,
        content_hash=f"hash-{n}",
        raw_text=text,
        stories=(StoryDraft(position=0, headline=f"الخبر رقم {n}", body=text, lead=text),),
    )


def _write_a_user(db: sqlite_utils.Database) -> None:
    db.execute(
        "INSERT INTO users (chat_id, first_seen, last_seen) VALUES (1, '', '') "
        "ON CONFLICT(chat_id) DO UPDATE SET last_seen = excluded.last_seen"
    )


def test_no_storage_module_begins_a_deferred_write_transaction() -> None:
    # sqlite-utils' atomic() begins deferred: a read in it, then a write, cannot wait for
    # another process. storage.db.writing is the one way in; atomic() only nests in it.
    storage = Path(__file__).resolve().parent.parent / "storage"
    for module in storage.glob("*.py"):
        if module.name != "db.py":
            assert ".atomic()" not in module.read_text(encoding="utf-8"), module.name
