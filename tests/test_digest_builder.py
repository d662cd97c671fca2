"""The pure digest builder: what goes in, in which order, under which heading, and who is named."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.digest_builder import FOLLOW_WEIGHT, MAX_PEOPLE, SOURCE_WEIGHT, build_digest, rank_period
from bot.models import Digest, DigestCandidate, StoryView

END = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
START = END - timedelta(hours=24)
TOPIC_ORDER = ("elections", "government", "un_mediation", "bilateral_relations", "economy")

PEOPLE = {
    "dbeibah": ("عبد الحميد الدبيبة", "Abdul Hamid Dbeibah"),
    "menfi": ("محمد المنفي", "Mohamed al-Menfi"),
    "saleh": ("عقيلة صالح", "Aguila Saleh"),
    "tetteh": ("هانا تيتيه", "Hanna Tetteh"),
}


def candidate(
    story_id: int,
    hours_ago: float,
    *,
    sources: int = 1,
    topics: Sequence[str] = (),
    people: Sequence[str] = (),
) -> DigestCandidate:
    story = StoryView(
        id=story_id, headline=f"headline {story_id}", lead=f"lead {story_id}", outlet="Outlet",
        outlet_ar="منفذ", url=None, published_at=None, sources=sources,
    )  # fmt: skip
    return DigestCandidate(
        story=story,
        sort_at=END - timedelta(hours=hours_ago),
        topics=tuple(topics),
        people=tuple((key, *PEOPLE[key]) for key in people),
    )


def build(candidates: Sequence[DigestCandidate], **kwargs: Any) -> Digest:
    kwargs.setdefault("topic_order", TOPIC_ORDER)
    return build_digest(candidates, period_start=START, period_end=END, **kwargs)


def ids(digest: Digest) -> list[int]:
    """Story ids in the order the digest shows them, section by section."""
    return [item.story.id for _, items in digest.sections for item in items]


def test_more_sources_rank_first() -> None:
    # Three outlets 5 hours ago beat one outlet an hour ago (6 hours of freshness per outlet).
    digest = build([candidate(1, 1), candidate(2, 5, sources=3)])
    assert ids(digest) == [2, 1]


def test_fresher_ranks_first_among_equals() -> None:
    digest = build([candidate(1, 10), candidate(2, 2), candidate(3, 6)])
    assert ids(digest) == [2, 3, 1]


def test_the_same_score_puts_the_newer_story_id_first() -> None:
    digest = build([candidate(4, 3), candidate(9, 3), candidate(7, 3)])
    assert ids(digest) == [9, 7, 4]


def test_a_followed_actor_lifts_a_story() -> None:
    stories = [candidate(1, 1), candidate(2, 10, people=["menfi"])]
    assert ids(build(stories)) == [1, 2]
    lifted = build(stories, follows=frozenset({"menfi"}))
    assert ids(lifted) == [2, 1]
    flags = {item.story.id: item.followed for _, items in lifted.sections for item in items}
    assert flags == {1: False, 2: True}


def test_a_followed_topic_lifts_a_story() -> None:
    stories = [candidate(1, 1, topics=["government"]), candidate(2, 10, topics=["elections"])]
    assert ids(build(stories)) == [1, 2]
    lifted = build(stories, follows=frozenset({"elections"}))
    assert ids(lifted) == [2, 1]
    first = lifted.sections[0][1][0]
    assert first.story.id == 2 and first.followed


def test_a_follow_does_not_beat_much_fresher_or_wider_news() -> None:
    # A followed story 20 hours old scores -8; one 1 hour old scores -1.
    stories = [candidate(1, 1), candidate(2, 20, people=["saleh"])]
    assert ids(build(stories, follows=frozenset({"saleh"}))) == [1, 2]


def test_topic_filter_keeps_only_wanted_topics() -> None:
    stories = [
        candidate(1, 1, topics=["government"]),
        candidate(2, 2, topics=["economy", "elections"]),
        candidate(3, 3, topics=["un_mediation"]),
        candidate(4, 4),  # no topic at all
    ]
    digest = build(stories, topics=("elections", "un_mediation"))
    assert sorted(ids(digest)) == [2, 3]
    assert ids(build(stories)) == [1, 2, 3, 4]


def test_max_items_keeps_the_best() -> None:
    stories = [candidate(n, n) for n in range(1, 8)]
    assert ids(build(stories, max_items=3)) == [1, 2, 3]
    assert len(ids(build(stories))) == 7
    assert len(ids(build([candidate(n, n / 10) for n in range(1, 30)]))) == 10  # the default


def test_sections_come_in_the_order_of_their_best_story() -> None:
    stories = [
        candidate(1, 1, topics=["economy"]),
        candidate(2, 2, topics=["elections"]),
        candidate(3, 3, topics=["economy"]),
        candidate(4, 4, topics=["elections"]),
        candidate(5, 5),
    ]
    digest = build(stories)
    assert [topic for topic, _ in digest.sections] == ["economy", "elections", None]
    assert [[i.story.id for i in items] for _, items in digest.sections] == [[1, 3], [2, 4], [5]]
    assert all(item.topic == topic for topic, items in digest.sections for item in items)


def test_other_comes_last_even_with_the_best_story() -> None:
    stories = [
        candidate(1, 1),  # the freshest story has no topic
        candidate(2, 2, topics=["elections"]),
        candidate(3, 3, topics=["economy"]),
        candidate(4, 4),
    ]
    digest = build(stories)
    assert [topic for topic, _ in digest.sections] == ["elections", "economy", None]
    assert ids(digest) == [2, 3, 1, 4]


def test_a_section_is_named_by_the_first_wanted_topic_in_taxonomy_order() -> None:
    # The story's own order (by score) is economy, un_mediation, government; the taxonomy puts
    # government first.
    story = candidate(1, 1, topics=["economy", "un_mediation", "government"])
    assert build([story]).sections[0][0] == "government"
    # With a filter, the first topic the subscriber asked for.
    assert build([story], topics=("economy", "un_mediation")).sections[0][0] == "un_mediation"
    assert build([story], topics=("economy",)).sections[0][0] == "economy"
    # A topic the taxonomy does not know comes after those it knows.
    odd = candidate(2, 1, topics=["unknown_topic", "economy"])
    assert build([odd]).sections[0][0] == "economy"


def test_stories_outside_the_period_are_left_out() -> None:
    stories = [
        candidate(1, 24),  # exactly at the start: in
        candidate(2, 24.01),  # just before the start: out
        candidate(3, 0),  # exactly at the end: out (the next period's)
        candidate(4, -1),  # after the end: out
        candidate(5, 0.01),
    ]
    assert sorted(ids(build(stories))) == [1, 5]


def test_the_people_line_counts_people_across_the_chosen_stories() -> None:
    stories = [
        candidate(1, 1, people=["menfi", "dbeibah"]),
        candidate(2, 2, people=["dbeibah"]),
        candidate(3, 3, people=["dbeibah", "saleh"]),
        candidate(4, 4, people=["saleh"]),
        candidate(5, 30, people=["tetteh", "tetteh"]),  # outside the period: not counted
    ]
    digest = build(stories)
    # Dbeibah 3, Saleh 2, Menfi 1; Hanna Tetteh's story is not in the digest.
    assert digest.people == (PEOPLE["dbeibah"], PEOPLE["saleh"], PEOPLE["menfi"])
    # Only the chosen stories count: with the best two, Saleh drops out.
    top_two = build(stories, max_items=2)
    assert top_two.people == (PEOPLE["dbeibah"], PEOPLE["menfi"])


def test_the_people_line_is_capped() -> None:
    stories = [
        replace(candidate(n + 1, 1 + n / 10), people=((f"p{n}", f"شخص {n}", f"Person {n:02d}"),))
        for n in range(MAX_PEOPLE + 3)
    ]
    stories.append(replace(candidate(99, 2), people=(("p5", "شخص 5", "Person 05"),)))
    digest = build(stories, max_items=20)
    assert len(digest.people) == MAX_PEOPLE
    # The one named twice first, then by English name.
    assert digest.people[:3] == (("شخص 5", "Person 05"), ("شخص 0", "Person 00"),
                                 ("شخص 1", "Person 01"))  # fmt: skip


def test_an_empty_period_gives_an_empty_digest() -> None:
    for stories in ([], [candidate(1, 48)], [candidate(2, 1, topics=["economy"])]):
        digest = build(stories, topics=("elections",))
        assert digest.empty
        assert digest.sections == () and digest.people == ()
        assert (digest.period_start, digest.period_end) == (START, END)
    assert not build([candidate(3, 1)]).empty


def test_a_story_published_before_the_period_but_stored_in_it_is_included() -> None:
    from bot.digest_builder import build_digest
    from bot.models import DigestCandidate, StoryView

    start = datetime(2026, 11, 29, 6, 0, tzinfo=UTC)
    end = start + timedelta(days=1)
    story = StoryView(1, "h", "l", "Outlet", "منفذ", None, start - timedelta(hours=2))
    late = DigestCandidate(
        story, start - timedelta(hours=2), (), (), arrived_at=start + timedelta(minutes=5)
    )
    early = DigestCandidate(
        StoryView(2, "h2", "l", "Outlet", "منفذ", None, None),
        start - timedelta(hours=3),
        (),
        (),
        arrived_at=start - timedelta(hours=3),
    )
    digest = build_digest([late, early], period_start=start, period_end=end)
    assert [item.story.id for _, items in digest.sections for item in items] == [1]


# ---- ranking once per period gives what ranking every candidate per digest gave -----------


def reference_digest_ids(
    candidates: Sequence[DigestCandidate],
    topics: Sequence[str],
    max_items: int,
    follows: frozenset[str],
) -> list[tuple[int, bool]]:
    """The straightforward ranking build_digest replaced: score every candidate, sort, cut."""
    wanted = set(topics)
    chosen = []
    for c in candidates:
        if not START <= (c.arrived_at or c.sort_at) < END:
            continue
        if wanted and not wanted.intersection(c.topics):
            continue
        followed = bool(
            follows.intersection(c.topics) or follows.intersection(k for k, _, _ in c.people)
        )
        age = (END - c.sort_at).total_seconds() / 3600
        score = SOURCE_WEIGHT * (c.story.sources - 1) - age + (FOLLOW_WEIGHT if followed else 0.0)
        chosen.append((score, c, followed))
    chosen.sort(key=lambda item: (-item[0], -item[1].story.id))
    return sorted((c.story.id, f) for _, c, f in chosen[: max(1, max_items)])


def test_a_ranked_period_gives_the_same_digests_as_ranking_each_one() -> None:
    rng = random.Random(3)
    keys = [*TOPIC_ORDER, *PEOPLE]
    candidates = [
        candidate(
            n,
            rng.uniform(-2, 30),  # some outside the period on either side
            sources=rng.choice([1, 1, 1, 2, 3, 5]),
            topics=rng.sample(TOPIC_ORDER, rng.randint(0, 2)),
            people=rng.sample(list(PEOPLE), rng.randint(0, 2)),
        )
        for n in range(1, 400)
    ]
    period = rank_period(candidates, period_start=START, period_end=END)
    for _ in range(300):
        topics = tuple(rng.sample(TOPIC_ORDER, rng.choice([0, 0, 1, 2])))
        follows = frozenset(rng.sample(keys, rng.choice([0, 1, 2, 3])))
        max_items = rng.choice([1, 3, 5, 10, 20])
        digest = build_digest(
            period, period_start=START, period_end=END, topics=topics,
            max_items=max_items, follows=follows, topic_order=TOPIC_ORDER,
        )  # fmt: skip
        got = sorted((i.story.id, i.followed) for _, items in digest.sections for i in items)
        assert got == reference_digest_ids(candidates, topics, max_items, follows)
        # And the same as building from the candidates directly.
        again = build(candidates, topics=topics, max_items=max_items, follows=follows)
        assert again == digest
