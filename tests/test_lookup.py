"""Finding an actor from what a user typed, over the real knowledge base."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.analysis.knowledge import Knowledge
from bot.analysis.lookup import MAX_CANDIDATES, Lookup, find_actor, most_in_news
from bot.analysis.pipeline import known_actors
from bot.models import ActorRecord


@pytest.fixture(scope="module")
def actors(knowledge: Knowledge) -> list[ActorRecord]:
    return known_actors(knowledge)


def found_key(query: str, actors: list[ActorRecord]) -> str | None:
    # With no news, as on a fresh database: "Ghaddafi" is Muammar, his sons a tap away.
    result = most_in_news(find_actor(query, actors), {})
    assert not (result.found and (result.choices or result.suggestions))
    return result.found.key if result.found else None


def test_every_actor_has_a_record_with_its_spellings(
    actors: list[ActorRecord], knowledge: Knowledge
) -> None:
    assert len(actors) == len(knowledge.actors)
    mangoush = next(a for a in actors if a.key == "najla_mangoush")
    assert mangoush.known and mangoush.kind == "person" and mangoush.country == "ly"
    assert mangoush.role_en == "Foreign Minister, Government of National Unity"
    assert {"نجلاء المنقوش", "najla mangoush", "mangoush"} <= set(mangoush.names)


@pytest.mark.parametrize(
    ("query", "key"),
    [
        # exact, in either script
        ("نجلاء المنقوش", "najla_mangoush"),
        ("Najla Mangoush", "najla_mangoush"),
        ("عبد الحميد الدبيبة", "abdul_hamid_dbeibah"),
        ("António Guterres", "antonio_guterres"),
        ("UNSMIL", "unsmil"),
        ("روسيا", "russia"),
        # any variant, case, alef, teh marbuta and spacing folded
        ("najla el-mangoush", "najla_mangoush"),
        ("NAJLA   MANGOUSH ", "najla_mangoush"),
        ("عبدالحميد الدبيبه", "abdul_hamid_dbeibah"),
        ("Antonio Guterres", "antonio_guterres"),
        ("جوتيريش", "antonio_guterres"),
        ("Khalifa Hifter", "khalifa_haftar"),
        ("Türkiye", "turkey"),
        # clitics on the Arabic
        ("والمنقوش", "najla_mangoush"),
        ("بالمنقوش", "najla_mangoush"),
        # a surname alone
        ("Mangoush", "najla_mangoush"),
        ("Williams", "stephanie_williams"),
        ("المنقوش", "najla_mangoush"),
        ("منقوش", "najla_mangoush"),
        ("Takala", "mohamed_takala"),
        # the surname first
        ("Mangoush Najla", "najla_mangoush"),
        # typos
        ("mangosh", "najla_mangoush"),
        ("Wiliams", "stephanie_williams"),
        ("Stephany Wiliams", "stephanie_williams"),
        ("nagla mangosh", "najla_mangoush"),
        ("غوتيرش", "antonio_guterres"),
        ("غوتريش", "antonio_guterres"),
        ("غوتيرييش", "antonio_guterres"),
        ("Erdogn", "recep_tayyip_erdogan"),
        ("Ghaddafi", "muammar_gaddafi"),
    ],
)
def test_one_actor_is_found(query: str, key: str, actors: list[ActorRecord]) -> None:
    assert found_key(query, actors) == key


HAFTARS = {"khalifa_haftar", "saddam_haftar", "khaled_haftar", "belqasem_haftar"}
DBEIBAHS = {"abdul_hamid_dbeibah", "ali_dbeibah"}


@pytest.mark.parametrize(
    ("query", "usual", "everyone"),
    [
        ("Haftar", "khalifa_haftar", HAFTARS),
        ("حفتر", "khalifa_haftar", HAFTARS),
        ("Hafter", "khalifa_haftar", HAFTARS),
        ("Haftr", "khalifa_haftar", HAFTARS),  # misspelt
        # Every spelling of Dbeibah: the knowledge base lists some only for Abdul Hamid.
        ("Dbeibah", "abdul_hamid_dbeibah", DBEIBAHS),
        ("Dbeiba", "abdul_hamid_dbeibah", DBEIBAHS),
        ("Dbeibeh", "abdul_hamid_dbeibah", DBEIBAHS),
        ("Dabaiba", "abdul_hamid_dbeibah", DBEIBAHS),
        ("Dbaiba", "abdul_hamid_dbeibah", DBEIBAHS),  # in no list: by its likeness
        ("الدبيبة", "abdul_hamid_dbeibah", DBEIBAHS),
        ("الدبيبه", "abdul_hamid_dbeibah", DBEIBAHS),
        ("دبيبة", "abdul_hamid_dbeibah", DBEIBAHS),
        ("للدبيبة", "abdul_hamid_dbeibah", DBEIBAHS),
        ("والدبيبه", "abdul_hamid_dbeibah", DBEIBAHS),
    ],
)
def test_a_surname_shared_by_relatives_is_everyone_bearing_it_the_usual_one_first(
    query: str, usual: str, everyone: set[str], actors: list[ActorRecord]
) -> None:
    result = find_actor(query, actors)
    assert result.found is None
    assert result.choices[0].key == usual and result.usual == {usual}
    # People only: not "قوات حفتر" (the army) nor "حكومة الدبيبة" (the government).
    assert {a.key for a in result.choices} == everyone


@pytest.mark.parametrize("query", ["Haftar", "حفتر", "Dbeibah", "Dbeiba", "Dbaiba", "الدبيبه"])
def test_without_news_a_shared_surname_is_the_one_it_usually_names(
    query: str, actors: list[ActorRecord]
) -> None:
    result = most_in_news(find_actor(query, actors), {})
    assert result.found is not None and result.choices == ()
    assert result.found.key in {"khalifa_haftar", "abdul_hamid_dbeibah"}
    assert result.found.key not in {a.key for a in result.also}
    assert len(result.also) in (1, 3)


@pytest.mark.parametrize("query", ["Haftar", "حفتر", "Hafter"])
def test_a_shared_surname_is_the_one_most_in_the_news(
    query: str, actors: list[ActorRecord]
) -> None:
    counts = {"saddam_haftar": (5, 40), "khalifa_haftar": (2, 1500), "khaled_haftar": (2, 30)}
    result = most_in_news(find_actor(query, actors), counts)
    assert result.found is not None and result.found.key == "saddam_haftar"
    # The others by the same order: Khalifa (as many in the week, but the usual one), then
    # Khaled, then Belqasem with no stories.
    assert [a.key for a in result.also] == ["khalifa_haftar", "khaled_haftar", "belqasem_haftar"]


def test_with_no_news_of_either_the_one_in_more_stories_overall_is_found(
    actors: list[ActorRecord],
) -> None:
    looked = find_actor("Stephanie", actors)
    assert most_in_news(looked, {"stephanie_koury": (0, 12), "stephanie_williams": (0, 90)}).found
    found = most_in_news(looked, {"stephanie_koury": (0, 12), "stephanie_williams": (0, 90)})
    assert found.found is not None and found.found.key == "stephanie_williams"
    assert [a.key for a in found.also] == ["stephanie_koury"]


def test_a_tie_on_everything_stays_a_choice(actors: list[ActorRecord]) -> None:
    result = most_in_news(find_actor("Stephanie", actors), {})
    assert result.found is None
    assert [a.key for a in result.choices] == ["stephanie_koury", "stephanie_williams"]


def test_one_found_or_nothing_is_left_as_it_is() -> None:
    nothing = Lookup(found=None)
    assert most_in_news(nothing, {"x": (3, 3)}) is nothing


@pytest.mark.parametrize(
    ("query", "keys"),
    [
        (
            "Zayed",
            {
                "mohamed_bin_zayed",
                "abdullah_bin_zayed",
                "khalifa_bin_zayed",
                "mohamed_ammari_zayed",
                "tahnoun_bin_zayed",
                "mansour_bin_zayed",
            },
        ),
        (
            "زايد",
            {
                "mohamed_bin_zayed",
                "abdullah_bin_zayed",
                "khalifa_bin_zayed",
                "mohamed_ammari_zayed",
                "tahnoun_bin_zayed",
                "mansour_bin_zayed",
            },
        ),
        ("Stephanie", {"stephanie_williams", "stephanie_koury"}),
        ("Thani", {"tamim_bin_hamad", "mohammed_bin_abdulrahman_al_thani", "hamad_bin_khalifa"}),
    ],
)
def test_a_name_several_actors_share_is_a_choice(
    query: str, keys: set[str], actors: list[ActorRecord]
) -> None:
    result = find_actor(query, actors)
    assert result.found is None
    assert {a.key for a in result.choices} == keys
    assert result.suggestions == ()


def test_a_common_first_name_offers_at_most_eight_choices(actors: list[ActorRecord]) -> None:
    result = most_in_news(find_actor("Mohamed", actors), {})
    assert result.found is None
    assert len(result.choices) == 8
    assert all(a.known and a.kind == "person" for a in result.choices)
    assert all(a.name_en.startswith(("Mohamed", "Mohammed")) for a in result.choices)
    # Ordered by English name, so the list reads the same every time.
    names = [a.name_en for a in result.choices]
    assert names == sorted(names)


def test_abdullah_in_arabic_lists_everyone_so_named(actors: list[ActorRecord]) -> None:
    result = find_actor("عبد الله", actors)
    assert result.found is None
    assert {
        "abdullah_al_thinni",
        "abdullah_al_lafi",
        "abdullah_bliheg",
        "abdullah_al_senussi",
        "abdullah_bin_zayed",
    } <= {a.key for a in result.choices}


def test_a_near_miss_only_suggests(actors: list[ActorRecord]) -> None:
    result = find_actor("Gutteres", actors)
    assert result.found is None and result.choices == ()
    assert result.suggestions[0].key == "antonio_guterres"
    assert 1 <= len(result.suggestions) <= 4


@pytest.mark.parametrize("query", ["xyzzy", "qwxz vbnm", "xyz", "abc"])
def test_an_unknown_name_finds_nothing(query: str, actors: list[ActorRecord]) -> None:
    result = find_actor(query, actors)
    assert result.found is None
    assert result.choices == ()
    # Nothing that merely contains a few of its letters ("xyz" in "Ben Yezza").
    assert result.suggestions == ()


def test_a_suggestion_looks_like_the_name_not_like_its_article(
    actors: list[ActorRecord],
) -> None:
    # "المنقوس" is Mangoush misspelt; "ال" alone does not make it Yemen (اليمن) or
    # "المؤسسة" the oil corporation.
    result = find_actor("المنقوس", actors)
    assert [a.key for a in result.suggestions] == ["najla_mangoush"]


@pytest.mark.parametrize("query", ["", "   ", "\t\n"])
def test_an_empty_query_finds_nothing(query: str, actors: list[ActorRecord]) -> None:
    result = find_actor(query, actors)
    assert result.found is None and result.choices == () and result.suggestions == ()


def test_a_short_acronym_is_not_found_inside_a_longer_name(actors: list[ActorRecord]) -> None:
    # "lia" (the Libyan Investment Authority) sits inside "wiliams".
    for query in ("Stephany Wiliams", "Stefanie Wiliams"):
        result = find_actor(query, actors)
        keys = {a.key for a in (result.found, *result.choices, *result.suggestions) if a}
        assert "libyan_investment_authority" not in keys


def test_discovered_people_are_found_too(actors: list[ActorRecord]) -> None:
    molotkov = ActorRecord(
        key="new:ايفان مولوتكوف",
        kind="person",
        name_ar="إيفان مولوتكوف",
        name_en="Ifan Mulutkuf",
        role_ar="نائب مدير إدارة الشرق الأوسط",
        role_en=None,
        known=False,
        country=None,
        names=("ايفان مولوتكوف", "ifan mulutkuf"),
    )
    pool = [*actors, molotkov]
    assert find_actor("إيفان مولوتكوف", pool).found == molotkov
    assert find_actor("مولوتكوف", pool).found == molotkov


def test_a_known_actor_comes_before_a_discovered_one_in_choices(
    actors: list[ActorRecord],
) -> None:
    stranger = ActorRecord(
        key="new:a",
        kind="person",
        name_ar="أحمد زايد",
        name_en="Ahmad Zayid",
        role_ar=None,
        role_en=None,
        known=False,
        country=None,
        names=("احمد زايد", "ahmad zayid"),
    )
    result = find_actor("زايد", [stranger, *actors])
    assert result.found is None
    assert [a.known for a in result.choices] == [True] * 6 + [False]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=40))
def test_find_actor_never_raises(query: str, actors: list[ActorRecord]) -> None:
    result = find_actor(query, actors)
    if result.found is not None:
        assert result.choices == () and result.suggestions == ()
    assert len(result.choices) <= MAX_CANDIDATES and len(result.suggestions) <= 4
    picked = most_in_news(result, {})
    assert len(picked.choices) <= 8 and len(picked.also) <= 7
