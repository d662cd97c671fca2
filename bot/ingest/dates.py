"""Dates as feeds and pages give them, read as aware UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime


def iso_utc(value: object) -> datetime | None:
    """An ISO 8601 date or instant as aware UTC; None when it is not one.

    A value without an offset is read as UTC: RFC 3339 requires one, and UTC is the only
    reading that needs no guess about the site's time zone.
    """
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):
        return None
