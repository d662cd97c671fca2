"""Analysis workers end with the process that started them, even one killed with SIGKILL.

A `kill -9` of the bot once left its two workers and the resource tracker (about 60 MB
each) running 90 s later, and for good: each waited on a queue nobody would write to again.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import REPO, SEEDS

# Starts the workers with a batch big enough for them, prints their pids, then waits.
CHILD = """
import asyncio, json, multiprocessing, sys, time
from multiprocessing import resource_tracker
from pathlib import Path
from bot.analysis.workers import POOL_MIN_BATCH, ProcessAnalyzer
from bot.analysis.knowledge import load_knowledge

seeds = Path(sys.argv[1])
analyzer = ProcessAnalyzer(load_knowledge(seeds), seeds, workers=2)
story = ("المنفي يستقبل السفير الإيطالي", "بحث المنفي مع السفير ملف الانتخابات في طرابلس", None)
asyncio.run(analyzer.analyze([story] * (2 * POOL_MIN_BATCH)))
workers = [p.pid for p in multiprocessing.active_children()]
print(json.dumps({"workers": workers, "tracker": resource_tracker._resource_tracker._pid}))
sys.stdout.flush()
time.sleep(600)
"""


def alive(pid: int) -> bool:
    """Whether `pid` runs (a zombie waiting to be reaped has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state != "Z"


def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(SEEDS)], cwd=REPO, text=True,
        stdout=subprocess.PIPE, env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    try:
        assert parent.stdout is not None
        started = json.loads(parent.stdout.readline())
        pids = [*started["workers"], started["tracker"]]
        assert len(started["workers"]) == 2 and all(alive(pid) for pid in pids)
        parent.send_signal(signal.SIGKILL)
        parent.wait(10)
        deadline = time.monotonic() + 5
        while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = [pid for pid in pids if alive(pid)]
        assert not left, f"still running 5 s after the parent was killed: {left}"
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(10)
        for pid in pids if "pids" in locals() else []:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
