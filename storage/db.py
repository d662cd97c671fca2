"""The database: the only schema, versioned migrations, and a thread that owns the connection."""

from __future__ import annotations

import asyncio
import errno
import re
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

import sqlite_utils

P = ParamSpec("P")
T = TypeVar("T")

Migration = Callable[[sqlite_utils.Database], None]


class DatabaseError(RuntimeError):
    """The database could not be opened or migrated."""


class StoreTimeout(TimeoutError):
    """A database call took longer than its time limit."""


READ_ONLY = "read-only"
FULL = "full"
BUSY = "busy"
# How long a write waits for another connection's (another process's) transaction to end
# before it gives up with StoreBusy; writes are short, so this is a stuck writer, not a queue.
BUSY_TIMEOUT = 5.0


class StoreUnwritable(DatabaseError):
    """The database refused a write: read-only, full, or locked too long (StoreBusy).

    `reason` is "read-only", "full" or "busy".
    """

    def __init__(self, path: str, reason: str, detail: str, *, waited: float = 0.0) -> None:
        if reason == READ_ONLY:
            message = (
                f"the database {path} is read-only ({detail}): Libya Brief must be able to "
                "write to it and to its folder"
            )
        elif reason == BUSY:
            message = (
                f"the database {path} stayed locked by another program for {waited:g} s "
                f"({detail}): try again when it is done"
            )
        else:
            message = f"cannot write to the database {path}: the disk is full ({detail})"
        super().__init__(message)
        self.path = path
        self.reason = reason


class StoreBusy(StoreUnwritable):
    """Another connection held the write lock for longer than this one would wait.

    A StoreUnwritable, so what is not stored for it is handled as for a full disk: not the
    source's fault, and fetched again.
    """

    def __init__(self, path: str, waited: float, detail: str) -> None:
        super().__init__(path, BUSY, detail, waited=waited)
        self.waited = waited


def unwritable(
    path: str, exc: sqlite3.Error, waited: float = BUSY_TIMEOUT
) -> StoreUnwritable | None:
    """The clear error for SQLite refusing a write (read-only, full, locked); None for others.

    `waited` is how long the connection waited for a lock, for the message.
    """
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    # Extended codes (SQLITE_READONLY_DIRECTORY, ...) keep the primary code in the low byte.
    primary = code & 0xFF
    if primary == sqlite3.SQLITE_READONLY:
        return StoreUnwritable(path, READ_ONLY, str(exc))
    if primary == sqlite3.SQLITE_FULL:
        return StoreUnwritable(path, FULL, str(exc))
    if primary == sqlite3.SQLITE_BUSY:
        return StoreBusy(path, waited, str(exc))
    return None


@contextmanager
def writing(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock first, waiting its turn for it.

    sqlite-utils' atomic() begins a deferred transaction: one that reads, then writes,
    must upgrade its read lock, and SQLite fails that upgrade at once with "database is
    locked" when another process writes, without waiting busy_timeout (waiting could
    deadlock). BEGIN IMMEDIATE takes the write lock before the first read, so it waits,
    and what it reads cannot change before it writes. Nested, it is a savepoint.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.rollback()
        raise
    try:
        db.conn.execute("COMMIT")
    except BaseException:
        db.rollback()
        raise


def _m001_core(db: sqlite_utils.Database) -> None:
    """Sources, the articles fetched from them, and the stories cut out of each article."""
    db.table("sources").create(
        {
            "id": int,
            "url": str,
            "name": str,
            "name_ar": str,
            "kind": str,
            "language": str,
            "added_at": str,
            "added_by": int,
            "state": str,
        },
        pk="id",
        not_null={"url", "name", "kind", "added_at", "state"},
        defaults={"state": "ok", "language": "ar", "name_ar": ""},
    )
    db.table("sources").create_index(["url"], unique=True)
    db.table("articles").create(
        {
            "id": int,
            "source_id": int,
            "url": str,
            "canonical_url": str,
            "seed_key": str,
            "title": str,
            "language": str,
            "published_at": str,
            "fetched_at": str,
            "content_hash": str,
            "raw_text": str,
        },
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
        not_null={"source_id", "fetched_at", "content_hash", "raw_text"},
    )
    db.table("articles").create_index(["canonical_url"], unique=True)
    db.table("articles").create_index(["seed_key"], unique=True)
    db.table("articles").create_index(["content_hash"])
    db.table("stories").create(
        {
            "id": int,
            "article_id": int,
            "position": int,
            "headline": str,
            "lead": str,
            "body": str,
            "published_at": str,
            "sort_at": str,
        },
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
        not_null={"article_id", "position", "headline", "body", "sort_at"},
    )
    db.table("stories").create_index(["article_id", "position"], unique=True)
    db.table("stories").create_index(["sort_at", "id"])


