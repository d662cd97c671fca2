"""Rendering what /who, /topic and /search answer, as Telegram HTML."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.english import NO_ENGLISH, ListEnglish, english_label, has_arabic
from bot.models import (
    ActorCount,
    ActorProfile,
    ActorRecord,
    NewsPeriod,
    SearchHit,
    Topic,
    TopicCount,
)
from bot.tg.i18n import Lang, format_date, format_day, story_count, t
from bot.tg.render import esc, story_headline, story_meta

PlaceName = Callable[[str, Lang], str]


def actor_name(actor: ActorRecord, lang: Lang) -> str:
    """The name in the reader's language first, the other in parentheses."""
    first, second = (
        (actor.name_ar, actor.name_en) if lang == "ar" else (actor.name_en, actor.name_ar)
    )
    return f"{esc(first)} ({esc(second)})" if second and second != first else esc(first)


def actor_role(actor: ActorRecord, lang: Lang, english: ListEnglish = NO_ENGLISH) -> str | None:
    """The role in the reader's language when known; in English never Arabic, else none."""
    if lang == "ar":
        role = actor.role_ar or actor.role_en
    elif actor.role_en and not has_arabic(actor.role_en):
        role = actor.role_en
    else:
        # A discovered person's role is Arabic as written: the translator's English or nothing.
        role = english.label(actor.role_ar) if actor.role_ar else None
    return esc(role) if role else None


def roles_wanted(actors: list[ActorRecord]) -> list[str]:
    """The Arabic roles an English view would need translated."""
    return [a.role_ar for a in actors if a.role_ar and not a.role_en]


def period_words(period: NewsPeriod, lang: Lang, zone: ZoneInfo) -> str:
    """Which days a count covers: 'this week', or 'in the week to 14 Mar 2025'."""
    if period.current:
        return t(lang, "period_week")
    return t(lang, "period_week_to", day=format_date(period.end, lang, zone))


def people_list(
    people: list[ActorCount],
    period: NewsPeriod,
    lang: Lang,
    zone: ZoneInfo,
    english: ListEnglish = NO_ENGLISH,
) -> str:
    """The people in the news, ranked, with role and number of stories."""
    lines = [t(lang, "who_title", period=esc(period_words(period, lang, zone))), ""]
    for i, item in enumerate(people, start=1):
        role = actor_role(item.actor, lang, english)
        line = f"{i}. <b>{actor_name(item.actor, lang)}</b>"
        if role:
            line += f" — {role}"
        lines.append(f"{line} · {story_count(item.stories, lang)}")
    lines += ["", t(lang, "who_hint")]
    return "\n".join(lines)


def profile(
    item: ActorProfile,
    lang: Lang,
    zone: ZoneInfo,
    place_name: PlaceName,
    english: ListEnglish = NO_ENGLISH,
    *,
    woman: bool = False,
) -> str:
    """One actor: names, role, counts, meetings, companions and latest stories.

    `woman`: Arabic speaks of her in the feminine ("عنها").
    """
    her = "_f" if woman else ""
    actor = item.actor
    lines = [f"<b>{actor_name(actor, lang)}</b>"]
    role = actor_role(actor, lang, english)
    if role:
        lines.append(role)
    if not actor.known:
        lines.append(f"<i>{esc(t(lang, 'discovered'))}</i>")
    if item.story_count:
        lines.append(
            t(lang, "profile_in", stories=story_count(item.story_count, lang, genitive=True))
        )
    else:
        lines.append(t(lang, f"profile_none{her}"))
    if item.met:
        lines += ["", t(lang, "profile_met")]
        for meeting in item.met:
            place = place_name(meeting.place, lang) if meeting.place else ""
            # A place the knowledge base does not know stays as written: spelled out in English.
            where = [place if lang == "ar" else english_label(place)] if place else []
            if meeting.kind == "call":
                where.append(t(lang, "call"))
            if meeting.day:
                where.append(format_day(meeting.day, lang))
            detail = f" — {esc(', '.join(where))}" if where else ""
            lines.append(f"• {actor_name(meeting.other, lang)}{detail}")
    if item.appears_with:
        window = item.appears_with_window
        if window and item.story_count > window:
            lines += ["", t(lang, f"profile_with_recent{her}", n=f"{window:,}")]
        else:
            lines += ["", t(lang, "profile_with")]
        lines += [
            f"• {actor_name(c.actor, lang)} · {story_count(c.stories, lang)}"
            for c in item.appears_with
        ]
    if item.latest:
        lines += ["", t(lang, "profile_latest")]
        for number, story in enumerate(item.latest, start=1):
            # Numbered, so the "🌐 n" buttons under the profile can name them.
            meta = story_meta(story, lang, zone, sources=False, english=english)
            shown, under = story_headline(story, english)
            under_text = f"\n   <b>{under}</b>" if under else ""
            lines.append(f"{number}. {shown} <i>({meta})</i>{under_text}")
    return "\n".join(lines)


def topic_list(
    counts: list[TopicCount],
    topics: tuple[Topic, ...],
    period: NewsPeriod,
    lang: Lang,
    zone: ZoneInfo,
) -> str:
    """Every topic with its number of stories in the period."""
    by_id = {c.topic: c.stories for c in counts}
    lines = [t(lang, "topic_title", period=esc(period_words(period, lang, zone))), ""]
    for topic in sorted(topics, key=lambda tp: -by_id.get(tp.id, 0)):
        name = topic.name_ar if lang == "ar" else topic.name_en
        # The id is for buttons and commands (/topic ID still works), not for reading.
        lines.append(f"• <b>{esc(name)}</b> — {by_id.get(topic.id, 0)}")
    lines += ["", t(lang, "topic_hint")]
    return "\n".join(lines)


def topic_name(topic: Topic, lang: Lang) -> str:
    """A topic's name in the reader's language."""
    return topic.name_ar if lang == "ar" else topic.name_en


def search_hit(
    hit: SearchHit,
    number: int,
    runs: list[tuple[str, bool]],
    lang: Lang,
    zone: ZoneInfo,
    english: ListEnglish = NO_ENGLISH,
) -> str:
    """One search result: headline, the passage with matched words in bold, outlet and date."""
    story = hit.story
    passage = "".join(f"<b>{esc(text)}</b>" if matched else esc(text) for text, matched in runs)
    meta = story_meta(story, lang, zone, english=english)
    shown, under = story_headline(story, english)
    title = f"<b>{number}. {shown}</b>" + (f"\n<b>{under}</b>" if under else "")
    return f"{title}\n{passage}\n<i>{meta}</i>"
