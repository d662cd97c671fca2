"""Sources and ingest: add and manage sources, fetch them on schedule, store what is new."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar

from bot.ingest.errors import SourceError
from bot.ingest.fetch import Fetcher, FetchError, FetchResult
from bot.ingest.pages import article_links, extract_article, feed_links
from bot.ingest.reading import Reader, feed_of
from bot.ingest.urls import is_http_url, masked_url, with_https
from bot.models import Source
from storage import Store, StoreUnwritable, articles, sources
from storage.sources import SourceExists

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Analyze = Callable[[], Awaitable[int]]
_T = TypeVar("_T")

MAX_BACKOFF = timedelta(hours=24)
# What one run of a source may spend reading article pages, counted from its start. A page
# not read by then keeps its teaser (a listing's link waits for the next run): 24 teasers
# whose pages dripped a byte a second once held a run, and the poll with it, for 12 minutes.
RUN_BUDGET_SECONDS = 120.0
# How long stopping waits for abandoned runs to unwind (each stored article is whole).
STOP_GRACE_SECONDS = 5.0
SOURCE_WORKERS = 4


@dataclass(frozen=True, slots=True)
class RunResult:
    """What one ingest of one source did."""

    source: Source
    entries: int = 0
    new: int = 0
    relevant: int = 0
    not_modified: bool = False
    error: str | None = None
    # Entries not read this run (beyond the page budget), left for the next one.
    left: int = 0


@dataclass(frozen=True, slots=True)
class AddResult:
    """A source just added, what it turned out to be, and what its first ingest found."""

    source: Source
    run: RunResult


class IngestService:
    """Source management and ingest over the store, a fetcher, and the analysis."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        analyze: Analyze,
        clock: Clock,
        *,
        poll_interval: timedelta = timedelta(minutes=15),
        max_failures: int = 5,
        run_budget: float = RUN_BUDGET_SECONDS,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.reader = Reader(store, fetcher)
        self.analyze = analyze
        self.clock = clock
        self.poll_interval = poll_interval
        self.max_failures = max_failures
        self.run_budget = run_budget
        # Each source's run in flight, so the poll starts a source only when it is not
        # running already, and stopping can abandon them all.
        self._running: dict[int, asyncio.Task[RunResult]] = {}
        self._gate = asyncio.Semaphore(SOURCE_WORKERS)

    # ---- managing sources ---------------------------------------------------------------

    async def add_source(self, url: str, name: str | None, by: int | None) -> AddResult:
        """Validate a URL by fetching it once, list it as a feed, listing or article, ingest it."""
        url = url.strip()
        if not is_http_url(url):
            suggestion = with_https(url)
            raise SourceError("no_scheme", suggestion) if suggestion else SourceError("scheme")
        first = await self._fetch_or_explain(url)
        kind, fetched = await self._classify(first)
        title = name or await self._title(kind, fetched) or masked_url(fetched.url)
        source = await self._store_source(fetched.url, url, title, kind, by)
        return AddResult(source=source, run=await self._ingest(source, fetched))

    async def _fetch_or_explain(self, url: str) -> FetchResult:
        try:
            return await self.fetcher.fetch(url)
        except FetchError as exc:
            raise SourceError("fetch", exc.kind, exc.status) from exc

    async def _classify(self, first: FetchResult) -> tuple[str, FetchResult]:
        """A feed, a page announcing a feed (followed), one article, or a listing of links."""
        if await asyncio.to_thread(feed_of, first) is not None:
            return "feed", first
        announced = await asyncio.to_thread(feed_links, first.body, first.url)
        for link in announced[:3]:
            try:
                candidate = await self.fetcher.fetch(link)
            except FetchError:
                continue
            if await asyncio.to_thread(feed_of, candidate) is not None:
                return "feed", candidate
        # extract_article already refuses listings (headlines linking to articles, text
        # that is mostly links), so a page it reads is one article, however many related
        # stories its sidebars link to.
        if await asyncio.to_thread(extract_article, first.body, first.url) is not None:
            return "article", first
        if await asyncio.to_thread(article_links, first.body, first.url):
            return "listing", first
        raise SourceError("unreadable")

    async def _title(self, kind: str, fetched: FetchResult) -> str | None:
        if kind == "feed":
            feed = await asyncio.to_thread(feed_of, fetched)
            return feed.title if feed and feed.title else None
        page = await asyncio.to_thread(extract_article, fetched.body, fetched.url)
        return page.title if page and page.title else None

    async def _store_source(
        self, url: str, site_url: str, name: str, kind: str, by: int | None
    ) -> Source:
        try:
            return await self.store.run(
                sources.add_source,
                url=url,
                site_url=site_url if site_url != url else None,
                name=name[:120],
                name_ar="",
                kind=kind,
                language="ar",
                added_by=by,
                now=self.clock(),
            )
        except SourceExists as exc:
            raise SourceError("exists", str(exc.source.id)) from exc

    async def list_sources(self) -> list[Source]:
        """Every listed source with its state."""
        return await self.store.run(sources.list_sources)

    async def find(self, ref: str) -> Source | None:
        """A listed source by id or URL."""
        found = await self.store.run(sources.find_source, ref.strip())
        # Seed pages and files given on the command line are not sources admins manage.
        if found is None or found.state == "removed" or found.kind in ("seed", "file"):
            return None
        return found

    async def set_state(self, ref: str, state: str) -> Source:
        """Pause ("paused"), resume ("ok") or remove ("removed") a source by id or URL."""
        source = await self.find(ref)
        if source is None:
            raise SourceError("unknown", ref)
        await self.store.run(sources.set_state, source.id, state, self.clock())
        updated = await self.store.run(sources.get_source, source.id)
        assert updated is not None
        return updated

    async def load_default_sources(self, path: Path) -> int:
        """List the default sources once; one an admin removed stays removed."""
        import json

        data = json.loads(await asyncio.to_thread(path.read_text, encoding="utf-8"))
        entries = data.get("sources", [])
        added = 0
        now = self.clock()
        for index, entry in enumerate(entries):
            if await self.store.run(sources.find_source, entry["url"]) is not None:
                continue
            kind = entry.get("kind", "feed")
            source = await self.store.run(
                sources.add_source,
                url=entry["url"],
                site_url=None,
                name=entry["name"],
                name_ar=entry.get("name_ar", ""),
                # A "page" is read for the article links it lists, as /addsource would.
                kind="listing" if kind == "page" else kind,
                language=entry.get("language", "ar"),
                added_by=None,
                now=now,
            )
            # Spread the first fetches over the interval rather than all at once.
            offset = self.poll_interval * (index / max(1, len(entries)))
            await self.store.run(sources.schedule, source.id, now + offset)
            added += 1
        return added

    # ---- ingest ---------------------------------------------------------------------------

    async def ingest_due(self) -> list[RunResult]:
        """Fetch every source whose time has come, a few at a time, and wait for them."""
        return list(await asyncio.gather(*await self.start_due()))

    async def start_due(self) -> list[asyncio.Task[RunResult]]:
        """Start a run for each due source not running already; returns the runs started.

        Each source has its own run, so one that is slow holds back only itself: the next
        poll starts the others as they fall due, and skips just the one still running.
        """
        due = await self.store.run(sources.due_sources, self.clock())
        return [self._start(s, gated=True) for s in due if s.id not in self._running]

    async def ingest_now(self, ref: str | None) -> list[RunResult]:
        """Fetch one source, or every listed one that is not paused, right now."""
        if ref is not None:
            source = await self.find(ref)
            if source is None:
                raise SourceError("unknown", ref)
            return [await self._join(source)]
        listed = [s for s in await self.list_sources() if s.state != "paused"]
        return [await self._join(s) for s in listed]

    async def _join(self, source: Source) -> RunResult:
        """The source's run: the one in flight if there is one, else a new one."""
        run = self._running.get(source.id) or self._start(source, gated=False)
        try:
            # Shielded: a caller that goes away leaves the run to finish, or to stopping.
            return await asyncio.shield(run)
        except asyncio.CancelledError:
            caller = asyncio.current_task()
            if run.cancelled() and (caller is None or not caller.cancelling()):
                # The run was abandoned (the bot is stopping), not this caller: say so, so an
                # admin's /fetchnow ends, and stopping does not wait for it.
                return RunResult(source=source, error="stopped")
            raise

    def _start(self, source: Source, *, gated: bool) -> asyncio.Task[RunResult]:
        task = asyncio.create_task(self._run(source, gated), name=f"ingest-{source.id}")
        self._running[source.id] = task

        def forget(done: asyncio.Task[RunResult]) -> None:
            if self._running.get(source.id) is done:
                del self._running[source.id]

        task.add_done_callback(forget)
        return task

    async def _run(self, source: Source, gated: bool) -> RunResult:
        if gated:
            async with self._gate:
                result = await self.ingest_source(source)
        else:
            result = await self.ingest_source(source)
        log.info(
            "source %s: %s", source.id, result.error or f"{result.entries} entries, "
            f"{result.new} new, {result.relevant} relevant, {result.left} left for later",
        )  # fmt: skip
        return result

    def abandon(self) -> None:
        """Cancel every run in flight (the bot is stopping); what they stored stays stored.

        An abandoned run records nothing, so its source is due again at the next start.
        """
        for task in self._running.values():
            task.cancel()

    async def aclose(self) -> None:
        """Abandon the runs in flight and let them unwind."""
        runs = list(self._running.values())
        self.abandon()
        if runs:
            await asyncio.wait(runs, timeout=STOP_GRACE_SECONDS)

    async def ingest_source(self, source: Source) -> RunResult:
        """Fetch one source and store what is new; a failure is recorded or logged, never raised."""
        try:
            return await self._ingest_source(source)
        except StoreUnwritable as exc:
            return await self._not_stored(source, exc)

    async def _ingest_source(self, source: Source) -> RunResult:
        deadline = self._deadline()
        try:
            fetched = await self.fetcher.fetch(
                source.url, etag=source.etag, last_modified=source.last_modified
            )
        except FetchError as exc:
            return await self._failed(source, str(exc))
        if fetched.not_modified:
            await self._succeeded(source, fetched, entries=0, new_ids=[])
            return RunResult(source=source, not_modified=True)
        try:
            return await self._ingest(source, fetched, deadline=deadline)
        except SourceError as exc:
            return await self._failed(source, f"could not read it: {exc.detail or exc.reason}")
        except StoreUnwritable:
            raise  # the database's failure, not the source's: see _not_stored
        except Exception as exc:  # one bad source never stops the others
            log.exception("ingest of source %s failed", source.id)
            return await self._failed(source, f"could not read it: {type(exc).__name__}")

    async def ingest_file(self, path: Path, source_ref: str | None) -> RunResult:
        """Ingest a saved feed or page, as if fetched from its source (or a 'file' source)."""
        body = await asyncio.to_thread(path.read_bytes)
        found = await self.find(source_ref) if source_ref is not None else None
        if source_ref is not None and found is None:
            raise SourceError("unknown", source_ref)
        source = found or await self._file_source(path)
        fetched = FetchResult(
            url=source.url, status=200, body=body, headers={}, etag=None, last_modified=None
        )
        return await self._ingest(source, fetched, record=source.kind != "file")

    async def _file_source(self, path: Path) -> Source:
        """The source standing for files given on the command line, made on first use."""
        url = (await asyncio.to_thread(path.resolve)).as_uri()
        found = await self.store.run(sources.find_source, url)
        if found is not None:
            return found
        try:
            return await self.store.run(
                sources.add_source, url=url, site_url=None, name=path.name, name_ar="",
                kind="file", language="ar", added_by=None, now=self.clock(),
            )  # fmt: skip
        except sources.SourceExists as exc:
            # Another `ingest --file` of the same file made it between the two steps.
            return exc.source

    def _deadline(self) -> float:
        """When a run starting now must stop reading pages, on the event loop's clock."""
        return asyncio.get_running_loop().time() + self.run_budget

    async def _ingest(
        self,
        source: Source,
        fetched: FetchResult,
        record: bool = True,
        deadline: float | None = None,
    ) -> RunResult:
        items = await self.reader.items(source, fetched, deadline or self._deadline())
        new_ids: list[int] = []
        now = self.clock()
        for article in items.articles:
            stored = await self.store.run(articles.store_article, source.id, article, now)
            if stored is not None:
                new_ids.append(stored)
        await self.analyze()
        relevant = await self.store.run(articles.relevant_stories, new_ids)
        if record:
            if items.left:
                # Entries wait for the next run: a 304 to validators kept now would strand
                # them until the feed changes, so the next fetch reads it whole again.
                fetched = replace(fetched, etag="", last_modified="")
            await self._succeeded(source, fetched, items.entries, new_ids, relevant)
        return RunResult(
            source=source,
            entries=items.entries,
            new=len(new_ids),
            relevant=relevant,
            left=items.left,
        )

    async def _succeeded(
        self,
        source: Source,
        fetched: FetchResult,
        entries: int,
        new_ids: Sequence[int],
        relevant: int = 0,
    ) -> None:
        await self.store.run(
            sources.record_success,
            source.id,
            now=self.clock(),
            etag=fetched.etag,
            last_modified=fetched.last_modified,
            entries=entries,
            new=len(new_ids),
            relevant=relevant,
            next_fetch_at=self.clock() + self.poll_interval,
        )

    async def _failed(self, source: Source, error: str) -> RunResult:
        backoff = min(MAX_BACKOFF, self.poll_interval * (2 ** min(source.failures + 1, 10)))
        await self.store.run(
            sources.record_failure,
            source.id,
            now=self.clock(),
            error=error,
            next_fetch_at=self.clock() + backoff,
            pause_after=self.max_failures,
        )
        return RunResult(source=source, error=error)

    async def _not_stored(self, source: Source, exc: StoreUnwritable) -> RunResult:
        """The database took no writes (read-only, disk full): the source is not to blame.

        No failure is counted, so the source is not backed off or paused for it, and its
        validators are not kept, so the next fetch reads everything again. Each article is
        stored whole or not at all; those stored are known by then and skipped.
        """
        log.error("could not store what source %s gave: %s", source.id, exc)
        # Not fetched again every minute while it lasts (an update in place often still fits
        # where new rows do not); if even that fails, it is due on the next tick, no worse.
        with contextlib.suppress(StoreUnwritable):
            await self.store.run(sources.schedule, source.id, self.clock() + self.poll_interval)
        return RunResult(source=source, error=f"not stored: {exc}")

    async def sources_to_report(self) -> list[Source]:
        """Sources paused by failures that admins have not heard about yet; marks them told."""
        listed = await self.list_sources()
        fresh = [s for s in listed if s.state == "paused" and s.failures and not s.admins_told]
        for source in fresh:
            await self.store.run(sources.mark_admins_told, source.id)
        return fresh
