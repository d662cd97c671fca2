"""Precision and recall of the analysis against the labeled stories in tests/fixtures/eval/."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence, Sized
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from bot.analysis.knowledge import Knowledge
from bot.analysis.report import analyze_article
from bot.analysis.text.normalize import normalize

T = TypeVar("T")
P = TypeVar("P")
L = TypeVar("L")


@dataclass
class Score:
    """Counts for one task, and the cases that went wrong, for reading."""

    true_pos: int = 0
    false_pos: int = 0
    false_neg: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Of what was found, the share that was right."""
        found = self.true_pos + self.false_pos
        return self.true_pos / found if found else 1.0

    @property
    def recall(self) -> float:
        """Of what was there, the share that was found."""
        wanted = self.true_pos + self.false_neg
        return self.true_pos / wanted if wanted else 1.0

    def tally(self, pairs: Sized, extras: Sized, missed: Sized) -> None:
        """Count what pair_up gave: pairs are hits, extras false, missed not found."""
        self.true_pos += len(pairs)
        self.false_pos += len(extras)
        self.false_neg += len(missed)

    @property
    def f1(self) -> float:
        """The harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Evaluation:
    """Every task's score over a labeled set."""

    stories: int = 0
    people: Score = field(default_factory=Score)
    topics: Score = field(default_factory=Score)
    meetings: Score = field(default_factory=Score)
    relevance_right: int = 0
    relevance_misses: list[str] = field(default_factory=list)

    @property
    def relevance_accuracy(self) -> float:
        """The share of stories whose relevance was judged right."""
        return self.relevance_right / self.stories if self.stories else 1.0


def _surname_keys(ar: str | None, en: str | None) -> set[str]:
    """Keys that identify a person across spellings: the last word, Arabic and English."""
    keys = set()
    if ar:
        last = normalize(ar).split()[-1] if normalize(ar).split() else ""
        keys.add("ar:" + (last[2:] if last.startswith("ال") and len(last) > 4 else last))
    if en:
        words = normalize(en).replace("-", " ").split()
        if words:
            keys.add("en:" + words[-1])
    return keys


def pair_up(
    predicted: Sequence[P], labeled: Sequence[L], same: Callable[[L, P], bool]
) -> tuple[list[tuple[P, L]], list[P], list[L]]:
    """Each prediction with at most one label, first come first served.

    Returns the pairs, the predictions no label took (extras) and the labels left (misses).
    """
    unmatched = list(labeled)
    pairs: list[tuple[P, L]] = []
    extras: list[P] = []
    for item in predicted:
        hit = next((lab for lab in unmatched if same(lab, item)), None)
        if hit is None:
            extras.append(item)
        else:
            pairs.append((item, hit))
            unmatched.remove(hit)
    return pairs, extras, unmatched


def _match(
    predicted: Sequence[T],
    labeled: Sequence[T],
    same: Callable[[T, T], bool],
    score: Score,
    case: str,
) -> None:
    """Pair each prediction with at most one label; count hits, extras and misses."""
    pairs, extras, missed = pair_up(predicted, labeled, same)
    score.tally(pairs, extras, missed)
    score.misses.extend(f"{case}: extra {_show(item)}" for item in extras)
    score.misses.extend(f"{case}: missed {_show(item)}" for item in missed)


def _show(item: object) -> str:
    if isinstance(item, tuple):
        return "meeting " + " ".join(str(sorted(side)) for side in item)
    return str(sorted(item)) if isinstance(item, set) else str(item)


def evaluate(folder: Path, knowledge: Knowledge) -> Evaluation:
    """Run the analysis over every labeled story in `folder` and score it."""
    result = Evaluation()
    for path in sorted(folder.glob("*.json")):
        case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        on = date.fromisoformat(case["date"]) if case.get("date") else None
        text = f"{case['title']}\n\n{case['text']}" if case.get("title") else case["text"]
        report = analyze_article(text, knowledge, on=on)
        result.stories += 1
        name = path.stem
        if report["relevant"] == case["relevant"]:
            result.relevance_right += 1
        else:
            result.relevance_misses.append(f"{name}: said {report['relevant']} ({report['score']})")
        if not case["relevant"]:
            continue
        stories = report["stories"]
        people = {p["en"]: p for s in stories for p in s["people"]}
        _match(
            [_surname_keys(p["ar"], p["en"]) for p in people.values()],
            [_surname_keys(p.get("ar"), p.get("en")) for p in case.get("people", [])],
            lambda a, b: bool(a & b),
            result.people,
            name,
        )
        topics = {t["id"] for s in stories for t in s["topics"]}
        wanted = set(case.get("topics", []))
        result.topics.true_pos += len(topics & wanted)
        result.topics.false_pos += len(topics - wanted)
        result.topics.false_neg += len(wanted - topics)
        if topics != wanted:
            result.topics.misses.append(f"{name}: got {sorted(topics)} want {sorted(wanted)}")
        met = [
            (_surname_keys(m["a"]["ar"], m["a"]["en"]), _surname_keys(m["b"]["ar"], m["b"]["en"]))
            for s in stories
            for m in s["meetings"]
        ]
        # A labeled side is an English name; its Arabic spelling comes from the people list.
        arabic = {p.get("en"): p.get("ar") for p in case.get("people", [])}
        labeled = [
            (_surname_keys(arabic.get(m["a"]), m["a"]), _surname_keys(arabic.get(m["b"]), m["b"]))
            for m in case.get("meetings", [])
        ]
        _match(met, labeled, _same_pair, result.meetings, name)
    return result


Pair = tuple[set[str], set[str]]


def _same_pair(one: Pair, other: Pair) -> bool:
    (a, b), (c, d) = one, other
    return bool((a & c and b & d) or (a & d and b & c))


def summary(result: Evaluation) -> str:
    """The figures, one task a line."""
    return "\n".join(
        [
            f"stories: {result.stories}",
            f"relevance: accuracy {result.relevance_accuracy:.3f}",
            _line("people", result.people),
            _line("topics", result.topics),
            _line("meetings", result.meetings),
        ]
    )


def _line(name: str, score: Score) -> str:
    return (
        f"{name}: precision {score.precision:.3f} recall {score.recall:.3f} "
        f"F1 {score.f1:.3f} (tp {score.true_pos}, fp {score.false_pos}, fn {score.false_neg})"
    )
