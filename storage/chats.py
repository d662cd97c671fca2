"""The chats the bot is in (as my_chat_member tells) and the channels linked to readers."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlite_utils

from bot.models import Channel
from storage.db import writing
from storage.timefmt import to_db

# Statuses in which the bot is in a chat; "left" and "kicked" mean it is not.
PRESENT = ("member", "administrator", "creator", "restricted")


def record_membership(
    db: sqlite_utils.Database,
    chat_id: int,
    *,
    chat_type: str,
    title: str | None,
    status: str,
    can_post: bool,
    by: int | None,
    now: datetime,
) -> None:
    """Keep the bot's latest status in a chat, and when it was last added or removed."""
    stamp = to_db(now)
    present = status in PRESENT
    db.execute(
        """
        INSERT INTO bot_chats (chat_id, chat_type, title, status, can_post, added_at,
                               removed_at, changed_at, changed_by)
        VALUES (:chat, :type, :title, :status, :post, :added, :removed, :now, :by)
        ON CONFLICT(chat_id) DO UPDATE SET chat_type = excluded.chat_type,
            title = excluded.title, status = excluded.status, can_post = excluded.can_post,
            added_at = CASE WHEN :present AND bot_chats.status NOT IN
                ('member', 'administrator', 'creator', 'restricted') THEN :now
                ELSE bot_chats.added_at END,
            removed_at = CASE WHEN :present THEN bot_chats.removed_at ELSE :now END,
            changed_at = :now, changed_by = :by
        """,
        {
            "chat": chat_id, "type": chat_type, "title": title, "status": status,
            "post": int(can_post), "added": stamp if present else None,
            "removed": None if present else stamp, "now": stamp, "by": by,
            "present": int(present),
        },
    )  # fmt: skip


def membership(db: sqlite_utils.Database, chat_id: int) -> dict[str, Any] | None:
    """The bot's recorded status in a chat, if any update told it."""
    cursor = db.execute("SELECT * FROM bot_chats WHERE chat_id = ?", [chat_id])
    row = cursor.fetchone()
    if row is None:
        return None
    return dict(zip([d[0] for d in cursor.description], row, strict=True))


_CHANNEL = "chat_id, title, username, owner_id, alerts, paused_at"


def _channel(row: Sequence[Any]) -> Channel:
    return Channel(
        chat_id=row[0], title=row[1], username=row[2], owner_id=row[3],
        alerts=bool(row[4]), paused=row[5] is not None,
    )  # fmt: skip


def link_channel(
    db: sqlite_utils.Database,
    chat_id: int,
    *,
    title: str,
    username: str | None,
    owner_id: int,
    now: datetime,
) -> Channel:
    """Link a channel to the person who administers it, or link it again (unpausing it)."""
    db.execute(
        """
        INSERT INTO channels (chat_id, title, username, owner_id, linked_at)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(chat_id) DO UPDATE SET title = excluded.title,
            username = excluded.username, owner_id = excluded.owner_id,
            linked_at = excluded.linked_at, paused_at = NULL, paused_reason = NULL
        """,
        [chat_id, title, username, owner_id, to_db(now)],
    )
    found = get_channel(db, chat_id)
    assert found is not None
    return found


def get_channel(db: sqlite_utils.Database, chat_id: int) -> Channel | None:
    """One linked channel."""
    row = db.execute(f"SELECT {_CHANNEL} FROM channels WHERE chat_id = ?", [chat_id]).fetchone()
    return _channel(row) if row else None


def channels_of(db: sqlite_utils.Database, owner_id: int) -> list[Channel]:
    """The channels a person linked, in the order they linked them."""
    rows = db.execute(
        f"SELECT {_CHANNEL} FROM channels WHERE owner_id = ? ORDER BY linked_at, chat_id",
        [owner_id],
    ).fetchall()
    return [_channel(row) for row in rows]


def set_channel_alerts(db: sqlite_utils.Database, chat_id: int, on: bool) -> None:
    """Turn the owner's follow alerts in a channel on or off."""
    db.execute("UPDATE channels SET alerts = ? WHERE chat_id = ?", [int(on), chat_id])


def unlink_channel(db: sqlite_utils.Database, chat_id: int) -> None:
    """Forget a channel: its link, digest settings, ledger and alerts."""
    with writing(db):
        for table in ("alerts", "follows", "deliveries", "subscriptions", "channels"):
            db.execute(f"DELETE FROM {table} WHERE chat_id = ?", [chat_id])


def pause_channel(
    db: sqlite_utils.Database, chat_id: int, reason: str, now: datetime
) -> Channel | None:
    """Pause a linked channel's digest and alerts; the channel the first time only, else None.

    Several signs of the same loss (a 403 on a send, then a my_chat_member update) pause
    it once, so its owner is told once.
    """
    with writing(db):
        moved = db.execute(
            "UPDATE channels SET paused_at = ?, paused_reason = ? "
            "WHERE chat_id = ? AND paused_at IS NULL",
            [to_db(now), reason, chat_id],
        )
        if not moved.rowcount:
            return None
        db.execute(
            "UPDATE subscriptions SET active = 0, deactivated_reason = 'paused' WHERE chat_id = ?",
            [chat_id],
        )
        # What was queued for it will not go out: the bot cannot post there.
        db.execute(
            "UPDATE alerts SET sent_at = ? WHERE chat_id = ? AND sent_at IS NULL",
            [to_db(now), chat_id],
        )
    return get_channel(db, chat_id)


def lost_channels(db: sqlite_utils.Database) -> list[int]:
    """Linked channels, not yet paused, whose digest Telegram refused (the bot lost its rights)."""
    rows = db.execute(
        "SELECT c.chat_id FROM channels c JOIN subscriptions s ON s.chat_id = c.chat_id "
        "WHERE c.paused_at IS NULL AND s.active = 0 AND s.deactivated_reason = 'blocked'"
    )
    return [row[0] for row in rows]
