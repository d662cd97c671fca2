"""Topic tagging: the taxonomy's weighted Arabic lexicon matched on stemmed readings.

A lexicon term matches where the text has the same words in the same order, each text
word sharing a light-stemming reading with the term's word, so "مفوضية الانتخابات" finds
"لمفوضية الانتخابات" and "الانتخابات" finds "والانتخابات" and "انتخابات". A story's topics
are those whose length-normalized score reaches MIN_SCORE and a share of its leading
topic's score, so an aside (the oil crescent named in a battle report) does not tag.
"""

from __future__ import annotations

import json
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Generic, TypeVar

from bot.analysis.text.normalize import tokens
from bot.analysis.text.stem import readings
from bot.models import Topic, TopicScore

# A headline states what the story is about; a body word may be an aside.
HEADLINE_WEIGHT = 2.0
# Stories up to this many words are scored on their raw evidence; longer ones are divided
# by the square root of their length in these units, because a long story repeats its
# subject more often but also collects more asides, and neither grows linearly.
LENGTH_UNIT = 100
# Tuned on tests/fixtures/topics: one strong term (weight 5) in a short story tags, one
# mid-weight term (3) in a long story does not, nor do two weak ones (1.5 + 1.5).
MIN_SCORE = 4.0
# A topic with less than this share of the leading topic's score is an aside of that
# story (the oil crescent named in a battle report, smugglers' boats in a story on an
# attack), not one of its subjects. Measured on both labeled sets: below 0.15 the topics
# cut were nearly all wrong, above it right ones start to go.
MIN_SHARE_OF_TOP = 0.15

K = TypeVar("K")
Readings = tuple[str, ...]


class TopicsError(ValueError):
    """The taxonomy file is missing or malformed."""


@lru_cache(maxsize=1 << 16)
def word_readings(word: str) -> Readings:
    """The readings of one normalized word, memoized: ingest sees the same words all day."""
    return readings(word)


def analyse(text: str) -> list[Readings]:
    """The readings of each word of a text, in order: what the phrase matchers run on."""
    return [word_readings(word) for word in tokens(text)]


@dataclass(frozen=True, slots=True)
class PhraseHit(Generic[K]):
    """One phrase found in a sequence of words: its key and the word span [start, end)."""

    key: K
    start: int
    end: int


class PhraseMatcher(Generic[K]):
    """Finds phrases in analysed text, each phrase word matching a word it shares a reading with."""

    def __init__(self, phrases: Iterable[tuple[str, K]]) -> None:
        self._phrases: list[tuple[tuple[frozenset[str], ...], K]] = []
        # Candidates are looked up by their first word's readings, so a text word costs a
        # few dictionary probes whatever the size of the lexicon.
        self._by_first: dict[str, list[int]] = defaultdict(list)
        for text, key in phrases:
            words = tuple(frozenset(word_readings(word)) for word in tokens(text))
            if not words:
                raise ValueError(f"phrase without words: {text!r}")
            for reading in words[0]:
                self._by_first[reading].append(len(self._phrases))
            self._phrases.append((words, key))
        self._by_first = dict(self._by_first)

    def find(self, words: Sequence[Readings]) -> list[PhraseHit[K]]:
        """Every occurrence of every phrase, overlapping ones included, in text order."""
        hits: list[PhraseHit[K]] = []
        size = len(words)
        for start, first in enumerate(words):
            tried: set[int] = set()
            for reading in first:
                for index in self._by_first.get(reading, ()):
                    if index in tried:
                        continue
                    tried.add(index)
                    phrase, key = self._phrases[index]
                    end = start + len(phrase)
                    if end <= size and all(
                        not phrase[j].isdisjoint(words[start + j]) for j in range(1, len(phrase))
                    ):
                        hits.append(PhraseHit(key, start, end))
        return hits


def longest_hits(hits: Iterable[PhraseHit[K]], weight: Callable[[K], float]) -> list[PhraseHit[K]]:
    """Overlapping hits resolved: longest first, then heaviest, then earliest; in text order."""
    ranked = sorted(hits, key=lambda h: (h.start - h.end, -weight(h.key), h.start))
    taken: set[int] = set()
    kept: list[PhraseHit[K]] = []
    for hit in ranked:
        span = range(hit.start, hit.end)
        if taken.isdisjoint(span):
            taken.update(span)
            kept.append(hit)
    return sorted(kept, key=lambda h: h.start)


@dataclass(frozen=True, slots=True)
class _Term:
    topic: int
    text: str
    weight: float