def _m002_users(db: sqlite_utils.Database) -> None:
    """The people who talk to the bot, with the interface language they get."""
    db.table("users").create(
        {
            "chat_id": int,
            "user_id": int,
            "language_code": str,
            "first_seen": str,
            "last_seen": str,
        },
        pk="chat_id",
        not_null={"first_seen", "last_seen"},
    )


_M003_SQL = (
    # NULL relevant means "not analyzed yet": such stories are not shown.
    "ALTER TABLE stories ADD COLUMN relevant INTEGER",
    "ALTER TABLE stories ADD COLUMN relevance REAL",
    "ALTER TABLE stories ADD COLUMN search_stems TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE stories ADD COLUMN search_tags TEXT NOT NULL DEFAULT ''",
    "ALTER TABLE stories ADD COLUMN signature TEXT",
    "ALTER TABLE stories ADD COLUMN cluster_id INTEGER",
    "ALTER TABLE stories ADD COLUMN analysis_version INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX stories_relevant_sort ON stories(relevant, sort_at, id)",
    "CREATE INDEX stories_cluster ON stories(cluster_id)",
    """CREATE TABLE actors (
        key TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        name_ar TEXT NOT NULL,
        name_en TEXT NOT NULL,
        role_ar TEXT,
        role_en TEXT,
        known INTEGER NOT NULL,
        country TEXT,
        names TEXT NOT NULL DEFAULT ''
    )""",
    """CREATE TABLE mentions (
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        actor_key TEXT NOT NULL REFERENCES actors(key),
        role_ar TEXT,
        count INTEGER NOT NULL,
        PRIMARY KEY (story_id, actor_key)
    )""",
    "CREATE INDEX mentions_actor ON mentions(actor_key, story_id)",
    """CREATE TABLE story_topics (
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        topic TEXT NOT NULL,
        score REAL NOT NULL,
        PRIMARY KEY (story_id, topic)
    )""",
    "CREATE INDEX story_topics_topic ON story_topics(topic, story_id)",
    """CREATE TABLE meetings (
        id INTEGER PRIMARY KEY,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        a TEXT NOT NULL REFERENCES actors(key),
        b TEXT NOT NULL REFERENCES actors(key),
        place TEXT,
        day TEXT,
        kind TEXT NOT NULL
    )""",
    "CREATE INDEX meetings_a ON meetings(a)",
    "CREATE INDEX meetings_b ON meetings(b)",
    "CREATE INDEX meetings_story ON meetings(story_id)",
    # External-content FTS5 over the stemmed text and the English tags; triggers keep it
    # in step with the stories table.
    """CREATE VIRTUAL TABLE stories_fts USING fts5(
        search_stems, search_tags, content='stories', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    """CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories BEGIN
        INSERT INTO stories_fts(rowid, search_stems, search_tags)
        VALUES (new.id, new.search_stems, new.search_tags);
    END""",
    """CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, search_stems, search_tags)
        VALUES ('delete', old.id, old.search_stems, old.search_tags);
    END""",
    """CREATE TRIGGER stories_fts_update AFTER UPDATE OF search_stems, search_tags ON stories
    BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, search_stems, search_tags)
        VALUES ('delete', old.id, old.search_stems, old.search_tags);
        INSERT INTO stories_fts(rowid, search_stems, search_tags)
        VALUES (new.id, new.search_stems, new.search_tags);
    END""",
    "INSERT INTO stories_fts(stories_fts) VALUES ('rebuild')",
)


def _m003_analysis(db: sqlite_utils.Database) -> None:
    """What the Arabic analysis stores: actors, mentions, topics, meetings, groups, search."""
    for statement in _M003_SQL:
        # conn.execute, not executescript: a script would commit the migration's transaction.
        db.conn.execute(statement)


_M004_SQL = (
    # What admins gave (site_url) may differ from what is fetched (url, e.g. a discovered feed).
    "ALTER TABLE sources ADD COLUMN site_url TEXT",
    "ALTER TABLE sources ADD COLUMN failures INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sources ADD COLUMN failing_since TEXT",
    "ALTER TABLE sources ADD COLUMN last_error TEXT",
    "ALTER TABLE sources ADD COLUMN last_fetch_at TEXT",
    "ALTER TABLE sources ADD COLUMN last_ok_at TEXT",
    "ALTER TABLE sources ADD COLUMN last_new_at TEXT",
    "ALTER TABLE sources ADD COLUMN items_total INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE sources ADD COLUMN etag TEXT",
    "ALTER TABLE sources ADD COLUMN last_modified TEXT",
    "ALTER TABLE sources ADD COLUMN next_fetch_at TEXT",
    "ALTER TABLE sources ADD COLUMN admins_told INTEGER NOT NULL DEFAULT 0",
    "CREATE INDEX sources_due ON sources(state, next_fetch_at)",
    """CREATE TABLE source_runs (
        id INTEGER PRIMARY KEY,
        source_id INTEGER NOT NULL REFERENCES sources(id),
        at TEXT NOT NULL,
        outcome TEXT NOT NULL,
        entries INTEGER NOT NULL DEFAULT 0,
        new INTEGER NOT NULL DEFAULT 0,
        relevant INTEGER NOT NULL DEFAULT 0,
        error TEXT
    )""",
    "CREATE INDEX source_runs_source ON source_runs(source_id, at)",
    """CREATE TABLE admins (
        user_id INTEGER PRIMARY KEY,
        added_by INTEGER,
        added_at TEXT NOT NULL
    )""",
)


def _m004_sources(db: sqlite_utils.Database) -> None:
    """Fetch state per source, a log of fetch runs, and the admins the owner added."""
    for statement in _M004_SQL:
        db.conn.execute(statement)


_M005_SQL = (
    # The interface language a user chose with /lang; NULL follows their Telegram language.
    "ALTER TABLE users ADD COLUMN ui_lang TEXT",
    """CREATE TABLE subscriptions (
        chat_id INTEGER PRIMARY KEY,
        active INTEGER NOT NULL DEFAULT 1,
        local_time TEXT NOT NULL DEFAULT '08:00',
        timezone TEXT NOT NULL DEFAULT 'Africa/Tripoli',
        digest_lang TEXT NOT NULL DEFAULT 'ar',
        topics TEXT NOT NULL DEFAULT '',
        max_items INTEGER NOT NULL DEFAULT 10,
        empty_notice INTEGER NOT NULL DEFAULT 1,
        next_due TEXT NOT NULL,
        last_period_end TEXT,
        created_at TEXT NOT NULL,
        deactivated_reason TEXT
    )""",
    "CREATE INDEX subscriptions_due ON subscriptions(active, next_due)",
    # One row per subscriber and period: written in the same transaction that moves the
    # subscription on, so a digest is claimed once and a crash can resume it.
    """CREATE TABLE deliveries (
        chat_id INTEGER NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        status TEXT NOT NULL,
        chunks TEXT NOT NULL DEFAULT '[]',
        chunks_sent INTEGER NOT NULL DEFAULT 0,
        claimed_at TEXT NOT NULL,
        sent_at TEXT,
        error TEXT,
        PRIMARY KEY (chat_id, period_end)
    )""",
    "CREATE INDEX deliveries_status ON deliveries(status)",
    """CREATE TABLE follows (
        chat_id INTEGER NOT NULL,
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (chat_id, kind, key)
    )""",
    "CREATE INDEX follows_key ON follows(kind, key)",
    """CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        chat_id INTEGER NOT NULL,
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        UNIQUE (chat_id, story_id)
    )""",
    "CREATE INDEX alerts_pending ON alerts(sent_at, chat_id)",
    """CREATE TABLE translations (
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        lang TEXT NOT NULL,
        headline TEXT NOT NULL,
        lead TEXT NOT NULL,
        provider TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (story_id, lang)
    )""",
    # Digests take the stories stored in their period.
    "CREATE INDEX articles_fetched ON articles(fetched_at)",
    # Small named values the jobs keep between runs, e.g. the last story checked for alerts.
    "CREATE TABLE state (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE name_translations (
        source_text TEXT NOT NULL,
        lang TEXT NOT NULL,
        translated TEXT NOT NULL,
        provider TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (source_text, lang)
    )""",
)


