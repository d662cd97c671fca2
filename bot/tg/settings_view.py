"""The digest's settings as Telegram shows them: texts and buttons, pure, from a subscription."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.english import HEADLINE_CHOICES
from bot.models import Subscription, Topic
from bot.tg.buttons import label, rows
from bot.tg.cards import topic_name
from bot.tg.digest_render import zone_label
from bot.tg.i18n import Lang, format_moment, story_count, t, weekday_name
from bot.tg.render import esc

SETTINGS = "set"
COMMON_TIMES = ("06:00", "07:00", "07:30", "08:00", "08:30", "09:00", "12:00", "18:00", "20:00")
COMMON_ZONES = (
    "Africa/Tripoli", "Africa/Cairo", "Africa/Tunis", "Europe/Rome", "Europe/Paris",
    "Europe/London", "Europe/Brussels", "America/New_York", "UTC",
)  # fmt: skip
MAX_ITEMS = (5, 10, 15, 20)
DIGEST_LANGS = ("ar", "en", "both")
ALL_TOPICS = "*"
VIEWS = ("main", "time", "zone", "lang", "topics", "max", "empty", "headlines", "weekly")


def digest_lang_name(digest_lang: str, lang: Lang) -> str:
    """What "ar", "en" or "both" means, in words."""
    return t(lang, f"dlang_{digest_lang}") if digest_lang in DIGEST_LANGS else digest_lang


def _when(moment: datetime, lang: Lang, zone_key: str) -> str:
    return f"{format_moment(moment, lang, ZoneInfo(zone_key))} ({zone_label(zone_key)})"


def headlines_name(mode: str, lang: Lang) -> str:
    """What a headline choice ("ar", "en", "both") means, in words."""
    return t(lang, f"hl_{mode}") if mode in HEADLINE_CHOICES else mode


def settings_text(
    sub: Subscription,
    lang: Lang,
    topics: Sequence[Topic],
    view: str,
    headlines: str | None = None,
    *,
    group: bool = False,
) -> str:
    """The settings as they stand, and what to do next in this view.

    `headlines` is how lists show headlines, when a translator makes English possible;
    `group`: they are a group's, and say so.
    """
    names = {topic.id: topic_name(topic, lang) for topic in topics}
    chosen = [names.get(topic, topic) for topic in sub.topics]
    if not sub.active:
        status = t(lang, "set_stopped")
    elif not sub.daily_on:
        status = t(lang, "set_daily_off" if sub.weekly_on else "set_nothing")
    else:
        status = t(lang, "set_active", next=esc(_when(sub.next_due, lang, sub.timezone)))
    lines = [
        t(lang, "settings_title_group" if group else "settings_title"),
        status,
        t(lang, "set_time", time=esc(sub.local_time), zone=esc(zone_label(sub.timezone))),
        t(lang, "set_lang", name=esc(digest_lang_name(sub.digest_lang, lang))),
        t(lang, "set_topics", topics=esc(", ".join(chosen) if chosen else t(lang, "topics_all"))),
        t(lang, "set_max", stories=story_count(sub.max_items, lang)),
        t(lang, "set_empty", what=t(lang, "empty_notice" if sub.empty_notice else "empty_silent")),
        weekly_line(sub, lang),
    ]
    if headlines is not None:
        lines.append(t(lang, "set_headlines", name=esc(headlines_name(headlines, lang))))
    hint = "set_hint" if view == "main" else f"pick_{view}"
    return "\n".join([*lines, "", f"<i>{esc(t(lang, hint))}</i>"])


def weekly_line(sub: Subscription, lang: Lang) -> str:
    """The weekly brief's setting: off, or its day, time and when the next one comes."""
    if not sub.weekly_on or sub.weekly_next_due is None:
        return t(lang, "set_weekly_off")
    return t(
        lang, "set_weekly_on", day=esc(weekday_name(sub.weekly_day, lang)),
        time=esc(sub.weekly_time), next=esc(_when(sub.weekly_next_due, lang, sub.timezone)),
    )  # fmt: skip


def _button(text: str, data: str, chosen: bool = False) -> InlineKeyboardButton:
    """A settings button, ticked when it is the current choice."""
    return InlineKeyboardButton(label(("✓ " if chosen else "") + text), callback_data=data)


def _weekly_rows(sub: Subscription, lang: Lang, prefix: str) -> list[list[InlineKeyboardButton]]:
    """On or off, the seven days and the common times; the current ones ticked."""
    on = sub.weekly_on
    switch = [
        _button(t(lang, "btn_weekly_on"), f"{prefix}:wk:1", on),
        _button(t(lang, "btn_weekly_off"), f"{prefix}:wk:0", not on),
    ]
    days = [
        _button(weekday_name(n, lang), f"{prefix}:wday:{n}", on and n == sub.weekly_day)
        for n in range(7)
    ]
    times = [
        _button(v, f"{prefix}:wtime:{v.replace(':', '')}", on and v == sub.weekly_time)
        for v in COMMON_TIMES
    ]
    return [switch, *rows(days, 4), *rows(times, 3)]


