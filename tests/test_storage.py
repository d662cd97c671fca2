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
from storage.rows import Totals, cached_count
from tests.conftest import FIXED_NOW, SEEDS, store_story_not_about_libya

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


def _one_article(db: sqlite_utils.Database) -> None:
    """A source and one article of it, as rows, for stories to hang on."""
    db.table("sources").insert(
        {"url": "seed:x", "name": "X", "kind": "seed", "added_at": "2021-12-01T00:00:00+00:00"}
    )
    db.table("articles").insert(
        {"source_id": 1, "fetched_at": "2021-12-01T00:00:00+00:00", "content_hash": "h",
         "raw_text": "t"}
    )  # fmt: skip


def test_migration_three_indexes_stories_already_stored(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    old = sqlite_utils.Database(path)
    migrate(old, MIGRATIONS[:2])
    _one_article(old)
    old.table("stories").insert(
        {"article_id": 1, "position": 0, "headline": "h", "body": "b",
         "sort_at": "2021-12-01T00:00:00+00:00"}
    )  # fmt: skip
    old.conn.close()
    db = connect(path)
    row = db.execute("SELECT relevant, analysis_version, search_stems FROM stories").fetchone()
    assert row == (None, 0, "")  # kept, and waiting for the analysis
    db.execute("UPDATE stories SET search_stems = 'انتخاب', relevant = 1 WHERE id = 1")
    hits = db.execute("SELECT rowid FROM stories_fts WHERE stories_fts MATCH 'انتخاب'").fetchall()
    assert hits == [(1,)]  # the triggers keep the index in step


def _indexed(db: sqlite_utils.Database) -> list[int]:
    return [
        row[0] for row in db.execute("SELECT rowid FROM stories_fts WHERE stories_fts MATCH 'ليب'")
    ]


def test_the_search_index_holds_exactly_the_shown_stories(tmp_path: Path) -> None:
    db = connect(tmp_path / "fts.db")
    _one_article(db)
    for position in range(3):
        db.table("stories").insert(
            {"article_id": 1, "position": position, "headline": "h", "body": "b",
             "sort_at": "2021-12-01T00:00:00+00:00", "search_stems": "ليب"}
        )  # fmt: skip
    assert _indexed(db) == []  # not analyzed yet: not shown
    db.execute("UPDATE stories SET relevant = 1")
    assert _indexed(db) == [1, 2, 3]
    db.execute("UPDATE stories SET relevant = 0 WHERE id = 3")
    assert _indexed(db) == [1, 2]
    # 2 joins 1's group: only the first of a group is shown.
    db.execute("UPDATE stories SET cluster_id = 1 WHERE id IN (1, 2)")
    assert _indexed(db) == [1]
    db.execute("UPDATE stories SET search_stems = 'ليب جديد' WHERE id = 1")
    assert _indexed(db) == [1]
    db.execute("UPDATE stories SET cluster_id = NULL WHERE id = 2")
    db.execute("DELETE FROM stories WHERE id = 1")
    assert _indexed(db) == [2]
    # What the index holds matches the shown stories' text, token for token.
    db.execute("INSERT INTO stories_fts(stories_fts, rank) VALUES ('integrity-check', 1)")


async def test_stories_are_analyzed_once_and_again_when_the_analysis_changes(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot import services as services_module

    await services.load_seeds(SEEDS)
    assert await services.analyze_pending() == 0  # load_seeds analyzed them already
    monkeypatch.setattr(services_module, "ANALYSIS_VERSION", services_module.ANALYSIS_VERSION + 1)
    assert await services.analyze_pending() == 2
    assert await services.analyze_pending() == 0
    mentions = await services.store.run(lambda db: db.table("mentions").count)
    assert mentions > 0
    # Re-analysis replaces, never duplicates.
    keys = await services.store.run(
        lambda db: [r[0] for r in db.execute("SELECT actor_key FROM mentions WHERE story_id = 1")]
    )
    assert len(keys) == len(set(keys)) and "najla_mangoush" in keys


async def test_an_irrelevant_story_is_stored_but_never_listed(services: Services) -> None:
    await services.load_seeds(SEEDS)
    await store_story_not_about_libya(services)
    stored = await services.store.run(lambda db: db.table("stories").count)
    page = await services.latest(20)
    assert stored == 3
    assert page.total == 2
    assert "ليبيريا" not in " ".join(s.headline for s in page.stories)


async def test_the_same_story_from_two_outlets_is_listed_once_with_its_sources(
    services: Services,
) -> None:
    import json

    from bot.models import StoryDraft
    from storage import articles, sources

    pairs = json.loads(
        (Path(__file__).parent / "fixtures" / "cluster" / "pairs.json").read_text("utf-8")
    )
    pair = next(p for p in pairs["same"] if p["id"] == "mangoush_russian_delegation")
    for n, text in enumerate((pair["a"], pair["b"])):
        headline, _, body = text.partition("\n")
        source = await services.store.run(
            sources.ensure_source, url=f"seed:outlet{n}", name=f"Outlet {n}", name_ar="منفذ",
            kind="seed", language="ar", now=FIXED_NOW,
        )  # fmt: skip
        draft = StoryDraft(position=0, headline=headline, body=body, lead=body[:200])
        await services.store.run(
            articles.upsert_seed_article, seed_key=f"o{n}", source_id=source, url=None,
            language="ar", published_at=FIXED_NOW, content_hash=f"h{n}", raw_text=text,
            stories=[draft], now=FIXED_NOW,
        )  # fmt: skip
    await services.analyze_pending()
    page = await services.latest(20)
    assert page.total == 1
    assert page.stories[0].sources == 2


async def test_a_discovered_person_gets_the_translators_english_name(
    store: Store, knowledge: object
) -> None:
    from bot.analysis.knowledge import Knowledge

    assert isinstance(knowledge, Knowledge)
    asked: list[str] = []

    async def english(arabic: str) -> str | None:
        asked.append(arabic)
        return "Ivan Molotkov" if arabic == "إيفان مولوتكوف" else None

    services = Services(store, knowledge, clock=lambda: FIXED_NOW, english_name=english)
    await services.load_seeds(SEEDS)
    names = await services.store.run(
        lambda db: dict(
            db.execute("SELECT name_ar, name_en FROM actors WHERE known = 0").fetchall()
        )
    )
    assert names["إيفان مولوتكوف"] == "Ivan Molotkov"
    assert "إيفان مولوتكوف" in asked
    # Without an answer the rule-based romanization stays.
    assert all(en for en in names.values())


def test_a_cached_count_is_counted_again_after_any_write_and_only_then(tmp_path: Path) -> None:
    mine, other = connect(tmp_path / "c.db"), connect(tmp_path / "c.db")
    totals: Totals = {}
    sql = "SELECT COUNT(*) FROM state"
    assert cached_count(mine, totals, "k", sql, []) == 0
    totals["k"] = (totals["k"][0], 99)  # nothing changed: the kept count is served
    assert cached_count(mine, totals, "k", sql, []) == 99
    mine.execute("INSERT INTO state (key, value) VALUES ('a', '1')")
    mine.conn.commit()
    assert cached_count(mine, totals, "k", sql, []) == 1  # this connection wrote
    other.execute("INSERT INTO state (key, value) VALUES ('b', '2')")
    other.conn.commit()
    assert cached_count(mine, totals, "k", sql, []) == 2  # another connection wrote
    assert cached_count(mine, None, "k", sql, []) == 2
