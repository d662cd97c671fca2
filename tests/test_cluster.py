"""Near-duplicate grouping: golden pairs, determinism across processes, and speed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.text.cluster import (
    PERMUTATIONS,
    SAME_STORY_THRESHOLD,
    same_story,
    shingles,
    signature,
    similarity,
)

REPO = Path(__file__).resolve().parent.parent
PAIRS: dict[str, Any] = json.loads(
    (Path(__file__).parent / "fixtures" / "cluster" / "pairs.json").read_text(encoding="utf-8")
)


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb)


def test_there_are_enough_golden_pairs() -> None:
    assert len(PAIRS["same"]) >= 8
    assert len(PAIRS["different"]) >= 8


@pytest.mark.parametrize("pair", PAIRS["same"], ids=lambda p: p["id"])
def test_one_story_told_by_two_outlets_matches(pair: dict[str, str]) -> None:
    a, b = signature(pair["a"]), signature(pair["b"])
    assert same_story(a, b), similarity(a, b)


@pytest.mark.parametrize("pair", PAIRS["different"], ids=lambda p: p["id"])
def test_two_stories_about_the_same_people_stay_apart(pair: dict[str, str]) -> None:
    a, b = signature(pair["a"]), signature(pair["b"])
    assert not same_story(a, b), similarity(a, b)


def test_the_threshold_sits_in_the_gap_of_the_true_jaccard() -> None:
    # On exact Jaccard too, not only on this signature's estimate.
    lowest_same = min(jaccard(p["a"], p["b"]) for p in PAIRS["same"])
    highest_different = max(jaccard(p["a"], p["b"]) for p in PAIRS["different"])
    assert highest_different < SAME_STORY_THRESHOLD < lowest_same


@pytest.mark.parametrize("pair", PAIRS["same"] + PAIRS["different"], ids=lambda p: p["id"])
def test_the_estimate_is_close_to_the_true_jaccard(pair: dict[str, str]) -> None:
    estimate = similarity(signature(pair["a"]), signature(pair["b"]))
    # 64 permutations: the standard error is at most 0.0625; allow two of them.
    assert abs(estimate - jaccard(pair["a"], pair["b"])) <= 0.125


def test_a_signature_has_one_32_bit_value_per_permutation() -> None:
    sig = signature(PAIRS["same"][0]["a"])
    assert len(sig) == PERMUTATIONS
    assert all(isinstance(v, int) and 0 <= v < 2**32 for v in sig)
    assert len(set(sig)) > PERMUTATIONS // 2  # the permutations are not all alike


def test_identical_and_empty_texts() -> None:
    text = PAIRS["same"][0]["a"]
    assert similarity(signature(text), signature(text)) == 1.0
    assert signature("") == () == signature(" ،.؟ ")
    assert similarity((), signature(text)) == 0.0
    assert not same_story((), ())


def test_similarity_is_symmetric() -> None:
    a, b = signature(PAIRS["same"][1]["a"]), signature(PAIRS["same"][1]["b"])
    assert similarity(a, b) == similarity(b, a)


def test_spelling_and_clitic_variants_give_the_same_signature() -> None:
    written = "التقت وزيرة الخارجية نجلاء المنقوش السفيرَ الإيطالي وبحثا ملف المرتزقة في طرابلس"
    variant = "التقت وزيره الخارجيه نجلاء المنقوش السفير الايطالي وبحثا ملف والمرتزقه بطرابلس"
    assert signature(written) == signature(variant)


def test_numbers_are_facts_that_tell_stories_apart() -> None:
    base = "أعلن مركز طب الطوارئ مقتل {} شخصا وإصابة {} آخرين في اشتباكات جنوب العاصمة"
    same = similarity(signature(base.format(55, 146)), signature(base.format(55, 146)))
    other = similarity(signature(base.format(55, 146)), signature(base.format(7, 12)))
    assert same == 1.0
    assert other < same - 0.3


def test_signatures_are_the_same_in_another_process() -> None:
    # Python's hash() is salted per process; a stored signature must still compare equal.
    text = PAIRS["same"][0]["a"]
    code = (
        "import sys, json; from bot.analysis.text.cluster import signature; "
        "print(json.dumps(signature(sys.stdin.read())))"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", code],
        input=text,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=True,
        timeout=60,
    ).stdout
    assert tuple(json.loads(out)) == signature(text)


def test_a_600_word_story_is_signed_in_milliseconds() -> None:
    words = " ".join(p[k] for p in PAIRS["same"] for k in ("a", "b")).split()
    story = " ".join(words[:600])
    signature(story)
    timings = []
    for _ in range(15):
        start = time.perf_counter()
        signature(story)
        timings.append(time.perf_counter() - start)
    # Measured about 3 ms; the bound only catches a slow design (a Python loop per
    # permutation, an unmemoized stemmer), not a busy test machine.
    assert sorted(timings)[len(timings) // 2] < 0.015


text_strategy = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(" \n.،0123456789وال"),
        st.characters(),
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(a=text_strategy, b=text_strategy)
def test_signature_never_raises(a: str, b: str) -> None:
    sa, sb = signature(a), signature(b)
    assert len(sa) in (0, PERMUTATIONS)
    assert 0.0 <= similarity(sa, sb) <= 1.0
    assert similarity(sa, sb) == similarity(sb, sa)
