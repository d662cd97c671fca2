"""A chat's subscription and what it keeps: subscribe, settings, follows, languages, its data."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.models import Subscription
from bot.schedule import next_due, next_weekly, parse_local_time
from storage import Store
from storage import subscriptions as subs

Clock = Callable[[], datetime]
DEFAULT_TIME = "08:00"
DEFAULT_ZONE = "Africa/Tripoli"


class SubscriptionService:
    """Subscribe, change settings, follow; all about one chat at a time."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    async def get(self, chat_id: int) -> Subscription | None:
        """A chat's subscription, active or not."""
        return await self.store.run(subs.get_subscription, chat_id)

    async def subscribe(
        self, chat_id: int, local_time: str | None, digest_lang: str, thread_id: int | None = None
    ) -> Subscription:
        """Subscribe at HH:MM (08:00 by default) in the chat's zone (Tripoli by default).

        `thread_id`: the forum topic the digest and alerts go to from now on.
        """
        current = await self.get(chat_id)
        zone = current.timezone if current else DEFAULT_ZONE
        when = local_time or (current.local_time if current else DEFAULT_TIME)
        parsed = parse_local_time(when)
        if parsed is None:
            raise ValueError(f"not a time of day: {when}")
        due = next_due(self.clock(), parsed, zone)
        return await self.store.run(
            subs.subscribe,
            chat_id,
            local_time=parsed.strftime("%H:%M"),
            timezone=zone,
            digest_lang=current.digest_lang if current else digest_lang,
            next_due=due,
            now=self.clock(),
            thread_id=thread_id,
        )

    async def threads(self) -> dict[int, int]:
        """The forum topic of each chat whose digest and alerts go to one."""
        return await self.store.run(subs.threads)

    async def unsubscribe(self, chat_id: int) -> bool:
        """Stop the digest; False when there was none."""
        current = await self.get(chat_id)
        if current is None or not current.active:
            return False
        await self.store.run(subs.deactivate, chat_id, "user")
        return True

    async def change(self, chat_id: int, **fields: Any) -> Subscription | None:
        """Change settings; a new time or zone, or the daily digest back on, reschedules."""
        current = await self.get(chat_id)
        if current is None:
            return None
        zone = fields.get("timezone", current.timezone)
        resumed = bool(fields.get("daily_on")) and not current.daily_on
        if resumed:
            # Back on after a pause: the first digest is of the last day, not of the pause.
            fields["last_period_end"] = None
        if "local_time" in fields or "timezone" in fields or resumed:
            when = parse_local_time(fields.get("local_time", current.local_time))
            if when is None:
                raise ValueError("not a time of day")
            if "local_time" in fields:
                fields["local_time"] = when.strftime("%H:%M")  # kept as HH:MM, like subscribe
            ZoneInfo(zone)  # raises for an unknown zone
            fields["next_due"] = next_due(self.clock(), when, zone)
        weekly = ("weekly_on", "weekly_day", "weekly_time", "timezone")
        if any(name in fields for name in weekly):
            fields["weekly_next_due"] = self._weekly_due(current, zone, fields)
        await self.store.run(subs.update_subscription, chat_id, **fields)
        return await self.get(chat_id)

    def _weekly_due(
        self, current: Subscription, zone: str, fields: dict[str, Any]
    ) -> datetime | None:
        """When the weekly brief is next due with these changes; None while it is off."""
        if not fields.get("weekly_on", current.weekly_on):
            return None
        day = int(fields.get("weekly_day", current.weekly_day))
        when = parse_local_time(fields.get("weekly_time", current.weekly_time))
        if when is None or not 0 <= day <= 6:
            raise ValueError("not a weekday and time")
        if "weekly_time" in fields:
            fields["weekly_time"] = when.strftime("%H:%M")
        return next_weekly(self.clock(), day, when, zone)

    async def returned(self, chat_id: int) -> bool:
        """A user who had blocked the bot sent /start: their digest resumes."""
        current = await self.get(chat_id)
        if current is None or current.active:
            return False
        when = parse_local_time(current.local_time)
        assert when is not None
        due = next_due(self.clock(), when, current.timezone)
        return await self.store.run(subs.reactivate_blocked, chat_id, due)

    async def follow(self, chat_id: int, kind: str, key: str) -> bool:
        """Follow an actor or a topic."""
        return await self.store.run(subs.follow, chat_id, kind, key, self.clock())

    async def unfollow(self, chat_id: int, kind: str, key: str) -> bool:
        """Stop following an actor or a topic."""
        return await self.store.run(subs.unfollow, chat_id, kind, key)

    async def following(self, chat_id: int) -> list[tuple[str, str]]:
        """(kind, key) of what a chat follows."""
        return await self.store.run(subs.follows_of, chat_id)

    async def my_data(self, chat_id: int) -> dict[str, Any]:
        """Everything stored about a chat."""
        return await self.store.run(subs.user_data, chat_id)

    async def forget(self, chat_id: int) -> None:
        """Delete everything stored about a chat."""
        await self.store.run(subs.forget, chat_id)

    async def set_ui_lang(self, chat_id: int, lang: str | None) -> None:
        """Keep the interface language a user chose."""
        await self.store.run(subs.set_ui_lang, chat_id, lang)

    async def ui_lang(self, chat_id: int) -> str | None:
        """The interface language a user chose, if any."""
        return await self.store.run(subs.ui_lang, chat_id)

    async def set_headlines(self, chat_id: int, choice: str | None) -> None:
        """Keep how a user wants headlines in lists ('ar', 'en', 'both'; None: the default)."""
        await self.store.run(subs.set_headlines, chat_id, choice)

    async def headlines(self, chat_id: int) -> str | None:
        """The headline language a user chose, if any."""
        return await self.store.run(subs.headlines, chat_id)
