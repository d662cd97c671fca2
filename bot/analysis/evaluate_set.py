"""Scoring on a real labeled set in the dev-corpus format (articles.jsonl and gold.jsonl).

The rules are the corpus README's: relevance accuracy over the calls that are not borderline;
people, precision and recall in the articles labeled relevant, a found person matching a
labeled one when the Arabic names agree after normalization (a surname alone matching the
full name) or the English names do; topics, micro precision and recall over the relevant
articles, a prediction among `topics_ok` neither right nor wrong; meetings, every pair of
participants of a labeled meeting one pair to find, in every article, then how often the
date and the place of the pairs found are right.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import combinations
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

from bot.analysis.evaluate import Score, pair_up
from bot.analysis.knowledge import Knowledge
from bot.analysis.report import analyze_article
from bot.analysis.text.normalize import normalize


@dataclass(frozen=True)
class Name:
    """One side of a comparison: an Arabic and an English spelling, either may be missing."""

    ar: str | None
    en: str | None


@dataclass
class Rate:
    """How often something was right, over a number of cases."""

    right: int = 0
    cases: int = 0

    @property
    def share(self) -> float:
        """The share right; 1.0 when there was nothing to judge."""
        return self.right / self.cases if self.cases else 1.0


@dataclass
class SetEvaluation:
    """Every task's score over a labeled set, with the cases that went wrong."""

    articles: int = 0
    relevance: Rate = field(default_factory=Rate)
    people: Score = field(default_factory=Score)
    english_names: Rate = field(default_factory=Rate)  # of discovered people found
    topics: Score = field(default_factory=Score)
    meetings: Score = field(default_factory=Score)
    meeting_dates: Rate = field(default_factory=Rate)
    meeting_places: Rate = field(default_factory=Rate)
    misses: list[str] = field(default_factory=list)


def evaluate_set(folder: Path, knowledge: Knowledge) -> SetEvaluation:
    """Analyze every article of the set in `folder` and score it against its labels."""
    gold = {row["id"]: row for row in _lines(folder / "gold.jsonl")}
    result = SetEvaluation()
    for article in _lines(folder / "articles.jsonl"):
        label = gold.get(article["id"])
        if label is not None:
            _score_article(result, article, label, knowledge)
    return result


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.strip():
                yield json.loads(line)


def _score_article(
    result: SetEvaluation, article: dict[str, Any], label: dict[str, Any], knowledge: Knowledge
) -> None:
    case = article["id"]
    on = _day(article.get("date"))
    report = analyze_article(article["text"], knowledge, title=article.get("title"), on=on)
    stories = report["stories"]
    result.articles += 1
    if not label.get("borderline"):
        result.relevance.cases += 1
        if report["relevant"] == label["relevant"]:
            result.relevance.right += 1
        else:
            result.misses.append(f"{case}: relevance said {report['relevant']} ({report['score']})")
    _score_meetings(result, case, stories, label.get("meetings", []))
    if not label["relevant"]:
        return
    _score_people(result, case, stories, label.get("people", []))
    _score_topics(result, case, stories, label)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None


def _score_people(
    result: SetEvaluation, case: str, stories: list[dict[str, Any]], labeled: list[dict[str, Any]]
) -> None:
    found: dict[str, dict[str, Any]] = {}
    for story in stories:
        for person in story["people"]:
            found.setdefault(person["ar"], person)
    pairs, extras, missed = pair_up(
        list(found.values()),
        labeled,
        lambda lab, person: same_person(_name(person), _name(lab)),
    )
    result.people.tally(pairs, extras, missed)
    result.misses.extend(f"{case}: person extra {p['ar']} / {p['en']}" for p in extras)
    for person, label in pairs:
        if not person["known"] and label.get("en"):
            result.english_names.cases += 1
            if same_english(person["en"], label["en"]):
                result.english_names.right += 1
            else:
                result.misses.append(f"{case}: english {person['en']!r} want {label['en']!r}")
    result.misses.extend(f"{case}: person missed {p['ar']} / {p['en']}" for p in missed)


def _name(person: dict[str, Any]) -> Name:
    return Name(person.get("ar"), person.get("en"))


def _score_topics(
    result: SetEvaluation, case: str, stories: list[dict[str, Any]], label: dict[str, Any]
) -> None:
    found = {topic["id"] for story in stories for topic in story["topics"]}
    main, also = set(label.get("topics", [])), set(label.get("topics_ok", []))
    result.topics.true_pos += len(found & main)
    result.topics.false_pos += len(found - main - also)
    result.topics.false_neg += len(main - found)
    if found & main != main or found - main - also:
        result.misses.append(
            f"{case}: topics {sorted(found)} want {sorted(main)} (+{sorted(also)})"
        )


@dataclass(frozen=True)
class _Pair:
    a: Name
    b: Name
    place: str | None
    day: str | None


