"""Where story analysis runs: a thread for a few stories, worker processes for many.

`analyze_story` is pure Python: in a thread it holds the GIL, so one core does all the
analysis however many threads there are. Worker processes let every core analyze at once
(on 2 cores: 390 stories/s in a thread, 650-710/s in two workers, batches of 20-60).
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from bot.analysis.knowledge import Knowledge, load_knowledge
from bot.analysis.pipeline import analyze_story
from bot.models import StoryAnalysis

# (headline, body, the day it was published)
StoryText = tuple[str, str, date | None]
# Below this many stories a batch is analyzed in a thread: handing it to the workers costs
# more than it saves (a poll of one feed usually brings a handful).
POOL_MIN_BATCH = 16
# How often a worker checks that the process that started it still runs.
PARENT_CHECK_SECONDS = 0.5
_PR_SET_PDEATHSIG = 1  # linux/prctl.h


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
                self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                # Workers are started from this thread (submit starts them as needed).
                initializer=_follow_parent,
                initargs=(os.getpid(), threading.current_thread() is threading.main_thread()),
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


def _follow_parent(parent: int, from_main_thread: bool) -> None:
    """In a new worker: end it when the process that started it ends, even by SIGKILL.

    A worker waits on a queue it holds the writing end of itself, so it never sees its
    parent go: a `kill -9` of the bot left its workers (and the resource tracker they keep
    open) running for good.
    """
    if from_main_thread and sys.platform.startswith("linux"):
        # The kernel signals a child when the *thread* that started it ends: only the main
        # thread's end is the process's. Best effort; the watch below covers the rest.
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(
                ctypes.c_int(_PR_SET_PDEATHSIG), ctypes.c_ulong(signal.SIGTERM),
                ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0),
            )  # fmt: skip
    threading.Thread(target=_watch_parent, args=(parent,), name="parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    """Exit this worker once its parent is gone (it is then adopted: another parent pid)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _analyze_all(stories: list[StoryText], knowledge: Knowledge) -> list[StoryAnalysis]:
    return [analyze_story(headline, body, knowledge, on) for headline, body, on in stories]


@lru_cache(maxsize=1)
def _worker_knowledge(seeds_dir: str) -> Knowledge:
    """The knowledge base, compiled once in each worker process (50 ms), not sent per task."""
    return load_knowledge(Path(seeds_dir))


def _analyze_in_worker(stories: list[StoryText], seeds_dir: str) -> list[StoryAnalysis]:
    return _analyze_all(stories, _worker_knowledge(seeds_dir))
