"""English for English readers: headlines in English under the Arabic, and English labels.

A list (a page of /latest, /topic, /search, a profile's latest stories, an alert) asks once
for what it needs in English: its headlines, and its outlet names and people's roles that
are written in Arabic. What the translator has not given in time is shown in Arabic (a
headline) or by a plain transliteration (an outlet), or left out (a role): never raw Arabic
among English words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from bot.analysis.text.romanize import romanize
from bot.models import PageEnglish, StoryView
from bot.translate import TranslationService

# How a reader sees headlines in lists: Arabic only, English only, or Arabic with English under.
HEADLINE_CHOICES = ("ar", "en", "both")
SOURCES_FILE = "sources.json"
MANIFEST_FILE = "manifest.json"
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


def has_arabic(text: str) -> bool:
    """Whether a text holds any Arabic letter (and so cannot stand in an English view as is)."""
    return bool(_ARABIC.search(text))


def headline_mode(choice: str | None, lang: str, *, translating: bool) -> str:
    """How headlines show: the reader's choice, else both for English readers, else Arabic.

    Without a translator there is no English to show, whatever was chosen.
    """
    if not translating:
        return "ar"
    if choice in HEADLINE_CHOICES:
        return choice
    return "both" if lang == "en" else "ar"


def english_label(text: str, known: str | None = None) -> str:
    """A name for an English view: as is with no Arabic in it, else `known`, else spelled out."""
    if not has_arabic(text):
        return text
    return known or romanize(text) or text


@dataclass(frozen=True, slots=True)
class ListEnglish:
    """What one list shows in English: its headlines, and its Arabic labels' English."""

    mode: str = "ar"  # "ar", "en" or "both" (see HEADLINE_CHOICES)
    headlines: Mapping[int, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)  # by the Arabic as stored

    def headline(self, story_id: int) -> str | None:
        """The story's English headline when the reader wants one and it came in time."""
        return None if self.mode == "ar" else self.headlines.get(story_id)

    def label(self, arabic: str) -> str | None:
        """The English of an outlet name or role written in Arabic, when known."""
        return self.labels.get(arabic)


NO_ENGLISH = ListEnglish()


def _host(url: str | None) -> str:
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.")


def read_seed_outlets(seeds_dir: Path) -> dict[str, str]:
    """English outlet names the seeds give, by site host and by Arabic name."""
    names: dict[str, str] = {}
    try:
        listed = json.loads((seeds_dir / SOURCES_FILE).read_text(encoding="utf-8"))
        for entry in listed.get("sources", []):
            english, arabic = entry.get("name") or "", entry.get("name_ar") or ""
            if english and not has_arabic(english):
                if host := _host(entry.get("url")):
                    names[host] = english
                if arabic:
                    names[arabic] = english
        manifest = json.loads((seeds_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        for entry in manifest.get("articles", []):
            english, arabic = entry.get("outlet") or "", entry.get("outlet_ar") or ""
            if english and arabic and not has_arabic(english):
                names[arabic] = english
    except (OSError, ValueError, AttributeError, TypeError):
        # The names are a nicety: without them outlets are translated or spelled out.
        return names
    return names


class EnglishViews:
    """Gathers, for one list, the English its reader's language and choice call for."""

    def __init__(
        self, translations: TranslationService | None, seed_outlets: Mapping[str, str]
    ) -> None:
        self.translations = translations
        self.seed_outlets = seed_outlets

    @property
    def translating(self) -> bool:
        """Whether a translator is configured (TRANSLATOR is not none)."""
        return self.translations is not None

    def mode(self, choice: str | None, lang: str) -> str:
        """How this reader sees headlines (see headline_mode)."""
        return headline_mode(choice, lang, translating=self.translating)

    async def for_list(
        self,
        lang: str,
        choice: str | None,
        stories: Sequence[StoryView] = (),
        roles: Sequence[str] = (),
        *,
        cached_only: bool = False,
    ) -> ListEnglish:
        """The English for a list of stories (and people's roles), in one batch, in time.

        `cached_only`: only what the cache holds, the translator not asked (an inline query
        must answer at once, and is typed a letter at a time).
        """
        mode = self.mode(choice, lang)
        heads = [(s.id, s.headline) for s in stories] if mode != "ar" else []
        labels: dict[str, str] = {}
        wanted: list[str] = []
        if lang == "en":
            for story in stories:
                if has_arabic(story.outlet) and story.outlet not in labels:
                    seed = self.seed_outlets.get(_host(story.url))
                    seed = seed or self.seed_outlets.get(story.outlet)
                    if seed:
                        labels[story.outlet] = seed
                    else:
                        wanted.append(story.outlet)
            wanted += [role for role in roles if has_arabic(role)]
        found = PageEnglish({}, {})
        if self.translations is not None and (heads or wanted):
            if cached_only:
                found = await self.translations.cached([sid for sid, _ in heads], wanted, "en")
            else:
                found = await self.translations.page(heads, wanted, "en")
        for text in wanted:
            english = found.names.get(text)
            if english:
                labels[text] = english
        return ListEnglish(mode, found.headlines, labels)
