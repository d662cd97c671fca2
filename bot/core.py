"""The composition root of everything that is not Telegram: store, knowledge, services."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from bot.admins import Admins
from bot.analysis.knowledge import load_knowledge
from bot.analysis.workers import ProcessAnalyzer
from bot.charts import Charts
from bot.config import ConfigError, Settings
from bot.digest_run import DigestService, Translations
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.services import Clock, Services, utc_now
from bot.subscribers import SubscriptionService
from bot.translate import TranslationService, make_translator
from bot.weekly_run import WeeklyService
from storage import Store


@dataclass(frozen=True, slots=True)
class Core:
    """The services the bot, the jobs and the CLI share, built once."""

    services: Services
    ingest: IngestService
    admins: Admins
    fetcher: Fetcher
    subscriptions: SubscriptionService
    digests: DigestService
    charts: Charts
    translations: TranslationService | None = None

    @property
    def store(self) -> Store:
        """The one store."""
        return self.services.store

    def weekly(self) -> WeeklyService:
        """The weekly brief's run over the digests' sender and the charts (one per job)."""
        topic_order = [t.id for t in self.services.knowledge.topics]
        return WeeklyService(
            self.store, self.digests, self.charts, self.services.clock, topic_order
        )

    async def aclose(self) -> None:
        """Close the network client, the analysis workers and the translator's threads.

        The store has its owner. Source runs still in flight are abandoned first, so that
        stopping never waits on a slow or hostile site.
        """
        await self.ingest.aclose()
        await self.fetcher.aclose()
        await asyncio.to_thread(self.services.analyzer.close)
        if self.translations is not None:
            self.translations.close()


def build_core(
    settings: Settings,
    store: Store,
    *,
    fetcher: Fetcher | None = None,
    translations: Translations | None = None,
    clock: Clock = utc_now,
    translate_names: bool = False,
) -> Core:
    """Compile the knowledge base and wire the services over one store and one clock.

    Without an explicit `translations`, the TRANSLATOR setting chooses the provider.
    """
    service: TranslationService | None = None
    if translations is None:
        try:
            translator = make_translator(
                settings.translator, settings.translator_url, settings.translator_api_key
            )
        except ValueError as exc:
            # The message names the setting; start-up stops on it like on any bad setting.
            raise ConfigError(str(exc)) from exc
        if translator is not None:
            service = TranslationService(store, translator, clock)
            translations = service
    knowledge = load_knowledge(settings.seeds_dir)
    services = Services(
        store,
        knowledge,
        clock,
        analyzer=(
            ProcessAnalyzer(knowledge, settings.seeds_dir, settings.analysis_workers)
            if settings.analysis_workers > 1
            else None
        ),
        # Only the running bot asks the translator for names at ingest: the offline chat and
        # the CLI must answer at once, even with no network.
        english_name=service.name if service is not None and translate_names else None,
    )
    fetcher = fetcher or Fetcher(allow_private=settings.allow_private_sources)
    ingest = IngestService(
        store,
        fetcher,
        services.analyze_pending,
        clock,
        poll_interval=timedelta(minutes=settings.poll_interval_minutes),
        max_failures=settings.source_max_failures,
    )
    return Core(
        services=services,
        ingest=ingest,
        admins=Admins(store, settings.admin_ids, clock),
        fetcher=fetcher,
        subscriptions=SubscriptionService(store, clock),
        digests=DigestService(
            store, translations, clock, [t.id for t in services.knowledge.topics]
        ),
        charts=Charts(store, services.knowledge, clock),
        translations=service,
    )