def _m005_subscriptions(db: sqlite_utils.Database) -> None:
    """Subscriptions, the delivery ledger, follows and alerts, and the translation caches."""
    for statement in _M005_SQL:
        db.conn.execute(statement)


_M006_SQL = (
    # Counting the shown stories reads only these two columns; without this index each
    # count read whole story rows, which spill into overflow pages (114 ms at 100k).
    "CREATE INDEX stories_shown ON stories(relevant, cluster_id)",
    # For joins that reach stories by id (topics, mentions, search hits) and need only
    # whether it is shown and its date: used with INDEXED BY, the rowid lookup reads the row.
    "CREATE INDEX stories_shown_by_id ON stories(id, relevant, cluster_id, sort_at)",
)


def _m006_covering_indexes(db: sqlite_utils.Database) -> None:
    """Covering indexes for counting and filtering shown stories without reading their rows."""
    for statement in _M006_SQL:
        db.conn.execute(statement)


_M007_DELIVERY_RETRIES_SQL = (
    # A digest Telegram could not take (5xx, timeout, no connection) stays pending and is
    # resumed each tick: how many ticks failed, and since when, so it is given up in time.
    "ALTER TABLE deliveries ADD COLUMN retries INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE deliveries ADD COLUMN retry_since TEXT",
)


