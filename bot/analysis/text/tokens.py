"""Tokens with their place in the original text, punctuation kept: what extractors walk."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.analysis.text.normalize import WORD, WORD_INNER, normalize
from bot.analysis.text.stem import unclitic

_TOKEN = re.compile(rf"{WORD.pattern}|[^\w\s{WORD_INNER}]|\n")
# Sentence and clause boundaries: a name, a title or a meeting does not run across them.
BOUNDARY = frozenset('.!?؟;؛:«»"()[]{}\n')
COMMA = frozenset(",،")
_SENTENCE_END = frozenset(".!?؟;؛\n")


@dataclass(frozen=True, slots=True)
class Token:
    """A word or punctuation mark: as written, normalized, and where it stands."""

    text: str
    norm: str
    start: int
    end: int
    bare: tuple[str, ...]  # normalized, clitics off (و ب ل ال ...), one per reading

    @property
    def is_word(self) -> bool:
        """Whether it is a word (letters or digits) rather than punctuation."""
        return self.text[:1].isalnum()


def tokenize(text: str) -> list[Token]:
    """Every word and punctuation mark of a text, in order."""
    out = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        if raw == "\n":
            out.append(Token(raw, raw, match.start(), match.end(), (raw,)))
            continue
        norm = normalize(raw)
        if not norm:
            continue  # a lone tatweel or mark
        bare = unclitic(norm) if raw[:1].isalpha() else (norm,)
        out.append(Token(raw, norm, match.start(), match.end(), bare))
    return out


def sentence_spans(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    """The (start, end) token spans of the sentences; a question keeps its mark."""
    spans, start = [], 0
    for k, tok in enumerate(tokens):
        if tok.text in _SENTENCE_END:
            if k > start:
                spans.append((start, k + 1 if tok.text == "؟" else k))
            start = k + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans
