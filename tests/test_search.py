"""Search through the services over a real SQLite database with FTS5, on golden stories.

The corpus is the seed page plus tests/fixtures/search/stories.json, stored and analyzed the
way the bot does it; tests/fixtures/search/queries.json holds what each query must find.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import time
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.knowledge import Knowledge
from bot.analysis.text.highlight import snippet
from bot.analysis.text.stem import query_terms
from bot.models import StoryDraft
from bot.services import SEARCH_PAGE, SearchResult, Services
from storage import Store, articles, search, sources
from tests.conftest import FIXED_NOW, SEEDS

FIXTURES = Path(__file__).parent / "fixtures" / "search"
STORIES: list[dict[str, Any]] = json.loads((FIXTURES / "stories.json").read_text("utf-8"))[
    "stories"
]
QUERIES: dict[str, Any] = json.loads((FIXTURES / "queries.json").read_text("utf-8"))
BY_KEY = {story["key"]: story for story in STORIES}
LIBYA = next(g for g in QUERIES["equivalences"] if g["name"] == "libya")["expected"]
T = TypeVar("T")
# Letters and the harakat that may sit on them: a word as a reader sees it.
_WORD = re.compile(r"[\w\u064b-\u065f\u0670]+")


async def add_stories(services: Services, stories: list[dict[str, Any]]) -> None:
    """Store golden stories the way a fetched article is stored: one article per story."""
    await services.store.open()
    for story in stories:
        source = await services.store.run(
            sources.ensure_source, url=f"test:{story['outlet']}", name=story["outlet"],
            name_ar=story["outlet_ar"], kind="seed", language="ar", now=FIXED_NOW,
        )  # fmt: skip
        draft = StoryDraft(
            position=0, headline=story["headline"], body=story["body"], lead=story["body"][:300]
        )
        published = datetime.fromisoformat(story["published"])
        await services.store.run(
            articles.upsert_seed_article, seed_key=f"search:{story['key']}", source_id=source,
            url=story["url"], language="ar", published_at=published, content_hash=story["key"],
            raw_text=f"{story['headline']}\n\n{story['body']}", stories=[draft], now=FIXED_NOW,
        )  # fmt: skip


@dataclass
class Corpus:
    """The analyzed corpus: the services over it and each golden key's story id."""

    services: Services
    ids: dict[str, int]
    loop: asyncio.AbstractEventLoop

    def key_of(self, story_id: int) -> str:
        return next(key for key, found in self.ids.items() if found == story_id)

    def run(self, coro: Coroutine[Any, Any, T]) -> T:
        return self.loop.run_until_complete(coro)


async def _load(services: Services) -> dict[str, int]:
    await add_stories(services, STORIES)
    await services.load_seeds(SEEDS)  # stores the seed page and analyzes everything
    rows = await services.store.run(
        lambda db: db.execute(
            "SELECT s.id, a.seed_key, s.headline FROM stories s JOIN articles a "
            "ON a.id = s.article_id"
        ).fetchall()
    )
    by_headline = {headline: key for key, headline in QUERIES["seed_stories"].items()}
    ids: dict[str, int] = {}
    for story_id, seed_key, headline in rows:
        key = seed_key.removeprefix("search:") if seed_key.startswith("search:") else None
        ids[key or by_headline[headline]] = story_id
    return ids


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, knowledge: Knowledge) -> Iterator[Corpus]:
    """Built once per module: the stories are only read by these tests."""
    store = Store(tmp_path_factory.mktemp("search") / "search.db")
    services = Services(store, knowledge, clock=lambda: FIXED_NOW)
    loop = asyncio.new_event_loop()
    try:
        ids = loop.run_until_complete(_load(services))
        yield Corpus(services=services, ids=ids, loop=loop)
    finally:
        store.close()
        loop.close()


