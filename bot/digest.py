"""Build a subscriber's digest from the period's stories: pure, no I/O, no Telegram."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.models import Digest, DigestCandidate, DigestItem

# Ranking: several outlets telling a story matter most, then freshness, then what the
# subscriber follows. Weights are in "hours of freshness".
SOURCE_WEIGHT = 6.0
FOLLOW_WEIGHT = 12.0
MAX_PEOPLE = 8


def build_digest(
    candidates: Sequence[DigestCandidate],
    *,
    period_start: datetime,
    period_end: datetime,
    topics: Sequence[str] = (),
    max_items: int = 10,
    follows: frozenset[str] = frozenset(),
    topic_order: Sequence[str] = (),
) -> Digest:
    """The best `max_items` stories of the period, grouped by topic, with the people named.

    `topics` filters (empty: all); `follows` holds followed actor keys and topic ids;
    `topic_order` is the taxonomy's order, used to name each story's section.
    """
    wanted = set(topics)
    chosen: list[tuple[float, DigestCandidate, bool]] = []
    for candidate in candidates:
        if not period_start <= (candidate.arrived_at or candidate.sort_at) < period_end:
            continue
        if wanted and not wanted.intersection(candidate.topics):
            continue
        followed = bool(
            follows.intersection(candidate.topics)
            or follows.intersection(key for key, _, _ in candidate.people)
        )
        age_hours = (period_end - candidate.sort_at).total_seconds() / 3600
        score = (
            SOURCE_WEIGHT * (candidate.story.sources - 1)
            - age_hours
            + (FOLLOW_WEIGHT if followed else 0.0)
        )
        chosen.append((score, candidate, followed))
    chosen.sort(key=lambda item: (-item[0], -item[1].story.id))
    chosen = chosen[: max(1, max_items)]
    order = {topic: i for i, topic in enumerate(topic_order)}
    sections: dict[str | None, list[DigestItem]] = {}
    for _, candidate, followed in chosen:
        topic = _section(candidate.topics, wanted, order)
        sections.setdefault(topic, []).append(
            DigestItem(story=candidate.story, topic=topic, followed=followed)
        )
    return Digest(
        period_start=period_start,
        period_end=period_end,
        # Sections come in the order of their best story, which ranking put first.
        sections=tuple((topic, tuple(items)) for topic, items in sections.items()),
        people=_people([c for _, c, _ in chosen]),
    )


def _section(topics: Sequence[str], wanted: set[str], order: dict[str, int]) -> str | None:
    """A story's section: its first topic (by taxonomy order) the subscriber asked for."""
    usable = [t for t in topics if not wanted or t in wanted]
    if not usable:
        return None
    return min(usable, key=lambda t: order.get(t, len(order)))


def _people(chosen: Sequence[DigestCandidate]) -> tuple[tuple[str, str], ...]:
    """The people named most across the chosen stories, for the line under the digest."""
    counts: dict[str, tuple[int, str, str]] = {}
    for candidate in chosen:
        for key, name_ar, name_en in candidate.people:
            n, _, _ = counts.get(key, (0, name_ar, name_en))
            counts[key] = (n + 1, name_ar, name_en)
    ranked = sorted(counts.values(), key=lambda v: (-v[0], v[2]))
    return tuple((ar, en) for _, ar, en in ranked[:MAX_PEOPLE])
