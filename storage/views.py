"""The one way stories are read for display: columns, grouping and the row mapper."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.models import StoryView
from storage.timefmt import believed_date, from_db

# A group of the same story told by several outlets is shown once, through its first story.
SHOWN = "s.relevant = 1 AND (s.cluster_id IS NULL OR s.cluster_id = s.id)"

COLUMNS = """
s.id, s.headline, s.lead, COALESCE(s.published_at, a.published_at), a.url, src.name,
src.name_ar,
CASE WHEN s.cluster_id IS NULL THEN 1 ELSE (
    SELECT COUNT(DISTINCT a2.source_id) FROM stories s2 JOIN articles a2 ON a2.id = s2.article_id
    WHERE s2.cluster_id = s.id
) END,
a.fetched_at, src.kind
"""
# How many values COLUMNS gives: a query's own extra columns come after them.
WIDTH = 10

JOINS = """
JOIN articles a ON a.id = s.article_id
JOIN sources src ON src.id = a.source_id
"""

ORDER = "ORDER BY s.sort_at DESC, s.article_id DESC, s.position ASC"

# For a join that reaches stories by id and needs only id, relevant, cluster_id and sort_at:
# the covering index answers without reading the large story rows, which SQLite would
# otherwise do, since a rowid lookup always looks cheaper to it.
BY_ID = "INDEXED BY stories_shown_by_id"


def story_view(row: Sequence[Any]) -> StoryView:
    """A StoryView from a row that starts with COLUMNS."""
    stored = from_db(row[8])
    return StoryView(
        id=row[0],
        headline=row[1],
        lead=row[2] or "",
        # A date the story cannot have (too far past when it was stored) is not shown: the
        # story shows when it was stored, as it sorts (see storage.timefmt.sort_date).
        published_at=believed_date(from_db(row[3]), stored),
        url=row[4],
        outlet=row[5],
        outlet_ar=row[6] or row[5],
        sources=max(1, int(row[7] or 1)),
        stored_at=stored,
        source_kind=row[9] or "",
    )
