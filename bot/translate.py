"""English forms of Arabic stories and names, over deep-translator, cached in SQLite.

deep-translator gives none of its HTTP requests a time limit, and its DeepL client still
authenticates the way DeepL stopped accepting (a GET with `auth_key` in the query). So this
module puts `_Wire` in place of the `requests` module inside deep-translator's Google,
MyMemory, Libre and DeepL modules: every request gets a timeout, capped by the deadline of
the call it belongs to, and DeepL's is sent as a POST with the key in the Authorization
header. Nothing outside deep-translator is touched.

A translator runs on a worker thread: `TranslationService` waits for it with
`asyncio.wait_for`, but a thread cannot be killed, so a call that overruns keeps its thread
until its current request times out. The service therefore runs one call at a time, on a
pool of two threads, so that one overrunning call cannot hold up the next.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from functools import cache as once
from functools import partial
from typing import Any, Protocol
from urllib.parse import urlsplit

import requests
from deep_translator import (
    DeeplTranslator,
    GoogleTranslator,
    LibreTranslator,
    MyMemoryTranslator,
    constants,
)
from deep_translator import deepl as _deepl_module
from deep_translator import exceptions as dt_errors
from deep_translator import google as _google_module
from deep_translator import libre as _libre_module
from deep_translator import mymemory as _mymemory_module

from bot.models import PageEnglish, Translation
from storage import Store
from storage import translations as cache

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleep = Callable[[float], Awaitable[object]]

SOURCE_LANG = "ar"
PROVIDERS = ("google", "mymemory", "libre", "deepl")
# One HTTP request's limit; the call it belongs to may cut it shorter.
REQUEST_TIMEOUT = 10.0
# The longest a page (a list of stories) waits for its English: what is not ready by then
# is shown in Arabic, and comes with the next view.
PAGE_WAIT = 2.0

# The most one request may carry, as (size, unit). deep-translator refuses Google texts of
# 5000 characters or more. MyMemory takes at most 500 bytes of UTF-8, and an Arabic letter
# is two bytes, though deep-translator only counts characters. Libre servers set their own
# limit (libretranslate.com's is 2000), and Libre's text travels in the URL.
LIMITS: dict[str, tuple[int, str]] = {
    "google": (4999, "chars"),
    "mymemory": (499, "bytes"),
    "libre": (2000, "chars"),
    "deepl": (5000, "chars"),
}

_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")
# A sentence ends at . ! ? ؟ or …, with any closing quotes or brackets, before a space or
# the end; a point inside "3.5" or "U.N" is no end.
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'”’»)\]]*(?=\s|$)")
_CLAUSE_END = re.compile(r"[،؛\n]")
_SPACE = re.compile(r"\s")
_DEEPL_HOSTS = frozenset({"api.deepl.com", "api-free.deepl.com"})


class TranslationFailed(Exception):
    """A translation could not be had; `retryable` says whether trying again soon may help."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class CircuitOpen(TranslationFailed):
    """Translation is paused after repeated failures; nothing was sent."""


class Translator(Protocol):
    """Translates Arabic texts; synchronous, so it is run on a worker thread."""

    name: str

    def translate(self, texts: list[str], target: str) -> list[str]:
        """The texts in the target language, in order; may raise TranslationFailed."""
        ...


# ---------------------------------------------------------------- deep-translator's wire


class _CallState(threading.local):
    """What `_Wire` needs to know about the call running on this thread."""

    request_timeout: float = REQUEST_TIMEOUT
    deadline: float | None = None  # time.monotonic() by which the whole call must end
    response: requests.Response | None = None  # the last answer, to classify a failure


_state = _CallState()
# Texts of one call translated at once, each its own request: a provider's free tier takes
# a few at a time.
PARALLEL = 4


