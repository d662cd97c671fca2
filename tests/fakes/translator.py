"""Google Translate's mobile page, as deep-translator reads it, for `responses` to serve."""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bot.translate import TranslationFailed

GOOGLE = "https://translate.google.com/m"
TEMPLATE = Path(__file__).parent.parent / "fixtures" / "translate" / "google_m.html"

Reply = tuple[int, dict[str, str], str]


def google_page(source: str, translation: str) -> str:
    """The page Google answers with: the source in a textarea, the translation in a div."""
    template = TEMPLATE.read_text(encoding="utf-8")
    return template.replace("{source}", html.escape(source)).replace(
        "{translation}", html.escape(translation)
    )


def query(request: Any) -> dict[str, str]:
    """A request's query string, one value per name."""
    return {k: v[0] for k, v in parse_qs(urlsplit(request.url).query).items()}


def google_answering(english: Callable[[str], str]) -> Callable[[Any], Reply]:
    """A `responses` callback translating each requested text with `english`."""

    def callback(request: Any) -> Reply:
        text = query(request)["q"]
        return 200, {"Content-Type": "text/html; charset=UTF-8"}, google_page(text, english(text))

    return callback


class EchoTranslator:
    """A Translator answering "EN[text]" for each text; it can fail, or wait to be let go.

    `calls` records each call's texts, so a test sees how many batches went and what in them.
    """

    name = "fake"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.fail = False
        self.gate: threading.Event | None = None

    def translate(self, texts: list[str], target: str) -> list[str]:
        """Each text as EN[text], unless told to fail; held until `gate` is set, if any."""
        self.calls.append(list(texts))
        if self.gate is not None:
            assert self.gate.wait(10), "the test never let the translator go"
        if self.fail:
            raise TranslationFailed("down")
        return [f"EN[{text}]" for text in texts]