def _m007_delivery_retries(db: sqlite_utils.Database) -> None:
    """The retries of digests that Telegram could not take for a while."""
    for statement in _M007_DELIVERY_RETRIES_SQL:
        db.conn.execute(statement)


_M008_SQL = (
    # A profile's newest meetings, from either side, without sorting all of them.
    "CREATE INDEX meetings_a_day ON meetings(a, day, id)",
    "CREATE INDEX meetings_b_day ON meetings(b, day, id)",
    "DROP INDEX meetings_a",
    "DROP INDEX meetings_b",
    # The stories an analysis has not seen: without it, each batch scanned every story
    # (95 ms at 100k stories, for each batch of new ones).
    "CREATE INDEX stories_analysis ON stories(analysis_version, id)",
)


def _m008_meeting_indexes(db: sqlite_utils.Database) -> None:
    """Meetings by actor and day, for a profile's newest; stories by analysis version."""
    for statement in _M008_SQL:
        db.conn.execute(statement)


_TEXT_COLUMNS = {"stories": ("headline", "lead", "body"), "articles": ("title", "raw_text")}
# UTF-8 Arabic read as windows-1256 turns each letter into two characters: ا into ط§ and
# ل into ظ„, pairs genuine text never has, and one of which any Arabic text of a few words
# has. The rows found are judged by repair_mojibake.
_MOJIBAKE_SIGNS = ("ط§", "ظ„")
# As in ingest's decoding: the share of the repaired characters that may be bad bytes.
_MOJIBAKE_MAX_BAD = 0.2
# Control characters, as ingest now drops them (bot/ingest/charsets.py): SQLite's text
# functions stop at a NUL, so a stored title was cut there. Written out again here, since
# storage imports nothing from ingest, and a migration's meaning must not change with it.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_SEPARATORS = re.compile(r"[\x0b\x0c\x1c-\x1f]")
_ANY_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# A continuation byte 0xA0 was a no-break space in windows-1256, which folding whitespace
# made a plain space or, at the ends, removed: a lead byte before a space or at the end is
# such a letter, most often the digit zero (D9 A0). Within a number (another digit next,
# or another such zero) the space was the no-break space itself; elsewhere it stood for
# the no-break space and a space after it, folded into one.
_FOLDED_IN_NUMBER = re.compile(rb"([\xc2-\xdf]) (?=\xd9[\xa0-\xa9]|[\xc2-\xdf] )")
_FOLDED = re.compile(rb"([\xc2-\xdf])( |$)")


def repair_mojibake(text: str) -> str:
    """UTF-8 text that was read as windows-1256, read again as UTF-8; other text unchanged.

    Windows-1256 maps every byte to one character, so the bytes come back exactly, but for
    what was done to the text after: a no-break space folded (put back, see _FOLDED), or a
    letter cut in half (U+FFFD). Text whose bytes are not UTF-8 but for a few is genuine.
    """
    try:
        data = text.encode("cp1256")
    except UnicodeEncodeError:
        return text  # characters windows-1256 has no byte for: not its mojibake
    data = _FOLDED.sub(b"\\1\xa0\\2", _FOLDED_IN_NUMBER.sub(b"\\1\xa0", data))
    repaired = data.decode("utf-8", errors="replace")
    if repaired == text:
        return text
    non_ascii = len(repaired) - len(repaired.encode("ascii", errors="ignore"))
    bad = repaired.count("\ufffd")
    # Under three letters is too little to tell mojibake from a lone genuine letter.
    if non_ascii - bad < 3 or bad > _MOJIBAKE_MAX_BAD * non_ascii:
        return text
    if text.endswith("…") and repaired.endswith("\ufffd"):
        # The ellipsis a shortened headline or lead was given after the text was garbled.
        return repair_mojibake(text[:-1]) + "…"
    return repaired