class _Wire:
    """Stands in for `requests` inside deep-translator's provider modules."""

    def get(self, url: str, **kwargs: Any) -> requests.Response:
        """Send a GET the way deep-translator asked, with a time limit."""
        return self._send("GET", url, kwargs)

    def post(self, url: str, **kwargs: Any) -> requests.Response:
        """Send a POST the way deep-translator asked, with a time limit."""
        return self._send("POST", url, kwargs)

    def _send(self, method: str, url: str, kwargs: dict[str, Any]) -> requests.Response:
        _state.response = None
        timeout = _state.request_timeout
        if _state.deadline is not None:
            left = _state.deadline - time.monotonic()
            if left <= 0:
                # The caller has given up on this call: send nothing more for it.
                raise requests.Timeout("the translation call ran out of time")
            timeout = min(timeout, left)
        kwargs["timeout"] = timeout
        if method == "GET" and urlsplit(url).hostname in _DEEPL_HOSTS:
            method = "POST"
            kwargs = _deepl_header_auth(kwargs)
        response = requests.request(method, url, **kwargs)
        if "charset" not in response.headers.get("Content-Type", "").lower():
            # requests would read a text/* answer without a charset as Latin-1 and garble
            # it; all four providers answer in UTF-8.
            response.encoding = "utf-8"
        _state.response = response
        return response


def _deepl_header_auth(kwargs: dict[str, Any]) -> dict[str, Any]:
    """DeepL's /translate takes only POSTs, keyed in the Authorization header since 2026."""
    params = dict(kwargs.pop("params", None) or {})
    key = params.pop("auth_key", "")
    headers = dict(kwargs.pop("headers", None) or {})
    headers["Authorization"] = f"DeepL-Auth-Key {key}"
    return {**kwargs, "data": params, "headers": headers}


@once
def _give_deep_translator_timeouts() -> None:
    """Route deep-translator's requests through the wrapper, once, when first needed.

    deep-translator calls requests without a timeout; its modules look `requests` up as a
    module global, so replacing that name there is the only hook. Done on first use, not at
    import, so importing this module changes nothing.
    """
    wire = _Wire()
    for module in (_google_module, _mymemory_module, _libre_module, _deepl_module):
        module.requests = wire


# ---------------------------------------------------------------- cutting long texts


def _size(text: str, unit: str) -> int:
    return len(text.encode("utf-8")) if unit == "bytes" else len(text)


def split_text(text: str, limit: int, unit: str = "chars") -> list[tuple[str, str]]:
    """Cut a text into (piece, joint) pairs within the limit, at sentence ends where it can."""
    # The joint is what goes between a piece's translation and the next one's: a newline,
    # a space, or "" after the last piece or a cut inside a word too long for the limit.
    pieces: list[tuple[str, str]] = []
    rest = text.strip()
    while rest:
        if _size(rest, unit) <= limit:
            pieces.append((rest, ""))
            break
        room = _room(rest, limit, unit)
        cut = _cut_point(rest, room)
        head, tail = rest[:cut], rest[cut:]
        piece = head.rstrip()
        after = tail.lstrip()
        gap = head[len(piece) :] + tail[: len(tail) - len(after)]
        pieces.append((piece, "\n" if "\n" in gap else " " if gap else ""))
        rest = after
    return pieces


