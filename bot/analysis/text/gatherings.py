"""Summits of several states: who took part, where and when.

A sentence tells of one when it lists three states or more after the word for their
leaders or delegations, and says they met or arrived for a summit: "وصل قادة ورؤساء وفود
14 دولة عربية من بينها مصر وعمان والسودان ..." (with a summit named in it or the sentence
before), "قادة دول قوة الساحل - مالي وبوركينا فاسو وموريتانيا والنيجر وتشاد - اجتمعوا الأحد".
Every state listed took part; a state's leader named in the story stands for it, and the
host state's leader named in the story hosted it. The place is a city the sentence (or the
one before, when it too tells of the summit) names, else the one a summit is named after
("قمة الظهران"); the day is the one named with a verb of meeting, not the day delegations
arrived. A summit to come ("سيحضر", "القمة المقبلة") is none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache

from bot.analysis.text.actors import Found, held_role
from bot.analysis.text.days import day_named
from bot.analysis.text.normalize import normalize
from bot.analysis.text.stem import unclitic
from bot.analysis.text.tokens import COMMA, Token, sentence_spans

# Who comes to a summit for a state.
_LEADERS = "قادة زعماء رؤساء ملوك وفود ممثلو ممثلي وزراء حكومات"
# Verbs of a gathering held: the day named with them is the summit's.
_MET = """
اجتمع اجتمعت اجتمعوا اجتمعا التقى التقت التقوا عقد عقدت انعقد انعقدت اختتم اختتمت
اختتمت شارك شاركت شاركوا حضر حضرت حضروا
"""
# Verbs of coming to one: only with a summit named near.
_ARRIVE = "وصل وصلت وصلوا توافد توافدوا تقاطر تقاطروا"
_SUMMITS = "قمة القمة مؤتمر المؤتمر اجتماع الاجتماع"
# What makes it one to come, or one that did not happen.
_PLANNED = """
المقبل المقبلة المرتقب المرتقبة المقرر المقررة المزمع المزمعة القادمة القادم غدا لم لن
سيحضر سيشارك ستشارك سيجتمع ستجتمع ستعقد سيعقد ستنعقد يعتزم تعتزم
"""
# A leader's title: who stands for a state at a summit.
_HEADS = ("president", "king", "emir", "sultan", "prime minister", "chancellor", "leader")
_NOT_A_STATE = ("council", "house", "parliament", "assembly", "commission", "court", "party")
_HEAD_WORDS = "رئيس الرئيس ملك الملك أمير الأمير سلطان السلطان رئيسة زعيم الزعيم"

MIN_STATES = 3
LEADERS_BEFORE = 10  # words between the leaders' word and the list
MAX_MEMBERS = 20
TITLE_BEFORE = 5


@dataclass(frozen=True)
class Gathering:
    """One summit: who took part (people and states), the place's key and the day."""

    members: tuple[Found, ...]
    place: str | None
    day: date | None


@dataclass(frozen=True)
class _Words:
    leaders: frozenset[str]
    met: frozenset[str]
    arrive: frozenset[str]
    summits: frozenset[str]
    planned: frozenset[str]
    heads: frozenset[str]


@cache
def _words() -> _Words:
    def norm(text: str) -> frozenset[str]:
        return frozenset(normalize(w) for w in text.split())

    return _Words(
        norm(_LEADERS), norm(_MET), norm(_ARRIVE), norm(_SUMMITS), norm(_PLANNED), norm(_HEAD_WORDS)
    )


def _is(tok: Token, words: frozenset[str]) -> bool:
    return tok.norm in words or any(b in words for b in tok.bare)


def find_gatherings(
    tokens: Sequence[Token], found: Sequence[Found], on: date | None
) -> list[Gathering]:
    """The summits a story reports as held, with every state or leader that took part."""
    words = _words()
    states = sorted(
        (span, f)
        for f in found
        if f.entry.kind == "country" and f.entry.actor is not None
        for span in f.spans
        if not _by_adjective(tokens, span, f)
    )
    if len(states) < MIN_STATES:
        return []
    sentences = sentence_spans(tokens)
    out: list[Gathering] = []
    for n, (s_start, s_end) in enumerate(sentences):
        inside = [(span, f) for span, f in states if s_start <= span[0] < s_end]
        listed = _listed(tokens, inside, s_start)
        if len(listed) < MIN_STATES:
            continue
        sentence = range(s_start, s_end)
        if any(_is(tokens[k], words.planned) for k in sentence):
            continue
        met = any(_is(tokens[k], words.met) for k in sentence)
        before = sentences[n - 1] if n else (s_start, s_start)
        told = any(_is(tokens[k], words.summits) for k in range(before[0], s_end))
        arrived = told and any(_is(tokens[k], words.arrive) for k in sentence)
        if not (met or arrived):
            continue
        place = _place(found, s_start, s_end) or (
            _place(found, *before) if _tells_of_one(tokens, before, words) else None
        )
        place = place or _named_after(tokens, found)
        members = _members(tokens, listed, found, place, on)
        day = day_named(tokens, s_start, s_end, on) if met else None
        out.append(Gathering(tuple(members[:MAX_MEMBERS]), place.entry.key if place else None, day))
    return out


