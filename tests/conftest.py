from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.knowledge import Knowledge, load_knowledge
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


@pytest.fixture
def services(store: Store, knowledge: Knowledge) -> Services:
    return Services(store, knowledge, clock=lambda: FIXED_NOW)
