"""People, bodies and countries in Arabic text: golden cases in tests/fixtures/actors/."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.knowledge import Knowledge
from bot.analysis.text.actors import (
    Found,
    Gazetteer,
    current_role,
    find_entities,
    find_in_text,
    to_mentions,
)
from bot.analysis.text.romanize import romanize
from bot.analysis.text.stories import split_page
from bot.analysis.text.tokens import Token, tokenize
from bot.models import Actor, Mention, Role

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).parent / "fixtures" / "actors"
ON = date(2021, 12, 8)


def _load_cases() -> list[dict[str, Any]]:
    cases = []
    for path in sorted(FIXTURES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for case in data.get("cases", []):
            cases.append({**case, "file": path.stem})
    return cases


CASES = _load_cases()
# A case marked "xfail" records a known bug: it must keep failing until the bug is fixed.
PARAMS = [
    pytest.param(
        case,
        id=f"{case['file']}:{case['id']}",
        marks=[pytest.mark.xfail(reason=case["xfail"], strict=True)] if "xfail" in case else [],
    )
    for case in CASES
]
SEED = json.loads((FIXTURES / "seed_page.json").read_text(encoding="utf-8"))


@dataclass
class Person:
    found: Found
    mention: Mention
    surface: str  # the first mention as written in the text, clitics and all
    spans: list[str]  # every mention as written


def _written(text: str, tokens: list[Token], start: int, end: int) -> str:
    return text[tokens[start].start : tokens[end - 1].end]


def analyse(text: str, knowledge: Knowledge, on: date | None = ON) -> dict[str, Any]:
    """What the extractor finds in a text: people by surface, and the other kinds by key."""
    tokens = tokenize(text)
    found = find_entities(tokens, knowledge.gazetteer, on=on)
    mentions = {m.key: m for m in to_mentions(found, on)}
    people = [
        Person(
            found=f,
            mention=mentions[f.entry.key],
            surface=_written(text, tokens, *f.spans[0]),
            spans=[_written(text, tokens, s, e) for s, e in f.spans],
        )
        for f in found
        if f.entry.kind == "person"
    ]
    by_kind: dict[str, set[str]] = {"body": set(), "country": set(), "place": set()}
    for f in found:
        if f.entry.kind in by_kind:
            by_kind[f.entry.kind].add(f.entry.key)
    person_chars = [
        (tokens[s].start, tokens[e - 1].end) for f in found if f.entry.kind == "person"
        for s, e in f.spans
    ]  # fmt: skip
    return {
        "people": people,
        "bodies": by_kind["body"],
        "countries": by_kind["country"],
        "places": by_kind["place"],
        "person_chars": person_chars,
    }


def check_people(
    result: dict[str, Any],
    expected: list[dict[str, Any]],
    where: str,
    spellings: dict[str, str] | None = None,
) -> None:
    """The people found are exactly those expected, each as written, known or not, with role."""
    people: list[Person] = result["people"]
    surfaces = [p.surface for p in people]
    assert sorted(surfaces) == sorted(e["found"] for e in expected), where
    for want in expected:
        person = next(p for p in people if p.surface == want["found"])
        mention = person.mention
        assert mention.kind == "person"
        assert mention.known is want["known"], f"{where}: {want['found']} known"
        assert person.found.known is want["known"]
        if want["known"]:
            assert mention.name_en == want["en"], where
            assert not mention.key.startswith("new:")
        else:
            # A discovered person is named as written, with a Latin spelling made up for them.
            assert mention.key.startswith("new:"), where
            assert mention.name_ar == want["found"]
            assert mention.name_en == romanize(want["found"], spellings or {})
            assert mention.role_en is None
        if "role" in want:
            assert mention.role_ar is not None and want["role"] in mention.role_ar, (
                f"{where}: role of {want['found']} is {mention.role_ar!r}"
            )
        if "role_not" in want:
            assert want["role_not"] not in (person.found.role_ar or ""), (
                f"{where}: {want['found']} took the role {person.found.role_ar!r}"
            )
        if "mentions" in want:
            assert mention.count == want["mentions"], f"{where}: {person.spans}"


def check_not_people(text: str, result: dict[str, Any], phrases: list[str], where: str) -> None:
    """No person's mention covers any word of these phrases."""
    for phrase in phrases:
        hits = [m.span() for m in re.finditer(re.escape(phrase), text)]
        assert hits, f"{where}: {phrase!r} is not in the text"
        for start, end in hits:
            for p_start, p_end in result["person_chars"]:
                assert p_end <= start or p_start >= end, (
                    f"{where}: {text[p_start:p_end]!r} overlaps {phrase!r}"
                )


# --- golden sentences


@pytest.mark.parametrize("case", PARAMS)
def test_golden_case(case: dict[str, Any], knowledge: Knowledge) -> None:
    where = f"{case['file']}:{case['id']}"
    result = analyse(case["text"], knowledge)
    check_people(result, case["people"], where, knowledge.gazetteer.spellings)
    for kind in ("bodies", "countries", "places"):
        if kind in case:
            assert result[kind] == set(case[kind]), f"{where}: {kind}"
    check_not_people(case["text"], result, case.get("not_people", []), where)


