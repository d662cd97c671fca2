"""Small helpers over sqlite-utils results."""

from __future__ import annotations

import sqlite_utils


def last_id(table: sqlite_utils.db.Table) -> int:
    """The primary key of the row this table object inserted last."""
    if table.last_pk is None:
        raise RuntimeError(f"no row was inserted into {table.name}")
    return int(table.last_pk)