async def everything(services: Services, query: str) -> tuple[list[int], int]:
    """Every page of a search, in order, and the total every page reported."""
    found: list[int] = []
    totals = set()
    offset = 0
    while True:
        result = await services.search(query, offset)
        totals.add(result.total)
        if not result.hits:
            break
        found += [hit.story.id for hit in result.hits]
        offset += len(result.hits)
    assert len(totals) == 1, f"the total changed between pages: {totals}"
    return found, totals.pop()


def found_keys(corpus: Corpus, query: str) -> list[str]:
    ids, total = corpus.run(everything(corpus.services, query))
    assert total == len(ids), "the total must count exactly the stories the pages show"
    assert len(set(ids)) == len(ids), "a story shown twice across pages"
    return [corpus.key_of(i) for i in ids]


def story_text(corpus: Corpus, key: str) -> str:
    return corpus.run(
        corpus.services.store.run(
            lambda db: " ".join(
                db.execute(
                    "SELECT headline, body FROM stories WHERE id = ?", [corpus.ids[key]]
                ).fetchone()
            )
        )
    )


# ---- the corpus is what the golden data says it is -----------------------------------


def test_every_golden_story_is_stored_and_the_irrelevant_ones_are_marked(corpus: Corpus) -> None:
    assert set(corpus.ids) == set(BY_KEY) | set(QUERIES["seed_stories"])
    rows = corpus.run(
        corpus.services.store.run(
            lambda db: dict(db.execute("SELECT id, relevant FROM stories").fetchall())
        )
    )
    irrelevant = {corpus.key_of(i) for i, relevant in rows.items() if not relevant}
    assert irrelevant == set(QUERIES["irrelevant"])


@pytest.mark.parametrize(
    "group", QUERIES["equivalences"], ids=[g["name"] for g in QUERIES["equivalences"]]
)
def test_each_carrier_holds_its_form_and_no_other(corpus: Corpus, group: dict[str, Any]) -> None:
    # Without this, "one form finds the others" could pass because a story held them all.
    for key, form in group["carriers"].items():
        words = set(_WORD.findall(story_text(corpus, key)))
        assert form in words, (key, form)
        others = (set(group["forms"]) - {form}) & words
        assert not others, f"{key} holds {others} besides {form}"


# ---- equivalent forms ----------------------------------------------------------------


EQUIVALENT = [
    pytest.param(form, group["expected"], id=f"{group['name']}-{form}")
    for group in QUERIES["equivalences"]
    for form in group["forms"]
]


@pytest.mark.parametrize(("form", "expected"), EQUIVALENT)
def test_every_form_finds_the_stories_of_every_other_form(
    corpus: Corpus, form: str, expected: list[str]
) -> None:
    assert sorted(found_keys(corpus, form)) == sorted(expected)


def test_equivalences_are_meaningful_each_form_differs_from_the_others() -> None:
    for group in QUERIES["equivalences"]:
        assert len(set(group["forms"])) == len(group["forms"]) >= 2


# ---- golden queries: English names and topics, ranking, AND --------------------------


@pytest.mark.parametrize("case", QUERIES["queries"], ids=[q["query"] for q in QUERIES["queries"]])
def test_golden_queries(corpus: Corpus, case: dict[str, Any]) -> None:
    keys = found_keys(corpus, case["query"])
    if case.get("ordered"):
        assert keys == case["expected"]
    else:
        assert sorted(keys) == sorted(case["expected"])


def test_english_topic_word_finds_exactly_the_stories_tagged_with_the_topic(
    corpus: Corpus,
) -> None:
    tagged = corpus.run(
        corpus.services.store.run(
            lambda db: [
                row[0]
                for row in db.execute(
                    "SELECT st.story_id FROM story_topics st JOIN stories s ON s.id = st.story_id "
                    "WHERE st.topic = 'elections' AND s.relevant = 1"
                ).fetchall()
            ]
        )
    )
    assert len(tagged) >= 3
    assert sorted(found_keys(corpus, "elections")) == sorted(corpus.key_of(i) for i in tagged)