def test_the_golden_files_cover_what_they_must() -> None:
    ids = {c["id"] for c in CASES}
    assert len(ids) == len(CASES), "case ids are unique"
    assert len(CASES) >= 25
    files = {c["file"] for c in CASES}
    assert files == {"clitics", "discovery", "longest_match", "surnames", "variants"}
    discovered = [p for c in CASES for p in c["people"] if not p["known"]]
    assert len(discovered) >= 5
    assert sum(bool(c.get("not_people")) for c in CASES) >= 4


# --- the seed page


def test_split_page_drops_the_masthead_name() -> None:
    drafts = split_page((REPO / SEED["page"]).read_text(encoding="utf-8"))
    assert [d.headline for d in drafts] == [s["headline"] for s in SEED["stories"]]
    for draft in drafts:
        assert "محمد الباز" not in draft.headline + draft.body


@pytest.mark.parametrize("index", range(len(SEED["stories"])))
def test_seed_page_story(index: int, knowledge: Knowledge) -> None:
    drafts = split_page((REPO / SEED["page"]).read_text(encoding="utf-8"))
    draft, want = drafts[index], SEED["stories"][index]
    text = f"{draft.headline}\n{draft.body}"  # as bot.analysis.pipeline.analyze_story reads a story
    result = analyse(text, knowledge, date.fromisoformat(SEED["date"]))
    where = f"seed story {index}"
    check_people(result, want["people"], where, knowledge.gazetteer.spellings)
    assert result["bodies"] == set(want["bodies"])
    assert result["countries"] == set(want["countries"])
    names = {p.mention.name_ar for p in result["people"]}
    assert not names & set(SEED["not_people"])


def test_the_raw_seed_page_has_no_masthead_person_either(knowledge: Knowledge) -> None:
    text = (REPO / SEED["page"]).read_text(encoding="utf-8")
    result = analyse(text, knowledge)
    check_not_people(text, result, SEED["not_people"], "raw seed page")
    known = {p.mention.name_en for p in result["people"] if p.mention.known}
    assert known == {
        "Najla Mangoush",
        "Caroline Hurndall",
        "António Guterres",
        "Stephanie Williams",
    }


# --- mentions, roles by date, find_in_text


def test_find_in_text_is_tokenize_find_entities_and_to_mentions(knowledge: Knowledge) -> None:
    text = "التقى رئيس المجلس الرئاسي محمد المنفي السفير الأمريكي ريتشارد نورلاند في طرابلس."
    mentions = find_in_text(text, knowledge.gazetteer, on=ON)
    assert mentions == to_mentions(find_entities(tokenize(text), knowledge.gazetteer), ON)
    assert [(m.key, m.kind) for m in mentions] == [
        ("presidential_council", "body"),
        ("mohamed_al_menfi", "person"),
        ("united_states", "country"),
        ("richard_norland", "person"),
    ]  # places are not mentions
    menfi = mentions[1]
    assert menfi.role_ar == "رئيس المجلس الرئاسي"  # the role the story gives
    assert menfi.role_en == "President of the Presidential Council"


@pytest.mark.parametrize(
    ("year", "role_en"),
    [
        (2019, "Minister of Interior, Government of National Accord"),
        (2022, "Prime Minister, Government of National Stability (appointed by the House of "
               "Representatives)"),
        (None, "Prime Minister, Government of National Stability (appointed by the House of "
               "Representatives)"),
    ],
)  # fmt: skip
def test_a_known_persons_role_is_the_one_held_that_year(
    year: int | None, role_en: str, knowledge: Knowledge
) -> None:
    on = date(year, 6, 1) if year else None
    (mention,) = find_in_text("وقال فتحي باشاغا إن الأمن مستتب.", knowledge.gazetteer, on=on)
    assert mention.key == "fathi_bashagha"
    assert mention.role_en == role_en
    assert mention.role_ar is not None and mention.role_ar.startswith(("وزير", "رئيس"))


def test_current_role_falls_back_to_the_latest() -> None:
    actor = Actor(
        id="x",
        kind="person",
        name_ar="س",
        name_en="X",
        roles=(Role(en="old", ar="ق", start=2000, end=2005), Role(en="new", ar="ج", start=2010)),
    )
    assert current_role(actor, date(2003, 1, 1)).en == "old"
    assert current_role(actor, date(2012, 1, 1)).en == "new"
    assert current_role(actor, date(2007, 1, 1)).en == "new"  # a gap: the latest
    assert current_role(actor, None).en == "new"


def test_a_small_gazetteer_prefers_the_longest_variant() -> None:
    actors = [
        Actor(id="long", kind="body", name_ar="المجلس الأعلى للدولة", name_en="HCS"),
        Actor(id="short", kind="body", name_ar="المجلس", name_en="Council"),
    ]
    gazetteer = Gazetteer(actors)
    tokens = tokenize("قرر المجلس الأعلى للدولة ثم اجتمع المجلس")
    hits = [(s, e, entry.key) for s, e, entry in gazetteer.match(tokens)]
    assert hits == [(1, 4, "long"), (6, 7, "short")]


