"""Small helpers over sqlite-utils results."""

from __future__ import annotations

import sqlite_utils


def last_id(table: sqlite_utils.db.Table) -> int:
    """The primary key of the row this table object inserted last."""
    if table.last_pk is None:
        raise RuntimeError(f"no row was inserted into {table.name}")
    return int(table.last_pk)


# What a cached count was counted at: the database's state (see state()), and the count.
Totals = dict[str, tuple[tuple[int, int], int]]


def state(db: sqlite_utils.Database) -> tuple[int, int]:
    """Changes nothing since this value was taken, unless it differs.

    `total_changes` counts every row this connection wrote (triggers included);
    `data_version` moves when another connection commits.
    """
    return db.conn.total_changes, int(db.execute("PRAGMA data_version").fetchone()[0])


def cached_count(
    db: sqlite_utils.Database, totals: Totals | None, key: str, sql: str, args: list[object]
) -> int:
    """COUNT `sql` gives, reused from `totals` while the database has not changed."""
    now = state(db)
    known = totals.get(key) if totals is not None else None
    if known is not None and known[0] == now:
        return known[1]
    total = int(db.execute(sql, args).fetchone()[0])
    if totals is not None:
        totals[key] = (now, total)
    return total
