from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.admins import Admins
from bot.analysis.knowledge import Knowledge, load_knowledge
from bot.config import Settings, load_settings
from bot.core import Core
from bot.digests import DigestService, SubscriptionService
from bot.ingest.fetch import Fetcher
from bot.ingest.service import IngestService
from bot.services import Services
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
    )


@pytest.fixture
def services(core: Core) -> Services:
    return core.services
