"""The labeled set holds its figures, and the scorer counts what it should."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import bot.analysis.evaluate as evaluate_module
from bot.analysis.evaluate import Evaluation, Score, evaluate, summary
from bot.analysis.knowledge import Knowledge

EVAL_SET = Path(__file__).parent / "fixtures" / "eval"


@pytest.fixture(scope="module")
def result(knowledge: Knowledge) -> Evaluation:
    """The evaluation over the whole labeled set, run once for the module."""
    return evaluate(EVAL_SET, knowledge)


# --- floors on the labeled set: a regression under them fails


def test_every_story_is_scored(result: Evaluation) -> None:
    assert result.stories == len(list(EVAL_SET.glob("*.json"))) == 89


def test_relevance_accuracy(result: Evaluation) -> None:
    assert result.relevance_accuracy >= 0.95, result.relevance_misses


def test_people_precision_and_recall(result: Evaluation) -> None:
    people = result.people
    assert people.precision >= 0.98, people.misses
    assert people.recall >= 0.95, people.misses
    assert people.true_pos >= 200


def test_topics_f1(result: Evaluation) -> None:
    assert result.topics.f1 >= 0.82, result.topics.misses


def test_meetings_f1(result: Evaluation) -> None:
    meetings = result.meetings
    assert meetings.f1 >= 0.9, meetings.misses
    assert meetings.true_pos >= 20


def test_summary_has_one_line_per_task(result: Evaluation) -> None:
    lines = summary(result).splitlines()
    assert lines[0] == "stories: 89"
    assert lines[1].startswith("relevance: accuracy ")
    assert [line.split(":")[0] for line in lines[2:]] == ["people", "topics", "meetings"]
    p = result.people
    assert lines[2] == (
        f"people: precision {p.precision:.3f} recall {p.recall:.3f} F1 {p.f1:.3f} "
        f"(tp {p.true_pos}, fp {p.false_pos}, fn {p.false_neg})"
    )


# --- a synthetic set with known counts, scored through the real analysis

SYNTHETIC: dict[str, dict[str, Any]] = {
    # People: Mangoush right, Norland unlabeled (fp), Salamé absent (fn).
    # Topics: elections right, bilateral_relations unlabeled (fp), un_mediation absent (fn).
    # Meetings: Mangoush-Norland right, Mangoush-Turkey (the delegation) unlabeled (fp),
    # Mangoush-Salamé absent (fn).
    "a_partly_right": {
        "date": "2021-12-08",
        "title": "المنقوش تلتقي وفدا من تركيا",
        "text": "التقت وزيرة الخارجية نجلاء المنقوش، اليوم، السفير الأمريكي ريتشارد نورلاند في "
        "طرابلس، وبحث الجانبان التحضيرات للانتخابات الرئاسية والبرلمانية ودور المفوضية "
        "الوطنية العليا للانتخابات.",
        "relevant": True,
        "people": [
            {"ar": "نجلاء المنقوش", "en": "Najla Mangoush", "role_ar": None, "known": True},
            {"ar": "غسان سلامة", "en": "Ghassan Salamé", "role_ar": None, "known": True},
        ],
        "topics": ["elections", "un_mediation"],
        "meetings": [
            {"a": "Richard Norland", "b": "Najla Mangoush", "place": "Tripoli", "date": None},
            {"a": "Najla Mangoush", "b": "Ghassan Salamé", "place": None, "date": None},
        ],
    },
    # Not relevant, and judged so: nothing else is scored.
    "b_liberia": {
        "date": "2017-12-29",
        "title": "جورج ويا يفوز برئاسة ليبيريا",
        "text": "فاز نجم كرة القدم السابق جورج ويا بالانتخابات الرئاسية في ليبيريا، بعد جولة "
        "إعادة أمام نائب الرئيس جوزيف بواكاي.",
        "relevant": False,
        "people": [],
        "topics": [],
        "meetings": [],
    },
    # All right: 2 people, 2 topics, 1 meeting.
    "c_all_right": {
        "date": "2021-12-08",
        "title": "الدبيبة يلتقي المنقوش",
        "text": "التقى رئيس حكومة الوحدة الوطنية عبد الحميد الدبيبة، أمس، وزيرة الخارجية نجلاء "
        "المنقوش في طرابلس لبحث خروج المرتزقة والقوات الأجنبية من ليبيا.",
        "relevant": True,
        "people": [
            {"ar": "عبد الحميد الدبيبة", "en": "Abdul Hamid Dbeibah", "known": True},
            {"ar": "نجلاء المنقوش", "en": "Najla Mangoush", "known": True},
        ],
        "topics": ["foreign_forces", "bilateral_relations"],
        "meetings": [{"a": "Najla Mangoush", "b": "Abdul Hamid Dbeibah"}],
    },
}
# Labeled not relevant but judged relevant: a relevance miss, and nothing else is scored.
SYNTHETIC["d_mislabeled"] = {
    **SYNTHETIC["c_all_right"],
    "relevant": False,
    "people": [{"ar": "خليفة حفتر", "en": "Khalifa Haftar", "known": True}],
    "topics": ["oil_economy"],
    "meetings": [],
}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Evaluation:
    folder = tmp_path_factory.mktemp("synthetic")
    for name, case in SYNTHETIC.items():
        (folder / f"{name}.json").write_text(json.dumps(case, ensure_ascii=False), "utf-8")
    (folder / "README.md").write_text("not a case", "utf-8")
    return evaluate(folder, knowledge)


def test_synthetic_relevance(synthetic: Evaluation) -> None:
    assert synthetic.stories == 4
    assert synthetic.relevance_right == 3
    assert synthetic.relevance_accuracy == 0.75
    assert len(synthetic.relevance_misses) == 1
    assert synthetic.relevance_misses[0].startswith("d_mislabeled: said True (")


def test_synthetic_people(synthetic: Evaluation) -> None:
    people = synthetic.people
    assert (people.true_pos, people.false_pos, people.false_neg) == (3, 1, 1)
    assert people.precision == people.recall == 0.75
    assert sorted(people.misses) == [
        "a_partly_right: extra ['ar:نورلاند', 'en:norland']",
        "a_partly_right: missed ['ar:سلامه', 'en:salamé']",
    ]


def test_synthetic_topics(synthetic: Evaluation) -> None:
    topics = synthetic.topics
    assert (topics.true_pos, topics.false_pos, topics.false_neg) == (3, 1, 1)
    assert topics.misses == [
        "a_partly_right: got ['bilateral_relations', 'elections'] "
        "want ['elections', 'un_mediation']"
    ]


def test_synthetic_meetings(synthetic: Evaluation) -> None:
    meetings = synthetic.meetings
    assert (meetings.true_pos, meetings.false_pos, meetings.false_neg) == (2, 1, 1)
    assert meetings.precision == pytest.approx(2 / 3)
    assert meetings.f1 == pytest.approx(2 / 3)
    assert sorted(meetings.misses) == [
        "a_partly_right: extra meeting ['ar:منقوش', 'en:mangoush'] ['ar:تركيا', 'en:turkey']",
        "a_partly_right: missed meeting ['ar:منقوش', 'en:mangoush'] ['ar:سلامه', 'en:salamé']",
    ]


# --- the scorer alone, on reports it is handed


def _report(people: list[tuple[str, str]], meetings: list[tuple[str, str]]) -> dict[str, Any]:
    arabic = {en: ar for ar, en in people}
    return {
        "relevant": True,
        "score": 1.0,
        "stories": [
            {
                "people": [{"ar": ar, "en": en} for ar, en in people],
                "topics": [],
                "meetings": [
                    {"a": {"ar": arabic[a], "en": a}, "b": {"ar": arabic[b], "en": b}}
                    for a, b in meetings
                ],
            }
        ],
    }


def test_a_person_matches_by_arabic_or_english_surname(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, knowledge: Knowledge
) -> None:
    # Discovered people carry a made-up Latin name: the Arabic surname still matches.
    report = _report(
        [("إيفان مولوتكوف", "Ifan Mulutkuf"), ("سيرجي لافروف", "Sergei Lavrov")],
        [("Ifan Mulutkuf", "Sergei Lavrov")],
    )
    seen: list[str] = []

    def fake(text: str, knowledge: Knowledge, **_: Any) -> dict[str, Any]:
        seen.append(text)
        return report

    monkeypatch.setattr(evaluate_module, "analyze_article", fake)
    case = {
        "title": "عنوان",
        "text": "نص",
        "relevant": True,
        "people": [
            {"ar": "إيفان مولوتكوف", "en": "Ivan Molotkov"},
            {"ar": "سيرغي لافروف", "en": "Sergey Lavrov"},
        ],
        "topics": [],
        # The labeled pair is in the other order, and names Molotkov in English.
        "meetings": [{"a": "Sergey Lavrov", "b": "Ivan Molotkov"}],
    }
    (tmp_path / "one.json").write_text(json.dumps(case, ensure_ascii=False), "utf-8")
    result = evaluate(tmp_path, knowledge)
    assert seen == ["عنوان\n\nنص"]  # the title leads the text
    assert (result.people.true_pos, result.people.false_pos, result.people.false_neg) == (2, 0, 0)
    assert (result.meetings.true_pos, result.meetings.false_pos) == (1, 0)
    assert result.meetings.false_neg == 0


def test_one_prediction_matches_one_label_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, knowledge: Knowledge
) -> None:
    report = _report([("محمد المنفي", "Mohamed al-Menfi")] * 2, [])
    report["stories"][0]["people"][1]["en"] = "Menfi"  # two entries for one labeled person
    monkeypatch.setattr(evaluate_module, "analyze_article", lambda *a, **k: report)
    case = {
        "text": "نص",
        "relevant": True,
        "people": [{"ar": "محمد المنفي", "en": "Mohamed al-Menfi"}],
        "topics": ["government"],
        "meetings": [],
    }
    (tmp_path / "one.json").write_text(json.dumps(case, ensure_ascii=False), "utf-8")
    result = evaluate(tmp_path, knowledge)
    assert (result.people.true_pos, result.people.false_pos, result.people.false_neg) == (1, 1, 0)
    assert (result.topics.true_pos, result.topics.false_pos, result.topics.false_neg) == (0, 0, 1)


@pytest.mark.parametrize(
    ("counts", "precision", "recall", "f1"),
    [
        ((0, 0, 0), 1.0, 1.0, 1.0),
        ((0, 2, 3), 0.0, 0.0, 0.0),
        ((3, 1, 0), 0.75, 1.0, 6 / 7),
        ((1, 0, 3), 1.0, 0.25, 0.4),
    ],
)
def test_score_arithmetic(
    counts: tuple[int, int, int], precision: float, recall: float, f1: float
) -> None:
    score = Score(*counts)
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.f1 == pytest.approx(f1)


def test_an_empty_folder_scores_nothing(tmp_path: Path, knowledge: Knowledge) -> None:
    result = evaluate(tmp_path, knowledge)
    assert result.stories == 0 and result.relevance_accuracy == 1.0
    assert result.people == Score()


def test_the_labeled_set_passes_its_own_validator() -> None:
    script = Path(__file__).parent / "fixtures" / "eval" / "validate.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
