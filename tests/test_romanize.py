"""English spellings of names the knowledge base lacks: golden cases, one rule or lexicon each."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.analysis.knowledge import Knowledge
from bot.analysis.text.foreign_surnames import by_ear_key, foreign_surnames
from bot.analysis.text.names import arabic_given, surnames
from bot.analysis.text.romanize import romanize

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "romanize" / "cases.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[case["ar"] for case in CASES])
def test_romanize_golden(case: dict[str, Any]) -> None:
    assert romanize(case["ar"]) == case["en"], case["rule"]


def test_foreign_surnames_by_ear_need_a_foreign_name() -> None:
    # ماتيرلا is Mattarella by ear after a foreign given name, spelled by rule otherwise.
    assert romanize("سيرجو ماتيرلا") == "Sergio Mattarella"
    assert romanize("محمد ماتيرلا") != "Mohamed Mattarella"


def test_by_ear_keys_join_spellings_and_keep_the_last_letter() -> None:
    assert by_ear_key("ماتيرلا") == by_ear_key("ماتاريلا") != ""
    assert by_ear_key("سالفيني") != by_ear_key("ساليفان")
    assert by_ear_key("بلاسي") == ""  # too short to tell (Blasi, Pelosi)
    assert by_ear_key("السراج") == ""  # an Arabic word with its article is no foreign name


def test_foreign_surnames_spell_no_arabic_given_name() -> None:
    clash = set(foreign_surnames()) & (set(arabic_given()) | set(surnames()))
    assert clash == set()


def test_knowledge_base_spellings_reach_other_spellings_by_ear(knowledge: Knowledge) -> None:
    # The knowledge base writes Stephen Townsend ستيفن تاونسند; an outlet writes تاونسيند.
    spellings = knowledge.gazetteer.spellings
    assert spellings[by_ear_key("تاونسند")] == "Townsend"
    assert romanize("ستيفن تاونسيند", spellings) == "Stephen Townsend"
    assert romanize("ستيفن تاونسيند") != "Stephen Townsend"
