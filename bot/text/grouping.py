"""Recent stories' MinHash signatures, indexed so a new story finds its group at once.

Comparing a new story with every signature of the last days, one by one, cost 10 ms at
100k stories, and reloading them from SQLite 40 ms more. Here each signature value is a
bucket key: the stories sharing a bucket with the new one are the only ones with any
similarity, and counting how many buckets each shares *is* the similarity, so the answer
is exactly what comparing all of them would give.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime

from bot.text.cluster import PERMUTATIONS, SAME_STORY_THRESHOLD


class SignatureIndex:
    """Signatures of stories dated from `horizon` on, by (position, value)."""

    def __init__(self, horizon: datetime) -> None:
        self.horizon = horizon
        self._dates: dict[int, datetime] = {}
        self._buckets: defaultdict[tuple[int, int], list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._dates)

    def add(self, story_id: int, sort_at: datetime, signature: tuple[int, ...]) -> None:
        """Index one story; a story without a full signature can match nothing."""
        if len(signature) != PERMUTATIONS or story_id in self._dates:
            return
        self._dates[story_id] = sort_at
        for position, value in enumerate(signature):
            self._buckets[position, value].append(story_id)

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
        shared: Counter[int] = Counter()
        for position, value in enumerate(signature):
            bucket = self._buckets.get((position, value))
            if bucket:
                shared.update(bucket)
        matches = [
            story_id
            for story_id, equal in shared.items()
            if equal / PERMUTATIONS >= threshold
            and story_id != exclude
            and self._dates[story_id] >= since
            and (until is None or self._dates[story_id] <= until)
        ]
        return max(matches, key=lambda story_id: (self._dates[story_id], story_id), default=None)