def _room(text: str, limit: int, unit: str) -> int:
    """The length of the longest start of the text within the limit (at least one character)."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _size(text[:middle], unit) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def _cut_point(text: str, room: int) -> int:
    """Where to end a piece of at most `room` characters; `text` starts with no space."""
    # By preference a sentence end (. ! ? ؟ …), else an Arabic comma or semicolon or a line
    # break, else a space between words, else wherever the room runs out.
    # One character past the room, so a boundary right at its edge is seen as one.
    window = text[: room + 1]
    for pattern in (_SENTENCE_END, _CLAUSE_END):
        ends = [m.end() for m in pattern.finditer(window) if m.end() <= room]
        if ends:
            return ends[-1]
    spaces = [m.start() for m in _SPACE.finditer(window) if 0 < m.start() <= room]
    return spaces[-1] if spaces else room


# ---------------------------------------------------------------- deep-translator providers


class DeepTranslator:
    """A Translator over deep-translator: Google, MyMemory, LibreTranslate or DeepL, from Arabic."""

    def __init__(
        self,
        provider: str,
        *,
        url: str | None = None,
        api_key: str | None = None,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        if provider not in LIMITS:
            raise ValueError(f"unknown translation provider {provider!r}")
        _give_deep_translator_timeouts()
        self.name = provider
        self.url = url
        self._api_key = api_key
        self.request_timeout = request_timeout
        self.limit, self.unit = LIMITS[provider]
        try:
            # Build one now, so a language or key it refuses shows at start-up.
            self._engine("en")
        except TranslationFailed as exc:
            raise ValueError(str(exc)) from exc

    def translate(self, texts: list[str], target: str) -> list[str]:
        """The texts from Arabic into `target`; long ones go in pieces, blank ones untouched.

        Up to PARALLEL texts at a time: deep-translator sends one request a text, and a page
        of ten headlines one after another would not fit in the wait a page allows.
        """
        deadline = _state.deadline  # the caller's, on this thread; each worker takes it on

        def one(text: str) -> str:
            _state.request_timeout, _state.deadline = self.request_timeout, deadline
            if not text.strip():
                return text
            # A fresh engine per text: deep-translator keeps each request's parameters on it.
            engine = self._engine(target)
            parts = split_text(text, self.limit, self.unit)
            return "".join(self._one(engine, piece) + joint for piece, joint in parts)

        if len(texts) <= 1:
            return [one(text) for text in texts]
        with ThreadPoolExecutor(min(PARALLEL, len(texts)), "translate-text") as pool:
            # Every text is sent, even after one fails: they go out together (map would
            # cancel those not started yet, and how many were is up to the threads).
            futures = [pool.submit(one, text) for text in texts]
            return [future.result() for future in futures]

    def _engine(self, target: str) -> Any:
        try:
            if self.name == "google":
                return GoogleTranslator(source=SOURCE_LANG, target=target)
            if self.name == "mymemory":
                codes = constants.MY_MEMORY_LANGUAGES_TO_CODES
                return MyMemoryTranslator(
                    source=_code(codes, SOURCE_LANG, self.name),
                    target=_code(codes, target, self.name),
                    email=self._api_key,
                )
            if self.name == "libre":
                # deep-translator insists on a key; a self-hosted server may want none, and
                # the engine sends the key only when it has one.
                engine = LibreTranslator(
                    source=SOURCE_LANG,
                    target=target,
                    api_key=self._api_key or "unused",
                    custom_url=self.url,
                )
                engine.api_key = self._api_key
                return engine
            key = self._api_key or ""
            # Its list of DeepL languages predates DeepL's Arabic: pass "auto" to get
            # through the check, then name the source; DeepL free keys end in ":fx".
            engine = DeeplTranslator(
                source="auto", target=target, api_key=key, use_free_api=key.endswith(":fx")
            )
            engine.source = SOURCE_LANG
            return engine
        except (
            dt_errors.LanguageNotSupportedException,
            dt_errors.InvalidSourceOrTargetLanguage,
            dt_errors.ApiKeyException,
        ) as exc:
            raise TranslationFailed(f"{self.name}: {self._redact(exc)}") from exc

    def _one(self, engine: Any, piece: str) -> str:
        """One request's worth of text, translated."""
        _state.response = None
        try:
            result = engine.translate(piece)
        except TranslationFailed:
            raise
        except Exception as exc:
            raise self._failure(exc) from exc
        if self.name == "mymemory":
            self._check_mymemory()
        if result is None:
            # Google gives None when it echoes a text with no letters or digits, e.g. "…".
            return piece
        if not isinstance(result, str):
            raise TranslationFailed(f"{self.name}: answered with {type(result).__name__}")
        if result.strip() == piece.strip() and _ARABIC_LETTER.search(piece):
            # An echo is no translation, and caching it would show Arabic as English for good.
            raise TranslationFailed(f"{self.name}: gave the Arabic back untranslated")
        return result.strip()

    def _failure(self, exc: Exception) -> TranslationFailed:
        """What went wrong, and whether it may pass: throttling, server errors and timeouts."""
        response = _state.response
        status = response.status_code if response is not None else None
        if isinstance(exc, requests.Timeout | requests.ConnectionError):
            # The message would carry the URL, which may hold the key: name the kind only.
            return TranslationFailed(f"{self.name}: {type(exc).__name__}", retryable=True)
        if isinstance(exc, requests.RequestException):
            return TranslationFailed(f"{self.name}: {type(exc).__name__}")
        retryable = isinstance(exc, dt_errors.TooManyRequests) or (
            status is not None and (status == 429 or status >= 500)
        )
        shown = f" (HTTP {status})" if status is not None else ""
        return TranslationFailed(
            f"{self.name}: {type(exc).__name__}{shown}: {self._redact(exc)}", retryable=retryable
        )

    def _check_mymemory(self) -> None:
        """MyMemory reports a spent quota with HTTP 200 and the warning as the 'translation'."""
        response = _state.response
        if response is None:
            return
        try:
            data = response.json()
            status = int(data.get("responseStatus", 200))
        except (ValueError, TypeError, AttributeError):
            return
        if status != 200:
            quota_spent = bool(data.get("quotaFinished"))
            details = str(data.get("responseDetails", ""))[:160]
            raise TranslationFailed(
                f"mymemory: status {status}: {details}",
                retryable=(status == 429 or status >= 500) and not quota_spent,
            )

    def _redact(self, exc: BaseException) -> str:
        """The exception's text, short, without the API key (some messages quote it)."""
        text = " ".join(str(exc).split())
        if self._api_key:
            text = text.replace(self._api_key, "***")
        return text[:200]