def _repaired(text: str) -> str:
    """Stored text as ingest now makes it: mojibake read again, control characters gone."""
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    if _SEPARATORS.search(text):
        text = _SEPARATORS.sub(" ", text)
    return repair_mojibake(text)


def _needs_repair(text: str | None) -> bool:
    if text is None:
        return False
    return any(sign in text for sign in _MOJIBAKE_SIGNS) or _ANY_CONTROL.search(text) is not None


def _m009_repair_text(db: sqlite_utils.Database) -> None:
    """Text stored garbled by ingest's old decoding repaired; those stories analyzed again.

    Mojibake came from a UTF-8 feed or page with one bad byte, read whole as windows-1256;
    control characters (a NUL in a title) from any feed. The articles' links are known, so
    fetching them again would never replace them. Articles' content hashes stay those of
    the stored text: they are computed from the normalized text, which storage cannot.
    """
    for table, columns in _TEXT_COLUMNS.items():
        listed = ", ".join(columns)
        # Looked at here rather than in SQL: SQLite's text functions stop at a NUL, and
        # its GLOB classes are slower than one pass in Python (4 s over 100k stories).
        ids = [
            row[0]
            for row in db.conn.execute(f"SELECT id, {listed} FROM {table}")
            if any(_needs_repair(value) for value in row[1:])
        ]
        # A few hundred rows at a time: a whole table's text need not be held at once.
        for start in range(0, len(ids), 200):
            chunk = ids[start : start + 200]
            marks = ", ".join("?" * len(chunk))
            rows = db.conn.execute(
                f"SELECT id, {listed} FROM {table} WHERE id IN ({marks})", chunk
            ).fetchall()
            for row_id, *values in rows:
                repaired = [None if v is None else _repaired(v) for v in values]
                if repaired == values:
                    continue
                sets = ", ".join(f"{column} = ?" for column in columns)
                # Analysis version 0: the next analysis run (at start, after a poll) takes it.
                again = ", analysis_version = 0" if table == "stories" else ""
                db.conn.execute(
                    f"UPDATE {table} SET {sets}{again} WHERE id = ?", [*repaired, row_id]
                )


# Written out here rather than imported from storage.timefmt: a migration's meaning must not
# change when that rule does.
_M010_FUTURE_SLACK = timedelta(days=1)


def _m010_future_dates(db: sqlite_utils.Database) -> None:
    """Stories dated over a day past when they were stored sort by when they were stored.

    Such a date is a feed's clock or time zone gone wrong: sorted by it, the story sat at
    the top of every list until that day came. Compared in Python: the ISO strings carry
    an offset that SQLite's date functions would drop.
    """
    rows = db.conn.execute(
        "SELECT s.id, s.sort_at, a.fetched_at FROM stories s "
        "JOIN articles a ON a.id = s.article_id WHERE s.sort_at > a.fetched_at"
    ).fetchall()
    for story_id, sort_at, fetched_at in rows:
        if (
            datetime.fromisoformat(sort_at)
            > datetime.fromisoformat(fetched_at) + _M010_FUTURE_SLACK
        ):
            db.conn.execute("UPDATE stories SET sort_at = ? WHERE id = ?", [fetched_at, story_id])


_M011_SQL = (
    # How a reader wants headlines in lists: 'ar', 'en' or 'both'; NULL follows the
    # interface language (English readers get both, Arabic readers Arabic).
    "ALTER TABLE users ADD COLUMN headlines TEXT",
    # A story's headline alone in another language, for lists: translating only headlines
    # keeps a page's batch small; a whole story's translation (translations) serves too.
    """CREATE TABLE headline_translations (
        story_id INTEGER NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        lang TEXT NOT NULL,
        headline TEXT NOT NULL,
        provider TEXT NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (story_id, lang)
    )""",
)


def _m011_headlines(db: sqlite_utils.Database) -> None:
    """A reader's choice of headline language, and the cache of translated headlines."""
    for statement in _M011_SQL:
        db.conn.execute(statement)


