"""Arabic normalization rules and light stemming: the search equivalences the product needs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.text import normalize as n
from bot.analysis.text.normalize import normalize
from bot.analysis.text.stem import index_terms, loose_key, loose_terms, query_terms, readings

CASES = json.loads(
    (Path(__file__).parent / "fixtures" / "stem_equivalences.json").read_text(encoding="utf-8")
)


@pytest.mark.parametrize(
    ("rule", "given_text", "expected"),
    [
        (n.nfkc, "ﻻ ﷲ", "لا الله"),
        (n.digits_to_ascii, "٢٠٢١ و۱۴۰۰", "2021 و1400"),
        (n.strip_marks, "الانْتِخَابَاتُ", "الانتخابات"),
        (n.strip_marks, "رَحْمٰن", "رحمن"),
        (n.strip_tatweel, "ليـــبيا", "ليبيا"),
        (n.strip_invisible, "لي\u200bبيا\u200f\u202b\ufeff\u061c", "ليبيا"),
        (n.fold_alef, "أإآٱ", "اااا"),
        (n.fold_alef_maqsura, "مصطفى", "مصطفي"),
        (n.fold_teh_marbuta, "الدبيبة", "الدبيبه"),
        (n.fold_hamza_carriers, "مؤتمر رئيس", "موتمر رييس"),
        (n.fold_case, "Mangoush UNSMIL", "mangoush unsmil"),
    ],
)
def test_each_rule(rule: object, given_text: str, expected: str) -> None:
    assert callable(rule)
    assert rule(given_text) == expected


def test_normalize_composes_every_rule() -> None:
    assert (
        n.normalize("وأعربَ ــ الرئيسُ ٢٠٢١ عن دعمِ السفارة\u200f")
        == "واعرب  الرييس 2021 عن دعم السفاره"
    )
    assert n.tokens("«الانتخابات»، 5+5! 😀") == ["الانتخابات", "5", "5"]


def shares_reading(a: str, b: str) -> bool:
    ra = {r for w in n.tokens(a) for r in readings(w)}
    rb = {r for w in n.tokens(b) for r in readings(w)}
    return bool(ra & rb)


@pytest.mark.parametrize("group", CASES["same"], ids=lambda g: g[0])
def test_words_that_must_find_each_other(group: list[str]) -> None:
    for word in group:
        for other in group:
            assert shares_reading(word, other), (word, other)


@pytest.mark.parametrize("pair", CASES["different"], ids=lambda g: "-".join(g))
def test_words_that_must_not(pair: list[str]) -> None:
    assert not shares_reading(pair[0], pair[1])


def test_index_and_query_use_the_same_steps() -> None:
    indexed = set(index_terms("وأعربت السفارة عن دعمها للانتخابات في ليبيا").split())
    for group in query_terms("الانتخابات بالسفارة الليبية"):
        assert indexed & set(group), group


def test_query_terms_are_bounded_and_deduplicated() -> None:
    assert len(query_terms("كلمة " * 2000)) == 1
    assert len(query_terms(" ".join(f"كلمة{i}" for i in range(100)))) == 16
    assert query_terms("*") == []
    assert query_terms('"') == []


@pytest.mark.parametrize(
    "spellings",
    [
        ["غوتيريش", "جوتيريش", "غوتيرش"],  # g as غ or ج, a long vowel written or not
        ["مولوتكوف", "مولوتكوڤ", "مولوتقوف"],  # v as ف or ڤ, k as ك or ق
        ["سالفيني", "سالڤيني", "صالفيني"],
        ["ترامب", "ترمب"],
        ["ستولتنبرغ", "ستولتنبرج", "ستولتنبيرغ"],
    ],
)
def test_spellings_of_a_foreign_name_share_a_loose_key(spellings: list[str]) -> None:
    keys = {loose_key(normalize(s)) for s in spellings}
    assert len(keys) == 1 and keys != {""}


@pytest.mark.parametrize(
    ("one", "other"), [("جمال", "جميل"), ("سالم", "سليم"), ("طرابلس", "بنغازي"), ("Paris", "x")]
)
def test_short_or_different_words_do_not(one: str, other: str) -> None:
    a, b = loose_key(normalize(one)), loose_key(normalize(other))
    assert a == "" or a != b


def test_a_query_word_matches_a_name_indexed_under_another_spelling() -> None:
    indexed = set(loose_terms(["أنطونيو جوتيريش"]))
    [group] = query_terms("وغوتيريش")
    assert indexed & set(group)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalization_never_raises_and_is_idempotent(text: str) -> None:
    once = n.normalize(text)
    assert n.normalize(once) == once
    for word in n.tokens(text):
        assert word and all(r for r in readings(word))


@settings(max_examples=500, deadline=None)
@given(st.text() | st.text(alphabet=st.characters(min_codepoint=0x600, max_codepoint=0x6FF)))
def test_the_one_pass_normalize_equals_the_rules_in_order(text: str) -> None:
    assert n.normalize(text) == n.normalize_by_rules(text)
