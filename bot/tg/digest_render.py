"""The digest as Telegram HTML: header, sections by topic, people in the news, safe chunks."""

from __future__ import annotations

import re
from collections.abc import Mapping
from zoneinfo import ZoneInfo

from bot.digest_run import Render, Variant
from bot.models import Digest, DigestItem, DigestMessage, Translation
from bot.tg.i18n import Lang, format_day, format_moment, t
from bot.tg.render import esc, headline, pack_blocks, story_meta

# (Arabic name, English name) of each topic id.
TopicNames = Mapping[str, tuple[str, str]]

LEAD_SENTENCES = 2
LEAD_CHARS = 300
STAR = "★"
_SENTENCE_BREAK = re.compile(r"(?<=[.!?؟…])\s+")
_FIXED_OFFSET = re.compile(r"^Etc/GMT([+-])(\d{1,2})$")


def ui_lang_of(digest_lang: str) -> Lang:
    """The language of a digest's own words: English for "en", Arabic for "ar" and "both"."""
    return "en" if digest_lang == "en" else "ar"


def zone_label(zone_key: str) -> str:
    """A zone as people write it: 'Europe/Paris', or 'UTC+2' for a fixed offset."""
    match = _FIXED_OFFSET.match(zone_key)
    if match:
        # POSIX Etc zones count the other way: Etc/GMT-2 is two hours ahead of UTC.
        sign = "+" if match.group(1) == "-" else "-"
        return f"UTC{sign}{match.group(2)}"
    return zone_key


def short_lead(text: str, sentences: int = LEAD_SENTENCES, limit: int = LEAD_CHARS) -> str:
    """The first sentences of a lead, cut between words when still too long."""
    parts = _SENTENCE_BREAK.split(" ".join(text.split()))
    lead = " ".join(parts[:sentences])
    if len(lead) > limit:
        lead = lead[:limit].rsplit(" ", 1)[0].rstrip("،,;:") + "…"
    return lead


def render_digest(
    digest: Digest,
    variant: Variant,
    translations: dict[int, Translation],
    complete: bool,
    *,
    topic_names: TopicNames,
    offer_translation: bool = False,
    title: str = "digest_title",
    empty: str = "digest_empty",
) -> list[DigestMessage]:
    """A digest as Telegram HTML messages of at most 4096 characters, split between items.

    With `offer_translation`, each story shown without its English gets a "🌐 n" button
    under the message it ends in. `title` and `empty` are the keys of its heading and of
    what it says when nothing is new (the weekly brief has its own).
    """
    lang = ui_lang_of(variant.lang)
    zone = ZoneInfo(variant.zone)
    since = f"{format_moment(digest.period_start, lang, zone)} ({zone_label(zone.key)})"
    if digest.empty:
        return [DigestMessage(esc(t(lang, empty, when=since)))]
    translate = variant.lang in ("en", "both")
    day = format_day(digest.period_end.astimezone(zone).date(), lang)
    header = [
        t(lang, title, day=esc(day)),
        f"<i>{esc(t(lang, 'digest_since', when=since))}</i>",
    ]
    if translate and not complete:
        key = "digest_partly_translated" if translations else "digest_untranslated"
        header.append(f"<i>{esc(t(lang, key))}</i>")
    blocks = ["\n".join(header)]
    buttons: dict[int, tuple[int, int]] = {}  # block index -> (number, story id)
    number = 0
    for topic, items in digest.sections:
        title = f"<u><b>{esc(_topic_name(topic, lang, topic_names))}</b></u>"
        for index, item in enumerate(items):
            number += 1
            translation = translations.get(item.story.id) if translate else None
            text = _item(item, number, variant.lang, lang, zone, translation)
            if offer_translation and (translation is None or not translation.headline):
                buttons[len(blocks)] = (number, item.story.id)
            # The section's title rides with its first story, so a split never orphans it.
            blocks.append(f"{title}\n{text}" if index == 0 else text)
    footer = []
    if digest.people:
        names = ("، " if lang == "ar" else ", ").join(
            esc(_person(ar, en, variant.lang)) for ar, en in digest.people
        )
        footer.append(f"<i>{t(lang, 'digest_people', names=names)}</i>")
    if any(item.followed for _, items in digest.sections for item in items):
        footer.append(f"<i>{esc(t(lang, 'digest_star'))}</i>")
    if footer:
        blocks.append("\n".join(footer))
    return [
        DigestMessage(text, tuple(buttons[i] for i in ending if i in buttons))
        for text, ending in pack_blocks(blocks)
    ]


def digest_renderer(topic_names: TopicNames, *, offer_translation: bool) -> Render:
    """render_digest with the topic names fixed, as DigestService calls it."""

    def render(
        digest: Digest, variant: Variant, translations: dict[int, Translation], complete: bool
    ) -> list[DigestMessage]:
        return render_digest(
            digest,
            variant,
            translations,
            complete,
            topic_names=topic_names,
            offer_translation=offer_translation,
        )

    return render


def _topic_name(topic: str | None, lang: Lang, names: TopicNames) -> str:
    if topic is None or topic not in names:
        return t(lang, "digest_other") if topic is None else topic
    name_ar, name_en = names[topic]
    return name_en if lang == "en" else name_ar


def _person(name_ar: str, name_en: str, digest_lang: str) -> str:
    if digest_lang == "en":
        return name_en or name_ar
    if digest_lang == "both" and name_en and name_en != name_ar:
        return f"{name_ar} ({name_en})"
    return name_ar or name_en


def _item(
    item: DigestItem,
    number: int,
    digest_lang: str,
    lang: Lang,
    zone: ZoneInfo,
    translation: Translation | None,
) -> str:
    story = item.story
    star = f"{STAR} " if item.followed else ""
    english = translation.headline if translation and translation.headline else None
    shown = english if digest_lang == "en" and english else story.headline
    lines = [f"<b>{number}. {star}{headline(shown)}</b>"]
    if digest_lang == "both" and english:
        lines.append(f"<i>{headline(english)}</i>")
    lead_text = translation.lead if translation and translation.lead else story.lead
    lead = short_lead(lead_text)
    if lead:
        lines.append(esc(lead))
    # Dated, so that a story published in March does not look new in a December digest.
    lines.append(f"<i>{story_meta(story, lang, zone)}</i>")
    return "\n".join(lines)