def _listed(
    tokens: Sequence[Token], inside: list[tuple[tuple[int, int], Found]], s_start: int
) -> list[Found]:
    """The longest run of states named one after another, after the word for their leaders."""
    best: list[tuple[tuple[int, int], Found]] = []
    run: list[tuple[tuple[int, int], Found]] = []
    for span, f in inside:
        if run and _next_in_list(tokens, run[-1][0][1], span[0]):
            run.append((span, f))
        else:
            run = [(span, f)]
        if len(run) > len(best):
            best = list(run)
    if not best:
        return []
    first = best[0][0][0]
    leaders = _words().leaders
    if not any(_is(tokens[k], leaders) for k in range(max(s_start, first - LEADERS_BEFORE), first)):
        return []
    listed: dict[str, Found] = {}
    for _, f in best:
        listed.setdefault(f.entry.key, f)
    return list(listed.values())


def _next_in_list(tokens: Sequence[Token], end: int, start: int) -> bool:
    """Whether a state follows the last as the next item of a list ("، X", "وX", "- X")."""
    gap = range(end, start)
    if len(gap) > 1 or not all(tokens[j].text in COMMA or tokens[j].text == "-" for j in gap):
        return False
    return bool(gap) or tokens[start].norm.startswith("و")


def _by_adjective(tokens: Sequence[Token], span: tuple[int, int], f: Found) -> bool:
    """Whether a state is named by its adjective ("المصري"), not its name."""
    actor = f.entry.actor
    if actor is None or span[1] - span[0] != 1:
        return False
    tok = tokens[span[0]]
    forms = {tok.norm, *tok.bare}
    names = {form for n in (actor.name_ar, *actor.variants_ar) for form in _readings(n)}
    if forms & names:
        return False  # "السعودية" is the state's name as well as its adjective
    return any(normalize(a) in forms for a in actor.adjectives_ar)


def _readings(name: str) -> tuple[str, ...]:
    """A one-word name normalized, with and without its article and clitics."""
    norm = normalize(name)
    return (norm, *unclitic(norm))


def _members(
    tokens: Sequence[Token],
    listed: list[Found],
    found: Sequence[Found],
    place: Found | None,
    on: date | None,
) -> list[Found]:
    """The states listed, each replaced by its leader when the story names one; the host first."""
    leaders: dict[str, Found] = {}
    for f in found:
        code = _leads(tokens, f, found, on)
        if code is not None:
            leaders.setdefault(code, f)
    members = [leaders.get(f.entry.actor.country or "", f) if f.entry.actor else f for f in listed]
    host = place.entry.place.country if place and place.entry.place else None
    codes = {f.entry.actor.country for f in listed if f.entry.actor}
    if host is not None and host not in codes and host in leaders:
        members.insert(0, leaders[host])
    return members


def _leads(
    tokens: Sequence[Token], person: Found, found: Sequence[Found], on: date | None
) -> str | None:
    """The state a person of the story leads: by the knowledge base, or by the title before."""
    if person.entry.kind != "person":
        return None
    actor = person.entry.actor
    if actor is not None:
        if not actor.roles:
            return None  # a person the knowledge base gives no office
        role = held_role(actor, on) if on else actor.roles[-1]
        title = role.en.lower() if role else ""
        if title.startswith(_HEADS) and not any(w in title for w in _NOT_A_STATE):
            return actor.country
        return None
    # "رئيس النيجر محمدو يوسفو", "الرئيس الموريتاني محمد ولد عبد العزيز": a head's title
    # with a state in it, right before the name.
    heads = _words().heads
    for start, _ in person.spans:
        low = max(0, start - TITLE_BEFORE)
        if not any(_is(tokens[k], heads) for k in range(low, start)):
            continue
        for f in found:
            actor = f.entry.actor
            if f.entry.kind == "country" and actor and any(low <= s < start for s, _ in f.spans):
                return actor.country
    return None


def _place(found: Sequence[Found], start: int, end: int) -> Found | None:
    """The first city or site a stretch names."""
    hits = [
        (s, f) for f in found if f.entry.kind == "place" for s, _ in f.spans if start <= s < end
    ]
    return min(hits, key=lambda hit: hit[0])[1] if hits else None


def _tells_of_one(tokens: Sequence[Token], sentence: tuple[int, int], words: _Words) -> bool:
    """Whether a sentence speaks of a summit: names one, or leaders arriving or meeting."""
    return any(
        _is(tokens[k], words.summits) or _is(tokens[k], words.arrive) or _is(tokens[k], words.met)
        for k in range(*sentence)
    )


def _named_after(tokens: Sequence[Token], found: Sequence[Found]) -> Found | None:
    """The place a summit is named after ("قمة الظهران"), anywhere in the story."""
    summits = _words().summits
    for f in found:
        if f.entry.kind != "place":
            continue
        for start, _ in f.spans:
            if start > 0 and _is(tokens[start - 1], summits):
                return f
    return None
