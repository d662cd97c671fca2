"""Frozen value objects shared by the core, the storage and the edges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime


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
    published_at: datetime | None  # None when the story gives none, or none to believe
    sources: int = 1  # outlets that told the same story
    stored_at: datetime | None = None  # when the bot stored it: shown for an undated story
    source_kind: str = ""  # "seed", "file", "feed", ...: says where a story without a URL is from


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


@dataclass(frozen=True, slots=True)
class Role:
    """A post an actor held, with the years when known."""

    en: str
    ar: str
    start: int | None = None
    end: int | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    """A person, body or country of the knowledge base."""

    id: str
    kind: str  # "person" | "body" | "country"
    name_ar: str
    name_en: str
    variants_ar: tuple[str, ...] = ()
    variants_en: tuple[str, ...] = ()
    roles: tuple[Role, ...] = ()
    country: str | None = None
    adjectives_ar: tuple[str, ...] = ()
    gender: str | None = None  # "f" for a woman; Arabic replies agree with it


@dataclass(frozen=True, slots=True)
class Place:
    """A city or site of the knowledge base."""

    id: str
    name_ar: str
    name_en: str
    variants_ar: tuple[str, ...] = ()
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the taxonomy, with its weighted lexicon of Arabic terms."""

    id: str
    name_ar: str
    name_en: str
    lexicon: tuple[tuple[str, float], ...] = ()
    keywords_en: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Mention:
    """A person, body or country named in a story: from the knowledge base or discovered."""

    key: str  # the actor id, or "new:<normalized name>" for a discovered person
    kind: str
    name_ar: str
    name_en: str
    role_ar: str | None
    role_en: str | None
    known: bool
    count: int = 1


@dataclass(frozen=True, slots=True)
class Meeting:
    """Two sides that met, phoned or held talks, with the place and day when the story says."""

    a: str  # mention keys
    b: str
    place: str | None  # place id, or the place as written when it is not known
    day: date | None
    kind: str = "meeting"  # "meeting" | "call"


@dataclass(frozen=True, slots=True)
class TopicScore:
    """A topic assigned to a story, with the evidence's weight."""

    topic: str
    score: float


@dataclass(frozen=True, slots=True)
class Relevance:
    """Whether a story concerns Libya, with its score and the words that said so."""

    relevant: bool
    score: float
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class StoryAnalysis:
    """Everything the analysis learned about one story, stored once at ingest."""

    mentions: tuple[Mention, ...]
    topics: tuple[TopicScore, ...]
    relevance: Relevance
    meetings: tuple[Meeting, ...]
    search_stems: str
    search_tags: str
    signature: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class ActorRecord:
    """An actor as the store keeps it: known from the seeds, or discovered in a story."""

    key: str
    kind: str
    name_ar: str
    name_en: str
    role_ar: str | None
    role_en: str | None
    known: bool
    country: str | None
    names: tuple[str, ...]  # normalized spellings, Arabic and English, for lookup
    ref: int = 0  # the store's short number for it, small enough for button data


@dataclass(frozen=True, slots=True)
class ActorCount:
    """An actor with the number of distinct stories naming them in a period."""

    actor: ActorRecord
    stories: int


@dataclass(frozen=True, slots=True)
class MeetingView:
    """A stored meeting, from one actor's side."""

    other: ActorRecord
    place: str | None
    day: date | None
    kind: str
    story_id: int


@dataclass(frozen=True, slots=True)
class ActorProfile:
    """What /who shows about one actor."""

    actor: ActorRecord
    story_count: int
    latest: tuple[StoryView, ...]
    met: tuple[MeetingView, ...]
    appears_with: tuple[ActorCount, ...]
    appears_with_window: int = 0  # counted over this many latest stories (0: all of them)


@dataclass(frozen=True, slots=True)
class NewsPeriod:
    """The days "in the news" and topic counts look at: the last week, or the latest with news."""

    start: datetime
    end: datetime
    # True for the week to now; False for the week to the newest story, when the last
    # week has none (a quiet week, a backfill): then the reader is told which week.
    current: bool


