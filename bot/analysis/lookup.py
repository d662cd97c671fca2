"""Finding an actor from what a user typed: any spelling, Arabic or English, typos forgiven."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.analysis.text.normalize import normalize
from bot.analysis.text.stem import unclitic
from bot.models import ActorRecord

ACCEPT = 88.0
SUGGEST = 60.0
# How like a name, as a whole or one word of it, a suggestion must be (see _near).
NEAR = 70.0
# The people a name may mean, weighed by the news before all but MAX_SHOWN are dropped:
# the Mohamed most in the news may come late in the alphabet.
MAX_CANDIDATES = 30
MAX_SHOWN = 8


@dataclass(frozen=True, slots=True)
class Lookup:
    """One actor found, several to choose from, or none with near names to suggest.

    A name several people share is first a choice (`find_actor`); `most_in_news` turns it
    into the one most in the news, `found`, with the others `also`.
    """

    found: ActorRecord | None
    choices: tuple[ActorRecord, ...] = ()
    suggestions: tuple[ActorRecord, ...] = ()
    # The others the name may mean, when `found` was picked from them.
    also: tuple[ActorRecord, ...] = ()
    # Among choices, those the name alone stands for in the knowledge base ("Haftar" is
    # Khalifa's): without news, they come first.
    usual: frozenset[str] = field(default_factory=frozenset)


# Per actor key: distinct stories naming them in the news period, and stories naming them
# at all (as far as counted).
StoryCounts = Mapping[str, tuple[int, int]]


def most_in_news(lookup: Lookup, counts: StoryCounts) -> Lookup:
    """A choice resolved to the one most in the news, the others `also`; a tie stays a choice.

    Ties on the period's stories go to the one the name alone stands for (Khalifa for
    "Haftar"), then to the one in most stories overall; a tie on all three (no news of
    any Stephanie) is left to the reader, in that order.
    """
    if not lookup.choices:
        return lookup

    def weight(actor: ActorRecord) -> tuple[int, bool, int]:
        in_period, overall = counts.get(actor.key, (0, 0))
        return in_period, actor.key in lookup.usual, overall

    ranked = sorted(
        lookup.choices, key=lambda a: (*(-w for w in weight(a)), not a.known, a.name_en)
    )
    if len(ranked) > 1 and weight(ranked[0]) == weight(ranked[1]):
        return Lookup(found=None, choices=tuple(ranked[:MAX_SHOWN]), usual=lookup.usual)
    return Lookup(found=ranked[0], also=tuple(ranked[1:MAX_SHOWN]), usual=lookup.usual)


def find_actor(query: str, actors: Sequence[ActorRecord] | ActorIndex) -> Lookup:
    """Resolve a name: exact spelling, then a name's word, then fuzzy; ambiguity is a choice."""
    index = actors if isinstance(actors, ActorIndex) else ActorIndex(actors)
    wanted = normalize(" ".join(query.split()))
    if not wanted:
        return Lookup(found=None)
    parts = wanted.split()
    forms = {wanted, " ".join(unclitic(w)[0] for w in parts), " ".join(map(_article_form, parts))}
    exact = index.having(index.by_name, forms)
    words = index.having(index.by_word, forms)
    if len(parts) == 1 and (exact or words):
        return _one_name(index, forms, exact, words)
    if exact:
        return _one_or_choice(exact)
    if words:
        return _one_or_choice(words)
    # A name under half as long as the query is no misspelling of it, but WRatio's partial
    # match finds it inside: "lia" (the investment authority) in "wiliams".
    pairs = [(name, owner) for name, owner in index.names if 2 * len(name) >= len(wanted)]
    names = [name for name, _ in pairs]
    owners = [owner for _, owner in pairs]
    scored: dict[str, tuple[float, ActorRecord, str]] = {}
    # Scores under SUGGEST are never used: the cutoff lets rapidfuzz skip them early.
    matches = process.extract(wanted, names, scorer=fuzz.WRatio, limit=25, score_cutoff=SUGGEST)
    for name, score, at in matches:
        actor = owners[at]
        if score > scored.get(actor.key, (0.0, actor, name))[0]:
            scored[actor.key] = (score, actor, name)
    ranked = sorted(scored.values(), key=lambda best: (-best[0], not best[1].known))
    if ranked and ranked[0][0] >= ACCEPT:
        top = [(actor, name) for score, actor, name in ranked if score >= ranked[0][0] - 2]
        # A misspelt surname ("Dbaiba") means what its spelling in the names means: all
        # who bear it, as "Dbeibah" does.
        alone = {name for _, name in top if " " not in name}
        if len(parts) == 1 and alone:
            return _one_name(
                index, alone, index.having(index.by_name, alone), index.having(index.by_word, alone)
            )
        if len(top) == 1:
            return Lookup(found=top[0][0])
        choices = {a.key: a for a, _ in top[:6]}
        return Lookup(found=None, choices=tuple(choices.values()))
    return Lookup(
        found=None,
        suggestions=tuple(
            actor for score, actor, name in ranked if score >= SUGGEST and _near(wanted, name)
        )[:4],
    )


