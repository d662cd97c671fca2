"""How instants are written to and read from the database: ISO 8601 in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A publication date later than this after the story was stored is not believed (a feed's
# clock or time zone gone wrong, a typo in the year): the story counts as undated, so it
# sorts and shows by when it was stored rather than sitting on top until that day comes.
FUTURE_SLACK = timedelta(days=1)


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


def believed_date(published: datetime | None, stored: datetime | None) -> datetime | None:
    """A story's publication date, unless it is missing or too far after it was stored."""
    if published is None:
        return None
    if stored is not None and _aware(published) > _aware(stored) + FUTURE_SLACK:
        return None
    return published


def sort_date(published: datetime | None, stored: datetime) -> datetime:
    """What lists order a story by: its believed publication date, else when it was stored."""
    return believed_date(published, stored) or stored


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
