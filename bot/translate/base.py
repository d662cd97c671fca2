"""What every part of translation shares: the failures and what a translator is."""

from __future__ import annotations

import re
from typing import Protocol

SOURCE_LANG = "ar"
# One HTTP request's limit; the call it belongs to may cut it shorter.
REQUEST_TIMEOUT = 10.0
# A text with one of these letters is Arabic still: worth translating, or not translated.
ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")


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
