"""Full-text search over the stemmed stories."""

from __future__ import annotations

from collections.abc import Sequence

import sqlite_utils

from bot.models import SearchHit
from storage import views


def fts_query(groups: Sequence[Sequence[str]]) -> str:
    """An FTS5 MATCH expression: every group must match, any reading within a group.

    Each term is quoted, so user text can never be read as FTS5 syntax.
    """
    clauses = []
    for group in groups:
        # FTS5 reads its query as a C string: a NUL would end it inside the quotes.
        clean = (term.replace("\0", "") for term in group)
        terms = " OR ".join('"' + term.replace('"', '""') + '"' for term in clean if term)
        if terms:
            clauses.append(f"({terms})")
    return " AND ".join(clauses)


def search_stories(
    db: sqlite_utils.Database, groups: Sequence[Sequence[str]], *, limit: int, offset: int
) -> tuple[list[SearchHit], int]:
    """Shown stories matching every group, best first (bm25), with the total count."""
    match = fts_query(groups)
    if not match:
        return [], 0
    # One pass: the FTS query runs once, first (joined directly, SQLite would run the MATCH
    # again for each story), and the shown filter and date come from the covering index,
    # not from the large story rows. Every shown hit's id comes back: their number is the
    # total, the first ones the page.
    ranked = db.execute(
        "WITH hits AS MATERIALIZED (SELECT rowid AS id, rank FROM stories_fts "
        "WHERE stories_fts MATCH ?) "
        f"SELECT s.id FROM hits JOIN stories s {views.BY_ID} ON s.id = hits.id "
        f"WHERE {views.SHOWN} ORDER BY hits.rank, s.sort_at DESC",
        [match],
    ).fetchall()
    page = [row[0] for row in ranked[offset : offset + limit]]
    if not page:
        return [], len(ranked)
    marks = ",".join("?" for _ in page)
    rows = db.execute(
        f"SELECT {views.COLUMNS}, s.body FROM stories s {views.JOINS} WHERE s.id IN ({marks})",
        page,
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    hits = [by_id[story_id] for story_id in page if story_id in by_id]
    body = views.WIDTH
    return [SearchHit(story=views.story_view(row), body=row[body]) for row in hits], len(ranked)