@pytest.mark.parametrize(("english", "arabic"), [("Tripoli", "طرابلس"), ("Benghazi", "بنغازي")])
def test_an_english_place_name_finds_the_stories_that_name_the_place(
    corpus: Corpus, english: str, arabic: str
) -> None:
    by_name = sorted(found_keys(corpus, english))
    assert by_name == sorted(found_keys(corpus, arabic))
    assert len(by_name) >= 2


def test_the_story_that_matches_more_comes_first(corpus: Corpus) -> None:
    # noc_output says النفط (and للنفط, النفطية) six times; zuwara_rescue once, in passing.
    result: SearchResult = corpus.run(corpus.services.search("النفط"))
    assert [corpus.key_of(h.story.id) for h in result.hits] == ["noc_output", "zuwara_rescue"]


def test_every_word_is_required(corpus: Corpus) -> None:
    oil = set(found_keys(corpus, "النفط"))
    migration = set(found_keys(corpus, "الهجرة"))
    both = set(found_keys(corpus, "النفط الهجرة"))
    assert both == oil & migration == {"zuwara_rescue"}
    assert oil - both, "the test needs a story with one word and not the other"
    assert found_keys(corpus, "انتخابات مرتزقة") == []
    assert found_keys(corpus, "انتخابات") and found_keys(corpus, "مرتزقة")


def test_paging_covers_every_result_once_with_a_stable_total(corpus: Corpus) -> None:
    expected = LIBYA
    pages = [corpus.run(corpus.services.search("ليبيا", offset)) for offset in (0, 5, 10, 15)]
    assert [len(p.hits) for p in pages] == [5, 5, len(expected) - 10, 0]
    assert {p.total for p in pages} == {len(expected)}
    shown = [corpus.key_of(h.story.id) for p in pages for h in p.hits]
    assert sorted(shown) == sorted(expected)
    assert [p.offset for p in pages] == [0, 5, 10, 15]
    # Pages are slices of one ranking: the first two pages equal one search of ten.
    groups = pages[0].groups
    ten, _ = corpus.run(
        corpus.services.store.run(search.search_stories, groups, limit=10, offset=0)
    )
    assert [h.story.id for h in ten] == [h.story.id for p in pages[:2] for h in p.hits]
    # A negative offset is the first page, not an error.
    negative = corpus.run(corpus.services.search("ليبيا", -3))
    assert [h.story.id for h in negative.hits] == [h.story.id for h in pages[0].hits]


async def test_paging_is_stable_when_many_stories_score_the_same(services: Services) -> None:
    # Thirty stories of one length on one day, each naming طرابلس once: bm25 and the date
    # tie, and the pages must still be slices of one order.
    rng = random.Random(3)
    words = (
        "سفارة وزير مبعوث مجلس حكومة نفط مصرف ميناء حدود قمة وفد لجنة اتفاق بيان دعم تعاون "
        "أمن جيش قوات شركة طاقة كهرباء ماء طريق مطار تجارة"
    ).split()
    stories = []
    for i in range(30):
        body = "ليبيا طرابلس " + " ".join(rng.sample(words, 12)) + "."
        stories.append(
            {"key": f"tie{i}", "headline": "خبر عن ليبيا", "body": body, "outlet": "Tie",
             "outlet_ar": "تعادل", "url": f"https://news.test/tie{i}",
             "published": FIXED_NOW.isoformat()}
        )  # fmt: skip
    await add_stories(services, stories)
    await services.analyze_pending()
    groups = query_terms("طرابلس")
    scores = await services.store.run(
        lambda db: [
            row[0]
            for row in db.execute(
                "SELECT bm25(stories_fts) FROM stories_fts WHERE stories_fts MATCH ?",
                [search.fts_query(groups)],
            ).fetchall()
        ]
    )
    assert len(set(scores)) < len(scores) - 10, "the test needs many tied scores"
    whole, total = await services.store.run(search.search_stories, groups, limit=100, offset=0)
    assert total == len(whole) >= 20
    paged, _ = await everything(services, "طرابلس")
    assert paged == [hit.story.id for hit in whole]


# ---- what is not about Libya is never answered ---------------------------------------