_M012_SQL = (
    # The forum topic (message_thread_id) a group's digest and alerts go to: where /subscribe
    # was sent. NULL: the chat itself (a private chat, a plain group, a forum's General).
    "ALTER TABLE subscriptions ADD COLUMN thread_id INTEGER",
    # Every chat the bot was added to, removed from, promoted or demoted in, as the last
    # my_chat_member update said; private chats appear once the user blocks or unblocks it.
    """CREATE TABLE bot_chats (
        chat_id INTEGER PRIMARY KEY,
        chat_type TEXT NOT NULL,
        title TEXT,
        status TEXT NOT NULL,
        can_post INTEGER NOT NULL DEFAULT 0,
        added_at TEXT,
        removed_at TEXT,
        changed_at TEXT NOT NULL,
        changed_by INTEGER
    )""",
    # Channels linked with /channel add: who linked them (and is told when the bot loses its
    # rights there), and since when their digest is paused. The digest settings live in
    # subscriptions under the channel's chat id, like any chat's.
    """CREATE TABLE channels (
        chat_id INTEGER PRIMARY KEY,
        title TEXT NOT NULL,
        username TEXT,
        owner_id INTEGER NOT NULL,
        alerts INTEGER NOT NULL DEFAULT 0,
        linked_at TEXT NOT NULL,
        paused_at TEXT,
        paused_reason TEXT
    )""",
    "CREATE INDEX channels_owner ON channels(owner_id)",
)


def _m012_groups_and_channels(db: sqlite_utils.Database) -> None:
    """Forum topics for subscriptions, the bot's memberships, and linked channels."""
    for statement in _M012_SQL:
        db.conn.execute(statement)


_M013_SQL = (
    # The weekly brief (trends chart, meetings picture, the week's top stories per topic):
    # on or off, the weekday (0 Monday .. 6 Sunday) and the local time in the subscription's
    # zone; when it is next due (NULL while off) and where the last one ended.
    "ALTER TABLE subscriptions ADD COLUMN weekly_on INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE subscriptions ADD COLUMN weekly_day INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE subscriptions ADD COLUMN weekly_time TEXT NOT NULL DEFAULT '08:00'",
    "ALTER TABLE subscriptions ADD COLUMN weekly_next_due TEXT",
    "ALTER TABLE subscriptions ADD COLUMN weekly_last_end TEXT",
    # Only the briefs that are on: the weekly tick reads a few rows, never every subscriber.
    "CREATE INDEX subscriptions_weekly_due ON subscriptions(weekly_next_due) "
    "WHERE weekly_next_due IS NOT NULL",
    # The weekly briefs' ledger, like deliveries: one row per subscriber and week, written in
    # the transaction that moves weekly_next_due on, resumed at chunks_sent after a crash.
    """CREATE TABLE weekly_deliveries (
        chat_id INTEGER NOT NULL,
        period_start TEXT NOT NULL,
        period_end TEXT NOT NULL,
        status TEXT NOT NULL,
        chunks TEXT NOT NULL DEFAULT '[]',
        chunks_sent INTEGER NOT NULL DEFAULT 0,
        claimed_at TEXT NOT NULL,
        sent_at TEXT,
        error TEXT,
        retries INTEGER NOT NULL DEFAULT 0,
        retry_since TEXT,
        PRIMARY KEY (chat_id, period_end)
    )""",
    "CREATE INDEX weekly_deliveries_status ON weekly_deliveries(status)",
    # The pictures a claimed brief sends, once each by content: the ledger's messages name
    # them by hash, so 10,000 briefs of one language hold one copy of each PNG.
    """CREATE TABLE brief_pictures (
        hash TEXT PRIMARY KEY,
        png BLOB NOT NULL,
        created_at TEXT NOT NULL
    )""",
)


def _m013_weekly_brief(db: sqlite_utils.Database) -> None:
    """The weekly brief's schedule on subscriptions, its ledger and its pictures."""
    for statement in _M013_SQL:
        db.conn.execute(statement)


