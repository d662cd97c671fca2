"""Rendering what /who, /topic and /search answer, as Telegram HTML."""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from bot.models import ActorCount, ActorProfile, ActorRecord, SearchHit, Topic, TopicCount
from bot.tg.i18n import Lang, format_date, format_day, story_count, t
from bot.tg.render import esc, esc_attr, headline, link_url

PlaceName = Callable[[str, Lang], str]


def actor_name(actor: ActorRecord, lang: Lang) -> str:
    """The name in the reader's language first, the other in parentheses."""
    first, second = (
        (actor.name_ar, actor.name_en) if lang == "ar" else (actor.name_en, actor.name_ar)
    )
    return f"{esc(first)} ({esc(second)})" if second and second != first else esc(first)


def actor_role(actor: ActorRecord, lang: Lang) -> str | None:
    """The role in the reader's language when known, else the other."""
    role = (actor.role_ar or actor.role_en) if lang == "ar" else (actor.role_en or actor.role_ar)
    return esc(role) if role else None


def people_list(people: list[ActorCount], lang: Lang) -> str:
    """The people in the news, ranked, with role and number of stories."""
    lines = [t(lang, "who_title"), ""]
    for i, item in enumerate(people, start=1):
        role = actor_role(item.actor, lang)
        line = f"{i}. <b>{actor_name(item.actor, lang)}</b>"
        if role:
            line += f" — {role}"
        lines.append(f"{line} · {story_count(item.stories, lang)}")
    lines += ["", t(lang, "who_hint")]
    return "\n".join(lines)


def profile(item: ActorProfile, lang: Lang, zone: ZoneInfo, place_name: PlaceName) -> str:
    """One actor: names, role, counts, meetings, companions and latest stories."""
    actor = item.actor
    lines = [f"<b>{actor_name(actor, lang)}</b>"]
    role = actor_role(actor, lang)
    if role:
        lines.append(role)
    if not actor.known:
        lines.append(f"<i>{esc(t(lang, 'discovered'))}</i>")
    if item.story_count:
        lines.append(
            t(lang, "profile_in", stories=story_count(item.story_count, lang, genitive=True))
        )
    else:
        lines.append(t(lang, "profile_none"))
    if item.met:
        lines += ["", t(lang, "profile_met")]
        for meeting in item.met:
            where = [place_name(meeting.place, lang)] if meeting.place else []
            if meeting.kind == "call":
                where.append(t(lang, "call"))
            if meeting.day:
                where.append(format_day(meeting.day, lang))
            detail = f" — {esc(', '.join(where))}" if where else ""
            lines.append(f"• {actor_name(meeting.other, lang)}{detail}")
    if item.appears_with:
        window = item.appears_with_window
        if window and item.story_count > window:
            lines += ["", t(lang, "profile_with_recent", n=f"{window:,}")]
        else:
            lines += ["", t(lang, "profile_with")]
        lines += [
            f"• {actor_name(c.actor, lang)} · {story_count(c.stories, lang)}"
            for c in item.appears_with
        ]
    if item.latest:
        lines += ["", t(lang, "profile_latest")]
        for number, story in enumerate(item.latest, start=1):
            outlet = story.outlet_ar if lang == "ar" else story.outlet
            when = format_date(story.published_at, lang, zone) if story.published_at else None
            meta = " · ".join(x for x in (esc(outlet), esc(when) if when else "") if x)
            # Numbered, so the "🌐 n" buttons under the profile can name them.
            lines.append(f"{number}. {headline(story.headline)} <i>({meta})</i>")
    return "\n".join(lines)


def topic_list(counts: list[TopicCount], topics: tuple[Topic, ...], lang: Lang) -> str:
    """Every topic with its number of stories this week."""
    by_id = {c.topic: c.stories for c in counts}
    lines = [t(lang, "topic_title"), ""]
    for topic in sorted(topics, key=lambda tp: -by_id.get(tp.id, 0)):
        name = topic.name_ar if lang == "ar" else topic.name_en
        lines.append(
            f"• <b>{esc(name)}</b> <code>{esc(topic.id)}</code> — {by_id.get(topic.id, 0)}"
        )
    lines += ["", t(lang, "topic_hint")]
    return "\n".join(lines)


def topic_name(topic: Topic, lang: Lang) -> str:
    """A topic's name in the reader's language."""
    return topic.name_ar if lang == "ar" else topic.name_en


def search_hit(
    hit: SearchHit, number: int, runs: list[tuple[str, bool]], lang: Lang, zone: ZoneInfo
) -> str:
    """One search result: headline, the passage with matched words in bold, outlet and date."""
    story = hit.story
    passage = "".join(f"<b>{esc(text)}</b>" if matched else esc(text) for text, matched in runs)
    outlet = story.outlet_ar if lang == "ar" else story.outlet
    when = (
        format_date(story.published_at, lang, zone)
        if story.published_at
        else t(lang, "date_unknown")
    )
    meta = f"{esc(outlet)} · {esc(when)}"
    url = link_url(story.url)
    if url:
        meta += f' · <a href="{esc_attr(url)}">{esc(t(lang, "read_more"))}</a>'
    return f"<b>{number}. {headline(story.headline)}</b>\n{passage}\n<i>{meta}</i>"
