"""The interface's words in Arabic and English, read from strings/ar.json and strings/en.json."""

from __future__ import annotations

import json
from datetime import date, datetime
from functools import cache
from importlib import resources
from typing import Literal
from zoneinfo import ZoneInfo

Lang = Literal["ar", "en"]

_LANGS: tuple[Lang, ...] = ("ar", "en")
# The strings live as data, one file a language, that a translator can edit: keys starting
# with "_" are notes and tables, not messages.
_FOLDER = "strings"


class MissingString(KeyError):
    """A message key one of the language files lacks."""


@cache
def _table(lang: Lang) -> dict[str, str | list[str]]:
    """One language's file, read once when first wanted."""
    text = resources.files(__package__).joinpath(_FOLDER, f"{lang}.json").read_text("utf-8")
    table: dict[str, str | list[str]] = json.loads(text)
    return table


@cache
def strings() -> dict[str, dict[Lang, str]]:
    """Every message in both languages, by key; both files must have the same keys."""
    tables = {lang: _table(lang) for lang in _LANGS}
    keys = [{k for k in table if not k.startswith("_")} for table in tables.values()]
    if keys[0] != keys[1]:
        raise MissingString(sorted(keys[0] ^ keys[1]))
    return {
        key: {lang: str(tables[lang][key]) for lang in _LANGS}
        for key in tables["en"]
        if not key.startswith("_")
    }


def _months(lang: Lang) -> list[str]:
    months = _table(lang)["_months"]
    if not isinstance(months, list) or len(months) != 12:
        raise MissingString(f"{lang}.json: _months must list the 12 months")
    return months


def weekday_name(day: int, lang: Lang) -> str:
    """A weekday (0 Monday .. 6 Sunday) by name: 'Monday' or 'الاثنين'."""
    days = _table(lang)["_weekdays"]
    if not isinstance(days, list) or len(days) != 7:
        raise MissingString(f"{lang}.json: _weekdays must list the 7 days")
    return days[day]


def lang_of(language_code: str | None) -> Lang:
    """The interface language for a Telegram language code: Arabic for ar*, else English."""
    return "ar" if (language_code or "").lower().startswith("ar") else "en"


def t(lang: Lang, key: str, **values: object) -> str:
    """The string `key` in `lang`, with `values` filled in."""
    text = strings()[key][lang]
    return text.format(**values) if values else text


def format_date(moment: datetime, lang: Lang, zone: ZoneInfo) -> str:
    """A date as readers of `lang` write it, in `zone`: '8 Dec 2021' or '8 ديسمبر 2021'."""
    return format_day(moment.astimezone(zone).date(), lang)


def format_day(day: date, lang: Lang) -> str:
    """A calendar day as readers of `lang` write it: '8 Dec 2021' or '8 ديسمبر 2021'."""
    return f"{day.day} {_months(lang)[day.month - 1]} {day.year}"


def format_moment(moment: datetime, lang: Lang, zone: ZoneInfo) -> str:
    """A day and clock time without the year, in `zone`: '28 Nov 08:00' or '28 نوفمبر 08:00'."""
    local = moment.astimezone(zone)
    return f"{local.day} {_months(lang)[local.month - 1]} {local:%H:%M}"


def story_count(n: int, lang: Lang, *, genitive: bool = False) -> str:
    """'1 story', '3 stories'; in Arabic 'خبر واحد', 'خبران' (after في: 'خبرين'), '3 أخبار'."""
    if n == 1:
        return t(lang, "one_story")
    if lang == "ar":
        if n == 2:
            return "خبرين" if genitive else "خبران"
        return f"{n} أخبار" if 3 <= n <= 10 else f"{n} خبرًا"
    return t(lang, "stories_count", n=n)
