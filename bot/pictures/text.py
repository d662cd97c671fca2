"""Text as the pictures draw it: the shipped fonts and short labels.

Arabic needs no preparing here: matplotlib (3.11 and later) lays every text out with libraqm,
that is HarfBuzz for the joined letter forms and the Unicode bidi algorithm for right-to-left
order, so a label is passed in its logical order, as stored. tests/test_pictures.py checks that
an Arabic word is drawn joined and right to left against a reference image.
"""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.font_manager import FontProperties

Language = Literal["ar", "en"]

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
ARABIC_FONT = FONTS_DIR / "NotoSansArabic-Regular.ttf"
LATIN_FONT = FONTS_DIR / "NotoSans-Regular.ttf"
# Registered under names no machine has, so matplotlib can only ever find these files for them.
ARABIC_FAMILY = "Libya Brief Arabic"
LATIN_FAMILY = "Libya Brief Latin"
ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word to at most `limit` characters, with an ellipsis when cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut and cut.rindex(" ") >= limit // 2:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ،,.-") + ELLIPSIS


@functools.cache
def register_fonts() -> tuple[str, str]:
    """Make the shipped fonts known to matplotlib (once); their family names, Latin first."""
    from matplotlib import font_manager, ft2font

    for path, family in ((LATIN_FONT, LATIN_FAMILY), (ARABIC_FONT, ARABIC_FAMILY)):
        entry = font_manager.ttfFontProperty(ft2font.FT2Font(str(path)))
        # Appending under a private name (rather than addfont, which keeps "Noto Sans") means
        # a Noto font installed on the machine can never shadow the shipped file.
        font_manager.fontManager.ttflist.append(dataclasses.replace(entry, name=family))
    return LATIN_FAMILY, ARABIC_FAMILY


def font(size: float, language: Language) -> FontProperties:
    """The shipped fonts at `size` points, the reader's script first, the other as fallback."""
    from matplotlib.font_manager import FontProperties

    latin, arabic = register_fonts()
    families = [arabic, latin] if language == "ar" else [latin, arabic]
    return FontProperties(family=families, size=size)
