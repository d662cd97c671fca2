from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.admins import Admins
from bot.analysis.knowledge import Knowledge, load_knowledge
from bot.charts import Charts
from bot.config import Settings, load_settings
from bot.core import Core
from bot.digest_run import DigestService
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.services import Services
from bot.subscribers import SubscriptionService
from storage import Store

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
FIXED_NOW = datetime(2026, 11, 29, 7, 0, tzinfo=UTC)
TOKEN = "123456:TEST-TOKEN-abcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings as a fresh install has them, with the database in a temporary folder."""
    base = load_settings({}, dotenv_path=None)
    return replace(
        base,
        database_path=tmp_path / "data" / "test.db",
        heartbeat_path=tmp_path / "data" / "heartbeat",
        seeds_dir=SEEDS,
    )


@pytest.fixture
def store(settings: Settings) -> Iterator[Store]:
    store = Store(settings.database_path)
    store.open_sync()
    yield store
    store.close()


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    """The real knowledge base from seeds/, compiled once for the whole run."""
    return load_knowledge(SEEDS)


async def local_only_resolver(host: str, port: int) -> list[str]:
    """A resolver for tests: IP literals and localhost only, never the network."""
    if host == "localhost":
        return ["127.0.0.1"]
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        raise OSError(f"{host}: not resolved in tests") from None


@pytest.fixture
def core(settings: Settings, store: Store, knowledge: Knowledge) -> Core:
    """The composition the bot runs on, with a fixed clock; fetching may reach 127.0.0.1."""
    services = Services(store, knowledge, clock=lambda: FIXED_NOW)
    # Names never resolve here: a fixture's link to *.example.ly must not become a DNS query.
    fetcher = Fetcher(allow_private=True, resolver=local_only_resolver)
    ingest = IngestService(store, fetcher, services.analyze_pending, services.clock)
    admins = Admins(store, settings.admin_ids, services.clock)
    topic_ids = [t.id for t in knowledge.topics]
    return Core(
        services=services,
        ingest=ingest,
        admins=admins,
        fetcher=fetcher,
        subscriptions=SubscriptionService(store, services.clock),
        digests=DigestService(store, None, services.clock, topic_ids),
        charts=Charts(store, knowledge, services.clock),
    )


@pytest.fixture
def services(core: Core) -> Services:
    return core.services


async def store_story_not_about_libya(services: Services) -> int:
    """A football result, stored as the seeds are and analyzed: the story's id (hidden)."""
    from bot.models import StoryDraft
    from storage import articles, sources

    source = await services.store.run(
        sources.ensure_source, url="seed:sport", name="Sport", name_ar="رياضة", kind="seed",
        language="ar", now=FIXED_NOW,
    )  # fmt: skip
    body = (
        "فاز منتخب ليبيريا على منتخب غانا بهدفين مقابل هدف في مباراة ودية أقيمت في مونروفيا، "
        "وسجل المهاجم هدف الفوز في الدقيقة التسعين أمام جماهير غفيرة."
    )
    drafts = [StoryDraft(position=0, headline="ليبيريا تفوز على غانا وديا", body=body, lead=body)]
    await services.store.run(
        articles.upsert_seed_article, seed_key="sport", source_id=source, url=None,
        language="ar", published_at=FIXED_NOW, content_hash="s", raw_text=body,
        stories=drafts, now=FIXED_NOW,
    )  # fmt: skip
    await services.analyze_pending()
    [(story_id, relevant)] = await services.store.run(
        lambda db: db.execute(
            "SELECT s.id, s.relevant FROM stories s JOIN articles a ON a.id = s.article_id "
            "WHERE a.content_hash = 's'"
        ).fetchall()
    )
    assert relevant == 0
    return int(story_id)
