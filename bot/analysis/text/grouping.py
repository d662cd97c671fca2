"""Recent stories' MinHash signatures, indexed so a new story finds its group at once.

Comparing a new story with every signature of the last days, one by one, cost 10 ms at
100k stories, and reloading them from SQLite 40 ms more. Here each signature value is a
bucket key: the stories sharing a bucket with the new one are the only ones with any
similarity, and counting how many buckets each shares *is* the similarity, so the answer
is exactly what comparing all of them would give.

A value thousands of stories share (a flood of near-copies, or boilerplate) makes a large
bucket, and counting it for every new story made grouping quadratic: 100,000 near-identical
feed items were 67% grouped after 30 minutes. Large buckets are not counted whole. A story
that matches shares at least `need` values, so when a new story has fewer than `need` large
buckets, every match still shares a value in a small one: the small buckets give the
candidates, and a candidate a large bucket may hide is compared value by value. The answer
stays exact then (as on real news, whose largest bucket over 3,054 articles holds 275).
Only with `need` or more large buckets (a flood) is it the newest match among the stories
last added to them: still the group of the flood, in time linear in the flood.
"""

from __future__ import annotations

import heapq
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from operator import eq

from bot.analysis.text.cluster import PERMUTATIONS, SAME_STORY_THRESHOLD

# A bucket holding more stories than this is large. In the benchmark's corpus (30k stories
# over 9 days, written from 88 fixtures, so far more alike than news) a new story had at
# most 10 large buckets: every answer stayed exact, as a replay against counting all showed.
LARGE_BUCKET = 1024
# Of a large bucket, only the stories last added are kept and counted.
LARGE_TAIL = 64
# Candidates compared value by value for one new story, newest first, at most.
MAX_COMPARED = 256
_TYPECODE = next(code for code in "IL" if array(code).itemsize == 4)

Key = tuple[int, int]


class SignatureIndex:
    """Signatures of stories dated from `horizon` on, by (position, value)."""

    def __init__(self, horizon: datetime) -> None:
        self.horizon = horizon
        self._dates: dict[int, datetime] = {}
        # Four bytes a value, not a tuple of ints: 256 bytes a story instead of 2 kB.
        self._signatures: dict[int, array[int]] = {}
        self._buckets: defaultdict[Key, list[int]] = defaultdict(list)
        self._large: set[Key] = set()

    def __len__(self) -> int:
        return len(self._dates)

    def add(self, story_id: int, sort_at: datetime, signature: tuple[int, ...]) -> None:
        """Index one story; a story without a full signature can match nothing."""
        if len(signature) != PERMUTATIONS or story_id in self._dates:
            return
        self._dates[story_id] = sort_at
        self._signatures[story_id] = array(_TYPECODE, signature)
        for key in enumerate(signature):
            bucket = self._buckets[key]
            bucket.append(story_id)
            if len(bucket) > LARGE_BUCKET:
                # Only a large bucket's tail is ever read again: memory stays bounded too.
                del bucket[:-LARGE_TAIL]
                self._large.add(key)

    def extend(self, entries: Iterable[tuple[int, datetime, tuple[int, ...]]]) -> None:
        """Index many (story id, date, signature)."""
        for story_id, sort_at, signature in entries:
            self.add(story_id, sort_at, signature)

    def covers(self, since: datetime) -> bool:
        """Whether every story dated from `since` on could be here."""
        return since >= self.horizon

    def same_story(
        self,
        signature: tuple[int, ...],
        since: datetime,
        exclude: int,
        threshold: float = SAME_STORY_THRESHOLD,
        until: datetime | None = None,
    ) -> int | None:
        """The newest story dated from `since` (to `until`) that tells the same story, if any."""
        if len(signature) != PERMUTATIONS:
            return None
        need = _values_needed(threshold)
        shared: Counter[int] = Counter()
        large = 0
        for key in enumerate(signature):
            bucket = self._buckets.get(key)
            if not bucket:
                continue
            if key in self._large:
                large += 1
                shared.update(bucket[-LARGE_TAIL:])
            else:
                shared.update(bucket)
        dates = self._dates

        def newness(story_id: int) -> tuple[datetime, int]:
            return dates[story_id], story_id

        # A count is exact but for the large buckets, which can hide at most `large` values.
        floor = max(1, need - large)
        matches: list[int] = []
        unsure: list[int] = []
        for story_id, equal in shared.items():
            if equal < floor or story_id == exclude:
                continue
            when = dates[story_id]
            if when < since or (until is not None and when > until):
                continue
            (matches if equal >= need else unsure).append(story_id)
        best = max(matches, key=newness, default=None)
        if unsure:
            query = array(_TYPECODE, signature)
            newer = [s for s in unsure if best is None or newness(s) > newness(best)]
            for story_id in heapq.nlargest(MAX_COMPARED, newer, key=newness):
                if sum(map(eq, query, self._signatures[story_id])) >= need:
                    return story_id  # newest first: the first that matches is the answer
        return best


def _values_needed(threshold: float) -> int:
    """The fewest equal values out of PERMUTATIONS that reach `threshold`."""
    return next(
        (n for n in range(PERMUTATIONS + 1) if n / PERMUTATIONS >= threshold), PERMUTATIONS + 1
    )