def test_irrelevant_stories_are_never_returned(corpus: Corpus) -> None:
    hidden = {corpus.ids[key] for key in QUERIES["irrelevant"]}
    queries = [q["query"] for q in QUERIES["queries"]]
    queries += [form for g in QUERIES["equivalences"] for form in g["forms"]]
    # Words only the hidden stories have, and words they share with Libya stories.
    queries += ["ليبيريا", "جوزيف", "الموريتاني", "بنينا", "ركلة", "الانتخابات الرئاسية"]
    for query in queries:
        ids, _ = corpus.run(everything(corpus.services, query))
        assert not hidden & set(ids), query


# ---- hostile input -------------------------------------------------------------------


HOSTILE = [
    *QUERIES["hostile"],
    "ليبيا " * 400,  # 2,400 characters, cut to 2,000
    "ا" * 2000,
    "x" * 10_000,
    ("انتخابات " + "\"*'():^-" * 3) * 400,
    " OR ".join(["ليبيا"] * 3000),
]


def assert_clean(corpus: Corpus, result: SearchResult) -> None:
    assert isinstance(result, SearchResult)
    assert isinstance(result.total, int) and result.total >= len(result.hits) >= 0
    assert len(result.hits) <= SEARCH_PAGE
    assert len(result.groups) <= 16
    shown = {i for k, i in corpus.ids.items() if k not in QUERIES["irrelevant"]}
    for hit in result.hits:
        assert hit.story.id in shown
        runs = snippet(hit.body, result.groups)
        assert runs and all(isinstance(text, str) for text, _ in runs)


def story_count(corpus: Corpus) -> int:
    return corpus.run(corpus.services.store.run(articles.count_stories))


@pytest.mark.parametrize("query", HOSTILE, ids=lambda q: repr(q[:20]) + f"/{len(q)}")
def test_hostile_input_never_raises_and_answers_cleanly(corpus: Corpus, query: str) -> None:
    before = story_count(corpus)
    started = time.perf_counter()
    result = corpus.run(corpus.services.search(query))
    assert time.perf_counter() - started < 2.0
    assert_clean(corpus, result)
    assert story_count(corpus) == before
    if not any(ch.isalnum() for ch in query):
        # Only syntax, marks or symbols: no words, nothing to match.
        assert result.groups == () and result.total == 0


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("'; DROP TABLE stories; --", []),
        ('mangoush" OR "x', []),  # the quote cannot close the term and add an OR
        ("NOT ليبيا", []),  # "not" is a word to find, not an operator
        ("search_tags:mangoush", []),  # no column filter: three words
        ("\u200f\u202eليبيا\u202c\u200e", "libya"),  # invisible marks do not hide the word
        ("ليبيا*", "libya"),  # no prefix query, but the word is still searched
        ('"ليبيا', "libya"),
    ],
)
def test_syntax_in_a_query_is_only_text(corpus: Corpus, query: str, expected: Any) -> None:
    if expected == "libya":
        expected = LIBYA
    assert sorted(found_keys(corpus, query)) == sorted(expected)


def test_a_long_query_is_not_cut_inside_a_word(corpus: Corpus) -> None:
    # 2,400 characters of "ليبيا ": cut at 2,000 inside a word, the stump "لي" would be a
    # required word that no story has.
    result = corpus.run(corpus.services.search("ليبيا " * 400))
    assert result.total == len(LIBYA)


@settings(max_examples=150, deadline=None)
@given(
    query=st.one_of(
        st.text(),
        st.text(
            alphabet=st.sampled_from(list("ليبيا انتخابات\"*():^-+.'{}[]NEARORANDT \u200f\u0651")),
            max_size=60,
        ),
    )
)
def test_search_never_raises_on_any_text(corpus: Corpus, query: str) -> None:
    before = story_count(corpus)
    result = corpus.run(corpus.services.search(query))
    assert_clean(corpus, result)
    assert story_count(corpus) == before
    assert corpus.run(corpus.services.search("ليبيا")).total == len(LIBYA)


