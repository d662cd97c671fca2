"""Bytes of feeds and pages into text: which charset to believe, and what to do with bad bytes.

Pure. The rules, in order:

1. Bytes that are UTF-8 but for a few bad bytes are UTF-8, whatever a label says: one
   Arabic letter cut in half costs that letter (U+FFFD), not the document. Windows-1256
   Arabic is never close to valid UTF-8 (its letters are 0xC1-0xFE, and a letter followed
   by a letter is an invalid sequence), so this never misreads a legacy page.
2. Otherwise a declared charset is believed, unless it is a Western default (ASCII,
   ISO-8859-1, windows-1252) that servers and templates send without knowing; its bad
   bytes are replaced too.
3. Otherwise, bytes that read as Arabic in windows-1256 are windows-1256.
4. Otherwise windows-1252, as browsers read a Western default label or no label.

Control characters (NUL and the like) are dropped from the text: XML forbids them, and
one NUL in a title would otherwise travel through to storage and messages.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable

__all__ = ["ARABIC_LEGACY", "WESTERN_DEFAULTS", "decode_text", "drop_controls", "known_codec"]

# Charsets servers send by default rather than by knowledge (Apache's ISO-8859-1): when the
# bytes read as Arabic in windows-1256, the label is taken to be wrong.
WESTERN_DEFAULTS = frozenset({"ascii", "iso8859-1", "cp1252"})
ARABIC_LEGACY = "cp1256"
# Share of the non-ASCII characters that may be bad bytes for UTF-8 still to be believed;
# windows-1256 Arabic read as UTF-8 is over 90% bad bytes.
_MAX_BAD_SHARE = 0.2
# How much of a document the windows-1256 guess reads: enough to judge, bounded in time.
_SNIFF_CHARS = 64 * 1024
_ASCII_BYTES = bytes(range(128))
# Removed: C0 controls but tab, line feed and carriage return. The separators (VT, FF and
# FS to US) become a space, since they stand between words; the rest stand in no place.
_CONTROLS = re.compile(r"[\x00-\x08\x0e-\x1b\x7f]")
_SEPARATORS = re.compile(r"[\x0b\x0c\x1c-\x1f]")


def known_codec(name: str | None) -> str | None:
    """Python's name for a charset label, or None when it names no text codec we have."""
    if not name:
        return None
    try:
        info = codecs.lookup(name.strip())
    except LookupError:
        return None
    # "base64" or "zlib" in a meta tag names a codec that bytes.decode refuses to use.
    return info.name if getattr(info, "_is_text_encoding", True) else None


def drop_controls(text: str) -> str:
    """The text without control characters (tab and line breaks kept)."""
    if _CONTROLS.search(text):
        text = _CONTROLS.sub("", text)
    if _SEPARATORS.search(text):
        text = _SEPARATORS.sub(" ", text)
    return text


def _mostly_utf8(body: bytes) -> str | None:
    """The body as UTF-8 with its bad bytes replaced, when they are few; else None."""
    text = body.decode("utf-8", errors="replace")
    non_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
    if not non_ascii:
        return text
    # U+FFFD that the document itself spelled in UTF-8 is not a bad byte.
    bad = text.count("\ufffd") - body.count(b"\xef\xbf\xbd")
    return text if bad <= _MAX_BAD_SHARE * non_ascii else None


def _reads_as_arabic(body: bytes) -> bool:
    """Whether non-UTF-8 bytes read as Arabic in windows-1256."""
    high = body.translate(None, _ASCII_BYTES)[:_SNIFF_CHARS]
    if not high:
        return False
    text = high.decode(ARABIC_LEGACY, errors="replace")
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    # Arabic prose in windows-1256 is almost all letters from the Arabic block; Latin-1
    # accented text read the same way is not.
    return arabic / len(text) >= 0.6


def decode_text(body: bytes, declared: Iterable[str | None]) -> str:
    """The document as text by the rules in this module's docstring; never raises."""
    text = _mostly_utf8(body)
    if text is None:
        labels = [codec for codec in map(known_codec, declared) if codec]
        legacy = [c for c in labels if c != "utf-8" and c not in WESTERN_DEFAULTS]
        if legacy:
            text = body.decode(legacy[0], errors="replace")
        elif _reads_as_arabic(body):
            text = body.decode(ARABIC_LEGACY, errors="replace")
        else:
            text = body.decode("cp1252", errors="replace")
    return drop_controls(text)
