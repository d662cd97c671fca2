"""The bot's memberships, linked channels and forum topics, in the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from storage import chats
from storage import subscriptions as subs
from storage.db import connect

NOW = datetime(2026, 11, 29, 5, 0, tzinfo=UTC)
CHANNEL = -1001234567890
OWNER = 1001


def _db(tmp_path: Path) -> sqlite_utils.Database:
    return connect(tmp_path / "chats.db")


def _subscribe(db: sqlite_utils.Database, chat_id: int, thread_id: int | None = None) -> None:
    subs.subscribe(
        db, chat_id, local_time="08:00", timezone="Africa/Tripoli", digest_lang="ar",
        next_due=NOW + timedelta(hours=1), now=NOW, thread_id=thread_id,
    )  # fmt: skip


def test_membership_keeps_when_the_bot_was_added_and_removed(tmp_path: Path) -> None:
    db = _db(tmp_path)
    assert chats.membership(db, -5) is None
    chats.record_membership(
        db, -5, chat_type="group", title="Desk", status="member", can_post=True, by=7, now=NOW
    )
    later = NOW + timedelta(days=1)
    chats.record_membership(
        db, -5, chat_type="group", title="Desk", status="kicked", can_post=False, by=8, now=later
    )
    row = chats.membership(db, -5)
    assert row is not None
    assert (row["status"], row["added_at"], row["removed_at"], row["changed_by"]) == (
        "kicked", "2026-11-29T05:00:00+00:00", "2026-11-30T05:00:00+00:00", 8,
    )  # fmt: skip
    back = NOW + timedelta(days=2)
    chats.record_membership(
        db, -5, chat_type="group", title="Desk", status="administrator", can_post=True, by=7,
        now=back,
    )  # fmt: skip
    row = chats.membership(db, -5)
    assert row is not None and row["added_at"] == "2026-12-01T05:00:00+00:00"
    # A promotion is not an addition: added_at stays.
    chats.record_membership(
        db, -5, chat_type="group", title="Desk", status="member", can_post=True, by=7,
        now=back + timedelta(hours=1),
    )  # fmt: skip
    row = chats.membership(db, -5)
    assert row is not None and row["added_at"] == "2026-12-01T05:00:00+00:00"


def test_a_channel_is_paused_once_and_linking_it_again_resumes_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    channel = chats.link_channel(
        db, CHANNEL, title="Libya Desk", username="libyadesk", owner_id=OWNER, now=NOW
    )
    assert (channel.paused, channel.alerts, channel.owner_id) == (False, False, OWNER)
    _subscribe(db, CHANNEL)
    assert chats.lost_channels(db) == []
    subs.deactivate(db, CHANNEL, "blocked")  # a send was refused
    assert chats.lost_channels(db) == [CHANNEL]

    first = chats.pause_channel(db, CHANNEL, "refused", NOW)
    assert first is not None and first.paused
    assert chats.pause_channel(db, CHANNEL, "removed", NOW) is None  # told once
    assert chats.lost_channels(db) == []
    sub = subs.get_subscription(db, CHANNEL)
    assert sub is not None and not sub.active

    again = chats.link_channel(db, CHANNEL, title="Libya Desk", username=None, owner_id=9, now=NOW)
    assert (again.paused, again.owner_id, again.username) == (False, 9, None)


def test_forget_takes_the_channels_a_person_linked(tmp_path: Path) -> None:
    db = _db(tmp_path)
    chats.link_channel(db, CHANNEL, title="Desk", username=None, owner_id=OWNER, now=NOW)
    chats.link_channel(db, -1009, title="Other", username=None, owner_id=42, now=NOW)
    _subscribe(db, CHANNEL)
    _subscribe(db, -1009)
    assert [row["chat_id"] for row in subs.user_data(db, OWNER)["channels"]] == [CHANNEL]
    subs.forget(db, OWNER)
    assert chats.get_channel(db, CHANNEL) is None
    assert subs.get_subscription(db, CHANNEL) is None
    assert chats.get_channel(db, -1009) is not None  # someone else's


def test_a_forum_topic_is_kept_and_a_new_subscribe_moves_it(tmp_path: Path) -> None:
    db = _db(tmp_path)
    _subscribe(db, -100777, thread_id=12)
    sub = subs.get_subscription(db, -100777)
    assert sub is not None and sub.thread_id == 12
    assert subs.threads(db) == {-100777: 12}
    _subscribe(db, -100777, thread_id=None)  # /subscribe again, in General
    assert subs.threads(db) == {}
