"""The translators: deep-translator's Google, MyMemory, LibreTranslate and DeepL, from Arabic."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import urlsplit

import requests
from deep_translator import (
    DeeplTranslator,
    GoogleTranslator,
    LibreTranslator,
    MyMemoryTranslator,
    constants,
)
from deep_translator import exceptions as dt_errors

from bot.translate.base import (
    ARABIC_LETTER,
    REQUEST_TIMEOUT,
    SOURCE_LANG,
    TranslationFailed,
    Translator,
)
from bot.translate.pieces import split_text
from bot.translate.wire import call_state, give_deep_translator_timeouts

PROVIDERS = ("google", "mymemory", "libre", "deepl")
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
# Texts of one call translated at once, each its own request: a provider's free tier takes
# a few at a time.
PARALLEL = 4


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
        give_deep_translator_timeouts()
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
        deadline = call_state.deadline  # the caller's, on this thread; each worker takes it on

        def one(text: str) -> str:
            call_state.request_timeout, call_state.deadline = self.request_timeout, deadline
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
        call_state.response = None
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
        if result.strip() == piece.strip() and ARABIC_LETTER.search(piece):
            # An echo is no translation, and caching it would show Arabic as English for good.
            raise TranslationFailed(f"{self.name}: gave the Arabic back untranslated")
        return result.strip()

    def _failure(self, exc: Exception) -> TranslationFailed:
        """What went wrong, and whether it may pass: throttling, server errors and timeouts."""
        response = call_state.response
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
        response = call_state.response
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
