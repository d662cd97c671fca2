"""The translation service: stories and names in English, cached, retried, timed out, paused.

A translator runs on a worker thread: `TranslationService` waits for it with
`asyncio.wait_for`, but a thread cannot be killed, so a call that overruns keeps its thread
until its current request times out. The service therefore runs one call at a time, on a
pool of two threads, so that one overrunning call cannot hold up the next.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import partial

from bot.models import PageEnglish, Translation
from bot.translate.base import ARABIC_LETTER, CircuitOpen, TranslationFailed, Translator
from bot.translate.wire import call_state
from storage import Store
from storage import translations as cache

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[object]]

# The longest a page (a list of stories) waits for its English: what is not ready by then
# is shown in Arabic, and comes with the next view.
PAGE_WAIT = 2.0


def _run_translator(
    translator: Translator, texts: list[str], target: str, deadline: float
) -> list[str]:
    """Run on a worker thread: the translation, with the deadline the wire honours."""
    call_state.deadline = deadline
    try:
        return translator.translate(texts, target)
    except TranslationFailed:
        raise
    except Exception as exc:
        # Anything else a translator raises (StopIteration included, which an asyncio
        # future cannot carry) is a failure of that call, not of the caller.
        raise TranslationFailed(f"{translator.name}: {type(exc).__name__}") from exc
    finally:
        call_state.deadline = None


class TranslationService:
    """Translations of stories and names: cached, retried, timed out, and paused when failing."""

    def __init__(
        self,
        store: Store,
        translator: Translator | None,
        clock: Clock,
        *,
        timeout: float = 20,
        retries: int = 3,
        backoff: float = 1.0,
        breaker_failures: int = 5,
        breaker_seconds: float = 300,
        sleep: Sleep = asyncio.sleep,
        batch_size: int = 10,
        page_wait: float = PAGE_WAIT,
    ) -> None:
        self.store = store
        self.translator = translator
        self.clock = clock
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.breaker_failures = breaker_failures
        self.breaker_seconds = breaker_seconds
        self.batch_size = max(1, batch_size)
        self.page_wait = page_wait
        self._sleep = sleep
        # Two threads though calls run one at a time: one may still be finishing a call
        # the service gave up on, since a thread cannot be stopped.
        self._executor = ThreadPoolExecutor(max_workers=2, thread_name_prefix="translate")
        # One call at a time, for the provider's rate limits and so that callers wanting
        # the same stories find them cached instead of translating them twice.
        self._lock = asyncio.Lock()
        self._failures = 0
        self._opened_at: datetime | None = None
        self._trial = False
        # A page's batch still translating, by what it translates ("h", story id) or
        # ("n", name): a later page wanting the same waits for it instead of asking again.
        # Also holds the batches that outlived their page, so they are not collected.
        self._pending: dict[tuple[str, int | str], asyncio.Task[PageEnglish]] = {}

    async def page(
        self, headlines: list[tuple[int, str]], names: list[str], lang: str = "en"
    ) -> PageEnglish:
        """A page's headlines (by story id) and names (outlets, roles) in `lang`, in time.

        Cached ones at once; the rest in one batch, waited for at most `page_wait` seconds.
        A batch not done by then goes on in the background and is cached, so the next view
        has it; a failed one leaves those texts out, shown in Arabic.
        """
        if self.translator is None:
            return PageEnglish({}, {})
        heads = {sid: text for sid, text in headlines if ARABIC_LETTER.search(text)}
        wanted = list(dict.fromkeys(n for n in names if ARABIC_LETTER.search(n)))
        found = await self.cached(list(heads), wanted, lang)
        waits: set[asyncio.Task[PageEnglish]] = set()
        new_heads: dict[int, str] = {}
        new_names: list[str] = []
        for sid, text in heads.items():
            if sid not in found.headlines:
                running = self._pending.get(("h", sid))
                if running is None:
                    new_heads[sid] = text
                else:
                    waits.add(running)
        for name in wanted:
            if name not in found.names:
                running = self._pending.get(("n", name))
                if running is None:
                    new_names.append(name)
                else:
                    waits.add(running)
        if new_heads or new_names:
            waits.add(self._start_batch(new_heads, new_names, lang))
        if not waits:
            return found
        done, _ = await asyncio.wait(waits, timeout=self.page_wait)
        merged_heads, merged_names = dict(found.headlines), dict(found.names)
        for task in done:
            # A failed batch logged why and gives nothing: those stay Arabic this time.
            if not task.cancelled() and task.exception() is None:
                merged_heads.update(task.result().headlines)
                merged_names.update(task.result().names)
        return PageEnglish(
            {sid: merged_heads[sid] for sid in heads if sid in merged_heads},
            {name: merged_names[name] for name in wanted if name in merged_names},
        )

    async def cached(self, story_ids: list[int], names: list[str], lang: str = "en") -> PageEnglish:
        """The headlines (by story id) and names already cached in `lang`; asks no translator.

        For answers that cannot wait for one (an inline query): what is missing stays Arabic.
        """
        if self.translator is None:
            return PageEnglish({}, {})
        return PageEnglish(
            await self.store.run(cache.cached_headlines, story_ids, lang),
            await self.store.run(cache.cached_names, names, lang),
        )

    def _start_batch(
        self, heads: dict[int, str], names: list[str], lang: str
    ) -> asyncio.Task[PageEnglish]:
        task = asyncio.create_task(self._page_batch(heads, names, lang), name="translate-page")
        keys: list[tuple[str, int | str]] = [("h", sid) for sid in heads]
        keys += [("n", name) for name in names]
        for key in keys:
            self._pending[key] = task

        def forget(_: asyncio.Task[PageEnglish]) -> None:
            for key in keys:
                if self._pending.get(key) is task:
                    del self._pending[key]
            if not task.cancelled() and (exc := task.exception()) is not None:
                log.warning("a page's translation failed", exc_info=exc)

        task.add_done_callback(forget)
        return task

    async def _page_batch(self, heads: dict[int, str], names: list[str], lang: str) -> PageEnglish:
        """Translate and cache one page's headlines and names in one translator call."""
        assert self.translator is not None
        texts = list(dict.fromkeys([*heads.values(), *names]))
        try:
            async with self._lock:
                english = dict(
                    zip(texts, await self._call(self.translator, texts, lang), strict=True)
                )
        except TranslationFailed as exc:
            level = logging.DEBUG if isinstance(exc, CircuitOpen) else logging.WARNING
            log.log(level, "translating a page of %d texts failed: %s", len(texts), exc)
            return PageEnglish({}, {})
        done = PageEnglish(
            {sid: " ".join(english[text].split()) for sid, text in heads.items()},
            {name: " ".join(english[name].split()) for name in names},
        )
        headlines = {sid: text for sid, text in done.headlines.items() if text}
        labels = {name: text for name, text in done.names.items() if text}
        try:
            await self.store.run(
                cache.save_headlines, headlines, lang, self.translator.name, self.clock()
            )
            await self.store.run(cache.save_names, labels, lang, self.translator.name, self.clock())
        except Exception:
            # Good translations even when caching them is not; they are redone next time.
            log.warning("could not cache a page's translations", exc_info=True)
        return PageEnglish(headlines, labels)

    async def stories(
        self, items: list[tuple[int, str, str]], lang: str = "en"
    ) -> tuple[dict[int, Translation], bool]:
        """Translations of (story id, headline, lead) items, and whether every one was had."""
        # Cached ones first, the rest translated in batches and cached. Those that fail are
        # left out and not cached, so the caller shows them in Arabic and the next call
        # tries them again.
        if self.translator is None:
            return {}, False
        wanted: dict[int, tuple[str, str]] = {}
        for story_id, headline, lead in items:
            wanted.setdefault(story_id, (headline, lead))
        if not wanted:
            return {}, True
        found = await self.store.run(cache.cached_translations, list(wanted), lang)
        if len(found) < len(wanted):
            async with self._lock:
                # Whoever held the lock may have translated some of these meanwhile.
                missing = [sid for sid in wanted if sid not in found]
                found.update(await self.store.run(cache.cached_translations, missing, lang))
                missing = [sid for sid in wanted if sid not in found]
                for start in range(0, len(missing), self.batch_size):
                    batch = {sid: wanted[sid] for sid in missing[start : start + self.batch_size]}
                    done = await self._translate_batch(batch, lang)
                    if done is None:
                        # The rest would most likely fail the same way; do not make the
                        # caller wait for it.
                        break
                    found.update(done)
        return found, len(found) == len(wanted)

    async def name(self, arabic: str) -> str | None:
        """An English form of a person's Arabic name, cached; None when none can be had."""
        text = " ".join(arabic.split())
        if self.translator is None or not text:
            return None
        cached = await self.store.run(cache.cached_name, text, "en")
        if cached is not None:
            return cached
        async with self._lock:
            cached = await self.store.run(cache.cached_name, text, "en")
            if cached is not None:
                return cached
            try:
                (english,) = await self._call(self.translator, [text], "en")
            except TranslationFailed as exc:
                level = logging.DEBUG if isinstance(exc, CircuitOpen) else logging.WARNING
                log.log(level, "no English for the name %s: %s", text, exc)
                return None
        english = " ".join(english.split())
        if not english:
            return None
        try:
            await self.store.run(
                cache.save_name, text, "en", english, self.translator.name, self.clock()
            )
        except Exception:
            log.warning("could not cache the English of %s", text, exc_info=True)
        return english

    def close(self) -> None:
        """Stop the worker threads and the page batches; a call still running finishes alone."""
        for task in set(self._pending.values()):
            task.cancel()
        self._executor.shutdown(wait=False, cancel_futures=True)

    async def _translate_batch(
        self, batch: dict[int, tuple[str, str]], lang: str
    ) -> dict[int, Translation] | None:
        """Translate and cache these stories in one call; None when it failed."""
        assert self.translator is not None
        texts = list(dict.fromkeys(t for pair in batch.values() for t in pair if t.strip()))
        english: dict[str, str] = {}
        if texts:
            try:
                english = dict(
                    zip(texts, await self._call(self.translator, texts, lang), strict=True)
                )
            except TranslationFailed as exc:
                # While the circuit is open every call fails this way; say so once, not each time.
                level = logging.DEBUG if isinstance(exc, CircuitOpen) else logging.WARNING
                log.log(level, "translating %d stories failed: %s", len(batch), exc)
                return None
        done = {
            sid: Translation(
                story_id=sid,
                lang=lang,
                headline=english.get(headline, headline),
                lead=english.get(lead, lead),
            )
            for sid, (headline, lead) in batch.items()
        }
        try:
            await self.store.run(
                cache.save_translations, list(done.values()), self.translator.name, self.clock()
            )
        except Exception:
            # The translations are good even when caching them is not; they are redone later.
            log.warning("could not cache %d translations", len(done), exc_info=True)
        return done

    async def _call(self, translator: Translator, texts: list[str], target: str) -> list[str]:
        """One translator call through the circuit breaker, retried with growing pauses."""
        attempt = 0
        while True:
            self._admit()
            try:
                result = await self._attempt(translator, texts, target)
            except TranslationFailed as exc:
                self._failed()
                if not exc.retryable or attempt >= self.retries or self._opened_at is not None:
                    raise
                delay = self.backoff * 2**attempt
                attempt += 1
                log.info("translation failed (%s); try %d in %.1fs", exc, attempt + 1, delay)
                await self._sleep(delay)
                continue
            self._succeeded()
            return result

    async def _attempt(self, translator: Translator, texts: list[str], target: str) -> list[str]:
        loop = asyncio.get_running_loop()
        deadline = time.monotonic() + self.timeout
        job = partial(_run_translator, translator, texts, target, deadline)
        future = loop.run_in_executor(self._executor, job)
        try:
            result = await asyncio.wait_for(future, self.timeout)
        except TimeoutError as exc:
            raise TranslationFailed(
                f"{translator.name}: no answer within {self.timeout:g}s", retryable=True
            ) from exc
        if len(result) != len(texts) or not all(isinstance(t, str) for t in result):
            raise TranslationFailed(f"{translator.name}: answered {len(result)} of {len(texts)}")
        return result

    def _admit(self) -> None:
        """Let a call through unless the circuit is open; after the pause, let one try."""
        if self._opened_at is None:
            return
        waited = (self.clock() - self._opened_at).total_seconds()
        if waited < self.breaker_seconds or self._trial:
            raise CircuitOpen("translation is paused after repeated failures")
        self._trial = True

    def _failed(self) -> None:
        # The count is reset only by a success, so a failed trial reopens the circuit too.
        self._failures += 1
        if self._failures >= self.breaker_failures:
            if self._opened_at is None or self._trial:
                log.warning(
                    "translation paused for %gs after %d failures",
                    self.breaker_seconds,
                    self._failures,
                )
            self._opened_at = self.clock()
            self._trial = False

    def _succeeded(self) -> None:
        self._failures = 0
        self._opened_at = None
        self._trial = False
