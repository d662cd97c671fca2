"""The people who talk to the bot."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from bot.models import ChatUser
from storage.timefmt import to_db


def touch_user(db: sqlite_utils.Database, user: ChatUser, now: datetime) -> None:
    """Record that this chat talked to the bot now, keeping when it first did."""
    stamp = to_db(now)
    db.execute(
        """
        INSERT INTO users (chat_id, user_id, language_code, first_seen, last_seen)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT(chat_id) DO UPDATE SET
            user_id = excluded.user_id,
            language_code = excluded.language_code,
            last_seen = excluded.last_seen
        """,
        [user.chat_id, user.user_id, user.language_code, stamp, stamp],
    )


def language_code(db: sqlite_utils.Database, chat_id: int) -> str | None:
    """The Telegram language code this chat last used, if it ever talked to the bot."""
    row = db.execute("SELECT language_code FROM users WHERE chat_id = ?", [chat_id]).fetchone()
    return row[0] if row else None
