"""Group commit: writes that many tasks make at once, committed together, each awaited.

A digest run records every message it sends before the sender takes the next one (that is
what bounds what a crash can repeat). One transaction per message made the ledger, not
Telegram, the run's limit; here the writes that queue while one commit is on its way go
together in the next, and each writer still returns only once its own write is committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    """Collects items from concurrent writers and commits them in batches with `commit`."""

    def __init__(self, commit: Callable[[Sequence[T]], Awaitable[None]]) -> None:
        self._commit = commit
        self._queue: list[tuple[T, asyncio.Future[None]]] = []
        self._flusher: asyncio.Task[None] | None = None

    async def write(self, item: T) -> None:
        """Queue `item` and return once the batch that carries it is committed (or raise)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        if self._flusher is None or self._flusher.done():
            self._flusher = asyncio.create_task(self._flush())
        # Shielded: a writer cancelled meanwhile leaves its item in the batch, which goes on
        # to be committed; the messages it records are with Telegram already.
        await asyncio.shield(future)

    async def _flush(self) -> None:
        while self._queue:
            batch, self._queue = self._queue, []
            try:
                await self._commit([item for item, _ in batch])
            except Exception as exc:
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            except BaseException:
                # Cancelled (the application stopping): no writer may wait on a commit
                # that will not come.
                for _, future in batch + self._queue:
                    future.cancel()
                self._queue = []
                raise
            else:
                for _, future in batch:
                    if not future.done():
                        future.set_result(None)
