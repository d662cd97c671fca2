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


# Hits read past the page, so that a tie on the page's last score is seen whole: a group of
# equal scores (the same text told twice) is ordered newest first across the page's edge.
_TIE_MARGIN = 20


def search_stories(
    db: sqlite_utils.Database, groups: Sequence[Sequence[str]], *, limit: int, offset: int
) -> tuple[list[SearchHit], int]:
    """Shown stories matching every group, best first (bm25, then newest), with the total count.

    The index holds the shown stories only (migration 14): it counts them alone, and ranks
    them alone, reading just the page and a margin from the stories table.
    """
    match = fts_query(groups)
    if not match:
        return [], 0
    total = int(
        db.execute("SELECT COUNT(*) FROM stories_fts WHERE stories_fts MATCH ?", [match])
        .fetchone()[0]
    )  # fmt: skip
    if offset >= total:
        return [], total
    page = _page_ids(db, match, offset, limit)
    marks = ",".join("?" for _ in page)
    rows = db.execute(
        f"SELECT {views.COLUMNS}, s.body FROM stories s {views.JOINS} "
        f"WHERE s.id IN ({marks}) AND {views.SHOWN}",
        page,
    ).fetchall()
    by_id = {row[0]: row for row in rows}
    hits = [by_id[story_id] for story_id in page if story_id in by_id]
    body = views.WIDTH
    return [SearchHit(story=views.story_view(row), body=row[body]) for row in hits], total


def _page_ids(db: sqlite_utils.Database, match: str, offset: int, limit: int) -> list[int]:
    """The ids of one page of hits, in bm25 order, equal scores newest first."""
    wanted = offset + limit
    # bm25() named outright: ordering by the `rank` column costs a third more at 100k.
    best = db.execute(
        "SELECT rowid, bm25(stories_fts) AS score FROM stories_fts WHERE stories_fts MATCH ? "
        "ORDER BY score LIMIT ?",
        [match, wanted + _TIE_MARGIN],
    ).fetchall()
    cut = len(best) == wanted + _TIE_MARGIN
    if cut and len(best) >= wanted and best[wanted - 1][1] == best[-1][1]:
        # The page ends inside a tie longer than the margin: order every hit.
        return [
            row[0]
            for row in db.execute(
                "WITH hits AS MATERIALIZED (SELECT rowid AS id, bm25(stories_fts) AS score "
                "FROM stories_fts WHERE stories_fts MATCH ?) "
                f"SELECT s.id FROM hits JOIN stories s {views.BY_ID} ON s.id = hits.id "
                "ORDER BY hits.score, s.sort_at DESC LIMIT ? OFFSET ?",
                [match, limit, offset],
            )
        ]
    marks = ",".join("?" for _ in best)
    when = dict(
        db.execute(
            f"SELECT id, sort_at FROM stories {views.BY_ID} WHERE id IN ({marks})",
            [row[0] for row in best],
        ).fetchall()
    )
    # Newest first, then (a stable sort) by score: equal scores stay newest first.
    ordered = sorted(best, key=lambda row: when.get(row[0]) or "", reverse=True)
    ordered.sort(key=lambda row: row[1])
    return [row[0] for row in ordered[offset:wanted]]
