"""Near-duplicate grouping: the same story told by several outlets, found by MinHash.

A story becomes the set of its word shingles (runs of consecutive stemmed words); two
stories' Jaccard similarity is the share of shingles they have in common, and a MinHash
signature estimates it from 64 numbers per story. Hashes come from SHAKE-128, never from
Python's hash(), which is salted per process: a signature stored today must compare
equal to one computed tomorrow in another process.
"""

from __future__ import annotations

import hashlib
import sys
from array import array
from functools import lru_cache

from bot.analysis.text.normalize import tokens
from bot.analysis.text.stem import stem

PERMUTATIONS = 64
SHINGLE_WORDS = 2
# Tuned on tests/fixtures/cluster/pairs.json, between the lowest same-story pair and the
# highest different-story pair; see same_story().
SAME_STORY_THRESHOLD = 0.22
# A number (a death toll, barrels a day, a resolution) is a fact: two outlets that give
# the same numbers tell the same story, and two template stories with different numbers
# do not. Each number counts as this many shingles; years are background, not facts.
NUMBER_WEIGHT = 4
# Words that carry no story: function words, and the boilerplate every Libyan diplomacy
# story repeats (titles, meeting and reporting verbs, weekdays). Without them, two agency
# write-ups of two different calls ("بحث رئيس المجلس الرئاسي في اتصال هاتفي مع الرئيس
# ...") share most of their shingles, while two outlets' rewrites of one story share
# the names, places and numbers that remain.
STOPWORDS = frozenset(
    tokens(
        # function words
        "في من على الى إلى عن مع ان أن إن او أو ثم قد لقد كما كان كانت التي الذي الذين "
        "هذا هذه ذلك تلك هو هي هم ما لا لم لن بين عند حتى منذ خلال بعد قبل ايضا فيما حيث "
        "كل كافة جميع عدد نحو اليوم امس "
        # reporting
        "قال قالت وقال وقالت أضاف أضافت وأضاف وأضافت أكد أكدت وأكد وأكدت أوضح أوضحت وأوضح "
        "وأوضحت أشار أشارت وأشار وأشارت أعلن أعلنت وأعلن وأعلنت بيان وفق ذكر ذكرت "
        # meetings and calls
        "بحث بحثت يبحث تبحث وبحث وبحثت تناول وتناول تطرق وتطرق اللقاء لقاء خلال استقبل "
        "التقى التقت يلتقي تلتقي الاتصال اتصال هاتفي هاتفيا الجانبان الجانبين سبل تعزيز "
        "العلاقات الثنائية البلدين آخر تطورات الأوضاع بمقر مقر المكتب الإعلامي للمكتب "
        # titles and bodies named in almost every story
        "رئيس الرئيس المجلس الرئاسي حكومة الوحدة الوطنية وزير وزيرة وزارة الخارجية "
        "والتعاون الدولي لدى ليبيا الليبي الليبية العاصمة بالعاصمة "
        # days
        "الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت الأحد"
    )
)

# Four bytes per permutation: SHAKE-128 gives as many independent hash values per shingle
# as we ask for in one call, which costs far less than 64 separate hashes.
_BYTES = 4 * PERMUTATIONS
_TYPECODE = next(code for code in "IL" if array(code).itemsize == 4)


@lru_cache(maxsize=1 << 16)
def _stem(word: str) -> str:
    return stem(word)


def shingles(text: str) -> set[str]:
    """The text's features: runs of SHINGLE_WORDS stemmed content words, and its numbers."""
    all_words = tokens(text)
    words = [_stem(word) for word in all_words if word not in STOPWORDS]
    found = {" ".join(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}
    if not found and words:
        found.add(" ".join(words))  # a one-word text is still a text
    for word in all_words:
        if word.isdigit() and not _is_year(word):
            # "#" cannot occur in a token, so these never collide with word shingles.
            found.update(f"#{int(word)}#{copy}" for copy in range(NUMBER_WEIGHT))
    return found


def _is_year(word: str) -> bool:
    return len(word) == 4 and word.startswith(("19", "20"))


def signature(text: str) -> tuple[int, ...]:
    """The MinHash signature of a text: PERMUTATIONS minima, or () for a text without words."""
    found = shingles(text)
    if not found:
        return ()
    values = array(_TYPECODE, b"".join(hashlib.shake_128(s.encode()).digest(_BYTES) for s in found))
    if sys.byteorder == "big":
        values.byteswap()  # the digest is read little-endian on every machine
    # Column i of the shingles-by-permutations table is permutation i: its minimum is
    # the signature's i-th value, taken with C-speed slicing instead of a Python loop.
    return tuple(min(values[i::PERMUTATIONS]) for i in range(PERMUTATIONS))


def similarity(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    """The estimated Jaccard similarity of two signatures' texts, in [0, 1]."""
    if not a or not b or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def same_story(
    a: tuple[int, ...], b: tuple[int, ...], threshold: float = SAME_STORY_THRESHOLD
) -> bool:
    """Whether two signatures belong to the same story told by two outlets."""
    return similarity(a, b) >= threshold
