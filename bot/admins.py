"""Who may manage sources: the ids in ADMIN_IDS (the first is the owner) and those added."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from storage import Store, sources


class AdminError(ValueError):
    """An admin change that cannot be made; `reason` names why: not_owner or configured."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Admins:
    """Admin membership over the configured ids and the store."""

    def __init__(self, store: Store, configured: tuple[int, ...], clock: Callable[[], datetime]):
        self.store = store
        self.configured = configured
        self.clock = clock

    @property
    def owner(self) -> int | None:
        """The owner: the first id in ADMIN_IDS."""
        return self.configured[0] if self.configured else None

    async def all(self) -> list[int]:
        """Every admin, configured ones first."""
        added = await self.store.run(sources.list_admins)
        return list(dict.fromkeys([*self.configured, *added]))

    async def is_admin(self, user_id: int) -> bool:
        """Whether this user may run admin commands."""
        return user_id in self.configured or user_id in await self.store.run(sources.list_admins)

    async def add(self, user_id: int, by: int) -> bool:
        """Make a user an admin; only the owner may. False when they already were."""
        if by != self.owner:
            raise AdminError("not_owner")
        if user_id in self.configured:
            return False
        return await self.store.run(sources.add_admin, user_id, by, self.clock())

    async def remove(self, user_id: int, by: int) -> bool:
        """Take admin rights away; only the owner may, and ADMIN_IDS stay."""
        if by != self.owner:
            raise AdminError("not_owner")
        if user_id in self.configured:
            raise AdminError("configured")
        return await self.store.run(sources.remove_admin, user_id)
