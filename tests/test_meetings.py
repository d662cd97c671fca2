"""Who met whom, where and when: golden cases in tests/fixtures/meetings/."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.knowledge import Knowledge
from bot.analysis.pipeline import analyze_story
from bot.analysis.text.actors import Found, find_entities
from bot.analysis.text.meetings import find_meetings
from bot.analysis.text.stories import split_page
from bot.analysis.text.tokens import tokenize
from bot.models import Meeting

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "meetings"
CASES = [
    {**case, "file": path.stem}
    for path in sorted(FIXTURES.glob("*.json"))
    for case in json.loads(path.read_text(encoding="utf-8")).get("cases", [])
]
SEED = json.loads((FIXTURES / "seed_page.json").read_text(encoding="utf-8"))
WEDNESDAY = date(2021, 12, 8)


def meetings_of(
    text: str, knowledge: Knowledge, on: date | None
) -> tuple[list[Meeting], list[Found]]:
    tokens = tokenize(text)
    found = find_entities(tokens, knowledge.gazetteer, on=on)
    return find_meetings(tokens, found, on), found


def side(key: str, found: list[Found]) -> str:
    """A side as the fixtures name it: the actor's key, or a discovered person's Arabic name."""
    entry = next(f.entry for f in found if f.entry.key == key)
    return entry.name_ar if key.startswith("new:") else key


def as_rows(meetings: list[Meeting], found: list[Found]) -> list[dict[str, Any]]:
    return [
        {
            "a": side(m.a, found),
            "b": side(m.b, found),
            "place": m.place,
            "day": m.day.isoformat() if m.day else None,
            "kind": m.kind,
        }
        for m in meetings
    ]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['file']}:{c['id']}")
def test_golden_case(case: dict[str, Any], knowledge: Knowledge) -> None:
    on = date.fromisoformat(case["date"]) if case["date"] else None
    meetings, found = meetings_of(case["text"], knowledge, on)
    assert as_rows(meetings, found) == case["meetings"]


def test_the_golden_files_cover_the_verbs_and_days() -> None:
    texts = " ".join(c["text"] for c in CASES)
    for verb in ("التقى", "التقت", "استقبل", "بحث", "اجتمع", "أجرى", "اتصالا هاتفيا"):
        assert verb in texts
    rows = [m for c in CASES for m in c["meetings"]]
    assert {m["kind"] for m in rows} == {"meeting", "call"}
    assert all(m["place"] is None for m in rows if m["kind"] == "call")
    assert sum(not c["meetings"] for c in CASES) >= 4


# --- the seed page


def seed_stories(knowledge: Knowledge, on: date | None) -> list[tuple[list[Meeting], list[Found]]]:
    drafts = split_page((REPO / SEED["page"]).read_text(encoding="utf-8"))
    return [meetings_of(f"{d.headline}\n{d.body}", knowledge, on) for d in drafts]


def test_seed_page_meetings_on_the_story_date(knowledge: Knowledge) -> None:
    stories = seed_stories(knowledge, date.fromisoformat(SEED["date"]))
    assert [as_rows(*story) for story in stories] == SEED["stories"]


def test_seed_page_meetings_without_a_date_have_no_day(knowledge: Knowledge) -> None:
    stories = seed_stories(knowledge, None)
    want = [[{**m, "day": None} for m in story] for story in SEED["stories"]]
    assert [as_rows(*story) for story in stories] == want


def test_analyze_story_carries_the_meetings(knowledge: Knowledge) -> None:
    drafts = split_page((REPO / SEED["page"]).read_text(encoding="utf-8"))
    result = analyze_story(drafts[1].headline, drafts[1].body, knowledge, WEDNESDAY)
    assert result.meetings == (
        Meeting(
            a="najla_mangoush",
            b="caroline_hurndall",
            place="tripoli",
            day=date(2021, 12, 1),
            kind="meeting",
        ),
    )


# --- relative days, against every weekday


WEEKDAYS = ["الاثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت", "الأحد"]


@pytest.mark.parametrize("offset", range(7))
@pytest.mark.parametrize("named", range(7))
def test_weekday_alone_is_on_or_before_and_with_al_madi_strictly_before(
    offset: int, named: int, knowledge: Knowledge
) -> None:
    on = date(2021, 12, 6) + timedelta(days=offset)  # a Monday onwards
    base = f"التقى الدبيبة المنقوش في طرابلس {WEEKDAYS[named]}"
    (alone,), _ = meetings_of(base + ".", knowledge, on)
    (before,), _ = meetings_of(base + " الماضي.", knowledge, on)
    assert alone.day is not None and before.day is not None
    assert alone.day.weekday() == named == before.day.weekday()
    assert 0 <= (on - alone.day).days <= 6
    assert 1 <= (on - before.day).days <= 7


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    words=st.lists(
        st.sampled_from(
            "التقى استقبل اتصالا هاتفيا الدبيبة المنقوش الوفد التركي طرابلس روسيا أمس اليوم "
            "الأربعاء الماضي رئيس حكومة الوحدة الوطنية . ، مع".split()
        ),
        max_size=30,
    ),
    dated=st.booleans(),
)
def test_find_meetings_never_raises(words: list[str], dated: bool, knowledge: Knowledge) -> None:
    on = WEDNESDAY if dated else None
    meetings, _ = meetings_of(" ".join(words), knowledge, on)
    for meeting in meetings:
        assert meeting.a != meeting.b
        assert meeting.kind in ("meeting", "call")
        assert meeting.kind == "meeting" or meeting.place is None
        assert (meeting.day is None) if on is None else (meeting.day is None or meeting.day <= on)
    pairs = [frozenset((m.a, m.b)) for m in meetings]
    assert len(pairs) == len(set(pairs))
