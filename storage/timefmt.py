"""How instants are written to and read from the database: ISO 8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def to_db(moment: datetime | None) -> str | None:
    """An aware datetime as an ISO string in UTC; naive values are taken to be UTC."""
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_db(value: str | None) -> datetime | None:
    """The aware UTC datetime a stored ISO string stands for."""
    return datetime.fromisoformat(value) if value else None
