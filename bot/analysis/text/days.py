"""The day a stretch of Arabic news names, resolved against the publication date.

"اليوم", "أمس", "أول أمس", a weekday ("الثلاثاء الماضي", "الأحد المقبل") or a date written
out ("11 ديسمبر 2017", "19 أبريل الماضي").
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from functools import cache

from bot.analysis.text.normalize import normalize
from bot.analysis.text.tokens import Token

SOON = 90  # days: a date written without its year this near ahead is to come

_WEEKDAYS = {  # Monday is 0, as date.weekday() counts
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6,
}  # fmt: skip
_MONTHS = {
    "يناير": 1, "كانون الثاني": 1, "فبراير": 2, "شباط": 2, "مارس": 3, "آذار": 3,
    "أبريل": 4, "ابريل": 4, "نيسان": 4, "مايو": 5, "أيار": 5, "يونيو": 6, "يونيه": 6,
    "حزيران": 6, "يوليو": 7, "يوليه": 7, "تموز": 7, "أغسطس": 8, "آب": 8, "سبتمبر": 9,
    "أيلول": 9, "أكتوبر": 10, "تشرين الأول": 10, "نوفمبر": 11, "تشرين الثاني": 11,
    "ديسمبر": 12, "كانون الأول": 12,
}  # fmt: skip


@cache
def weekdays() -> dict[str, int]:
    """Weekday names, normalized, to date.weekday() numbers."""
    return {normalize(k): v for k, v in _WEEKDAYS.items()}


@cache
def months() -> dict[str, int]:
    """Month names, Egyptian and Levantine, normalized, to their numbers."""
    return {normalize(k): v for k, v in _MONTHS.items()}


def day_named(tokens: Sequence[Token], start: int, end: int, on: date | None) -> date | None:
    """The day the sentence names, resolved against the publication date."""
    if on is None:
        return None
    for k in range(start, end):
        norm = tokens[k].norm
        bare = tokens[k].bare
        if norm == "اليوم":
            return on
        if "امس" in (norm, *bare):  # أمس, الأمس, بالأمس
            before = tokens[k - 1].norm if k > start else ""
            after = tokens[k + 1].norm if k + 1 < end else ""
            two = before == "اول" or after in ("الاول", "الاولى")  # أول أمس
            return on - timedelta(days=2 if two else 1)
        written = _written_date(tokens, k, end, on)
        if written is not None:
            return written
        day = next((weekdays()[f] for f in (norm, *bare) if f in weekdays()), None)
        if day is not None:
            # "الثلاثاء 12 يونيو": the date written after the weekday says which one.
            dated = _written_date(tokens, k + 1, end, on) if k + 1 < end else None
            if dated is not None:
                return dated
            nxt = tokens[k + 1].norm if k + 1 < len(tokens) else ""
            if nxt in ("المقبل", "القادم"):
                return on + timedelta(days=(day - on.weekday()) % 7 or 7)
            strictly_before = nxt == "الماضي"
            back = (on.weekday() - day) % 7
            if back == 0 and strictly_before:
                back = 7
            return on - timedelta(days=back)
    return None


def _written_date(tokens: Sequence[Token], k: int, end: int, on: date) -> date | None:
    """A date written out ("11 ديسمبر 2017", "19 أبريل الماضي"), the year if given."""
    tok = tokens[k]
    if not tok.norm.isdigit() or not 1 <= int(tok.norm) <= 31 or k + 1 >= end:
        return None
    j = k + 1
    month = months().get(tokens[j].norm) or months().get(tokens[j].bare[0])
    if month is None and j + 1 < end:
        month = months().get(f"{tokens[j].norm} {tokens[j + 1].norm}")
        j += 1
    if month is None:
        return None
    year = on.year
    nxt = j + 1
    while nxt < end and not tokens[nxt].is_word:
        nxt += 1  # "أبريل/نيسان", "ديسمبر 2017"
    if nxt < end and tokens[nxt].norm.isdigit() and len(tokens[nxt].norm) == 4:
        year = int(tokens[nxt].norm)
    try:
        day = date(year, month, int(tok.norm))
    except ValueError:
        return None
    if day > on and year == on.year and (day - on).days > SOON:
        # No year written and the day far ahead: last year's ("19 أبريل الماضي" in March).
        try:
            return date(year - 1, month, int(tok.norm))
        except ValueError:
            return None
    return day