@dataclass(frozen=True, slots=True)
class TopicCount:
    """A topic with its number of stories in a period."""

    topic: str
    stories: int


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A story matching a search, with the text to show and highlight."""

    story: StoryView
    body: str


@dataclass(frozen=True, slots=True)
class Source:
    """A place news comes from, with how fetching it has gone."""

    id: int
    url: str  # what is fetched: a feed, a listing page, or one article page
    site_url: str | None  # what the admin gave, when it differs
    name: str
    name_ar: str
    kind: str  # "feed" | "listing" | "article" | "seed"
    language: str
    state: str  # "ok" | "failing" | "paused" | "removed"
    failures: int = 0
    failing_since: datetime | None = None
    last_error: str | None = None
    last_fetch_at: datetime | None = None
    last_ok_at: datetime | None = None
    last_new_at: datetime | None = None
    items_total: int = 0
    etag: str | None = None
    last_modified: str | None = None
    next_fetch_at: datetime | None = None
    admins_told: bool = False


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article ready to store, with the stories cut out of it."""

    url: str | None
    canonical_url: str | None
    title: str
    language: str
    published_at: datetime | None
    content_hash: str
    raw_text: str
    stories: tuple[StoryDraft, ...]


@dataclass(frozen=True, slots=True)
class Subscription:
    """A subscriber's digest settings and where their schedule stands."""

    chat_id: int
    active: bool
    local_time: str  # "HH:MM" in the subscriber's zone
    timezone: str  # an IANA zone name, e.g. "Africa/Tripoli"
    digest_lang: str  # "ar" (as published) | "en" | "both"
    topics: tuple[str, ...]  # empty: every topic
    max_items: int
    empty_notice: bool  # send "nothing new" rather than nothing
    next_due: datetime  # UTC
    last_period_end: datetime | None  # UTC; the end of the last digest delivered
    thread_id: int | None = None  # the forum topic it goes to; None: the chat itself
    weekly_on: bool = False  # the weekly brief
    weekly_day: int = 0  # 0 Monday .. 6 Sunday
    weekly_time: str = "08:00"  # "HH:MM" in the subscriber's zone
    weekly_next_due: datetime | None = None  # UTC; None while the weekly brief is off
    daily_on: bool = True  # off: the weekly brief alone (the subscription stays active)


@dataclass(frozen=True, slots=True)
class DigestCandidate:
    """A shown story that may go into a digest, with what ranking and grouping need."""

    story: StoryView
    sort_at: datetime
    topics: tuple[str, ...]
    people: tuple[tuple[str, str, str], ...]  # (actor key, Arabic name, English name)
    # When the bot stored it: digests count periods by this, so a story published before a
    # digest but fetched after it comes in the next one rather than in none.
    arrived_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DigestMessage:
    """One message of a digest, with the stories in it that may get a "🌐 n" button."""

    text: str
    stories: tuple[tuple[int, int], ...] = ()  # (number in the digest, story id)
    photo: bytes | None = None  # a PNG: the message is this photo with `text` as its caption


@dataclass(frozen=True, slots=True)
class DigestItem:
    """One story in a digest, and whether the subscriber follows something in it."""

    story: StoryView
    topic: str | None
    followed: bool


@dataclass(frozen=True, slots=True)
class Digest:
    """A built digest: items grouped by topic, best first, and the people in the news."""

    period_start: datetime
    period_end: datetime
    sections: tuple[tuple[str | None, tuple[DigestItem, ...]], ...]
    people: tuple[tuple[str, str], ...]  # (Arabic name, English name)

    @property
    def empty(self) -> bool:
        """Whether nothing new happened in the period."""
        return not self.sections


@dataclass(frozen=True, slots=True)
class Translation:
    """A story's headline and lead in another language."""

    story_id: int
    lang: str
    headline: str
    lead: str


@dataclass(frozen=True, slots=True)
class PageEnglish:
    """What a page of stories has in English: headlines by story id, names by their Arabic."""

    headlines: Mapping[int, str]
    names: Mapping[str, str]  # outlets and roles, as written in Arabic


@dataclass(frozen=True, slots=True)
class Channel:
    """A channel linked with /channel add: who linked it, its alerts, whether it is paused."""

    chat_id: int
    title: str
    username: str | None
    owner_id: int  # the Telegram user who linked it; told when the bot loses its rights
    alerts: bool  # alerts for the owner's follows are posted there too
    paused: bool  # the bot lost its rights there: nothing is posted until linked again
