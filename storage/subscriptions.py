"""Subscriptions, the delivery ledger, follows and alerts."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.models import DigestMessage, Subscription
from storage import views
from storage.db import writing
from storage.timefmt import from_db, to_db

_COLUMNS = (
    "chat_id, active, local_time, timezone, digest_lang, topics, max_items, empty_notice, "
    "next_due, last_period_end, thread_id, weekly_on, weekly_day, weekly_time, weekly_next_due, "
    "daily_on"
)
# The two ledgers: the daily digest's and the weekly brief's, each with the subscription
# columns its claim moves on (when the next one is due, where the last one ended).
DAILY = "deliveries"
WEEKLY = "weekly_deliveries"
_SCHEDULES = {
    DAILY: ("next_due", "last_period_end"),
    WEEKLY: ("weekly_next_due", "weekly_last_end"),
}


def _ledger(name: str) -> str:
    """A ledger's table name, checked: it is written into SQL."""
    if name not in _SCHEDULES:
        raise ValueError(f"unknown ledger {name}")
    return name


def _subscription(row: Sequence[Any]) -> Subscription:
    next_due = from_db(row[8])
    assert next_due is not None
    return Subscription(
        chat_id=row[0], active=bool(row[1]), local_time=row[2], timezone=row[3],
        digest_lang=row[4], topics=tuple(t for t in row[5].split(",") if t),
        max_items=row[6], empty_notice=bool(row[7]), next_due=next_due,
        last_period_end=from_db(row[9]), thread_id=row[10], weekly_on=bool(row[11]),
        weekly_day=row[12], weekly_time=row[13], weekly_next_due=from_db(row[14]),
        daily_on=bool(row[15]),
    )  # fmt: skip


def get_subscription(db: sqlite_utils.Database, chat_id: int) -> Subscription | None:
    """One chat's subscription, active or not."""
    row = db.execute(
        f"SELECT {_COLUMNS} FROM subscriptions WHERE chat_id = ?", [chat_id]
    ).fetchone()
    return _subscription(row) if row else None


def subscribe(
    db: sqlite_utils.Database,
    chat_id: int,
    *,
    local_time: str,
    timezone: str,
    digest_lang: str,
    next_due: datetime,
    now: datetime,
    thread_id: int | None = None,
) -> Subscription:
    """Start (or restart) a subscription, the daily digest on; settings chosen before are kept.

    `thread_id` is the forum topic /subscribe was sent in: the digest goes there from now on.
    """
    db.execute(
        """
        INSERT INTO subscriptions (chat_id, active, local_time, timezone, digest_lang,
                                   next_due, created_at, thread_id)
        VALUES (?, 1, ?, ?, ?, ?, ?, ?)
        ON CONFLICT(chat_id) DO UPDATE SET active = 1, local_time = excluded.local_time,
            timezone = excluded.timezone, next_due = excluded.next_due,
            deactivated_reason = NULL, thread_id = excluded.thread_id, daily_on = 1
        """,
        [chat_id, local_time, timezone, digest_lang, to_db(next_due), to_db(now), thread_id],
    )
    found = get_subscription(db, chat_id)
    assert found is not None
    return found


def update_subscription(db: sqlite_utils.Database, /, chat_id: int, **fields: Any) -> None:
    """Change some of a subscription's settings (and next_due, computed by the caller)."""
    allowed = {"local_time", "timezone", "digest_lang", "topics", "max_items", "empty_notice",
               "next_due", "weekly_on", "weekly_day", "weekly_time", "weekly_next_due",
               "daily_on", "last_period_end"}  # fmt: skip
    values = {}
    for name, value in fields.items():
        if name not in allowed:
            raise ValueError(f"unknown subscription field {name}")
        if name == "topics":
            value = ",".join(value)
        elif name in ("next_due", "weekly_next_due", "last_period_end"):
            value = to_db(value) if value is not None else None
        elif name in ("empty_notice", "weekly_on", "daily_on"):
            value = int(value)
        values[name] = value
    if values:
        assignments = ", ".join(f"{name} = :{name}" for name in values)
        db.execute(
            f"UPDATE subscriptions SET {assignments} WHERE chat_id = :chat_id",
            {**values, "chat_id": chat_id},
        )


