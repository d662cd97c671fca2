"""Cutting a text too long for one request into pieces, at sentence ends where it can."""

from __future__ import annotations

import re

# A sentence ends at . ! ? ؟ or …, with any closing quotes or brackets, before a space or
# the end; a point inside "3.5" or "U.N" is no end.
_SENTENCE_END = re.compile(r"[.!?؟…]+[\"'”’»)\]]*(?=\s|$)")
_CLAUSE_END = re.compile(r"[،؛\n]")
_SPACE = re.compile(r"\s")


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
