"""The weekly brief as Telegram messages: the trends chart, the meetings, the stories."""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from bot.digest_run import Variant
from bot.models import DigestMessage, NewsPeriod, Translation
from bot.tg.cards import period_words
from bot.tg.digest_render import TopicNames, render_digest, ui_lang_of
from bot.tg.i18n import format_day, t
from bot.tg.pictures import fit_caption, meeting_lines, trends_caption
from bot.tg.render import esc, split_html
from bot.weekly_run import WeeklyBrief, WeeklyRender


def render_weekly(
    brief: WeeklyBrief,
    variant: Variant,
    translations: dict[int, Translation],
    complete: bool,
    *,
    topic_names: TopicNames,
    offer_translation: bool = False,
) -> list[DigestMessage]:
    """The brief's photos (captions within 1,024 characters), the meetings' list, the stories."""
    lang = ui_lang_of(variant.lang)
    zone = ZoneInfo(variant.zone)
    day = format_day(brief.digest.period_end.astimezone(zone).date(), lang)
    title = t(lang, "weekly_title", day=esc(day))
    meetings = brief.meetings
    no_meetings = meetings is not None and meetings.png is None
    out: list[DigestMessage] = []
    if brief.trends is not None:
        lines = [title, trends_caption(brief.trends, lang, zone)]
        if no_meetings:
            lines.append(t(lang, "weekly_no_meetings"))
        out.append(DigestMessage(fit_caption("\n".join(lines)), photo=brief.trends.png))
    else:
        # The chart could not be drawn in time: the brief still opens with its title.
        out.append(DigestMessage(title))
    if meetings is not None and meetings.png is not None:
        period = NewsPeriod(start=meetings.start, end=meetings.end, current=meetings.current)
        caption = t(
            lang,
            "meetings_caption",
            period=esc(period_words(period, lang, zone)),
            n=len(meetings.meetings),
        )
        out.append(DigestMessage(fit_caption(caption), photo=meetings.png))
        out.extend(
            DigestMessage(part) for part in split_html("\n".join(meeting_lines(meetings, lang)))
        )
    out.extend(
        render_digest(
            brief.digest,
            variant,
            translations,
            complete,
            topic_names=topic_names,
            offer_translation=offer_translation,
            title="weekly_stories",
            empty="weekly_empty",
        )
    )
    return out


def weekly_renderer(topic_names: TopicNames, *, offer_translation: bool) -> WeeklyRender:
    """render_weekly with the topic names fixed, as WeeklyService calls it."""
    return partial(render_weekly, topic_names=topic_names, offer_translation=offer_translation)