def settings_keyboard(
    sub: Subscription,
    lang: Lang,
    topics: Sequence[Topic],
    view: str,
    headlines: str | None = None,
    *,
    prefix: str = SETTINGS,
) -> InlineKeyboardMarkup:
    """The buttons of one view of the settings; callback data stays well under 64 bytes.

    `prefix` starts every button's data: a linked channel's panel names the channel in it.
    """
    back = [_button(t(lang, "btn_back"), f"{prefix}:v:main")]
    if view == "time":
        # The daily digest on, or off with the weekly brief alone; a time turns it on.
        switch = [
            _button(t(lang, "btn_daily_on"), f"{prefix}:daily:1", sub.daily_on),
            _button(t(lang, "btn_daily_off"), f"{prefix}:daily:0", not sub.daily_on),
        ]
        times = [
            _button(v, f"{prefix}:time:{v.replace(':', '')}", sub.daily_on and v == sub.local_time)
            for v in COMMON_TIMES
        ]
        return InlineKeyboardMarkup([switch, *rows(times, 3), back])
    if view == "zone":
        zones = [_button(z, f"{prefix}:zone:{z}", z == sub.timezone) for z in COMMON_ZONES]
        return InlineKeyboardMarkup([*rows(zones, 2), back])
    if view == "lang":
        langs = [
            _button(digest_lang_name(v, lang), f"{prefix}:lang:{v}", v == sub.digest_lang)
            for v in DIGEST_LANGS
        ]
        return InlineKeyboardMarkup([*rows(langs, 1), back])
    if view == "topics":
        every = _button(t(lang, "btn_all_topics"), f"{prefix}:topic:{ALL_TOPICS}", not sub.topics)
        each = [
            _button(topic_name(tp, lang), f"{prefix}:topic:{tp.id}", tp.id in sub.topics)
            for tp in topics
        ]
        return InlineKeyboardMarkup([[every], *rows(each, 2), back])
    if view == "max":
        counts = [_button(str(n), f"{prefix}:max:{n}", n == sub.max_items) for n in MAX_ITEMS]
        return InlineKeyboardMarkup([counts, back])
    if view == "empty":
        options = [
            _button(t(lang, "btn_notice"), f"{prefix}:empty:1", sub.empty_notice),
            _button(t(lang, "btn_silent"), f"{prefix}:empty:0", not sub.empty_notice),
        ]
        return InlineKeyboardMarkup([*rows(options, 1), back])
    if view == "headlines" and headlines is not None:
        return InlineKeyboardMarkup([*headlines_rows(prefix, headlines, lang), back])
    if view == "weekly":
        return InlineKeyboardMarkup([*_weekly_rows(sub, lang, prefix), back])
    weekly = (
        f"{weekday_name(sub.weekly_day, lang)} {sub.weekly_time}"
        if sub.weekly_on
        else t(lang, "weekly_off_short")
    )
    main = [
        _button(
            t(lang, "btn_time", v=sub.local_time) if sub.daily_on else t(lang, "btn_time_off"),
            f"{prefix}:v:time",
        ),
        _button(t(lang, "btn_zone", v=zone_label(sub.timezone)), f"{prefix}:v:zone"),
        _button(t(lang, "btn_lang"), f"{prefix}:v:lang"),
        _button(t(lang, "btn_topics"), f"{prefix}:v:topics"),
        _button(t(lang, "btn_max", v=sub.max_items), f"{prefix}:v:max"),
        _button(t(lang, "btn_empty"), f"{prefix}:v:empty"),
        _button(t(lang, "btn_weekly", v=weekly), f"{prefix}:v:weekly"),
    ]
    if headlines is not None:
        main.append(_button(t(lang, "btn_headlines"), f"{prefix}:v:headlines"))
    return InlineKeyboardMarkup(rows(main, 2))


def headlines_rows(prefix: str, mode: str, lang: Lang) -> list[list[InlineKeyboardButton]]:
    """One button per headline choice, the current one ticked; data "<prefix>:hl:<choice>"."""
    return [
        [_button(headlines_name(choice, lang), f"{prefix}:hl:{choice}", choice == mode)]
        for choice in HEADLINE_CHOICES
    ]


def subscribed_text(sub: Subscription, lang: Lang) -> str:
    """The confirmation of /subscribe: time, zone, language and the next digest."""
    return t(
        lang, "sub_done", time=esc(sub.local_time), zone=esc(zone_label(sub.timezone)),
        dlang=esc(digest_lang_name(sub.digest_lang, lang)),
        next=esc(_when(sub.next_due, lang, sub.timezone)),
    )  # fmt: skip
