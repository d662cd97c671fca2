"""The sources table: where articles come from."""

from __future__ import annotations

from datetime import datetime

import sqlite_utils

from storage.rows import last_id
from storage.timefmt import to_db


def ensure_source(
    db: sqlite_utils.Database,
    *,
    url: str,
    name: str,
    name_ar: str,
    kind: str,
    language: str,
    now: datetime,
) -> int:
    """The id of the source with this URL, creating it first when it is new."""
    row = db.execute("SELECT id FROM sources WHERE url = ?", [url]).fetchone()
    if row is not None:
        db.execute(
            "UPDATE sources SET name = ?, name_ar = ?, language = ? WHERE id = ?",
            [name, name_ar, language, row[0]],
        )
        return int(row[0])
    table = db.table("sources")
    table.insert(
        {
            "url": url,
            "name": name,
            "name_ar": name_ar,
            "kind": kind,
            "language": language,
            "added_at": to_db(now),
            "state": "ok",
        }
    )
    return last_id(table)