# --- romanize


@pytest.mark.parametrize(
    ("arabic", "latin"),
    [
        ("إيفان مولوتكوف", "Ivan Molotkov"),  # foreign given name, Russian -ов
        ("جوزيبي بوتشينو", "Giuseppe Bochino"),  # تش is a foreign ch
        ("ماريا زاخاروفا", "Maria Zakharova"),  # -ova
        ("محمد إبراهيم", "Mohamed Ibrahim"),  # both from the given-name lexicon
        ("عبد السلام الحاسي", "Abdul Salam al-Hassi"),  # عبد + divine name; a known nisba
        ("عبدالرحمن السويحلي", "Abdulrahman al-Sweihli"),  # written joined, kept joined
        ("هشام عشماوي", "Hisham Ashmawi"),
        ("عطية الشاعري", "Attia al-Shaari"),
        ("المنذر الخرطوش", "al-Munther al-Khartoush"),
        ("هشام بركات", "Hisham Barkat"),  # a short vowel guessed where two consonants open
        ("وسام بن حميد", "Wissam bin Hamid"),
        ("عبد الحكيم بلحاج", "Abdul Hakim Belhaj"),
        ("أريانا غراندي", "Ariana Grandi"),  # Filippo Grandi's name, one letter from Grande
        ("ماتيو سالفيني", "Matteo Salvini"),  # from the foreign surnames
        ("بدر عبد العاطي", "Badr Abdul Ati"),  # عبد + a name of God the list lacks
        ("باراك أوباما", "Barack Obama"),  # an opening أو is O
        ("آلان جوبيه", "Alan Juppe"),  # آل here is no article
    ],
)
def test_romanize_known_outputs(arabic: str, latin: str) -> None:
    assert romanize(arabic) == latin


def test_romanize_uses_the_spellings_it_is_given() -> None:
    assert romanize("فايز السراج", {"السراج": "al-Sarraj"}) == "Fayez al-Sarraj"
    assert romanize("سالم السراج", {"سراج": "Sarraj"}) == "Salem al-Sarraj"


@pytest.mark.parametrize(
    "name",
    ["إيفان مولوتكوف", "نَجْلاء المنقـوش", "عبد الحميد الدبيبة", "كارولاين هرندل", "ثامر ظافر"],
)
def test_romanize_gives_capitalised_latin_words(name: str) -> None:
    latin = romanize(name)
    for word in latin.split():
        word = word.removeprefix("al-")
        assert word.isascii() and word.isalpha(), latin
        assert word[0].isupper() and word[1:] == word[1:].lower(), latin


def test_romanize_of_nothing_is_empty() -> None:
    assert romanize("") == ""
    assert romanize("   ") == ""


# --- robustness

_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("ابتثجحخدذرزسشصضطظعغفقكلمنهويءأإآةىؤئ ـًٌٍَُِّْ،.؛:؟!«»()\n\t")),
        st.characters(codec="utf-8"),
    ),
    max_size=200,
)
_WORDS = st.lists(
    st.sampled_from(
        "وزير الخارجية السفير الإيطالي جوزيبي نجلاء المنقوش بالمنقوش حفتر ، . إن الوفد "
        "المرافق له التقى عبد الحميد الدبيبة ليبيا الأمم المتحدة 5+5 رئيس نائب".split()
    ),
    max_size=40,
).map(" ".join)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.one_of(_TEXT, _WORDS))
def test_find_entities_never_raises_and_spans_are_sound(text: str, knowledge: Knowledge) -> None:
    tokens = tokenize(text)
    found = find_entities(tokens, knowledge.gazetteer, on=ON)
    used: set[int] = set()
    for item in found:
        assert item.spans == sorted(item.spans)
        for start, end in item.spans:
            assert 0 <= start < end <= len(tokens)
            assert not used & set(range(start, end)), "two entities share a token"
            used |= set(range(start, end))
    for mention in to_mentions(found, ON):
        assert mention.count >= 1 and mention.name_en is not None


def test_a_role_not_held_on_the_story_date_is_not_shown() -> None:
    actor = Actor(
        id="x",
        kind="person",
        name_ar="سالم الجندي",
        name_en="Salem al-Jundi",
        roles=(Role(en="Minister", ar="وزير", start=2021),),
    )
    gazetteer = Gazetteer([actor])
    before = find_in_text("وقال سالم الجندي إن", gazetteer, on=date(2018, 5, 1))
    after = find_in_text("وقال سالم الجندي إن", gazetteer, on=date(2022, 5, 1))
    undated = find_in_text("وقال سالم الجندي إن", gazetteer)
    assert [(m.role_en, m.role_ar) for m in before] == [(None, None)]
    assert [(m.role_en, m.role_ar) for m in after] == [("Minister", "وزير")]
    assert [m.role_en for m in undated] == ["Minister"]
