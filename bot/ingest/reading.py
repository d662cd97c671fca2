"""Reading what a fetch brought: a feed's entries, a listing's links or one page, as articles.

Teasers are read in full from their pages, pages several stories long are split, and what
is stored already is not read again; all within the run's deadline.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from bot.analysis.text.clip import HEADLINE_MAX_CHARS, clip
from bot.analysis.text.normalize import normalize, tokens
from bot.analysis.text.stem import stem
from bot.analysis.text.stories import make_lead, split_page
from bot.ingest.errors import SourceError
from bot.ingest.feeds import FeedEntry, ParsedFeed, looks_like_feed, parse_feed
from bot.ingest.fetch import Fetcher, FetchError, FetchResult
from bot.ingest.pages import article_links, extract_article
from bot.ingest.urls import canonical_url
from bot.models import NewArticle, Source, StoryDraft
from storage import Store, articles

log = logging.getLogger(__name__)

_T = TypeVar("_T")

# A feed entry this short is a teaser: the article page holds the text.
TEASER_CHARS = 400
# The share of a teaser's words (title and summary) its article page must contain.
MIN_SHARED_WORDS = 0.4
# A listing's new links read in one run, at most.
MAX_LISTING_ARTICLES = 20
# Likewise for a feed's teasers: a feed of 3,000 once made 3,000 page fetches in one run.
MAX_TEASER_FETCHES = 20
# Article pages read at once in one run.
PAGE_WORKERS = 4


@dataclass(slots=True)
class Items:
    """What a fetch yielded: articles to store, and how many entries it listed."""

    entries: int = 0
    articles: list[NewArticle] = field(default_factory=list)
    left: int = 0


class Reader:
    """Turns a fetch into articles to store, reading teasers' and listings' pages."""

    def __init__(self, store: Store, fetcher: Fetcher) -> None:
        self.store = store
        self.fetcher = fetcher

    async def items(self, source: Source, fetched: FetchResult, deadline: float) -> Items:
        """The articles a source's fetch holds, as its kind says to read it."""
        feed = await asyncio.to_thread(feed_of, fetched)
        if feed is not None:
            return await self._from_feed(feed, deadline)
        if source.kind == "feed":
            # A feed that now answers with an empty or HTML page (a moved or broken feed)
            # is a failure, so it backs off, pauses and reaches the admins; read as a
            # page it would report "0 new" for ever.
            raise SourceError("unreadable", "not a feed any more")
        if source.kind == "listing":
            return await self._from_listing(fetched, deadline)
        page = await asyncio.to_thread(extract_article, fetched.body, fetched.url)
        if page is None:
            return Items()
        article = await asyncio.to_thread(
            make_article, fetched.url, page.title or "", page.text, page.published, True
        )
        return Items(entries=1, articles=[article] if article else [])

    async def _from_feed(self, feed: ParsedFeed, deadline: float) -> Items:
        gate = asyncio.Semaphore(PAGE_WORKERS)
        canon = {id(e): canonical_url(e.link) for e in feed.entries if e.link}
        known = await self.store.run(articles.known_urls, list(canon.values()))
        fresh = [e for e in feed.entries if canon.get(id(e)) not in known]
        teasers = [e for e in fresh if e.link and len(e.content or e.summary) < TEASER_CHARS]
        later = {id(e) for e in teasers[MAX_TEASER_FETCHES:]}

        async def one(entry: FeedEntry) -> NewArticle | None:
            link, text = entry.link, entry.content or entry.summary
            if link and len(text) < TEASER_CHARS:
                summary = text
                read = await _in_time(
                    deadline, gate, lambda: self._full_text(link, entry.title, summary)
                )
                text = summary if read is None else read
            return await asyncio.to_thread(
                make_article, link, entry.title, text, entry.published, False
            )

        built = await asyncio.gather(*(one(e) for e in fresh if id(e) not in later))
        return Items(
            entries=len(feed.entries),
            articles=[a for a in built if a is not None],
            left=len(later),
        )

    async def _full_text(self, link: str, title: str, summary: str) -> str:
        """The article page's main text when it says more than the feed's summary."""
        try:
            page = await self.fetcher.fetch(link)
        except FetchError as exc:
            log.info("keeping the summary of %s: %s", link, exc)
            return summary
        extracted = await asyncio.to_thread(extract_article, page.body, page.url)
        if extracted is None or len(extracted.text) <= len(summary):
            return summary
        if not await asyncio.to_thread(
            _same_article, f"{title}\n{summary}", f"{extracted.title or ''}\n{extracted.text}"
        ):
            log.info("keeping the summary of %s: the page is not the article", link)
            return summary
        return extracted.text

    async def _from_listing(self, fetched: FetchResult, deadline: float) -> Items:
        links = await asyncio.to_thread(article_links, fetched.body, fetched.url)
        canon = {link: canonical_url(link) for link in links}
        known = await self.store.run(articles.known_urls, list(canon.values()))
        unread = [link for link in links if canon[link] not in known]
        fresh = unread[:MAX_LISTING_ARTICLES]
        gate = asyncio.Semaphore(PAGE_WORKERS)
        late: list[str] = []

        async def one(link: str) -> NewArticle | None:
            page = await _in_time(deadline, gate, lambda: self._page(link))
            if page is None:
                late.append(link)  # not read in time: tried again next run
                return None
            if isinstance(page, FetchError):
                return None
            extracted = await asyncio.to_thread(extract_article, page.body, page.url)
            if extracted is None:
                return None
            return await asyncio.to_thread(
                make_article, link, extracted.title or "", extracted.text, extracted.published, True
            )

        built = await asyncio.gather(*(one(link) for link in fresh))
        return Items(
            entries=len(links),
            articles=[a for a in built if a is not None],
            left=len(unread) - len(fresh) + len(late),
        )

    async def _page(self, link: str) -> FetchResult | FetchError:
        try:
            return await self.fetcher.fetch(link)
        except FetchError as exc:
            return exc


