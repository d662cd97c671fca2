"""Cutting scraped pages into stories: golden cases from tests/fixtures/stories, and properties."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.text.stories import (
    HEADLINE_MAX_CHARS,
    LEAD_MAX_CHARS,
    headline_from_lead,
    make_lead,
    split_page,
)

REPO = Path(__file__).resolve().parent.parent
GOLDEN_DIR = Path(__file__).resolve().parent / "fixtures" / "stories"
GOLDEN_FILES = sorted(GOLDEN_DIR.glob("*.json"))
SENTENCE_ENDERS = ".!?؟…"


def _load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    if "input_file" in case:
        case["input"] = (REPO / case["input_file"]).read_text(encoding="utf-8")
    return case


def test_golden_folder_holds_the_seed_and_the_hand_written_cases() -> None:
    names = {path.name for path in GOLDEN_FILES}
    assert "seed_000.json" in names
    assert len(names) >= 6


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[path.stem for path in GOLDEN_FILES])
def test_golden_case(path: Path) -> None:
    case = _load(path)
    stories = split_page(case["input"])

    assert [story.headline for story in stories] == [s["headline"] for s in case["stories"]]
    assert [story.position for story in stories] == list(range(len(stories)))

    for story, expected in zip(stories, case["stories"], strict=True):
        paragraphs = story.body.split("\n\n")
        if "body" in expected:
            assert story.body == expected["body"]
        if "paragraphs" in expected:
            assert len(paragraphs) == expected["paragraphs"]
        for phrase in expected.get("body_contains", []):
            assert phrase in story.body, phrase
        for phrase in expected.get("body_excludes", []):
            assert phrase not in story.body, phrase
        if "lead" in expected:
            assert story.lead == expected["lead"]
        assert story.lead == make_lead(paragraphs[0])

    for story in stories:
        paragraphs = story.body.split("\n\n")
        for phrase in case["forbidden_anywhere"]:
            assert phrase not in story.headline, phrase
            assert phrase not in story.body, phrase
            assert phrase not in story.lead, phrase
        for line in case["forbidden_lines"]:
            assert story.headline != line
            assert line not in paragraphs
            assert all(paragraph.strip() != line for paragraph in paragraphs)


def test_seed_caption_surname_survives_inside_sentences() -> None:
    # The caption line "المنقوش" goes, but the minister's name stays in the sentences.
    case = _load(GOLDEN_DIR / "seed_000.json")
    stories = split_page(case["input"])
    assert len(stories) == 2
    assert all("نجلاء المنقوش" in story.body for story in stories)


# ---- make_lead and headline_from_lead ------------------------------------------------------


def test_make_lead_takes_sentences_until_long_enough() -> None:
    first = "التقى الوزير نظيره."
    second = "وبحثا التعاون."
    third = "واتفقا على زيارة."
    assert make_lead(f"{first} {second} {third}") == f"{first} {second} {third}"

    long_first = "وصل وفد ليبي إلى القاهرة " * 6  # well over 120 characters
    body = f"{long_first.strip()}. {second} {third}"
    assert make_lead(body) == f"{long_first.strip()}."


def test_make_lead_folds_whitespace_and_stops_before_the_limit() -> None:
    sentence = "كلمة " * 40  # 200 characters once folded
    body = f"{sentence.strip()}.\n\n  {sentence.strip()}."
    lead = make_lead(body)
    assert lead == f"{sentence.strip()}."
    assert len(lead) <= LEAD_MAX_CHARS


def test_make_lead_cuts_a_long_sentence_on_a_word_boundary() -> None:
    words = [f"كلمة{i}" for i in range(100)]
    body = " ".join(words) + "."
    lead = make_lead(body)
    assert len(lead) <= LEAD_MAX_CHARS
    assert lead.endswith("…")
    kept = lead[:-1].split(" ")
    assert kept == words[: len(kept)]
    assert len(" ".join(words[: len(kept) + 1])) + 1 > LEAD_MAX_CHARS


def test_make_lead_of_one_huge_word_stays_within_the_limit() -> None:
    lead = make_lead("ل" * 10_000)
    assert lead == "ل" * (LEAD_MAX_CHARS - 1) + "…"
    assert len(lead) == LEAD_MAX_CHARS


def test_make_lead_of_a_short_body_is_the_body() -> None:
    assert make_lead("  خبر قصير  بلا نقطة ") == "خبر قصير بلا نقطة"


def test_headline_from_lead() -> None:
    assert headline_from_lead("اجتماع في طرابلس. وبحث الجانبان الأمن.") == "اجتماع في طرابلس"
    assert headline_from_lead("هل يعقد الاجتماع؟ نعم.") == "هل يعقد الاجتماع؟"
    assert headline_from_lead("بدون نقطة") == "بدون نقطة"

    long = " ".join(["كلمات"] * 60) + "."
    headline = headline_from_lead(long)
    # 26 words of 5 letters and their spaces take 155 characters; a 27th would pass 160.
    assert headline == " ".join(["كلمات"] * 26) + "…"
    assert len(headline) <= HEADLINE_MAX_CHARS + 1


def test_headline_from_lead_of_bare_punctuation_is_not_empty() -> None:
    assert headline_from_lead("...") == "..."
    stories = split_page("...")
    assert [(s.headline, s.body) for s in stories] == [("...", "...")]


def _lead_ends_well(lead: str, norm: str) -> bool:
    at_sentence = (
        norm.startswith(lead)
        and lead[-1] in SENTENCE_ENDERS
        and (len(norm) == len(lead) or norm[len(lead)] == " ")
    )
    stem = lead[:-1]
    at_word_cut = (
        lead.endswith("…")
        and norm.startswith(stem)
        and (norm[len(stem)] == " " or " " not in norm[:LEAD_MAX_CHARS])
    )
    return lead == norm or at_sentence or at_word_cut


ARABIC = "".join(chr(c) for c in range(0x0621, 0x064B))
body_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(ARABIC), st.sampled_from(" \n\t.؟!…،"), st.characters(codec="utf-8")
    ),
    min_size=1,
    max_size=1500,
)


@settings(max_examples=200, deadline=None)
@given(body_text)
def test_make_lead_property(body: str) -> None:
    norm = " ".join(body.split())
    lead = make_lead(body)
    assert len(lead) <= LEAD_MAX_CHARS
    if norm:
        assert lead
        assert _lead_ends_well(lead, norm), (lead, norm[:400])
    else:
        assert lead == ""


page_text = st.text(
    alphabet=st.one_of(
        st.sampled_from(ARABIC),
        st.sampled_from(" \n\n\r\n\u00a0\u200b\u200f\ufeff.؟:،"),
        st.characters(codec="utf-8"),
    ),
    max_size=3000,
) | st.lists(
    st.sampled_from(
        [
            "رئيس مجلس الإدارة",
            "رئيس التحرير: فلان",
            "محمد الباز",
            "وزيرة الخارجية تلتقي السفير",
            "التقت الوزيرة السفير اليوم.",
            "...",
            ".",
            "\u00a0",
            "\u200b \u200b \u200b",
            "شارك الخبر",
            "",
            "ل" * 500,
        ]
    ),
    max_size=40,
).map("\n".join)


@settings(max_examples=200, deadline=None)
@given(page_text)
def test_split_page_never_fails_and_every_story_is_whole(text: str) -> None:
    stories = split_page(text)
    assert [s.position for s in stories] == list(range(len(stories)))
    for story in stories:
        assert story.headline.strip()
        assert story.body.strip()
        assert story.lead.strip()
        assert len(story.lead) <= LEAD_MAX_CHARS
        assert len(story.headline) <= HEADLINE_MAX_CHARS + 1
        assert "\n" not in story.headline
        assert "\r" not in story.body
        assert all(p.strip() for p in story.body.split("\n\n"))
