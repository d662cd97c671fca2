"""Which words of a text a search matched, and the passage that shows them best."""

from __future__ import annotations

from collections.abc import Sequence

from bot.analysis.text.normalize import WORD as _WORD
from bot.analysis.text.normalize import normalize
from bot.analysis.text.stem import readings

SNIPPET_CHARS = 280


def matched_spans(text: str, groups: Sequence[Sequence[str]]) -> list[tuple[int, int]]:
    """(start, end) of every word in `text` that shares a reading with a query group."""
    wanted = {term for group in groups for term in group}
    spans = []
    for match in _WORD.finditer(text):
        norm = normalize(match.group())
        if norm and wanted.intersection(readings(norm)):
            spans.append(match.span())
    return spans


def snippet(
    text: str, groups: Sequence[Sequence[str]], width: int = SNIPPET_CHARS
) -> list[tuple[str, bool]]:
    """The passage of about `width` characters with the most matches, as (piece, matched) runs."""
    spans = matched_spans(text, groups)
    if not spans:
        cut = text[:width]
        return [(cut + ("…" if len(text) > width else ""), False)]
    best_start, best_count = 0, -1
    # Spans come in order and never overlap, so the window's far end only moves forward:
    # counting every pair afresh took 14 s over a 1 MB body with 16,000 matches.
    far = 0
    for index, (start, _) in enumerate(spans):
        far = max(far, index)
        while far < len(spans) and spans[far][1] <= start + width:
            far += 1
        count = far - index
        if count > best_count:
            best_start, best_count = start, count
    # Open on a word boundary a little before the first match, for context.
    begin = max(0, best_start - width // 4)
    if begin:
        space = text.rfind(" ", 0, begin)
        begin = space + 1 if space >= 0 else begin
    end = min(len(text), begin + width)
    first_match_end = next(e for s, e in spans if s >= best_start)
    if end < len(text):
        space = max(text.rfind(" ", begin, end), text.rfind("\n", begin, end))
        end = space if space > begin else end
    # Never end the passage before the match it was chosen for.
    end = max(end, first_match_end)
    runs: list[tuple[str, bool]] = []
    if begin:
        runs.append(("…", False))
    pos = begin
    for s, e in spans:
        if s < begin or e > end:
            continue
        if s > pos:
            runs.append((text[pos:s], False))
        runs.append((text[s:e], True))
        pos = e
    if pos < end:
        runs.append((text[pos:end], False))
    if end < len(text):
        runs.append(("…", False))
    return runs