def deactivate(db: sqlite_utils.Database, chat_id: int, reason: str) -> None:
    """Stop a subscription: the user unsubscribed ("user") or blocked the bot ("blocked")."""
    db.execute(
        "UPDATE subscriptions SET active = 0, deactivated_reason = ? WHERE chat_id = ?",
        [reason, chat_id],
    )


def reactivate_blocked(db: sqlite_utils.Database, chat_id: int, next_due: datetime) -> bool:
    """A user who had blocked the bot came back: resume their subscription."""
    cursor = db.execute(
        "UPDATE subscriptions SET active = 1, deactivated_reason = NULL, next_due = ? "
        "WHERE chat_id = ? AND active = 0 AND deactivated_reason = 'blocked'",
        [to_db(next_due), chat_id],
    )
    return bool(cursor.rowcount)


def due_subscriptions(
    db: sqlite_utils.Database, now: datetime, limit: int = 1000
) -> list[Subscription]:
    """Active subscriptions whose daily digest is on and due, the most overdue first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM subscriptions WHERE active = 1 AND daily_on = 1 "
        "AND next_due <= ? "
        "ORDER BY next_due LIMIT ?",
        [to_db(now), limit],
    ).fetchall()
    return [_subscription(row) for row in rows]


def due_weekly(db: sqlite_utils.Database, now: datetime, limit: int = 1000) -> list[Subscription]:
    """Active subscriptions whose weekly brief is due, the most overdue first."""
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM subscriptions WHERE weekly_next_due IS NOT NULL "
        "AND weekly_next_due <= ? AND active = 1 AND weekly_on = 1 "
        "ORDER BY weekly_next_due LIMIT ?",
        [to_db(now), limit],
    ).fetchall()
    return [_subscription(row) for row in rows]


def skip_weekly(db: sqlite_utils.Database, moves: Sequence[tuple[Subscription, datetime]]) -> int:
    """Move weekly briefs on without sending them (missed long ago); how many moved."""
    with writing(db):
        return sum(
            db.execute(
                "UPDATE subscriptions SET weekly_next_due = ? "
                "WHERE chat_id = ? AND weekly_next_due = ?",
                [to_db(due), sub.chat_id, to_db(sub.weekly_next_due)],
            ).rowcount
            for sub, due in moves
        )


def threads(db: sqlite_utils.Database) -> dict[int, int]:
    """The forum topic of each chat whose digest goes to one."""
    rows = db.execute("SELECT chat_id, thread_id FROM subscriptions WHERE thread_id IS NOT NULL")
    return {row[0]: row[1] for row in rows}


@dataclass(frozen=True, slots=True)
class Claim:
    """A digest to record for a subscriber, and where their schedule moves."""

    subscription: Subscription
    period_start: datetime
    period_end: datetime
    chunks: list[DigestMessage]
    next_due: datetime


Pending = tuple[int, str, list[DigestMessage], int]  # chat id, period end, messages, sent


def claim_deliveries(
    db: sqlite_utils.Database, claims: Sequence[Claim], now: datetime, ledger: str = DAILY
) -> list[Pending]:
    """claim_delivery for each, all in one transaction; the deliveries claimed, as pending.

    They are what pending_deliveries would read back: the run sends them without reading
    (and decoding) every message it has just written.
    """
    table = _ledger(ledger)
    # Subscribers with the same digest share its messages: stored as the same text, made once.
    dumped: dict[int, str] = {}
    with writing(db):
        return [
            (claim.subscription.chat_id, to_db(claim.period_end) or "", claim.chunks, 0)
            for claim in claims
            if _claim(db, table, claim, now, dumped)
        ]


def claim_delivery(
    db: sqlite_utils.Database,
    subscription: Subscription,
    *,
    period_start: datetime,
    period_end: datetime,
    chunks: list[DigestMessage],
    next_due: datetime,
    now: datetime,
    ledger: str = DAILY,
) -> bool:
    """Record the digest (or weekly brief) to send and move its schedule on, in one transaction.

    False when someone else moved this subscription on already: then nothing is recorded,
    so nothing is sent twice. The pictures a brief sends are stored with it, once by content.
    """
    claim = Claim(subscription, period_start, period_end, chunks, next_due)
    with writing(db):
        return _claim(db, _ledger(ledger), claim, now, {})


def _claim(
    db: sqlite_utils.Database, table: str, claim: Claim, now: datetime, dumped: dict[int, str]
) -> bool:
    """claim_delivery's work, inside the caller's transaction."""
    due_column, end_column = _SCHEDULES[table]
    subscription = claim.subscription
    was_due = subscription.next_due if table == DAILY else subscription.weekly_next_due
    if was_due is None:
        return False
    moved = db.conn.execute(
        f"UPDATE subscriptions SET {due_column} = ?, {end_column} = ? "
        f"WHERE chat_id = ? AND {due_column} = ? AND active = 1",
        [to_db(claim.next_due), to_db(claim.period_end), subscription.chat_id, to_db(was_due)],
    )
    if not moved.rowcount:
        return False
    for message in claim.chunks:
        if message.photo is not None:
            db.conn.execute(
                "INSERT OR IGNORE INTO brief_pictures (hash, png, created_at) VALUES (?, ?, ?)",
                [_picture_hash(message.photo), message.photo, to_db(now)],
            )
    if id(claim.chunks) not in dumped:
        dumped[id(claim.chunks)] = _dump_messages(claim.chunks)
    db.conn.execute(
        f"INSERT INTO {table} (chat_id, period_start, period_end, status, chunks, "
        "claimed_at) VALUES (?, ?, ?, 'pending', ?, ?)",
        [subscription.chat_id, to_db(claim.period_start), to_db(claim.period_end),
         dumped[id(claim.chunks)], to_db(now)],
    )  # fmt: skip
    return True


def _picture_hash(png: bytes) -> str:
    return hashlib.sha256(png).hexdigest()


def forget_pictures(db: sqlite_utils.Database, before: datetime) -> int:
    """Delete the pictures of briefs claimed before `before` that no pending brief still sends."""
    pending = [
        item["photo"]
        for (chunks,) in db.execute(f"SELECT chunks FROM {WEEKLY} WHERE status = 'pending'")
        for item in json.loads(chunks)
        if isinstance(item, dict) and item.get("photo")
    ]
    marks = ",".join("?" for _ in pending) or "NULL"
    return int(
        db.execute(
            f"DELETE FROM brief_pictures WHERE created_at < ? AND hash NOT IN ({marks})",
            [to_db(before), *pending],
        ).rowcount
    )


def pending_deliveries(db: sqlite_utils.Database, ledger: str = DAILY) -> list[Pending]:
    """(chat_id, period_end, messages, chunks_sent) of digests claimed but not fully sent."""
    rows = db.execute(
        f"SELECT chat_id, period_end, chunks, chunks_sent FROM {_ledger(ledger)} "
        "WHERE status = 'pending' ORDER BY claimed_at"
    ).fetchall()
    loaded = [(row[0], row[1], json.loads(row[2]), row[3]) for row in rows]
    # Each picture read once and shared by every brief that sends it.
    wanted = sorted({
        item["photo"] for _, _, items, _ in loaded for item in items
        if isinstance(item, dict) and item.get("photo")
    })  # fmt: skip
    pictures: dict[str, bytes] = {}
    for start in range(0, len(wanted), 500):
        part = wanted[start : start + 500]
        marks = ",".join("?" for _ in part)
        pictures.update(
            db.execute(f"SELECT hash, png FROM brief_pictures WHERE hash IN ({marks})", part)
        )
    return [
        (chat_id, end, _load_messages(items, pictures), sent)
        for chat_id, end, items, sent in loaded
    ]


def _dump_messages(messages: list[DigestMessage]) -> str:
    dumped: list[dict[str, Any]] = []
    for m in messages:
        item: dict[str, Any] = {"text": m.text, "stories": [list(pair) for pair in m.stories]}
        if m.photo is not None:
            item["photo"] = _picture_hash(m.photo)
        dumped.append(item)
    return json.dumps(dumped, ensure_ascii=False)


def _load_messages(items: list[Any], pictures: dict[str, bytes]) -> list[DigestMessage]:
    # Deliveries claimed before messages carried buttons hold bare strings: still sent.
    out = []
    for item in items:
        if isinstance(item, str):
            out.append(DigestMessage(item))
            continue
        photo = pictures.get(item["photo"]) if item.get("photo") else None
        stories = tuple((int(n), int(i)) for n, i in item["stories"])
        out.append(DigestMessage(item["text"], stories, photo))
    return out


@dataclass(frozen=True, slots=True)
class Progress:
    """Messages of a delivery that went out: `sent` in all, and whether that was the last."""

    chat_id: int
    period_end: str
    sent: int
    finished: bool


def record_progress(
    db: sqlite_utils.Database, progress: Sequence[Progress], now: datetime, ledger: str = DAILY
) -> None:
    """Record how many messages of each delivery went out, closing the finished, in one go."""
    table = _ledger(ledger)
    with writing(db):
        db.conn.executemany(
            f"UPDATE {table} SET chunks_sent = ? WHERE chat_id = ? AND period_end = ?",
            [(p.sent, p.chat_id, p.period_end) for p in progress if not p.finished],
        )
        db.conn.executemany(
            f"UPDATE {table} SET status = 'sent', sent_at = ?, error = NULL, chunks_sent = ? "
            "WHERE chat_id = ? AND period_end = ?",
            [(to_db(now), p.sent, p.chat_id, p.period_end) for p in progress if p.finished],
        )


def delivery_retry(
    db: sqlite_utils.Database, chat_id: int, period_end: str, now: datetime, ledger: str = DAILY
) -> datetime:
    """Count a tick on which Telegram could not take a pending digest; since when it fails."""
    table = _ledger(ledger)
    with writing(db):
        db.execute(
            f"UPDATE {table} SET retries = retries + 1, retry_since = COALESCE(retry_since, ?) "
            "WHERE chat_id = ? AND period_end = ?",
            [to_db(now), chat_id, period_end],
        )
        row = db.execute(
            f"SELECT retry_since FROM {table} WHERE chat_id = ? AND period_end = ?",
            [chat_id, period_end],
        ).fetchone()
    since = from_db(row[0]) if row else None
    return since or now


def finish_delivery(
    db: sqlite_utils.Database,
    chat_id: int,
    period_end: str,
    status: str,
    now: datetime,
    error: str | None = None,
    *,
    sent: int | None = None,
    ledger: str = DAILY,
) -> None:
    """Close a delivery: "sent", or "failed" with why; `sent` also records the count."""
    db.execute(
        f"UPDATE {_ledger(ledger)} SET status = ?, sent_at = ?, error = ?, "
        "chunks_sent = COALESCE(?, chunks_sent) WHERE chat_id = ? AND period_end = ?",
        [status, to_db(now), error, sent, chat_id, period_end],
    )


def follow(db: sqlite_utils.Database, chat_id: int, kind: str, key: str, now: datetime) -> bool:
    """Follow an actor ("actor") or a topic ("topic"); False when already followed."""
    cursor = db.execute(
        "INSERT OR IGNORE INTO follows (chat_id, kind, key, created_at) VALUES (?, ?, ?, ?)",
        [chat_id, kind, key, to_db(now)],
    )
    return bool(cursor.rowcount)


def unfollow(db: sqlite_utils.Database, chat_id: int, kind: str, key: str) -> bool:
    """Stop following; False when it was not followed."""
    cursor = db.execute(
        "DELETE FROM follows WHERE chat_id = ? AND kind = ? AND key = ?", [chat_id, kind, key]
    )
    return bool(cursor.rowcount)


def follows_of(db: sqlite_utils.Database, chat_id: int) -> list[tuple[str, str]]:
    """(kind, key) of everything a chat follows."""
    rows = db.execute(
        "SELECT kind, key FROM follows WHERE chat_id = ? ORDER BY created_at", [chat_id]
    )
    return [(row[0], row[1]) for row in rows]


def follows_of_chats(db: sqlite_utils.Database, chat_ids: Sequence[int]) -> dict[int, list[str]]:
    """The keys each of these chats follows; chats that follow nothing are left out."""
    found: dict[int, list[str]] = {}
    # In slices: SQLite takes a bounded number of parameters per statement.
    for start in range(0, len(chat_ids), 500):
        part = list(chat_ids[start : start + 500])
        marks = ",".join("?" for _ in part)
        for chat_id, key in db.execute(
            f"SELECT chat_id, key FROM follows WHERE chat_id IN ({marks}) ORDER BY created_at",
            part,
        ):
            found.setdefault(chat_id, []).append(key)
    return found


# Whether story s is about what follow f names.
_FOLLOW_MATCHES = """
    (f.kind = 'actor' AND EXISTS (
        SELECT 1 FROM mentions m WHERE m.story_id = s.id AND m.actor_key = f.key))
    OR (f.kind = 'topic' AND EXISTS (
        SELECT 1 FROM story_topics t WHERE t.story_id = s.id AND t.topic = f.key))
