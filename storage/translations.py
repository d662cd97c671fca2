"""Cached machine translations: stories' headlines and leads, and discovered people's names."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import Any, TypeVar

import sqlite_utils

from bot.models import Translation
from storage.db import writing
from storage.timefmt import to_db

T = TypeVar("T")

# SQLite allows 999 bound parameters in older builds; stay well under it.
_CHUNK = 500


def _chunks(values: Sequence[T]) -> Iterator[tuple[list[T], str]]:
    """The distinct values, a chunk at a time, each with its "?,?,..." placeholders."""
    unique = list(dict.fromkeys(values))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        yield chunk, ",".join("?" for _ in chunk)


def cached_translations(
    db: sqlite_utils.Database, story_ids: list[int], lang: str
) -> dict[int, Translation]:
    """The stored translations into `lang` of these stories, by story id."""
    found: dict[int, Translation] = {}
    for chunk, marks in _chunks(story_ids):
        rows = db.execute(
            "SELECT story_id, lang, headline, lead FROM translations "
            f"WHERE lang = ? AND story_id IN ({marks})",
            [lang, *chunk],
        )
        for story_id, row_lang, headline, lead in rows:
            found[int(story_id)] = Translation(
                story_id=int(story_id), lang=str(row_lang), headline=headline, lead=lead
            )
    return found


def save_translations(
    db: sqlite_utils.Database, items: list[Translation], provider: str, now: datetime
) -> None:
    """Store these translations, replacing any earlier one of the same story and language."""
    if not items:
        return
    created_at = to_db(now)
    with writing(db):
        db.conn.executemany(
            "INSERT INTO translations (story_id, lang, headline, lead, provider, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (story_id, lang) DO UPDATE SET headline = excluded.headline, "
            "lead = excluded.lead, provider = excluded.provider, "
            "created_at = excluded.created_at",
            [(t.story_id, t.lang, t.headline, t.lead, provider, created_at) for t in items],
        )


def cached_name(db: sqlite_utils.Database, text: str, lang: str) -> str | None:
    """The stored translation of a name into `lang`, None when there is none."""
    row = db.execute(
        "SELECT translated FROM name_translations WHERE source_text = ? AND lang = ?",
        [text, lang],
    ).fetchone()
    return None if row is None else str(row[0])


def save_name(
    db: sqlite_utils.Database,
    text: str,
    lang: str,
    translated: str,
    provider: str,
    now: datetime,
) -> None:
    """Store a name's translation into `lang`, replacing any earlier one."""
    save_names(db, {text: translated}, lang, provider, now)


def cached_headlines(db: sqlite_utils.Database, story_ids: list[int], lang: str) -> dict[int, str]:
    """The stored translations into `lang` of these stories' headlines, by story id.

    A headline translated alone (for a list) and a whole story translated (by its 🌐
    button or a digest) both serve.
    """
    found: dict[int, str] = {}
    for chunk, marks in _chunks(story_ids):
        rows = db.execute(
            f"SELECT story_id, headline FROM headline_translations "
            f"WHERE lang = ? AND story_id IN ({marks}) "
            f"UNION ALL SELECT story_id, headline FROM translations "
            f"WHERE lang = ? AND story_id IN ({marks})",
            [lang, *chunk, lang, *chunk],
        )
        found.update((int(story_id), str(text)) for story_id, text in rows if text)
    return found


def save_headlines(
    db: sqlite_utils.Database, items: dict[int, str], lang: str, provider: str, now: datetime
) -> None:
    """Store these headlines' translations into `lang`, by story id."""
    _upsert(db, "headline_translations", ("story_id", "headline"), items, lang, provider, now)


def cached_names(db: sqlite_utils.Database, texts: list[str], lang: str) -> dict[str, str]:
    """The stored translations into `lang` of these names (outlets, people, roles)."""
    found: dict[str, str] = {}
    for chunk, marks in _chunks(texts):
        rows = db.execute(
            "SELECT source_text, translated FROM name_translations "
            f"WHERE lang = ? AND source_text IN ({marks})",
            [lang, *chunk],
        )
        found.update((str(text), str(english)) for text, english in rows)
    return found


def save_names(
    db: sqlite_utils.Database, items: dict[str, str], lang: str, provider: str, now: datetime
) -> None:
    """Store these names' translations into `lang`, replacing earlier ones."""
    _upsert(db, "name_translations", ("source_text", "translated"), items, lang, provider, now)


def _upsert(
    db: sqlite_utils.Database,
    table: str,
    columns: tuple[str, str],
    items: Mapping[Any, str],
    lang: str,
    provider: str,
    now: datetime,
) -> None:
    """Store (key, translation) pairs of one cache table, replacing earlier ones."""
    if not items:
        return
    key, value = columns
    created_at = to_db(now)
    with writing(db):
        db.conn.executemany(
            f"INSERT INTO {table} ({key}, lang, {value}, provider, created_at) "
            "VALUES (?, ?, ?, ?, ?) "
            f"ON CONFLICT ({key}, lang) DO UPDATE SET {value} = excluded.{value}, "
            "provider = excluded.provider, created_at = excluded.created_at",
            [(k, lang, text, provider, created_at) for k, text in items.items()],
        )
