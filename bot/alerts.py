"""Alerts for follows: new stories about a followed person or topic, one message per chat."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.models import StoryView, Topic
from storage import Store
from storage import actors as actor_store
from storage import subscriptions as subs

Clock = Callable[[], datetime]


@dataclass(frozen=True, slots=True)
class Followed:
    """Something a chat follows, with its names for the message."""

    kind: str  # "actor" | "topic"
    key: str
    name_ar: str
    name_en: str


@dataclass(frozen=True, slots=True)
class ChatAlerts:
    """A chat's unsent alerts: the ids to mark, the stories and what they matched."""

    chat_id: int
    ids: tuple[int, ...]
    stories: tuple[StoryView, ...]
    about: tuple[Followed, ...]


class AlertService:
    """Queue alerts for new stories matching follows, hand them out, mark them sent."""

    def __init__(self, store: Store, clock: Clock, topics: Sequence[Topic] = ()) -> None:
        self.store = store
        self.clock = clock
        self.topics = {topic.id: topic for topic in topics}

    async def collect(self) -> int:
        """Queue an alert for every new story that matches someone's follow; how many."""
        return await self.store.run(subs.queue_alerts, self.clock())

    async def pending(self) -> dict[int, ChatAlerts]:
        """Every chat's unsent alerts, newest story first."""
        out: dict[int, ChatAlerts] = {}
        for chat_id, alerts in (await self.store.run(subs.pending_alerts)).items():
            ids = [alert_id for alert_id, _ in alerts]
            stories = await self.store.run(subs.alert_stories, ids)
            reasons = dict.fromkeys(reason for _, reason in alerts)
            about = [await self._followed(reason) for reason in reasons]
            out[chat_id] = ChatAlerts(
                chat_id=chat_id,
                ids=tuple(ids),
                stories=tuple(stories),
                about=tuple(item for item in about if item is not None),
            )
        return out

    async def mark_sent(self, ids: Sequence[int]) -> None:
        """Mark alerts as sent, so none goes out twice."""
        if ids:
            await self.store.run(subs.alerts_sent, list(ids), self.clock())

    async def _followed(self, reason: str) -> Followed | None:
        kind, _, key = reason.partition(":")
        if kind == "topic":
            topic = self.topics.get(key)
            return Followed(kind, key, topic.name_ar, topic.name_en) if topic else None
        actor = await self.store.run(actor_store.get_actor, key)
        return Followed(kind, key, actor.name_ar, actor.name_en) if actor else None
