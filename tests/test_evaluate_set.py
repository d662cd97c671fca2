"""`libya-brief evaluate --set DIR`: the dev-corpus scoring rules, and floors on real text.

The real set lives outside the repository (../shared/dev-corpus, texts that must not be
copied here); its test skips when the folder is absent. The floors are a ratchet: raise
them as the analysis improves, never lower them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.analysis.evaluate_set import Name, as_dict, evaluate_set, same_english, same_person
from bot.analysis.knowledge import Knowledge
from tests.conftest import REPO

TINY = REPO / "tests" / "fixtures" / "devset"
DEV_CORPUS = REPO.parent / "shared" / "dev-corpus"
SCRIPT = Path(sys.executable).parent / "libya-brief"

# Measured on 2026-12-06 at the commit that added this file; the figures are in the README.
FLOORS = {
    "relevance_accuracy": 0.99,
    "people_precision": 0.91,
    "people_recall": 0.94,
    "topics_f1": 0.88,
    "meetings_precision": 0.98,
    "meetings_recall": 0.71,
    "meeting_dates": 0.93,
    "meeting_places": 0.955,
    "english_names": 0.87,
}


@pytest.mark.parametrize(
    ("found", "labeled", "same"),
    [
        (Name("خليفة حفتر", None), Name("خليفة حفتر", "Khalifa Haftar"), True),
        (Name("حفتر", None), Name("خليفة حفتر", "Khalifa Haftar"), True),  # surname alone
        (Name("خليفة حفتر", None), Name("حفتر", None), True),
        (Name("عبد الفتاح السيسي", None), Name("عبدالفتاح السيسي", None), True),
        (Name("إبراهيم الدباشي", None), Name("ابراهيم الدباشي", None), True),  # normalized
        (Name("خليفة", None), Name("خليفة حفتر", None), False),  # a given name is not enough
        (Name("وطرح سالفيني", "Wtrh Salfini"), Name("ماتيو سالفيني", "Matteo Salvini"), False),
        (Name("x", "Ghassan Salamé"), Name("غسان سلامة", "ghassan salame"), True),  # English
    ],
)
def test_people_match_by_the_readme_rules(found: Name, labeled: Name, same: bool) -> None:
    assert same_person(found, labeled) is same


@pytest.mark.parametrize(
    ("found", "labeled", "same"),
    [
        ("Mohamed Ibrahim", "Mohamed Ibrahim", True),
        ("Mohammed Ibrahim", "Mohamed Ibrahim", True),  # one letter
        ("Ahmed al-Mismari", "Ahmed Mismari", True),
        ("Ahmed El-Mismari", "ahmed al mismari", True),
        ("Mhmd Ibrahim", "Mohamed Ibrahim", False),
        ("Matiu Salfini", "Matteo Salvini", False),
    ],
)
def test_english_names_compare_loosely_but_not_too(found: str, labeled: str, same: bool) -> None:
    assert same_english(found, labeled) is same


def test_the_tiny_set_scores_as_worked_out_by_hand(knowledge: Knowledge) -> None:
    result = evaluate_set(TINY, knowledge)
    assert result.articles == 3
    assert (result.relevance.right, result.relevance.cases) == (2, 2)  # t3 is borderline
    assert (result.people.true_pos, result.people.false_pos, result.people.false_neg) == (2, 0, 1)
    assert (result.meetings.true_pos, result.meetings.false_neg) == (1, 0)
    assert (result.meeting_dates.right, result.meeting_places.right) == (1, 1)
    assert "t1: person missed عبدالحميد الدبيبة / Abdul Hamid Dbeibah" in result.misses


def test_the_command_prints_the_figures_and_refuses_a_wrong_folder(tmp_path: Path) -> None:
    done = subprocess.run(
        [str(SCRIPT), "evaluate", "--set", str(TINY)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "meeting pairs: precision 1.000 recall 1.000" in done.stdout
    wrong = subprocess.run(
        [str(SCRIPT), "evaluate", "--set", str(tmp_path)], capture_output=True, text=True
    )
    assert wrong.returncode == 1
    assert wrong.stderr.strip() == f"libya-brief: {tmp_path} has no articles.jsonl or gold.jsonl"


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="../shared/dev-corpus is not beside the repo")
def test_real_articles_stay_above_the_floors(knowledge: Knowledge) -> None:
    figures = as_dict(evaluate_set(DEV_CORPUS, knowledge))
    below = {k: round(figures[k], 3) for k, floor in FLOORS.items() if figures[k] < floor}
    assert below == {}, f"below the floors {FLOORS}: {below}"
