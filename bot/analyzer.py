"""Where story analysis runs: a thread for a few stories, worker processes for many.

`analyze_story` is pure Python: in a thread it holds the GIL, so one core does all the
analysis however many threads there are. Worker processes let every core analyze at once
(on 2 cores: 390 stories/s in a thread, 650-710/s in two workers, batches of 20-60).
"""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from bot.analysis import analyze_story
from bot.knowledge import Knowledge, load_knowledge
from bot.models import StoryAnalysis

# (headline, body, the day it was published)
StoryText = tuple[str, str, date | None]
# Below this many stories a batch is analyzed in a thread: handing it to the workers costs
# more than it saves (a poll of one feed usually brings a handful).
POOL_MIN_BATCH = 16


class Analyzer(Protocol):
    """Analyzes stories off the event loop."""

    async def analyze(self, stories: Sequence[StoryText]) -> list[StoryAnalysis]:
        """Each story's analysis, in order."""
        ...

    def close(self) -> None:
        """Stop any workers."""
        ...


class ThreadAnalyzer:
    """Analysis in a thread, with the knowledge base the process already holds."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.knowledge = knowledge

    async def analyze(self, stories: Sequence[StoryText]) -> list[StoryAnalysis]:
        """Each story's analysis, in order."""
        return await asyncio.to_thread(_analyze_all, list(stories), self.knowledge)

    def close(self) -> None:
        """Nothing to stop."""


class ProcessAnalyzer:
    """Analysis over worker processes started on first need; small batches in a thread."""

    def __init__(self, knowledge: Knowledge, seeds_dir: Path, workers: int) -> None:
        self.seeds_dir = seeds_dir
        self.workers = max(2, workers)
        self._pool: ProcessPoolExecutor | None = None
        self._thread = ThreadAnalyzer(knowledge)

    async def analyze(self, stories: Sequence[StoryText]) -> list[StoryAnalysis]:
        """Each story's analysis, in order."""
        if len(stories) < POOL_MIN_BATCH:
            return await self._thread.analyze(stories)
        if self._pool is None:
            # Spawned, not forked: this process has threads (the store's, the translator's),
            # and a fork would copy their locks in whatever state they are in.
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn")
            )
        loop = asyncio.get_running_loop()
        size = -(-len(stories) // self.workers)
        parts = [list(stories[i : i + size]) for i in range(0, len(stories), size)]
        done = await asyncio.gather(
            *(
                loop.run_in_executor(self._pool, _analyze_in_worker, part, str(self.seeds_dir))
                for part in parts
            )
        )
        return [analysis for part in done for analysis in part]

    def close(self) -> None:
        """Stop the workers, if they were started."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


def _analyze_all(stories: list[StoryText], knowledge: Knowledge) -> list[StoryAnalysis]:
    return [analyze_story(headline, body, knowledge, on) for headline, body, on in stories]


@lru_cache(maxsize=1)
def _worker_knowledge(seeds_dir: str) -> Knowledge:
    """The knowledge base, compiled once in each worker process (50 ms), not sent per task."""
    return load_knowledge(Path(seeds_dir))


def _analyze_in_worker(stories: list[StoryText], seeds_dir: str) -> list[StoryAnalysis]:
    return _analyze_all(stories, _worker_knowledge(seeds_dir))
