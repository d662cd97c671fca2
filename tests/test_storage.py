"""The schema, its migrations, the store's thread, and loading the seeds."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
import sqlite_utils

from bot.services import Services
from storage import DatabaseError, Store
from storage.db import MIGRATIONS, connect, migrate, schema_version
from tests.conftest import FIXED_NOW, SEEDS

EXPECTED_TABLES = {"sources", "articles", "stories", "users"}


def test_migrations_on_an_empty_database(tmp_path: Path) -> None:
    db = connect(tmp_path / "fresh.db")
    assert schema_version(db) == len(MIGRATIONS)
    assert set(db.table_names()) >= EXPECTED_TABLES
    assert db.journal_mode == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    # A second open applies nothing.
    db.conn.close()
    again = connect(tmp_path / "fresh.db")
    assert migrate(again) == 0


def test_migrations_upgrade_an_existing_database_keeping_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    old = sqlite_utils.Database(path)
    assert migrate(old, MIGRATIONS[:1]) == 1
    assert schema_version(old) == 1
    old.table("sources").insert(
        {"url": "seed:x", "name": "X", "kind": "seed", "added_at": "2021-12-01T00:00:00+00:00"}
    )
    assert "users" not in old.table_names()
    old.conn.close()

    upgraded = connect(path)
    assert schema_version(upgraded) == len(MIGRATIONS)
    assert "users" in upgraded.table_names()
    assert [row["url"] for row in upgraded.table("sources").rows] == ["seed:x"]


def test_a_failing_migration_leaves_the_database_as_it_was(tmp_path: Path) -> None:
    def broken(db: sqlite_utils.Database) -> None:
        db.table("half_done").create({"id": int}, pk="id")
        raise sqlite3.OperationalError("simulated failure mid-migration")

    db = sqlite_utils.Database(tmp_path / "x.db")
    with pytest.raises(sqlite3.OperationalError):
        migrate(db, (*MIGRATIONS[:1], broken))
    assert schema_version(db) == 1
    assert "half_done" not in db.table_names()


def test_a_database_from_a_newer_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    db = sqlite_utils.Database(path)
    db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    db.conn.close()
    with pytest.raises(DatabaseError, match="newer than this program"):
        connect(path)


def test_an_unopenable_database_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(DatabaseError, match="cannot open database"):
        connect(tmp_path / "dir.db")


async def test_every_call_runs_on_the_store_thread(store: Store) -> None:
    names = await store.run(lambda db: threading.current_thread().name)
    assert names.startswith("sqlite")
    assert names != threading.current_thread().name


async def test_seeds_load_once_and_split_into_stories(services: Services) -> None:
    first = await services.load_seeds(SEEDS)
    assert (first.added, first.updated, first.unchanged) == (1, 0, 0)
    second = await services.load_seeds(SEEDS)
    assert (second.added, second.updated, second.unchanged) == (0, 0, 1)
    page = await services.latest(20)
    assert page.total == 2
    assert [s.headline for s in page.stories] == [
        "مباحثات بين الخارجية الليبية والروسية بشأن خروج القوات الأجنبية والمرتزقة",
        "وزيرة الخارجية تلتقي سفيرة المملكة المتحدة لدى ليبيا",
    ]
    assert {s.outlet for s in page.stories} == {"Al-Dostor"}
    assert {s.outlet_ar for s in page.stories} == {"الدستور"}
    assert all(s.published_at is None for s in page.stories)
    fetched = await services.store.run(
        lambda db: [row["fetched_at"] for row in db.table("articles").rows]
    )
    assert fetched == [FIXED_NOW.isoformat()]


async def test_an_edited_seed_is_updated_not_duplicated(services: Services, tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    await services.load_seeds(seeds)
    page_file = seeds / "000_f551a4bf6189d43b.txt"
    extra = "\n\nالمبعوث الأممي يزور طرابلس لبحث المسار السياسي\n\nوصل المبعوث إلى طرابلس اليوم.\n"
    page_file.write_text(page_file.read_text(encoding="utf-8") + extra, encoding="utf-8")

    report = await services.load_seeds(seeds)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 0)
    counts = await services.store.run(
        lambda db: (db.table("articles").count, db.table("sources").count)
    )
    assert counts == (1, 1)
    page = await services.latest(20)
    assert page.total == 3
    assert page.stories[-1].headline == "المبعوث الأممي يزور طرابلس لبحث المسار السياسي"


async def test_seed_file_is_kept_byte_for_byte() -> None:
    shared = SEEDS.parent.parent / "shared" / "seeds" / "000_f551a4bf6189d43b.txt"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    assert (SEEDS / "000_f551a4bf6189d43b.txt").read_bytes() == shared.read_bytes()


async def test_latest_pages_newest_first(services: Services) -> None:
    await services.load_seeds(SEEDS)
    first = await services.latest(1, 0)
    second = await services.latest(1, 1)
    assert first.has_more and not second.has_more
    assert first.stories[0].id != second.stories[0].id
    assert (await services.latest(1000, -5)).limit == 20  # clamped, never an error
