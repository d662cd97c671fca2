"""GroupCommit: concurrent writes share commits, and nobody returns before their own commit."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from bot.group_commit import GroupCommit


class Recorder:
    """A commit that takes a loop turn, as a store call does, and remembers its batches."""

    def __init__(self, fail_on: int | None = None) -> None:
        self.batches: list[list[int]] = []
        self.committed: set[int] = set()
        self.fail_on = fail_on

    async def commit(self, batch: Sequence[int]) -> None:
        await asyncio.sleep(0.01)
        if self.fail_on in batch:
            raise RuntimeError("disk full")
        self.batches.append(list(batch))
        self.committed.update(batch)


async def test_concurrent_writes_share_commits_and_each_waits_for_its_own() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.commit)
    seen_committed: dict[int, bool] = {}

    async def writer(n: int) -> None:
        await group.write(n)
        seen_committed[n] = n in recorder.committed

    await asyncio.gather(*(writer(n) for n in range(20)))
    assert sorted(n for batch in recorder.batches for n in batch) == list(range(20))
    assert len(recorder.batches) < 20  # the writers that queued meanwhile went together
    assert all(seen_committed.values()) and len(seen_committed) == 20


async def test_writes_after_a_commit_start_a_new_one() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.commit)
    await group.write(1)
    await group.write(2)
    assert recorder.batches == [[1], [2]]


async def test_a_failed_commit_fails_every_writer_in_it_and_not_the_next() -> None:
    recorder = Recorder(fail_on=3)
    group = GroupCommit(recorder.commit)
    results = await asyncio.gather(*(group.write(n) for n in range(5)), return_exceptions=True)
    failed = [n for n, r in enumerate(results) if isinstance(r, RuntimeError)]
    assert 3 in failed
    assert not recorder.committed & set(failed)
    await group.write(9)  # the group still works after a failure
    assert 9 in recorder.committed


async def test_a_cancelled_writer_leaves_its_write_to_be_committed() -> None:
    recorder = Recorder()
    group = GroupCommit(recorder.commit)
    task = asyncio.create_task(group.write(7))
    await asyncio.sleep(0.001)  # the commit is under way
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await group.write(8)
    assert {7, 8} <= recorder.committed
