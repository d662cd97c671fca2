"""Frozen value objects shared by the core, the storage and the edges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class StoryDraft:
    """One story cut out of a page, before it is stored."""

    position: int
    headline: str
    body: str
    lead: str


@dataclass(frozen=True, slots=True)
class SeedDocument:
    """A seed page with what its manifest says about it."""

    key: str
    text: str
    content_hash: str
    outlet: str
    outlet_ar: str
    source: str
    language: str
    url: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoryView:
    """A stored story as the query side shows it."""

    id: int
    headline: str
    lead: str
    outlet: str
    outlet_ar: str
    url: str | None
    published_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of a story listing, newest first."""

    stories: tuple[StoryView, ...]
    offset: int
    limit: int
    total: int

    @property
    def has_more(self) -> bool:
        """Whether older stories remain after this page."""
        return self.offset + len(self.stories) < self.total


@dataclass(frozen=True, slots=True)
class SeedReport:
    """What loading the seeds did."""

    added: int
    updated: int
    unchanged: int


@dataclass(frozen=True, slots=True)
class ChatUser:
    """A person talking to the bot, as Telegram describes them."""

    chat_id: int
    user_id: int
    language_code: str | None
