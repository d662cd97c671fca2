"""Services.find_person: a name several people share is the one most in the news."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.models import ActorRecord
from bot.services import Services
from tests.conftest import FIXED_NOW
from tests.test_search import add_stories

HAFTARS = {"khalifa_haftar", "saddam_haftar", "khaled_haftar", "belqasem_haftar"}
SPELLINGS_HAFTAR = ["Haftar", "حفتر", "Hafter", "لحفتر"]
SPELLINGS_DBEIBAH = ["Dbeibah", "Dbeiba", "Dbaiba", "Dbeibeh", "الدبيبة", "الدبيبه", "دبيبة"]


def story(key: str, body: str, days_ago: float) -> dict[str, Any]:
    """A story about Libya, published `days_ago` before the fixed clock."""
    return {
        "key": key,
        "headline": body.split("،")[0],
        "body": body,
        "outlet": "Al-Wasat",
        "outlet_ar": "بوابة الوسط",
        "url": f"https://news.test/{key}",
        "published": (FIXED_NOW - timedelta(days=days_ago)).isoformat(),
    }


SADDAM_TODAY = story(
    "saddam",
    "التقى الفريق أول صدام حفتر في بنغازي، اليوم، السفير الإيطالي لدى ليبيا وبحث معه "
    "دعم الاستقرار في ليبيا والتعاون العسكري بين البلدين.",
    1,
)
KHALIFA_LONG_AGO = story(
    "khalifa",
    "استقبل المشير خليفة حفتر في الرجمة، أمس، وزير الخارجية اليوناني وبحث معه الأوضاع "
    "في ليبيا والهجرة عبر البحر المتوسط.",
    400,
)
ALI_DBEIBAH_TODAY = story(
    "ali",
    "قال علي الدبيبة في طرابلس، اليوم، إن مشاريع المراكز الإدارية في ليبيا ستستأنف "
    "العام المقبل بعد توقف دام سنوات.",
    2,
)


async def analyzed(services: Services, stories: list[dict[str, Any]]) -> None:
    await add_stories(services, stories)
    await services.analyze_pending()


def keys(actors: tuple[ActorRecord, ...]) -> list[str]:
    return [a.key for a in actors]


@pytest.mark.parametrize("query", SPELLINGS_HAFTAR)
async def test_without_news_haftar_is_khalifa_and_the_others_are_offered(
    services: Services, query: str
) -> None:
    await services.store.open()
    await services.analyze_pending()
    found = await services.find_person(query)
    assert found.found is not None and found.found.key == "khalifa_haftar"
    assert set(keys(found.also)) == HAFTARS - {"khalifa_haftar"}
    assert found.choices == ()


async def test_haftar_is_the_haftar_in_this_week_s_news(services: Services) -> None:
    await analyzed(services, [SADDAM_TODAY, KHALIFA_LONG_AGO])
    for query in SPELLINGS_HAFTAR:
        found = await services.find_person(query)
        assert found.found is not None and found.found.key == "saddam_haftar", query
        # Khalifa next: the one "Haftar" usually means, and in a story, though not this week.
        assert keys(found.also)[0] == "khalifa_haftar"
        assert set(keys(found.also)) == HAFTARS - {"saddam_haftar"}
    # A full name is that person, with no others.
    khalifa = await services.find_person("Khalifa Haftar")
    assert khalifa.found is not None and khalifa.found.key == "khalifa_haftar"
    assert khalifa.also == ()


async def test_every_spelling_of_dbeibah_gives_the_same_answer(services: Services) -> None:
    await services.store.open()
    await services.analyze_pending()
    answers = {q: await services.find_person(q) for q in SPELLINGS_DBEIBAH}
    for query, found in answers.items():
        assert found.found is not None and found.found.key == "abdul_hamid_dbeibah", query
        assert keys(found.also) == ["ali_dbeibah"], query
    await analyzed(services, [ALI_DBEIBAH_TODAY])
    for query in SPELLINGS_DBEIBAH:
        found = await services.find_person(query)
        assert found.found is not None and found.found.key == "ali_dbeibah", query
        assert keys(found.also) == ["abdul_hamid_dbeibah"], query


async def test_the_week_looked_at_is_the_latest_with_news(services: Services) -> None:
    # Nothing this week: the week to the newest story naming people is "the news".
    old = [dict(SADDAM_TODAY, published=(FIXED_NOW - timedelta(days=90)).isoformat())]
    await analyzed(services, [*old, KHALIFA_LONG_AGO])
    period = await services.news_period("people")
    assert period.current is False
    found = await services.find_person("Haftar")
    assert found.found is not None and found.found.key == "saddam_haftar"


async def test_a_woman_is_known_by_the_knowledge_base_or_by_her_title(
    services: Services,
) -> None:
    def person(key: str, role_ar: str | None, known: bool = False) -> ActorRecord:
        return ActorRecord(
            key=key, kind="person", name_ar="س", name_en="S", role_ar=role_ar, role_en=None,
            known=known, country=None, names=(),
        )  # fmt: skip

    assert services.is_woman(person("najla_mangoush", None, known=True))
    assert services.is_woman(person("hanna_tetteh", "الممثل الخاص", known=True))
    assert not services.is_woman(person("antonio_guterres", None, known=True))
    # Found in the stories: the title her role opens with says so.
    assert services.is_woman(person("new:a", "المبعوثة الأممية"))
    assert services.is_woman(person("new:b", "وزيرة الداخلية الإيطالية"))
    assert not services.is_woman(person("new:c", "وزير الداخلية الإيطالي"))
    assert not services.is_woman(person("new:d", None))
