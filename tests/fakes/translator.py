"""Google Translate's mobile page, as deep-translator reads it, for `responses` to serve."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

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
