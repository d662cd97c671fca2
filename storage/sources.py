"""The sources table: where articles come from, and how fetching each one goes."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.models import Source
from storage.db import writing
from storage.rows import last_id
from storage.timefmt import from_db, to_db

_COLUMNS = (
    "id, url, site_url, name, name_ar, kind, language, state, failures, failing_since, "
    "last_error, last_fetch_at, last_ok_at, last_new_at, items_total, etag, last_modified, "
    "next_fetch_at, admins_told"
)


class SourceExists(ValueError):
    """A source with this URL is already listed."""

    def __init__(self, source: Source) -> None:
        super().__init__(f"source {source.id} already has {source.url}")
        self.source = source


def _source(row: Sequence[Any]) -> Source:
    return Source(
        id=row[0], url=row[1], site_url=row[2], name=row[3], name_ar=row[4] or "",
        kind=row[5], language=row[6] or "ar", state=row[7], failures=row[8] or 0,
        failing_since=from_db(row[9]), last_error=row[10], last_fetch_at=from_db(row[11]),
        last_ok_at=from_db(row[12]), last_new_at=from_db(row[13]), items_total=row[14] or 0,
        etag=row[15], last_modified=row[16], next_fetch_at=from_db(row[17]),
        admins_told=bool(row[18]),
    )  # fmt: skip


def ensure_source(
    db: sqlite_utils.Database,
    *,
    url: str,
    name: str,
    name_ar: str,
    kind: str,
    language: str,
    now: datetime,
) -> int:
    """The id of the source with this URL, creating it first when it is new."""
    # One transaction, the lock taken first: two processes loading the seeds at once would
    # both find no source and both insert it.
    with writing(db):
        row = db.execute("SELECT id FROM sources WHERE url = ?", [url]).fetchone()
        if row is not None:
            db.execute(
                "UPDATE sources SET name = ?, name_ar = ?, language = ? WHERE id = ?",
                [name, name_ar, language, row[0]],
            )
            return int(row[0])
        table = db.table("sources")
        table.insert(
            {
                "url": url,
                "name": name,
                "name_ar": name_ar,
                "kind": kind,
                "language": language,
                "added_at": to_db(now),
                "state": "ok",
            }
        )
        return last_id(table)


def add_source(
    db: sqlite_utils.Database,
    *,
    url: str,
    site_url: str | None,
    name: str,
    name_ar: str,
    kind: str,
    language: str,
    added_by: int | None,
    now: datetime,
) -> Source:
    """List a new source; a removed one with the same URL comes back. Raises SourceExists."""
    with writing(db):
        existing = find_source(db, url)
        if existing is not None and existing.state != "removed":
            raise SourceExists(existing)
        if existing is not None:
            db.execute(
                "UPDATE sources SET state = 'ok', failures = 0, failing_since = NULL, "
                "last_error = NULL, admins_told = 0, name = ?, name_ar = ?, kind = ?, "
                "site_url = ?, next_fetch_at = ? WHERE id = ?",
                [name, name_ar, kind, site_url, to_db(now), existing.id],
            )
            source_id = existing.id
        else:
            table = db.table("sources")
            table.insert(
                {
                    "url": url, "site_url": site_url, "name": name, "name_ar": name_ar,
                    "kind": kind, "language": language, "added_at": to_db(now),
                    "added_by": added_by, "state": "ok", "next_fetch_at": to_db(now),
                }
            )  # fmt: skip
            source_id = last_id(table)
    found = get_source(db, source_id)
    assert found is not None
    return found


def get_source(db: sqlite_utils.Database, source_id: int) -> Source | None:
    """One source by id."""
    row = db.execute(f"SELECT {_COLUMNS} FROM sources WHERE id = ?", [source_id]).fetchone()
    return _source(row) if row else None


def find_source(db: sqlite_utils.Database, ref: str) -> Source | None:
    """A source by id, fetched URL or the URL the admin gave."""
    if ref.isdecimal():
        # An id past SQLite's 64-bit integers names no source; binding it would raise.
        number = int(ref) if len(ref) <= 30 else None
        return get_source(db, number) if number is not None and number < 2**63 else None
    row = db.execute(
        f"SELECT {_COLUMNS} FROM sources WHERE url = ? OR site_url = ? "
        "ORDER BY state = 'removed', id LIMIT 1",
        [ref, ref],
    ).fetchone()
    return _source(row) if row else None


def list_sources(db: sqlite_utils.Database, *, include_seeds: bool = False) -> list[Source]:
    """Every listed source, oldest first."""
    # Seeds and files given to `libya-brief ingest --file` are not fetched, so not listed.
    kinds = "" if include_seeds else "AND kind NOT IN ('seed', 'file')"
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM sources WHERE state != 'removed' {kinds} ORDER BY id"
    ).fetchall()
    return [_source(row) for row in rows]


def set_state(db: sqlite_utils.Database, source_id: int, state: str, now: datetime) -> None:
    """Pause, resume or remove a source; resuming clears its failures and fetches it soon."""
    if state == "ok":
        db.execute(
            "UPDATE sources SET state = 'ok', failures = 0, failing_since = NULL, "
            "admins_told = 0, next_fetch_at = ? WHERE id = ?",
            [to_db(now), source_id],
        )
    else:
        # Admins who pause a source know it is paused: they are not told it again.
        db.execute(
            "UPDATE sources SET state = ?, admins_told = CASE WHEN ? = 'paused' THEN 1 "
            "ELSE admins_told END WHERE id = ?",
            [state, state, source_id],
        )


def due_sources(db: sqlite_utils.Database, now: datetime, limit: int = 50) -> list[Source]:
    """Sources whose next fetch time has come, the longest waiting first."""
    rows = db.execute(
        f"""
        SELECT {_COLUMNS} FROM sources
        WHERE state IN ('ok', 'failing') AND kind NOT IN ('seed', 'file')
          AND (next_fetch_at IS NULL OR next_fetch_at <= ?)
        ORDER BY next_fetch_at LIMIT ?
        """,
        [to_db(now), limit],
    ).fetchall()
    return [_source(row) for row in rows]


def record_success(
    db: sqlite_utils.Database,
    source_id: int,
    *,
    now: datetime,
    etag: str | None,
    last_modified: str | None,
    entries: int,
    new: int,
    relevant: int,
    next_fetch_at: datetime,
) -> None:
    """A fetch went well: clear failures, keep the validators, log the run.

    A paused source stays paused: an admin may fetch it by hand, and it waits for resuming.
    """
    with writing(db):
        db.execute(
            """
            UPDATE sources SET state = CASE WHEN state = 'paused' THEN 'paused' ELSE 'ok' END,
                failures = 0, failing_since = NULL,
                last_error = NULL, admins_told = 0, last_fetch_at = :now, last_ok_at = :now,
                last_new_at = CASE WHEN :new > 0 THEN :now ELSE last_new_at END,
                items_total = items_total + :new,
                etag = COALESCE(:etag, etag), last_modified = COALESCE(:lm, last_modified),
                next_fetch_at = :next
            WHERE id = :id AND state != 'removed'
            """,
            {"now": to_db(now), "new": new, "etag": etag, "lm": last_modified,
             "next": to_db(next_fetch_at), "id": source_id},
        )  # fmt: skip
        _log_run(db, source_id, now, "ok", entries, new, relevant, None)


def record_failure(
    db: sqlite_utils.Database,
    source_id: int,
    *,
    now: datetime,
    error: str,
    next_fetch_at: datetime,
    pause_after: int,
) -> Source | None:
    """A fetch failed: count it, back off, pause at the limit; returns the source as it is now."""
    with writing(db):
        db.execute(
            """
            UPDATE sources SET failures = failures + 1,
                failing_since = COALESCE(failing_since, :now), last_error = :error,
                last_fetch_at = :now, next_fetch_at = :next,
                state = CASE WHEN failures + 1 >= :limit THEN 'paused' ELSE 'failing' END
            WHERE id = :id AND state IN ('ok', 'failing')
            """,
            {"now": to_db(now), "error": error[:500], "next": to_db(next_fetch_at),
             "limit": pause_after, "id": source_id},
        )  # fmt: skip
        _log_run(db, source_id, now, "error", 0, 0, 0, error[:500])
    return get_source(db, source_id)


def schedule(db: sqlite_utils.Database, source_id: int, when: datetime) -> None:
    """Set when a source is fetched next."""
    db.execute("UPDATE sources SET next_fetch_at = ? WHERE id = ?", [to_db(when), source_id])


def mark_admins_told(db: sqlite_utils.Database, source_id: int) -> None:
    """Remember that admins heard about this source's trouble, so they hear once."""
    db.execute("UPDATE sources SET admins_told = 1 WHERE id = ?", [source_id])


def _log_run(
    db: sqlite_utils.Database,
    source_id: int,
    now: datetime,
    outcome: str,
    entries: int,
    new: int,
    relevant: int,
    error: str | None,
) -> None:
    db.execute(
        "INSERT INTO source_runs (source_id, at, outcome, entries, new, relevant, error) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [source_id, to_db(now), outcome, entries, new, relevant, error],
    )


def list_admins(db: sqlite_utils.Database) -> list[int]:
    """The user ids the owner made admins."""
    return [int(row[0]) for row in db.execute("SELECT user_id FROM admins ORDER BY added_at")]


def add_admin(db: sqlite_utils.Database, user_id: int, by: int, now: datetime) -> bool:
    """Make a user an admin; False when they already were."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO admins (user_id, added_by, added_at) VALUES (?, ?, ?)",
        [user_id, by, to_db(now)],
    )
    return bool(cursor.rowcount)


def remove_admin(db: sqlite_utils.Database, user_id: int) -> bool:
    """Take admin rights away; False when the user was not an admin."""
    return bool(db.execute("DELETE FROM admins WHERE user_id = ?", [user_id]).rowcount)
