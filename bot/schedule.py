"""When a subscriber's digest is due: their local clock time, in their zone, as a UTC instant."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.analysis.text.normalize import digits_to_ascii

_HHMM = re.compile(r"^([01]?\d|2[0-3])[:.٫]([0-5]\d)$")
_OFFSET = re.compile(r"^(?:UTC|GMT)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def parse_local_time(text: str) -> time | None:
    """'08:00', '8:30', '٠٨:٠٠' as a time of day; None when it is not one."""
    match = _HHMM.match(digits_to_ascii(text.strip()))
    return time(int(match.group(1)), int(match.group(2))) if match else None


# English names and their first three letters, and the Arabic names as written with and
# without hamza and the article.
_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAYS = {
    **{name: n for n, name in enumerate(_DAY_NAMES)},
    **{name[:3]: n for n, name in enumerate(_DAY_NAMES)},
    "الاثنين": 0, "الإثنين": 0, "اثنين": 0, "إثنين": 0, "الثلاثاء": 1, "ثلاثاء": 1,
    "الأربعاء": 2, "الاربعاء": 2, "أربعاء": 2, "اربعاء": 2, "الخميس": 3, "خميس": 3,
    "الجمعة": 4, "جمعة": 4, "الجمعه": 4, "السبت": 5, "سبت": 5, "الأحد": 6, "الاحد": 6,
    "أحد": 6, "احد": 6,
}  # fmt: skip


def parse_weekday(text: str) -> int | None:
    """'mon', 'Monday', 'الاثنين' as 0 (Monday) .. 6 (Sunday); None when it is not a day."""
    return _WEEKDAYS.get(text.strip().lower())


def parse_zone(text: str) -> str | None:
    """An IANA zone name ('Europe/Paris') or a fixed offset ('UTC+2') as a zone key."""
    text = text.strip()
    match = _OFFSET.match(text)
    if match:
        sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
        if minutes:
            return None  # fixed zones come in whole hours; a real zone name covers the rest
        if hours == 0:
            return "UTC"
        # POSIX Etc zones count the other way: UTC+2 is Etc/GMT-2.
        text = f"Etc/GMT{'-' if sign == '+' else '+'}{hours}"
    if text.upper() in ("UTC", "GMT", "Z"):
        return "UTC"
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # A name is looked up as a file: a folder ("Africa") or a name too long for a file
        # name raises OSError rather than "not found".
        return None
    return text


def next_due(after: datetime, local_time: time, zone_name: str) -> datetime:
    """The first instant strictly after `after` when the local clock in the zone shows the time.

    On the day clocks spring forward over that time, it comes as late as the jump (02:30
    becomes 03:30); on the day they fall back, at the first of the two 02:30s.
    """
    zone = ZoneInfo(zone_name)
    local_after = after.astimezone(zone)
    for days in range(0, 3):
        day = local_after.date() + timedelta(days=days)
        candidate = _resolve(datetime.combine(day, local_time), zone)
        if candidate > after:
            return candidate
    raise AssertionError("a local time recurs within three days")  # pragma: no cover


def next_weekly(after: datetime, weekday: int, local_time: time, zone_name: str) -> datetime:
    """The first instant after `after` when the zone's clock shows the time on the weekday.

    `weekday` counts from 0 (Monday) to 6 (Sunday); DST gaps and folds as in next_due.
    """
    zone = ZoneInfo(zone_name)
    local_after = after.astimezone(zone)
    for days in range(0, 9):
        day = local_after.date() + timedelta(days=days)
        if day.weekday() != weekday:
            continue
        candidate = _resolve(datetime.combine(day, local_time), zone)
        if candidate > after:
            return candidate
    raise AssertionError("a weekday recurs within nine days")  # pragma: no cover


def _resolve(naive: datetime, zone: ZoneInfo) -> datetime:
    """A wall-clock time in a zone as UTC, through DST gaps and folds."""
    first = naive.replace(tzinfo=zone, fold=0)
    back = first.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != naive:
        # In a spring-forward gap: the wall time never happens; take the end of the gap.
        later = naive.replace(tzinfo=zone, fold=1).astimezone(UTC)
        earlier = first.astimezone(UTC)
        return max(later, earlier)
    return first.astimezone(UTC)
