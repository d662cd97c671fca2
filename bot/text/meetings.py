"""Who met whom, where and when: "A met / received / held talks with / phoned B"."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from bot.models import Meeting
from bot.text.actors import Found
from bot.text.lexicon import titles
from bot.text.normalize import normalize
from bot.text.tokens import Token

_MEET = """
التقى التقت يلتقي تلتقي والتقى والتقت استقبل استقبلت يستقبل تستقبل واستقبل واستقبلت
بحث بحثت يبحث تبحث وبحث وبحثت اجتمع اجتمعت يجتمع تجتمع واجتمع واجتمعت
ناقش ناقشت يناقش تناقش وناقش التقاء لقاء لقاءه لقائه اجتماعه
""".split()
_CALL = "اتصالا اتصالاً اتصال مكالمة هاتفيا هاتفياً هاتفي الهاتف".split()
_WEEKDAYS = {  # Monday is 0, as date.weekday() counts
    "الاثنين": 0, "الإثنين": 0, "الثلاثاء": 1, "الأربعاء": 2, "الخميس": 3,
    "الجمعة": 4, "السبت": 5, "الأحد": 6,
}  # fmt: skip
_SIDES = ("person", "body", "country")
_SENTENCE_END = frozenset(".!?؟;؛\n")
PLACE_LOOKAHEAD_SENTENCES = 1
TITLE_REACH = 9
MAX_PEOPLE = 3


def _norm_set(words: Sequence[str]) -> frozenset[str]:
    return frozenset(normalize(w) for w in words)


def find_meetings(
    tokens: Sequence[Token], found: Sequence[Found], on: date | None
) -> list[Meeting]:
    """Meetings and calls in a story, each side resolved to a mention, place and day if given."""
    meet, call = _norm_set(_MEET), _norm_set(_CALL)
    weekdays = {normalize(k): v for k, v in _WEEKDAYS.items()}
    at: dict[int, tuple[Found, int]] = {}
    for item in found:
        for start, end in item.spans:
            at[start] = (item, end)
    sentences = _sentences(tokens)
    meetings: list[Meeting] = []
    seen: dict[frozenset[str], int] = {}  # each pair once, at its index in meetings
    for index, (s_start, s_end) in enumerate(sentences):
        verb = next((k for k in range(s_start, s_end) if tokens[k].norm in meet), None)
        calls = [k for k in range(s_start, s_end) if tokens[k].norm in call]
        if verb is None and not calls:
            continue
        sides = [
            (k, *at[k]) for k in range(s_start, s_end) if k in at and at[k][0].entry.kind in _SIDES
        ]
        look_end = sentences[min(index + PLACE_LOOKAHEAD_SENTENCES, len(sentences) - 1)][1]
        place = None if calls else _place(at, s_start, look_end)
        day = _day(tokens, s_start, s_end, on, weekdays)
        kind = "call" if calls else "meeting"
        for a, b in _pairs(tokens, sides):
            pair = frozenset((a.entry.key, b.entry.key))
            if len(pair) < 2:
                continue
            if pair in seen:
                # A headline names the pair, the body tells where and when: keep what it adds.
                first = meetings[seen[pair]]
                meetings[seen[pair]] = replace(
                    first,
                    place=first.place or (place if first.kind == kind else None),
                    day=first.day or day,
                )
                continue
            seen[pair] = len(meetings)
            meetings.append(Meeting(a=a.entry.key, b=b.entry.key, place=place, day=day, kind=kind))
    return meetings


def _pairs(
    tokens: Sequence[Token], sides: list[tuple[int, Found, int]]
) -> list[tuple[Found, Found]]:
    """Who met whom in one sentence: the first person with each other person named.

    A body or country stands in for the other side only when one person is named, and
    never one that is part of that person's own title ("رئيس حكومة الوحدة الوطنية ...").
    """
    people: dict[str, Found] = {}
    for _, item, _ in sides:
        if item.entry.kind == "person":
            people.setdefault(item.entry.key, item)
    if len(people) >= 2:
        # Beyond three people a sentence lists attendees of a conference, not who met whom.
        first, *others = list(people.values())[:MAX_PEOPLE]
        return [(first, other) for other in others]
    if len(people) != 1:
        return []
    (person,) = people.values()
    start = min(k for k, item, _ in sides if item is person)
    title_start = _title_start(tokens, start)
    others = [
        item for k, item, _ in sides if item.entry.kind != "person" and not title_start <= k < start
    ]
    # Prefer a country ("الوفد التركي") over a body; take the first one named.
    others.sort(key=lambda item: item.entry.kind != "country")
    return [(person, others[0])] if others else []


def _title_start(tokens: Sequence[Token], start: int) -> int:
    """Where the title phrase before a name begins; the name's own start when there is none."""
    k = start - 1
    while k >= 0 and start - k <= TITLE_REACH and tokens[k].is_word:
        if tokens[k].norm in titles() or any(f in titles() for f in tokens[k].bare):
            return k
        k -= 1
    return start


def _sentences(tokens: Sequence[Token]) -> list[tuple[int, int]]:
    spans, start = [], 0
    for k, tok in enumerate(tokens):
        if tok.text in _SENTENCE_END:
            if k > start:
                spans.append((start, k))
            start = k + 1
    if start < len(tokens):
        spans.append((start, len(tokens)))
    return spans


def _place(at: dict[int, tuple[Found, int]], start: int, end: int) -> str | None:
    for k in range(start, end):
        item = at.get(k)
        if item is not None and item[0].entry.kind == "place":
            return item[0].entry.key
    return None


def _day(
    tokens: Sequence[Token], start: int, end: int, on: date | None, weekdays: dict[str, int]
) -> date | None:
    if on is None:
        return None
    for k in range(start, end):
        norm = tokens[k].norm
        bare = tokens[k].bare
        if norm == normalize("اليوم"):
            return on
        if normalize("أمس") in (norm, *bare):  # أمس, الأمس, بالأمس
            return on - timedelta(days=1)
        day = next((weekdays[f] for f in (norm, *bare) if f in weekdays), None)
        if day is not None:
            nxt = tokens[k + 1].norm if k + 1 < len(tokens) else ""
            strictly_before = nxt == normalize("الماضي")
            back = (on.weekday() - day) % 7
            if back == 0 and strictly_before:
                back = 7
            return on - timedelta(days=back)
    return None