def _near(wanted: str, name: str) -> bool:
    """Whether a name is a plausible misspelling of what was typed, word for word.

    WRatio also scores a short query found inside a long name: "xyz" came near "Abdulrahman
    Ben Yezza" through "yez". A suggestion must look like the query as a whole, or like
    one of its words, compared without the article (a shared "ال" is no likeness).
    """
    typed = [_bare(t) for t in wanted.split()]
    words = [_bare(w) for w in name.split()]
    if fuzz.token_sort_ratio(" ".join(typed), " ".join(words)) >= NEAR:
        return True
    return any(fuzz.ratio(t, w) >= NEAR for t in typed for w in words if len(t) > 2)


def _bare(word: str) -> str:
    """A word without its article ("منقوش" for "المنقوش"); a short word stays whole."""
    return word[2:] if word.startswith("ال") and len(word) > 3 else word


def _one_name(
    index: ActorIndex, forms: set[str], exact: list[ActorRecord], words: list[ActorRecord]
) -> Lookup:
    """Who one word names: everyone bearing it, by any spelling of it, or the only one.

    "Dbeiba" is one of Abdul Hamid's names alone, and so are "Dbeibah" and "الدبيبة": the
    word reaches Ali Dbeibah through each of them, so every spelling finds the same people.
    """
    # "قوات حفتر" names a body after him; a surname asks for people.
    kinds = {a.kind for a in exact or words}
    if "person" in kinds:
        kinds = {"person"}
    spellings = {w for form in forms for w in _name_words(form)}
    usual = [a for a in (*exact, *words) if a.kind in kinds and _alone(a) & spellings]
    for actor in usual:
        spellings |= _alone(actor)
    bearers = index.having(index.by_name, spellings) + index.having(index.by_word, spellings)
    found = {a.key: a for a in (*exact, *words, *bearers) if a.kind in kinds}
    if len(found) == 1:
        return Lookup(found=next(iter(found.values())))
    keys = frozenset(a.key for a in usual)
    ordered = sorted(found.values(), key=lambda a: (a.key not in keys, not a.known, a.name_en))
    return Lookup(found=None, choices=tuple(ordered[:MAX_CANDIDATES]), usual=keys)


class ActorIndex:
    """Actors by each of their names and each word of them, built once for many lookups.

    Scanning every actor's names for each lookup took 5 to 10 ms over 1,800 actors.
    """

    def __init__(self, actors: Sequence[ActorRecord]) -> None:
        self.actors = tuple(actors)
        self.by_name: dict[str, list[int]] = {}
        self.by_word: dict[str, list[int]] = {}
        self.names: list[tuple[str, ActorRecord]] = []
        for position, actor in enumerate(self.actors):
            for name in actor.names:
                self.names.append((name, actor))
                _add(self.by_name, name, position)
                for word in _name_words(name):
                    _add(self.by_word, word, position)

    def having(self, table: dict[str, list[int]], forms: set[str]) -> list[ActorRecord]:
        """The actors listed under any of `forms`, once each, in their original order."""
        positions = sorted({p for form in forms for p in table.get(form, ())})
        return [self.actors[p] for p in positions]


def _add(table: dict[str, list[int]], key: str, position: int) -> None:
    listed = table.setdefault(key, [])
    if not listed or listed[-1] != position:
        listed.append(position)


def _article_form(word: str) -> str:
    """A word as names list it: "للدبيبة" and "والمنقوش" are الدبيبة and المنقوش."""
    bare = unclitic(word)[0]
    return "ال" + bare if word[: len(word) - len(bare)].endswith(("ال", "لل")) else word


def _name_words(name: str) -> set[str]:
    """The words of a name, each also without its article: "Williams", "منقوش"."""
    words = name.split()
    return set(words) | {_bare(w) for w in words}


def _alone(actor: ActorRecord) -> set[str]:
    """The names an actor goes by in one word ("haftar", "الدبيبه"), also without "ال"."""
    return {w for name in actor.names if " " not in name for w in _name_words(name)}


def _one_or_choice(candidates: list[ActorRecord]) -> Lookup:
    unique = list({a.key: a for a in candidates}.values())
    if len(unique) == 1:
        return Lookup(found=unique[0])
    # Well-known people first: "Haftar" means Khalifa before Saddam, but the user chooses.
    unique.sort(key=lambda a: (not a.known, a.name_en))
    return Lookup(found=None, choices=tuple(unique[:MAX_CANDIDATES]))
