"""Dates as feeds and pages give them, read as aware UTC instants."""

from __future__ import annotations

from datetime import UTC, datetime

# Years no news was or will be published in: typos and junk. Near datetime's own limits
# (years 1 and 9999) a date overflows once moved to a reader's zone or a window is taken
# off it, which would break every listing that shows the story.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def plausible(moment: datetime) -> datetime | None:
    """The instant, or None when it falls outside the years a story may be published in."""
    return moment if FIRST_YEAR <= moment.year <= LAST_YEAR else None


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
        return plausible(parsed.astimezone(UTC))
    except (ValueError, OverflowError):
        return None
