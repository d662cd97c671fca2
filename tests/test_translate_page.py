"""A page's English: cached first, one batch for the rest, waited for only so long."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.english import (
    EnglishViews,
    english_label,
    has_arabic,
    headline_mode,
    read_seed_outlets,
)
from bot.models import StoryView, Translation
from bot.translate import TranslationService
from storage import Store
from storage import translations as cache
from tests.fakes.translator import EchoTranslator
from tests.test_translate import Clock, Sleeps, add_stories

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def translator() -> EchoTranslator:
    return EchoTranslator()


@pytest.fixture
def make_service(
    store: Store, translator: EchoTranslator
) -> Iterator[Callable[..., TranslationService]]:
    made: list[TranslationService] = []

    def make(**options: Any) -> TranslationService:
        service = TranslationService(
            store, translator, Clock(), sleep=Sleeps(), retries=0, **options
        )
        made.append(service)
        return service

    yield make
    for service in made:
        service.close()


def heads(store: Store, *headlines: str) -> list[tuple[int, str]]:
    return [(sid, h) for sid, h, _ in add_stories(store, *((h, "") for h in headlines))]


async def test_one_call_for_a_page_then_the_cache_answers(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    service = make_service()
    page = heads(store, "عنوان أول", "عنوان ثان")
    got = await service.page(page, ["أخبار محلية", "أخبار محلية", "Libya Herald"])
    assert translator.calls == [["عنوان أول", "عنوان ثان", "أخبار محلية"]]  # one batch
    assert dict(got.headlines) == {page[0][0]: "EN[عنوان أول]", page[1][0]: "EN[عنوان ثان]"}
    assert dict(got.names) == {"أخبار محلية": "EN[أخبار محلية]"}  # English needs nothing
    again = await service.page(page, ["أخبار محلية"])
    assert again == got and len(translator.calls) == 1
    stored = await store.run(cache.cached_headlines, [sid for sid, _ in page], "en")
    assert stored == dict(got.headlines)


async def test_only_what_is_missing_is_sent(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    service = make_service()
    first, second = heads(store, "عنوان أول", "عنوان ثان")
    await service.page([first], [])
    await service.page([first, second], [])
    assert translator.calls == [["عنوان أول"], ["عنوان ثان"]]


async def test_a_whole_story_translated_serves_its_headline(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    [(sid, headline)] = heads(store, "عنوان")
    await store.run(
        cache.save_translations, [Translation(sid, "en", "A headline", "")], "x", Clock()()
    )
    got = await make_service().page([(sid, headline)], [])
    assert dict(got.headlines) == {sid: "A headline"} and translator.calls == []


async def test_a_failed_batch_gives_arabic_caches_nothing_and_is_tried_again(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    service = make_service()
    page = heads(store, "عنوان")
    translator.fail = True
    got = await service.page(page, ["دور"])
    assert dict(got.headlines) == {} and dict(got.names) == {}
    assert await store.run(cache.cached_headlines, [page[0][0]], "en") == {}
    translator.fail = False
    got = await service.page(page, ["دور"])
    assert dict(got.headlines) == {page[0][0]: "EN[عنوان]"}
    assert len(translator.calls) == 2


async def test_a_slow_batch_does_not_hold_the_page_and_is_cached_for_the_next(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    service = make_service(page_wait=0.05)
    page = heads(store, "عنوان")
    translator.gate = threading.Event()
    # The translator never answers until let go: the page must come back without it.
    got = await service.page(page, ["أخبار محلية"])
    assert dict(got.headlines) == {} and dict(got.names) == {}
    # A second page wanting the same joins the batch still running instead of asking again.
    again = await service.page(page, ["أخبار محلية"])
    assert dict(again.headlines) == {} and len(translator.calls) == 1
    translator.gate.set()
    for _ in range(400):
        if await store.run(cache.cached_headlines, [page[0][0]], "en"):
            break
        await asyncio.sleep(0.025)
    got = await service.page(page, ["أخبار محلية"])
    assert dict(got.headlines) == {page[0][0]: "EN[عنوان]"}
    assert dict(got.names) == {"أخبار محلية": "EN[أخبار محلية]"}
    assert len(translator.calls) == 1


async def test_pages_asked_together_share_one_batch(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    service = make_service()
    page = heads(store, "عنوان")
    one, two = await asyncio.gather(service.page(page, []), service.page(page, []))
    assert one == two and dict(one.headlines) == {page[0][0]: "EN[عنوان]"}
    assert len(translator.calls) == 1


async def test_without_a_translator_a_page_has_no_english(store: Store) -> None:
    service = TranslationService(store, None, Clock())
    got = await service.page(heads(store, "عنوان"), ["أخبار"])
    assert dict(got.headlines) == {} and dict(got.names) == {}
    service.close()


# ---------------------------------------------------------------- labels and choices


def test_headline_mode_follows_the_choice_then_the_language() -> None:
    assert headline_mode(None, "en", translating=True) == "both"
    assert headline_mode(None, "ar", translating=True) == "ar"
    assert headline_mode("en", "ar", translating=True) == "en"
    assert headline_mode("both", "en", translating=False) == "ar"  # no translator, no English
    assert headline_mode("nonsense", "en", translating=True) == "both"


def test_a_label_in_english_is_never_arabic() -> None:
    assert english_label("Libya Herald") == "Libya Herald"
    assert english_label("أخبار محلية", "Local news") == "Local news"
    spelled = english_label("أخبار محلية")
    assert spelled and not has_arabic(spelled)


def test_the_seeds_give_english_outlet_names_by_host_and_arabic_name() -> None:
    names = read_seed_outlets(SEEDS)
    assert names["libyaobserver.ly"] == "Libya Observer"
    assert names["ليبيا أوبزرفر"] == "Libya Observer"
    assert names["الدستور"] == "Al-Dostor"  # from the seed manifest
    assert read_seed_outlets(SEEDS / "missing") == {}


def view(sid: int, headline: str, outlet: str, url: str | None) -> StoryView:
    return StoryView(
        id=sid, headline=headline, lead="", outlet=outlet, outlet_ar=outlet, url=url,
        published_at=None,
    )  # fmt: skip


async def test_a_list_asks_for_headlines_outlets_and_roles_in_one_batch(
    store: Store, translator: EchoTranslator, make_service: Callable[..., TranslationService]
) -> None:
    english = EnglishViews(make_service(), read_seed_outlets(SEEDS))
    [(a, ha), (b, hb)] = heads(store, "عنوان أول", "عنوان ثان")
    stories = [
        view(a, ha, "أخبار محلية", "https://example.ly/1"),
        view(b, hb, "أوبزرفر", "https://www.libyaobserver.ly/news/2"),  # the seeds name it
    ]
    got = await english.for_list("en", None, stories, roles=["نائب مدير", "Ambassador"])
    assert translator.calls == [["عنوان أول", "عنوان ثان", "أخبار محلية", "نائب مدير"]]
    assert got.mode == "both" and got.headline(a) == "EN[عنوان أول]"
    assert got.label("أوبزرفر") == "Libya Observer"
    assert got.label("أخبار محلية") == "EN[أخبار محلية]"
    assert got.label("نائب مدير") == "EN[نائب مدير]"
    # An Arabic reader who keeps Arabic headlines needs nothing translated.
    arabic = await english.for_list("ar", None, stories)
    assert arabic.headline(a) is None and len(translator.calls) == 1