@pytest.mark.parametrize(
    "term", ["AND", "OR", "NOT", "NEAR(", "NEAR(a b, 2)", 'a"b', '"', "*", "a*", "^a", "-a",
             "col:term", "search_tags:mangoush", "(", ")", "{search_tags}", "+", "'"],
)  # fmt: skip
def test_raw_terms_reach_fts5_only_as_quoted_strings(corpus: Corpus, term: str) -> None:
    # Below the tokenizer: whatever a reading holds, the MATCH expression stays valid.
    hits, total = corpus.run(
        corpus.services.store.run(search.search_stories, [(term,)], limit=5, offset=0)
    )
    assert total >= len(hits)
    assert search.fts_query([(term,)]) == '("' + term.replace('"', '""') + '")'
    # Quoted, "AND" is the word "and" (the tags have it), "a*" is no prefix query.
    words = {"AND": "and", "OR": "or", "NOT": "not"}
    if term in words:
        assert (hits, total) == corpus.run(
            corpus.services.store.run(search.search_stories, [(words[term],)], limit=5, offset=0)
        )
    if term == "a*":
        assert total == 0


def test_a_nul_inside_a_term_does_not_end_the_fts5_query(corpus: Corpus) -> None:
    hits, total = corpus.run(
        corpus.services.store.run(search.search_stories, [("مرتز\0ق",)], limit=5, offset=0)
    )
    assert total == len(hits)
    assert search.fts_query([("\0",), ("a\0b",)]) == '("ab")'


@settings(max_examples=150, deadline=None)
@given(groups=st.lists(st.lists(st.text(max_size=20), max_size=4), max_size=4))
def test_search_stories_never_raises_on_any_groups(corpus: Corpus, groups: list[list[str]]) -> None:
    hits, total = corpus.run(
        corpus.services.store.run(search.search_stories, groups, limit=5, offset=0)
    )
    assert total >= len(hits)


# ---- highlighting --------------------------------------------------------------------


@pytest.mark.parametrize(
    "case", QUERIES["highlights"], ids=[f"{c['key']}-{c['query']}" for c in QUERIES["highlights"]]
)
def test_snippet_marks_every_form_of_the_query_words(corpus: Corpus, case: dict[str, Any]) -> None:
    result = corpus.run(corpus.services.search(case["query"]))
    [hit] = [h for h in result.hits if h.story.id == corpus.ids[case["key"]]]
    runs = snippet(hit.body, result.groups)
    assert [text for text, marked in runs if marked] == case["marked"]
    # The runs are the passage itself: put together, they are a piece of the body.
    passage = "".join(text for text, _ in runs).strip("…")
    assert passage in hit.body
    for word in case["marked"]:
        assert word in passage


def test_snippet_of_a_long_story_shows_the_matches_not_the_start() -> None:
    filler = "وقال المتحدث إن الاجتماع تناول ملفات عدة تخص الأوضاع العامة في البلاد. " * 12
    news = "ودعا المجلس إلى التحضير للاستفتاء والانتخابات، وأكد أن الانتخابات ممكنة هذا العام. "
    body = filler + news + filler
    runs = snippet(body, query_terms("انتخابات"))
    assert runs[0] == ("…", False) and runs[-1] == ("…", False)
    assert [text for text, marked in runs if marked] == ["والانتخابات", "الانتخابات"]
    assert sum(len(text) for text, _ in runs) <= 280 + 2


def test_snippet_without_a_match_is_the_start_of_the_text() -> None:
    body = "نص طويل " * 100
    runs = snippet(body, query_terms("mangoush"))
    assert runs == [(body[:280] + "…", False)]


def test_snippet_keeps_the_match_when_lines_have_no_spaces() -> None:
    # Words on their own lines, as a scraped list of names or tags comes out.
    body = "مقدمة " + "\n".join(["طرابلس"] * 60) + "\nالانتخابات\n" + "\n".join(["بنغازي"] * 30)
    runs = snippet(body, query_terms("انتخابات"))
    assert ("الانتخابات", True) in runs
