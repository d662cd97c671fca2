"""Light Arabic stemming for search: the same steps at index time and at query time.

A word that starts with و ف ب ك ل may carry a clitic or may simply start with that letter
(وزير, بنغازي), and light stemming cannot tell which. So a word yields every reading: the
index stores all of them, a query matches any of them, and وزير still finds والوزير.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from bot.analysis.text.normalize import tokens

_CONJUNCTIONS = ("و", "ف")
_PREPOSITIONS = ("ب", "ك", "ل")
# Clitic runs that end in the article, longest first; لل is ل before the article's lam.
_ARTICLE_RUNS = ("وال", "فال", "بال", "كال", "ولل", "فلل", "لل", "ال")
# Longest first; after normalization ة is ه, so ية is يه. يا and ي carry the nisba:
# ليبيا, الليبية and الليبيين all come down to ليب; a final ا is the accusative (وزيرا).
_SUFFIXES = ("يين", "يون", "يه", "يا", "ها", "ان", "ات", "ون", "ين", "ه", "ي", "ا")
MIN_STEM = 3
MIN_PREFIXED = 3
# Pure per word, and a language repeats its words: analysis and indexing ask for the same
# ones again and again (analyze_story took 2.7 ms a story without the cache, 2.3 with it).
_CACHED_WORDS = 1 << 16


@lru_cache(maxsize=_CACHED_WORDS)
def readings(word: str) -> tuple[str, ...]:
    """Every light stem of one normalized word, most stripped first; the word is one of them."""
    found: dict[str, None] = {}
    for base in _without_prefixes(word):
        found[_strip_suffix(base)] = None
    return tuple(sorted(found, key=len))


def stem(word: str) -> str:
    """The single most stripped reading of a normalized word."""
    return readings(word)[0]


def index_terms(text: str) -> str:
    """The text as the search index stores it: every reading of every word, space-separated."""
    return " ".join(reading for word in tokens(text) for reading in readings(word))


def query_terms(text: str, limit: int = 16) -> list[tuple[str, ...]]:
    """A query as groups of readings, one group per distinct word, at most `limit` words.

    Each group also holds the loose keys of its readings, which match the names a story's
    people and places are indexed under however the outlet spelled them (see loose_terms).
    """
    groups: dict[tuple[str, ...], None] = {}
    for word in tokens(text):
        exact = readings(word)
        loose = (key for key in (loose_key(r) for r in exact) if key)
        groups[tuple(dict.fromkeys((*exact, *loose)))] = None
        if len(groups) >= limit:
            break
    return list(groups)


# Foreign names reach Arabic by ear, and outlets write the same sound differently: g as غ,
# ج, ق or گ (and ك), v as ف or ڤ, t as ت or ط, s as س or ص, d as د or ض, z as ز, ذ or ظ,
# and long vowels written or not (غوتيريش, جوتيريش, غوتيرش). A loose key folds those away.
_LOOSE_LETTERS = str.maketrans("غقكگڤطصضذظپ", "ججججفتسدززب")
_LONG_VOWELS = str.maketrans({"ا": None, "و": None, "ي": None, "ء": None})
# The key is an index term of its own, kept apart from real words by a Latin prefix that
# the FTS5 tokenizer keeps inside the token.
LOOSE_MARK = "zx"
# Shorter keys collide across ordinary Arabic names (جمال, جميل: جمل).
MIN_LOOSE = 4
_ARABIC_WORD = re.compile("[\u0621-\u064a\u066e-\u06d3]+")


@lru_cache(maxsize=_CACHED_WORDS)
def loose_key(word: str) -> str:
    """The loose spelling key of a normalized Arabic word, or "" when it is too short."""
    if not _ARABIC_WORD.fullmatch(word):
        return ""  # digits, Latin: nothing is spelled by ear there
    folded = word.translate(_LOOSE_LETTERS)
    key = folded[0] + folded[1:].translate(_LONG_VOWELS)
    key = "".join(c for i, c in enumerate(key) if i == 0 or c != key[i - 1])
    return LOOSE_MARK + key if len(key) >= MIN_LOOSE else ""


def loose_terms(names: Iterable[str]) -> list[str]:
    """Index terms for names as people and places are spelled: every reading's loose key."""
    return list(dict.fromkeys(key for name in names for key in _name_keys(name)))


@lru_cache(maxsize=_CACHED_WORDS)
def _name_keys(name: str) -> tuple[str, ...]:
    # The knowledge base's names come back story after story: each is worked out once.
    keys = (loose_key(r) for word in tokens(name) for r in readings(word))
    return tuple(key for key in dict.fromkeys(keys) if key)


@lru_cache(maxsize=_CACHED_WORDS)
def unclitic(word: str) -> tuple[str, ...]:
    """The plausible bare forms of a normalized word, clitics off but suffixes kept."""
    return tuple(_without_prefixes(word))


def _without_prefixes(word: str) -> list[str]:
    """The word's plausible bases once clitics are taken off.

    A run of clitics ending in the article is unambiguous (والانتخابات, بالسفارة,
    للانتخابات); a lone و ف ب ك ل may be a clitic or the word's first letter.
    """
    for prefix in _ARTICLE_RUNS:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            if prefix.endswith("لل"):
                # للانتخابات is ل + (ا)لانتخابات, but لليبيا is ل + ليبيا.
                return [word[len(prefix) :], word[len(prefix) - 1 :]]
            return [word[len(prefix) :]]
    out = [word]
    for conj in ("", *_CONJUNCTIONS):
        if conj and not (word.startswith(conj) and len(word) - 1 >= MIN_PREFIXED):
            continue
        after_conj = word[len(conj) :]
        for prep in ("", *_PREPOSITIONS):
            if prep and not (after_conj.startswith(prep) and len(after_conj) - 1 >= MIN_PREFIXED):
                continue
            out.append(after_conj[len(prep) :])
    return list(dict.fromkeys(out))


def _strip_suffix(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word
