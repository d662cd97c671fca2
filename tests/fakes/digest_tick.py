"""The digest tick of `libya-brief run`, once, in a process of its own, for crash tests.

`run` waits 10 s for its first tick; this runs the same tick at once: the product's core
and Application (its AIORateLimiter included) over DATABASE_PATH and TELEGRAM_API_BASE_URL,
then Deliveries.send_digests, then a clean stop. Run it as `python -m tests.fakes.digest_tick`.
"""

from __future__ import annotations

import asyncio
import os

from bot.cli import open_core
from bot.config import load_settings
from bot.tg.app import build_application, running
from bot.tg.deliveries import Deliveries


async def tick() -> None:
    """Send every digest that is due or pending, as one tick of the running bot does."""
    settings = load_settings(os.environ)
    core = open_core(settings)
    app = build_application(settings, core)
    async with running(app):
        report = await Deliveries(core, settings.timezone).send_digests(app.bot)
    print(report, flush=True)


if __name__ == "__main__":
    asyncio.run(tick())