# A story is shown when it is relevant and first of its group (storage.views.SHOWN).
_SHOWN_OLD = "old.relevant = 1 AND (old.cluster_id IS NULL OR old.cluster_id = old.id)"
_SHOWN_NEW = "new.relevant = 1 AND (new.cluster_id IS NULL OR new.cluster_id = new.id)"
_M014_SQL = (
    "DROP TRIGGER stories_fts_insert",
    "DROP TRIGGER stories_fts_delete",
    "DROP TRIGGER stories_fts_update",
    "DROP TABLE stories_fts",
    # The search index holds the shown stories only: a search ranks and counts them in the
    # index alone, instead of checking every match against the stories table (at 100k
    # stories, a common word's 30,000 matches cost more to check than to rank).
    "CREATE VIEW shown_stories AS SELECT id, search_stems, search_tags FROM stories "
    "WHERE relevant = 1 AND (cluster_id IS NULL OR cluster_id = id)",
    """CREATE VIRTUAL TABLE stories_fts USING fts5(
        search_stems, search_tags, content='shown_stories', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0'
    )""",
    # An external-content index must be told exactly what it holds: a row is removed only
    # if it was shown (so is in the index) and added only if it is shown now.
    f"""CREATE TRIGGER stories_fts_insert AFTER INSERT ON stories WHEN {_SHOWN_NEW} BEGIN
        INSERT INTO stories_fts(rowid, search_stems, search_tags)
        VALUES (new.id, new.search_stems, new.search_tags);
    END""",
    f"""CREATE TRIGGER stories_fts_delete AFTER DELETE ON stories WHEN {_SHOWN_OLD} BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, search_stems, search_tags)
        VALUES ('delete', old.id, old.search_stems, old.search_tags);
    END""",
    f"""CREATE TRIGGER stories_fts_update
    AFTER UPDATE OF search_stems, search_tags, relevant, cluster_id ON stories BEGIN
        INSERT INTO stories_fts(stories_fts, rowid, search_stems, search_tags)
        SELECT 'delete', old.id, old.search_stems, old.search_tags WHERE {_SHOWN_OLD};
        INSERT INTO stories_fts(rowid, search_stems, search_tags)
        SELECT new.id, new.search_stems, new.search_tags WHERE {_SHOWN_NEW};
    END""",
    "INSERT INTO stories_fts(stories_fts) VALUES ('rebuild')",
)


def _m014_search_shown_only(db: sqlite_utils.Database) -> None:
    """The search index holds only the stories the bot shows."""
    for statement in _M014_SQL:
        db.conn.execute(statement)


def _m015_daily_switch(db: sqlite_utils.Database) -> None:
    """The daily digest can be off while the subscription (and its weekly brief) goes on."""
    db.conn.execute("ALTER TABLE subscriptions ADD COLUMN daily_on INTEGER NOT NULL DEFAULT 1")
    # A paused daily digest keeps its old next_due: the tick's index must pass it by.
    db.conn.execute("DROP INDEX subscriptions_due")
    db.conn.execute("CREATE INDEX subscriptions_due ON subscriptions(active, daily_on, next_due)")


# Append only: a migration that has shipped is never edited, a new one is added instead.
MIGRATIONS: tuple[Migration, ...] = (
    _m001_core,
    _m002_users,
    _m003_analysis,
    _m004_sources,
    _m005_subscriptions,
    _m006_covering_indexes,
    _m007_delivery_retries,
    _m008_meeting_indexes,
    _m009_repair_text,
    _m010_future_dates,
    _m011_headlines,
    _m012_groups_and_channels,
    _m013_weekly_brief,
    _m014_search_shown_only,
    _m015_daily_switch,
)