def _code(codes: dict[str, str], lang: str, provider: str) -> str:
    """The provider's code for a language: itself, or its first regional form (ar → ar-SA)."""
    if lang in codes.values():
        return lang
    for code in codes.values():
        if code.lower().startswith(lang.lower() + "-"):
            return code
    raise TranslationFailed(f"{provider}: no support for language {lang!r}")


def make_translator(provider: str, url: str | None, api_key: str | None) -> Translator | None:
    """The configured translator; None for "none"; ValueError, naming the setting, if invalid."""
    name = provider.strip().lower()
    url = (url or "").strip() or None
    api_key = (api_key or "").strip() or None
    if name == "none":
        return None
    if name not in PROVIDERS:
        raise ValueError(f"TRANSLATOR={provider!r} is not known: use none, {', '.join(PROVIDERS)}")
    if name in ("google", "mymemory", "deepl") and url is not None:
        raise ValueError(f"TRANSLATOR={name} takes no TRANSLATOR_URL: its address is fixed")
    if name == "google" and api_key is not None:
        raise ValueError(
            "TRANSLATOR=google uses Google's free web endpoint and takes no TRANSLATOR_API_KEY"
        )
    if name == "mymemory" and api_key is not None and "@" not in api_key:
        raise ValueError(
            "TRANSLATOR=mymemory takes as TRANSLATOR_API_KEY only a contact e-mail "
            "(MyMemory's de= parameter, for a larger daily quota)"
        )
    if name == "deepl" and api_key is None:
        raise ValueError("TRANSLATOR=deepl needs TRANSLATOR_API_KEY, a DeepL API key")
    if name == "libre":
        url = _libre_base(url)
    return DeepTranslator(name, url=url, api_key=api_key)


def _libre_base(url: str | None) -> str:
    """A LibreTranslate server's base URL, ending in "/" as deep-translator appends to it."""
    if url is None:
        raise ValueError(
            "TRANSLATOR=libre needs TRANSLATOR_URL, the LibreTranslate server "
            "(e.g. https://libretranslate.com/); add TRANSLATOR_API_KEY if it wants one"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"TRANSLATOR_URL must be an http(s) URL, not {url!r}")
    if parts.query or parts.fragment:
        raise ValueError("TRANSLATOR_URL must be the server's base URL, with no query")
    path = parts.path.rstrip("/")
    # People paste the endpoint itself; deep-translator adds "translate" on its own.
    path = path.removesuffix("/translate")
    return f"{parts.scheme}://{parts.netloc}{path}/"


# ---------------------------------------------------------------- the service


def _run_translator(
    translator: Translator, texts: list[str], target: str, deadline: float
) -> list[str]:
    """Run on a worker thread: the translation, with the deadline the wire honours."""
    _state.deadline = deadline
    try:
        return translator.translate(texts, target)
    except TranslationFailed:
        raise
    except Exception as exc:
        # Anything else a translator raises (StopIteration included, which an asyncio
        # future cannot carry) is a failure of that call, not of the caller.
        raise TranslationFailed(f"{translator.name}: {type(exc).__name__}") from exc
    finally:
        _state.deadline = None


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
        heads = {sid: text for sid, text in headlines if _ARABIC_LETTER.search(text)}
        wanted = list(dict.fromkeys(n for n in names if _ARABIC_LETTER.search(n)))
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
