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
    # The FTS query runs once, first; joined directly, SQLite would scan the stories and
    # run the MATCH again for each one (1.2 s instead of 15 ms at 20k stories).
    hits = "WITH hits AS MATERIALIZED (SELECT rowid AS id, rank FROM stories_fts " \
        "WHERE stories_fts MATCH ?)"  # fmt: skip
    base = f"FROM hits JOIN stories s ON s.id = hits.id {views.JOINS} WHERE {views.SHOWN}"
    total = int(db.execute(f"{hits} SELECT COUNT(*) {base}", [match]).fetchone()[0])
    rows = db.execute(
        f"{hits} SELECT {views.COLUMNS}, s.body {base} ORDER BY hits.rank, s.sort_at DESC "
        "LIMIT ? OFFSET ?",
        [match, limit, offset],
    ).fetchall()
    return [SearchHit(story=views.story_view(row), body=row[8]) for row in rows], total