def schema_version(db: sqlite_utils.Database) -> int:
    """The number of migrations applied to this database."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, migrations: tuple[Migration, ...] = MIGRATIONS) -> int:
    """Apply the migrations this database lacks, each in its own transaction; return the count."""
    current = schema_version(db)
    if current > len(migrations):
        raise DatabaseError(
            f"database schema version {current} is newer than this program "
            f"({len(migrations)}); upgrade Libya Brief"
        )
    applied = 0
    for version, step in enumerate(migrations[current:], start=current + 1):
        with writing(db):
            # Read again under the write lock: another process may have just applied it.
            if schema_version(db) >= version:
                continue
            step(db)
            # PRAGMA cannot take parameters; version is an int we computed.
            db.conn.execute(f"PRAGMA user_version = {version:d}")
            applied += 1
    return applied


def connect(path: str | Path, busy_timeout: float = BUSY_TIMEOUT) -> sqlite_utils.Database:
    """Open (creating if needed) a database in WAL mode with foreign keys on, migrated.

    A write waits up to `busy_timeout` seconds for another connection's to end.
    """
    try:
        if str(path) != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # The connection lives on the store's single thread, which may not be the opener's.
        conn = sqlite3.connect(str(path), check_same_thread=False, timeout=busy_timeout)
        conn.execute(f"PRAGMA busy_timeout = {round(busy_timeout * 1000):d}")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if str(path) != ":memory:":
            db.enable_wal()
        conn.execute("PRAGMA synchronous = NORMAL")
        migrate(db)
        _check_writable(db)
    except (sqlite3.Error, OSError) as exc:
        if isinstance(exc, sqlite3.Error) and (refused := unwritable(str(path), exc, busy_timeout)):
            raise refused from exc
        if str(path) != ":memory:" and _cannot_create(exc) and (why := _folder_refuses(path)):
            detail = why if isinstance(exc, OSError) else f"{exc}; {why}"
            raise StoreUnwritable(str(path), READ_ONLY, detail) from exc
        raise DatabaseError(f"cannot open database {path}: {exc}") from exc
    return db


def _cannot_create(exc: sqlite3.Error | OSError) -> bool:
    """Whether this is the error of a file or folder that could not be made."""
    if isinstance(exc, OSError):
        return isinstance(exc, PermissionError) or exc.errno == errno.EROFS
    code = getattr(exc, "sqlite_errorcode", None)
    # SQLite says only "unable to open database file" when it cannot create the database
    # or, in WAL mode, its -wal and -shm files (a read-only file system, a folder it may
    # not write): the folder is asked, to say which.
    return code is not None and code & 0xFF == sqlite3.SQLITE_CANTOPEN


def _folder_refuses(path: str | Path) -> str | None:
    """Why the database's folder (or the nearest one that exists) takes no new file, if so."""
    folder = Path(path).absolute().parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        # The truth, not os.access: root, a read-only mount and ACLs all answer here.
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        return f"the folder {folder} takes no new files: {exc.strerror or exc}"
    return None


def _check_writable(db: sqlite_utils.Database) -> None:
    """Raise now when the database takes no writes, rather than at the first user's command.

    SQLite opens a file it may not write read-only without a word, so a write is tried
    (the schema version, written back unchanged) and rolled back.
    """
    version = schema_version(db)
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        # PRAGMA cannot take parameters; version is an int read from the database.
        db.conn.execute(f"PRAGMA user_version = {version:d}")
    finally:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")


class Store:
    """Runs every database call on one dedicated thread, so the event loop never waits on disk."""

    def __init__(
        self, path: str | Path, timeout: float = 10.0, busy_timeout: float = BUSY_TIMEOUT
    ) -> None:
        self.path = str(path)
        self.timeout = timeout
        self.busy_timeout = busy_timeout
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite")
        self._db: sqlite_utils.Database | None = None
        self._closed = False

    def open_sync(self) -> None:
        """Open and migrate the database from synchronous code (start-up, CLI)."""
        self._executor.submit(self._open).result()

    async def open(self) -> None:
        """Open and migrate the database on the store's thread."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._open)

    def _open(self) -> None:
        if self._db is None:
            self._db = connect(self.path, self.busy_timeout)

    async def run(
        self,
        fn: Callable[Concatenate[sqlite_utils.Database, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `fn(db, ...)` on the store's thread, with the store's time limit."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self._executor, partial(self._call, fn, *args, **kwargs))
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError as exc:
            raise StoreTimeout(f"database call {fn.__name__} took over {self.timeout}s") from exc

    def run_sync(
        self,
        fn: Callable[Concatenate[sqlite_utils.Database, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """Run `fn(db, ...)` on the store's thread from synchronous code and wait for it."""
        call = partial(self._call, fn, *args, **kwargs)
        return self._executor.submit(call).result(self.timeout)

    def _call(
        self,
        fn: Callable[Concatenate[sqlite_utils.Database, P], T],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        if self._db is None:
            self._db = connect(self.path, self.busy_timeout)
        try:
            return fn(self._db, *args, **kwargs)
        except sqlite3.Error as exc:
            # Read-only, full or locked too long is the operator's to fix, not a bug: say
            # so in one line.
            refused = unwritable(self.path, exc, self.busy_timeout)
            if refused is None:
                raise
            raise refused from exc

    def close(self) -> None:
        """Close the connection and stop the thread; pending calls finish first. Idempotent."""
        if self._closed:
            return
        self._closed = True

        def _close() -> None:
            if self._db is not None:
                self._db.conn.close()
                self._db = None

        self._executor.submit(_close).result()
        self._executor.shutdown(wait=True)