def _score_meetings(
    result: SetEvaluation, case: str, stories: list[dict[str, Any]], labeled: list[dict[str, Any]]
) -> None:
    found: list[_Pair] = []
    for story in stories:
        for m in story["meetings"]:
            pair = _Pair(_side(m["a"]), _side(m["b"]), m["place"], m["date"])
            if not any(_same_sides(pair, other) for other in found):
                found.append(pair)
    wanted = [
        _Pair(Name(ar_a, en_a), Name(ar_b, en_b), m.get("place"), m.get("date"))
        for m in labeled
        for (en_a, ar_a), (en_b, ar_b) in combinations(
            zip(m["parties"], m.get("parties_ar") or [None] * len(m["parties"]), strict=False), 2
        )
    ]
    pairs, extras, missed = pair_up(found, wanted, _same_sides)
    result.meetings.tally(pairs, extras, missed)
    result.misses.extend(f"{case}: meeting extra {_show(pair)}" for pair in extras)
    for pair, hit in pairs:
        result.meeting_dates.cases += 1
        result.meeting_dates.right += pair.day == hit.day
        result.meeting_places.cases += 1
        result.meeting_places.right += _fold(pair.place or "") == _fold(hit.place or "")
        if pair.day != hit.day or _fold(pair.place or "") != _fold(hit.place or ""):
            result.misses.append(
                f"{case}: meeting {_show(pair)} at {pair.place}, {pair.day}; "
                f"want {hit.place}, {hit.day}"
            )
    result.misses.extend(f"{case}: meeting missed {_show(w)}" for w in missed)


def _side(side: dict[str, Any]) -> Name:
    return Name(side.get("ar"), side.get("en"))


def _same_sides(one: _Pair, other: _Pair) -> bool:
    return (same_person(one.a, other.a) and same_person(one.b, other.b)) or (
        same_person(one.a, other.b) and same_person(one.b, other.a)
    )


def _show(pair: _Pair) -> str:
    return f"{pair.a.en or pair.a.ar} + {pair.b.en or pair.b.ar}"


def same_person(found: Name, labeled: Name) -> bool:
    """Whether two names are one person: Arabic equal, a surname alone, or English equal."""
    if found.ar and labeled.ar:
        mine, theirs = normalize(found.ar).split(), normalize(labeled.ar).split()
        if mine and theirs:
            # Compound names are written joined or apart: عبدالفتاح, عبد الفتاح.
            if "".join(mine) == "".join(theirs):
                return True
            if len(mine) == 1 and mine[0] == theirs[-1]:
                return True
            if len(theirs) == 1 and theirs[0] == mine[-1]:
                return True
    if found.en and labeled.en:
        return _fold(found.en) == _fold(labeled.en)
    return False


def same_english(found: str, labeled: str) -> bool:
    """English names equal ignoring case, diacritics, "al-"/"el-" and one letter."""
    mine, theirs = _without_article(_fold(found)), _without_article(_fold(labeled))
    return Levenshtein.distance(mine, theirs) <= 1


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").replace("'", "").replace("’", "").split())


def _without_article(folded: str) -> str:
    words = [w for w in folded.split() if w not in ("al", "el")]
    return " ".join(words)


def summary(result: SetEvaluation) -> str:
    """The figures, one task a line."""
    return "\n".join(
        [
            f"articles: {result.articles}",
            f"relevance: accuracy {result.relevance.share:.3f} "
            f"({result.relevance.right} of {result.relevance.cases} not borderline)",
            _line("people", result.people),
            f"english names of discovered people: {result.english_names.share:.3f} "
            f"({result.english_names.right} of {result.english_names.cases})",
            _line("topics", result.topics),
            _line("meeting pairs", result.meetings),
            f"meeting dates right: {result.meeting_dates.share:.3f} "
            f"({result.meeting_dates.right} of {result.meeting_dates.cases}); "
            f"places right: {result.meeting_places.share:.3f} "
            f"({result.meeting_places.right} of {result.meeting_places.cases})",
        ]
    )


def _line(name: str, score: Score) -> str:
    return (
        f"{name}: precision {score.precision:.3f} recall {score.recall:.3f} "
        f"F1 {score.f1:.3f} (tp {score.true_pos}, fp {score.false_pos}, fn {score.false_neg})"
    )


def as_dict(result: SetEvaluation) -> dict[str, float]:
    """The headline figures by name, for tests and tools."""
    figures: dict[str, float] = {"relevance_accuracy": result.relevance.share}
    scores: Sequence[tuple[str, Score]] = (
        ("people", result.people),
        ("topics", result.topics),
        ("meetings", result.meetings),
    )
    for name, score in scores:
        figures[f"{name}_precision"] = score.precision
        figures[f"{name}_recall"] = score.recall
        figures[f"{name}_f1"] = score.f1
    figures["english_names"] = result.english_names.share
    figures["meeting_dates"] = result.meeting_dates.share
    figures["meeting_places"] = result.meeting_places.share
    return figures
