"""Analysis in worker processes gives exactly what analysis in a thread gives."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from bot.analysis.knowledge import Knowledge
from bot.analysis.pipeline import analyze_story
from bot.analysis.workers import POOL_MIN_BATCH, ProcessAnalyzer, StoryText, ThreadAnalyzer
from bot.services import Services
from tests.conftest import SEEDS
from tests.test_search import STORIES, add_stories

EVAL = Path(__file__).parent / "fixtures" / "eval"
COLUMNS = "SELECT relevant, search_stems, signature, cluster_id FROM stories ORDER BY id"


def eval_stories() -> list[StoryText]:
    stories = []
    for path in sorted(EVAL.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        day = date.fromisoformat(case["date"]) if case.get("date") else None
        stories.append((case["title"], case["text"], day))
    return stories


async def test_worker_processes_analyze_as_the_thread_does(knowledge: Knowledge) -> None:
    stories = eval_stories()
    assert len(stories) > 2 * POOL_MIN_BATCH
    pool = ProcessAnalyzer(knowledge, SEEDS, workers=2)
    try:
        in_workers = await pool.analyze(stories)
        assert pool._pool is not None  # a big batch did go to the workers
        in_thread = await ThreadAnalyzer(knowledge).analyze(stories)
        assert in_workers == in_thread
        assert sum(a.relevance.relevant for a in in_workers) > 50
        # A small batch stays in a thread; the order is kept either way.
        assert await pool.analyze(stories[:3]) == in_thread[:3]
    finally:
        pool.close()
    assert pool._pool is None


async def test_services_store_the_same_analyses_through_workers(
    services: Services, knowledge: Knowledge
) -> None:
    pool = ProcessAnalyzer(knowledge, SEEDS, workers=2)
    try:
        services.analyzer = pool
        # Each story twice, by another outlet: the retellings must join their originals'
        # groups within the one batch.
        retold = [
            {**story, "key": f"{story['key']}-2", "outlet": "Other",
             "url": f"https://other.test/{story['key']}"}
            for story in STORIES
        ]  # fmt: skip
        await add_stories(services, [*STORIES, *retold])
        assert 2 * len(STORIES) >= POOL_MIN_BATCH
        await services.load_seeds(SEEDS)
    finally:
        pool.close()
    rows = await services.store.run(lambda db: db.execute(COLUMNS).fetchall())
    assert rows and all(row[0] is not None for row in rows)
    assert sum(row[3] is not None for row in rows) >= len(STORIES)  # grouped in pairs
    # Analyzed again in a thread from scratch: the same rows.
    services.analyzer = ThreadAnalyzer(knowledge)
    await services.store.run(lambda db: db.execute("UPDATE stories SET analysis_version = 0"))
    await services.analyze_pending()
    assert await services.store.run(lambda db: db.execute(COLUMNS).fetchall()) == rows


def test_a_libyan_meeting_a_foreign_states_official_is_bilateral_relations(
    knowledge: Knowledge,
) -> None:
    # The words alone carry no topic; the meeting across the border does.
    on = date(2023, 3, 1)
    head, body = (
        "المنفي يلتقي أردوغان",
        ("التقى رئيس المجلس الرئاسي محمد المنفي الرئيس التركي رجب طيب أردوغان في أنقرة اليوم."),
    )
    assert knowledge.topic_matcher.classify(head, body) == []
    assert [t.topic for t in analyze_story(head, body, knowledge, on).topics] == [
        "bilateral_relations"
    ]
    # A UN envoy is no state's official: meeting him is not relations with Senegal.
    envoy = "التقى رئيس المجلس الرئاسي محمد المنفي المبعوث الأممي عبد الله باتيلي في طرابلس."
    topics = [t.topic for t in analyze_story("المنفي يلتقي باتيلي", envoy, knowledge, on).topics]
    assert "bilateral_relations" not in topics


def test_states_at_a_summit_are_no_sign_of_bilateral_relations(knowledge: Knowledge) -> None:
    body = (
        "وتوافد القادة العرب السبت للمشاركة في القمة العربية. "
        "ووصل قادة ووفود دول عربية من بينها مصر وليبيا والجزائر."
    )
    result = analyze_story("القمة العربية", body, knowledge, date(2019, 3, 31))
    assert len(result.meetings) == 3  # every pair of the three states
    assert "bilateral_relations" not in [t.topic for t in result.topics]