class TopicMatcher:
    """The taxonomy compiled once into a phrase matcher; classify() runs on every story."""

    def __init__(self, topics: Sequence[Topic]) -> None:
        self.topics = tuple(topics)
        self._matcher: PhraseMatcher[_Term] = PhraseMatcher(
            (term, _Term(index, term, weight))
            for index, topic in enumerate(self.topics)
            for term, weight in topic.lexicon
        )

    def scores(self, headline: str, body: str) -> list[TopicScore]:
        """Every topic with any evidence and its length-normalized score, highest first."""
        head_words, body_words = analyse(headline), analyse(body)
        raw = [0.0] * len(self.topics)
        seen: dict[tuple[int, str], int] = defaultdict(int)
        for words, region_weight in ((head_words, HEADLINE_WEIGHT), (body_words, 1.0)):
            for term in self._terms_in(words):
                # Each repetition of one term adds less (1, 1/2, 1/3 ...): an outlet that
                # says "المرتزقة" five times has not said five different things.
                repeats = seen[term.topic, term.text]
                seen[term.topic, term.text] = repeats + 1
                raw[term.topic] += term.weight * region_weight / (repeats + 1)
        length = len(head_words) + len(body_words)
        norm = math.sqrt(max(length, LENGTH_UNIT) / LENGTH_UNIT)
        found = [
            TopicScore(topic.id, round(value / norm, 3))
            for topic, value in zip(self.topics, raw, strict=True)
            if value > 0
        ]
        return sorted(found, key=lambda s: (-s.score, s.topic))

    def classify(self, headline: str, body: str) -> list[TopicScore]:
        """The topics the story is about (multi-label), highest score first."""
        scores = self.scores(headline, body)
        floor = max(MIN_SCORE, scores[0].score * MIN_SHARE_OF_TOP) if scores else MIN_SCORE
        return [s for s in scores if s.score >= floor]

    def _terms_in(self, words: Sequence[Readings]) -> list[_Term]:
        """The terms found, where terms of one topic overlap keeping only the longest."""
        by_topic: dict[int, list[PhraseHit[_Term]]] = defaultdict(list)
        for hit in self._matcher.find(words):
            by_topic[hit.key.topic].append(hit)
        # "مفوضية الانتخابات" is one piece of evidence, not that plus "الانتخابات"; a
        # phrase may still count for two topics.
        return [
            hit.key
            for hits in by_topic.values()
            for hit in longest_hits(hits, lambda term: term.weight)
        ]


@lru_cache(maxsize=8)
def _matcher_for(topics: tuple[Topic, ...]) -> TopicMatcher:
    return TopicMatcher(topics)


def classify(headline: str, body: str, topics: Sequence[Topic]) -> list[TopicScore]:
    """The topics of one story, highest score first; prefer a TopicMatcher when ingesting."""
    return _matcher_for(tuple(topics)).classify(headline, body)


_SEPARATORS = re.compile(r"[\s_\-]+")


def _fold_en(text: str) -> str:
    return _SEPARATORS.sub(" ", text.strip().casefold())


def _shares(a: Readings, b: frozenset[str]) -> bool:
    return not b.isdisjoint(a)


def find_topic(query: str, topics: Sequence[Topic]) -> Topic | None:
    """The topic a /topic argument names: id, English name or keyword, Arabic name or term."""
    folded = _fold_en(query)
    if not folded:
        return None
    for topic in topics:
        if folded in (_fold_en(topic.id), _fold_en(topic.name_en)):
            return topic
    for topic in topics:
        if any(folded == _fold_en(keyword) for keyword in topic.keywords_en):
            return topic
    words = analyse(query)
    if not words:
        return None
    # The Arabic name in any spelling, then a part of it ("الأمن" for the security topic),
    # then a lexicon term ("المرتزقة"), the heaviest such term deciding.
    for topic in topics:
        name = [frozenset(r) for r in analyse(topic.name_ar)]
        if len(name) == len(words) and all(map(_shares, words, name)):
            return topic
    for topic in topics:
        name = [frozenset(r) for r in analyse(topic.name_ar)]
        if all(any(_shares(word, part) for part in name) for word in words):
            return topic
    best: tuple[float, Topic] | None = None
    for topic in topics:
        for term, weight in topic.lexicon:
            parts = [frozenset(r) for r in analyse(term)]
            same = len(parts) == len(words) and all(map(_shares, words, parts))
            if same and (best is None or weight > best[0]):
                best = (weight, topic)
    return best[1] if best else None


def load_topics(path: Path) -> tuple[Topic, ...]:
    """The taxonomy from a topics.json file, checked."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["topics"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise TopicsError(f"cannot read topics file {path}: {exc}") from exc
    if not isinstance(entries, list) or not entries:
        raise TopicsError(f"{path}: 'topics' must be a non-empty list")
    topics: list[Topic] = []
    for entry in entries:
        topics.append(_topic_from(entry, path))
    ids = [topic.id for topic in topics]
    if len(set(ids)) != len(ids):
        raise TopicsError(f"{path}: duplicate topic ids in {ids}")
    return tuple(topics)


def _topic_from(entry: object, path: Path) -> Topic:
    if not isinstance(entry, dict):
        raise TopicsError(f"{path}: a topic must be an object, got {entry!r}")
    strings = {}
    for field in ("id", "name_ar", "name_en"):
        value = entry.get(field)
        if not isinstance(value, str) or not value.strip():
            raise TopicsError(f"{path}: topic field {field!r} must be a non-empty string")
        strings[field] = value
    keywords = entry.get("keywords_en", [])
    if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
        raise TopicsError(f"{path}: {strings['id']}: keywords_en must be a list of strings")
    lexicon = entry.get("lexicon")
    if not isinstance(lexicon, dict) or not lexicon:
        raise TopicsError(f"{path}: {strings['id']}: lexicon must be a non-empty object")
    terms: list[tuple[str, float]] = []
    for term, weight in lexicon.items():
        # bool is an int in Python; true as a weight is a slip, not 1.
        number = isinstance(weight, int | float) and not isinstance(weight, bool)
        if not number or not 0 < weight <= 5 or not tokens(term):
            raise TopicsError(f"{path}: {strings['id']}: bad lexicon entry {term!r}: {weight!r}")
        terms.append((term, float(weight)))
    return Topic(
        id=strings["id"],
        name_ar=strings["name_ar"],
        name_en=strings["name_en"],
        lexicon=tuple(terms),
        keywords_en=tuple(keywords),
    )