async def _in_time(
    deadline: float, gate: asyncio.Semaphore, read: Callable[[], Awaitable[_T]]
) -> _T | None:
    """What `read` gives when its turn at the gate comes and it ends before the deadline."""
    if asyncio.get_running_loop().time() >= deadline:
        return None
    try:
        async with asyncio.timeout_at(deadline), gate:
            return await read()
    except TimeoutError:
        return None


def _same_article(entry: str, page: str) -> bool:
    """Whether a page's text is the article a feed entry announces: they share its words.

    A login, cookie or paywall page extracted in the article's place shares almost none.
    """
    wanted = {stem(word) for word in tokens(entry) if len(word) > 2}
    if not wanted:
        return True
    found = {stem(word) for word in tokens(page)}
    return len(wanted & found) >= MIN_SHARED_WORDS * len(wanted)


def feed_of(fetched: FetchResult) -> ParsedFeed | None:
    """The feed a fetch brought, parsed; None when it is not a feed."""
    if not looks_like_feed(fetched.body, fetched.headers.get("content-type")):
        return None
    return parse_feed(fetched.body, url=fetched.url, headers=fetched.headers)


def make_article(
    url: str | None,
    title: str,
    text: str,
    published: datetime | None,
    may_carry_several: bool,
) -> NewArticle | None:
    """An article ready to store: its stories, canonical URL and a hash of its text."""
    text = text.strip()
    if not text:
        return None
    # A feed's title may be a megabyte: the headline is its head, the body keeps it whole.
    headline = clip(title, HEADLINE_MAX_CHARS)
    if may_carry_several:
        drafts = split_page(f"{title}\n\n{text}" if title else text)
    else:
        paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
        whole = [title] if headline != title else []
        body = "\n\n".join(whole + paragraphs)
        drafts = [StoryDraft(0, headline, body, make_lead(paragraphs[0]))]
        if not title:
            drafts = split_page(text)
    if not drafts:
        return None
    digest = hashlib.sha256(normalize(f"{title}\n{text}").encode()).hexdigest()
    return NewArticle(
        url=url,
        canonical_url=canonical_url(url) if url else None,
        title=headline or drafts[0].headline,
        language="ar",
        published_at=published,
        content_hash=digest,
        raw_text=text,
        stories=tuple(drafts),
    )