"""


def queue_alerts(db: sqlite_utils.Database, now: datetime) -> int:
    """Queue an alert for every new shown story that matches a follow; returns how many.

    A watermark remembers the last story checked, so each story is matched once.
    """
    with writing(db):
        row = db.execute("SELECT value FROM state WHERE key = 'alerts_after'").fetchone()
        after = (
            int(row[0])
            if row
            else int(db.execute("SELECT COALESCE(MAX(id), 0) FROM stories").fetchone()[0])
        )
        newest = int(
            db.execute(
                "SELECT COALESCE(MAX(id), ?) FROM stories WHERE id > ? AND relevant IS NOT NULL",
                [after, after],
            ).fetchone()[0]
        )
        stamp = to_db(now)
        added = db.execute(
            f"""
            INSERT OR IGNORE INTO alerts (chat_id, story_id, reason, created_at)
            SELECT f.chat_id, s.id, f.kind || ':' || f.key, ?
            FROM follows f
            JOIN stories s ON s.id > ? AND s.id <= ? AND {views.SHOWN}
            WHERE {_FOLLOW_MATCHES}
            """,
            [stamp, after, newest],
        ).rowcount
        # A linked channel with alerts on gets those of its owner's follows, while not paused.
        added += db.execute(
            f"""
            INSERT OR IGNORE INTO alerts (chat_id, story_id, reason, created_at)
            SELECT c.chat_id, s.id, f.kind || ':' || f.key, ?
            FROM channels c
            JOIN follows f ON f.chat_id = c.owner_id
            JOIN stories s ON s.id > ? AND s.id <= ? AND {views.SHOWN}
            WHERE c.alerts = 1 AND c.paused_at IS NULL AND ({_FOLLOW_MATCHES})
            """,
            [stamp, after, newest],
        ).rowcount
        db.execute(
            "INSERT INTO state (key, value) VALUES ('alerts_after', ?) "
            "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [str(newest)],
        )
    return int(added)


def pending_alerts(db: sqlite_utils.Database) -> dict[int, list[tuple[int, str]]]:
    """(alert id, reason) per chat for alerts not yet sent."""
    out: dict[int, list[tuple[int, str]]] = {}
    for alert_id, chat_id, reason in db.execute(
        "SELECT id, chat_id, reason FROM alerts WHERE sent_at IS NULL ORDER BY id"
    ):
        out.setdefault(chat_id, []).append((alert_id, reason))
    return out


def alert_stories(db: sqlite_utils.Database, alert_ids: list[int]) -> list[Any]:
    """The stories behind alerts, for rendering."""
    marks = ",".join("?" for _ in alert_ids)
    rows = db.execute(
        f"SELECT {views.COLUMNS} FROM alerts al JOIN stories s ON s.id = al.story_id "
        f"{views.JOINS} WHERE al.id IN ({marks}) {views.ORDER}",
        alert_ids,
    ).fetchall()
    return [views.story_view(row) for row in rows]


def alerts_sent(db: sqlite_utils.Database, alert_ids: list[int], now: datetime) -> None:
    """Mark alerts as sent."""
    marks = ",".join("?" for _ in alert_ids)
    db.execute(f"UPDATE alerts SET sent_at = ? WHERE id IN ({marks})", [to_db(now), *alert_ids])


def user_data(db: sqlite_utils.Database, chat_id: int) -> dict[str, Any]:
    """Everything stored about a chat, for /mydata."""

    def rows(sql: str) -> list[dict[str, Any]]:
        cursor = db.execute(sql, [chat_id])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    return {
        "user": rows("SELECT * FROM users WHERE chat_id = ?"),
        # As the rest of the bot reads it (one mapper), not as a raw row.
        "subscription": [sub for sub in [get_subscription(db, chat_id)] if sub is not None],
        "follows": rows("SELECT kind, key, created_at FROM follows WHERE chat_id = ?"),
        "deliveries": rows(
            "SELECT period_start, period_end, status, sent_at FROM deliveries "
            "WHERE chat_id = ? ORDER BY period_end DESC LIMIT 10"
        ),
        "weekly_briefs": rows(
            "SELECT period_start, period_end, status, sent_at FROM weekly_deliveries "
            "WHERE chat_id = ? ORDER BY period_end DESC LIMIT 5"
        ),
        "alerts": rows("SELECT COUNT(*) AS alerts FROM alerts WHERE chat_id = ?"),
        "membership": rows(
            "SELECT chat_type, title, status, added_at, changed_at FROM bot_chats WHERE chat_id = ?"
        ),
        "channels": rows(
            "SELECT chat_id, title, username, linked_at, paused_at FROM channels "
            "WHERE owner_id = ? ORDER BY linked_at"
        ),
    }


_CHAT_TABLES = (
    "alerts", "follows", "deliveries", "weekly_deliveries", "subscriptions", "users", "bot_chats",
)  # fmt: skip


def forget(db: sqlite_utils.Database, chat_id: int) -> None:
    """Delete everything stored about a chat, and the channels its user linked."""
    with writing(db):
        # A channel's link names the person who made it: it goes with their data.
        linked = [row[0] for row in db.execute(
            "SELECT chat_id FROM channels WHERE owner_id = ?", [chat_id]
        )]  # fmt: skip
        for channel in linked:
            for table in (*_CHAT_TABLES, "channels"):
                db.execute(f"DELETE FROM {table} WHERE chat_id = ?", [channel])
        for table in (*_CHAT_TABLES, "channels"):
            db.execute(f"DELETE FROM {table} WHERE chat_id = ?", [chat_id])


def move_chat(db: sqlite_utils.Database, old: int, new: int) -> bool:
    """Carry a chat's subscription, follows, alerts and ledgers to its new id; False if none.

    A group upgraded to a supergroup gets a new id. What the new id has already (it
    subscribed before the upgrade was seen) is kept; the old id keeps nothing.
    """
    with writing(db):
        moved = bool(
            db.execute(
                "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?", [new, old]
            ).rowcount
        )
        for table in _CHAT_TABLES:
            db.execute(f"UPDATE OR IGNORE {table} SET chat_id = ? WHERE chat_id = ?", [new, old])
            db.execute(f"DELETE FROM {table} WHERE chat_id = ?", [old])
    return moved


def set_ui_lang(db: sqlite_utils.Database, chat_id: int, lang: str | None) -> None:
    """The interface language a user chose, or None to follow Telegram's."""
    db.execute("UPDATE users SET ui_lang = ? WHERE chat_id = ?", [lang, chat_id])


def ui_lang(db: sqlite_utils.Database, chat_id: int) -> str | None:
    """The interface language a user chose with /lang, if any."""
    row = db.execute("SELECT ui_lang FROM users WHERE chat_id = ?", [chat_id]).fetchone()
    return row[0] if row else None


def set_headlines(db: sqlite_utils.Database, chat_id: int, choice: str | None) -> None:
    """How a user wants headlines in lists ('ar', 'en', 'both'), or None for the default."""
    db.execute("UPDATE users SET headlines = ? WHERE chat_id = ?", [choice, chat_id])


def headlines(db: sqlite_utils.Database, chat_id: int) -> str | None:
    """The headline language a user chose, if any."""
    row = db.execute("SELECT headlines FROM users WHERE chat_id = ?", [chat_id]).fetchone()
    return row[0] if row else None
