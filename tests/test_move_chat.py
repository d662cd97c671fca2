"""move_chat: a group's rows follow it to its supergroup id, and nothing stays behind."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils

from storage import subscriptions as subs
from storage.db import connect

NOW = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
OLD, NEW = -4001, -1004009


def subscribed(db: sqlite_utils.Database, chat_id: int, at: str) -> None:
    subs.subscribe(
        db, chat_id, local_time=at, timezone="Africa/Tripoli", digest_lang="ar",
        next_due=NOW, now=NOW,
    )  # fmt: skip


def rows(db: sqlite_utils.Database, chat_id: int) -> dict[str, int]:
    return {
        table: db.execute(f"SELECT COUNT(*) FROM {table} WHERE chat_id = ?", [chat_id]).fetchone()[
            0
        ]
        for table in ("subscriptions", "follows")
    }


def test_everything_moves_and_the_old_id_keeps_nothing(tmp_path: Path) -> None:
    db = connect(tmp_path / "m.db")
    subscribed(db, OLD, "07:00")
    subs.follow(db, OLD, "topic", "elections", NOW)
    assert subs.move_chat(db, OLD, NEW)
    assert rows(db, OLD) == {"subscriptions": 0, "follows": 0}
    assert rows(db, NEW) == {"subscriptions": 1, "follows": 1}
    assert not subs.move_chat(db, OLD, NEW)  # the second service message: nothing left


def test_what_the_new_id_has_already_is_kept(tmp_path: Path) -> None:
    db = connect(tmp_path / "m.db")
    subscribed(db, OLD, "07:00")
    subscribed(db, NEW, "09:30")
    subs.follow(db, OLD, "topic", "elections", NOW)
    subs.follow(db, NEW, "topic", "elections", NOW)
    assert not subs.move_chat(db, OLD, NEW)
    sub = subs.get_subscription(db, NEW)
    assert sub is not None and sub.local_time == "09:30"
    assert rows(db, OLD) == {"subscriptions": 0, "follows": 0}
    assert rows(db, NEW) == {"subscriptions": 1, "follows": 1}
