"""Chats beyond a reader's own: the bot's memberships (my_chat_member) and linked channels."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.models import Channel
from bot.subscribers import Clock, SubscriptionService
from storage import Store
from storage import chats as chat_store
from storage import subscriptions as subs

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Membership:
    """What a my_chat_member update says of the bot in one chat."""

    chat_id: int
    chat_type: str  # "private" | "group" | "supergroup" | "channel"
    title: str | None
    status: str  # "member" | "administrator" | "creator" | "restricted" | "left" | "kicked"
    can_post: bool  # in a channel: an administrator with the right to post
    by: int | None  # who changed it

    @property
    def present(self) -> bool:
        """Whether the bot is in the chat now."""
        return self.status in chat_store.PRESENT

    @property
    def may_post(self) -> bool:
        """Whether the bot may post there: in a channel only as an administrator who posts."""
        if self.chat_type == "channel":
            return self.status == "creator" or (self.status == "administrator" and self.can_post)
        return self.present


class ChatService:
    """Record the bot's memberships; link, change, pause and unlink channels."""

    def __init__(self, store: Store, clock: Clock, subscriptions: SubscriptionService) -> None:
        self.store = store
        self.clock = clock
        self.subscriptions = subscriptions

    async def changed(self, change: Membership) -> Channel | None:
        """Record the bot's new status; stop what it can no longer post.

        Returns the linked channel paused by this change, the first time only, so its owner
        is told once; a group the bot left keeps its settings, stopped, for a later /subscribe.
        """
        await self.store.run(
            chat_store.record_membership, change.chat_id, chat_type=change.chat_type,
            title=change.title, status=change.status, can_post=change.can_post, by=change.by,
            now=self.clock(),
        )  # fmt: skip
        if change.may_post:
            return None
        if change.chat_type == "channel":
            reason = "removed" if not change.present else "demoted"
            return await self.pause(change.chat_id, reason)
        # A private chat that blocked the bot, a group that removed it: nothing more goes.
        await self.store.run(subs.deactivate, change.chat_id, "blocked")
        return None

    async def moved(self, old: int, new: int) -> bool:
        """A group became a supergroup with a new id: its digest, follows and alerts go along."""
        moved = await self.store.run(subs.move_chat, old, new)
        if moved:
            log.info("chat %d is now %d: its subscription moved with it", old, new)
        return moved

    async def link(
        self, chat_id: int, title: str, username: str | None, owner_id: int, digest_lang: str
    ) -> Channel:
        """Link a channel to the administrator asking, with a digest at 08:00 by default.

        Linking a paused channel again resumes it, its settings kept.
        """
        channel = await self.store.run(
            chat_store.link_channel, chat_id, title=title, username=username,
            owner_id=owner_id, now=self.clock(),
        )  # fmt: skip
        await self.subscriptions.subscribe(chat_id, None, digest_lang)
        return channel

    async def get(self, chat_id: int) -> Channel | None:
        """One linked channel."""
        return await self.store.run(chat_store.get_channel, chat_id)

    async def of_owner(self, owner_id: int) -> list[Channel]:
        """The channels a person linked."""
        return await self.store.run(chat_store.channels_of, owner_id)

    async def set_alerts(self, chat_id: int, on: bool) -> None:
        """Post the owner's follow alerts in the channel, or stop."""
        await self.store.run(chat_store.set_channel_alerts, chat_id, on)

    async def unlink(self, chat_id: int) -> None:
        """Unlink a channel; its digest and settings go."""
        await self.store.run(chat_store.unlink_channel, chat_id)

    async def pause(self, chat_id: int, reason: str) -> Channel | None:
        """Pause a linked channel; the channel the first time only (to tell its owner once)."""
        return await self.store.run(chat_store.pause_channel, chat_id, reason, self.clock())

    async def pause_lost(self) -> list[Channel]:
        """Pause the channels whose digest Telegram refused; each once."""
        paused = []
        for chat_id in await self.store.run(chat_store.lost_channels):
            channel = await self.pause(chat_id, "refused")
            if channel is not None:
                paused.append(channel)
        return paused
