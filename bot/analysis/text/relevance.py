"""Is a story about Libya? Whole-word evidence, weighted by where it appears.

Evidence is a word of the ليبيا family (all of them stem to ليب), a Libyan city, or a
Libyan institution, plus the count of Libyan actors and places the gazetteer found. A
story whose headline and first paragraph carry that evidence is about Libya; one that
names Libya once in its fourth paragraph is about something else. Stories about Liberia
or the Philippines, football results and culture (a series or a film on Gaddafi) are
marked down even when ليبيا appears; so is a long story that names Libya in one or two
of its paragraphs only, and Libya as a model (النموذج الليبي, على غرار ليبيا) weighs
next to nothing.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.analysis.text.normalize import normalize, tokens
from bot.analysis.text.topics import PhraseMatcher, longest_hits, word_readings
from bot.models import Relevance

# Tuned on tests/fixtures/relevance: the lowest Libya story there scores 0.43 (Libya only
# in the lead, the headline naming a Libyan minister) and the highest other story 0.17 (a
# football result); the threshold sits midway.
THRESHOLD = 0.3

# Shares of the score; they sum to 1. The headline says what the story is about, the
# first paragraph confirms it, density says the whole story stays on it, and volume and
# the gazetteer's count of Libyan actors (المنقوش, الدبيبة) carry stories whose headline
# names a person rather than the country.
HEADLINE_SHARE = 0.35
LEAD_SHARE = 0.25
DENSITY_SHARE = 0.15
VOLUME_SHARE = 0.10
ENTITY_SHARE = 0.15
# Body text is cut into chunks of at most this many words, so a one-paragraph story
# still has a lead and a density; the first chunk is the lead.
CHUNK_WORDS = 60
# Football results, and stories mostly about Liberia or the Philippines, keep this share.
SPORTS_FACTOR = 0.2
CONFUSABLE_FACTOR = 0.25

LIBYA_WEIGHT = 1.0
# Firm evidence that grounds a story when none of it is up front: more than one mention.
GROUNDING_WEIGHT = 1.5
# Or this many gazetteer mentions: one may be the ليبيا of a passing aside.
GROUNDING_ENTITIES = 2
# طرابلس is also Tripoli in north Lebanon: in a story that names Lebanon it weighs little.
TRIPOLI_IN_LEBANON_WEIGHT = 0.15
# Name, weight: cities whose name is also a common word weigh less.
CITIES: tuple[tuple[str, float], ...] = (
    ("طرابلس", 0.7),
    ("بنغازي", 0.8),
    ("مصراتة", 0.8),
    ("سرت", 0.5),  # also "spread" (سرت أنباء)
    ("سبها", 0.8),
    ("الزاوية", 0.5),  # also "the corner" (حجر الزاوية)
    ("طبرق", 0.8),
    ("البيضاء", 0.35),  # also "the white" (الدار البيضاء is Casablanca)
    ("درنة", 0.8),
    ("غدامس", 0.8),
    ("الجفرة", 0.8),
    ("الزنتان", 0.8),
    ("غريان", 0.8),
    ("أجدابيا", 0.8),
    ("الكفرة", 0.6),
    ("أوباري", 0.8),
    ("راس لانوف", 0.8),
    ("البريقة", 0.7),
    ("زوارة", 0.8),
    ("ترهونة", 0.8),
    ("بني وليد", 0.8),
    ("صبراتة", 0.8),
    ("مرزق", 0.8),
)
# Phrases in which a city's name is not the city.
NOT_CITIES = ("الدار البيضاء", "حجر الزاوية", "الخوذ البيضاء", "الورقة البيضاء", "البيضاء الكبرى")
# Name, weight, needs other Libyan evidence: مجلس النواب is also Egypt's and Jordan's
# parliament, so it counts only in a story that is Libyan on other grounds.
INSTITUTIONS: tuple[tuple[str, float, bool], ...] = (
    ("مصرف ليبيا المركزي", 1.0, False),
    ("المؤسسة الوطنية للنفط", 0.8, False),
    ("حكومة الوحدة الوطنية", 0.7, False),
    ("حكومة الاستقرار الوطني", 0.6, False),
    ("المجلس الأعلى للدولة", 0.6, False),
    ("اللجنة العسكرية المشتركة", 0.8, False),
    ("اللجنة العسكرية 5+5", 1.0, False),
    ("لجنة 5+5", 1.0, False),
    ("بعثة الأمم المتحدة للدعم", 0.8, False),
    ("ملتقى الحوار السياسي", 0.6, False),
    ("المفوضية الوطنية العليا للانتخابات", 0.7, False),
    ("مجلس النواب", 0.5, True),
    ("المجلس الرئاسي", 0.5, True),
    ("البعثة الأممية", 0.5, True),
    ("القيادة العامة", 0.4, True),
)
# Clitic-free forms, grouped. A story is sport when it uses several groups, or two
# with a score line, and at least one of them is a word politics does not use. The
# others are everyday political Arabic too: بهدف "aiming to", الرئيس المنتخب "the
# president-elect", الكرة في ملعب "the ball is in the court of", لاعب رئيسي "a key
# player", الاجتماع الدوري "the periodic meeting", قطع شوطا "came a long way".
SPORTS_ONLY_GROUPS: tuple[tuple[str, ...], ...] = (
    ("مباراة", "المباراة", "مباريات", "المباريات"),
    ("الفيفا", "فيفا"),
    ("المرمى", "مرمى"),
    ("ركلة", "ركلات"),
    ("الهداف",),
    ("التعادل", "تعادل", "يتعادل", "تعادلا"),
    # Sports other than football.
    ("الملاكمة", "ملاكمة", "الملاكم", "المصارعة", "مصارعة", "السباحة", "الفروسية"),
    ("الأولمبية", "الأولمبي", "الأولمبياد", "أولمبية", "أولمبي", "البارالمبية"),
    ("الميدالية", "ميدالية", "الميداليات", "ميداليات"),
)
SPORTS_TOO_GROUPS: tuple[tuple[str, ...], ...] = (
    ("المنتخب", "منتخب"),
    ("كأس", "الكأس"),
    ("ملعب", "الملعب"),
    ("هدف", "هدفا", "هدفين", "الهدف", "أهداف", "الأهداف"),
    ("النادي", "نادي", "الأندية", "أندية", "نوادي"),
    ("الدوري", "دوري"),
    ("لاعب", "اللاعب", "لاعبين", "اللاعبين", "لاعبو", "لاعبي"),
    ("مدرب", "المدرب", "المدربون", "المدربين", "مدربين"),
    ("رياضة", "الرياضة", "الرياضية", "الرياضي", "رياضية", "رياضي", "الرياضيين"),
    ("بطولة", "البطولة", "بطولات", "البطولات"),
    ("سباق", "السباق", "سباقات", "السباقات"),
    ("منافسات", "المنافسات"),
    ("ألعاب", "الألعاب"),
    ("الشوط", "شوط"),
    ("التصفيات", "تصفيات"),
)
SPORTS_MIN_GROUPS = 4
SPORTS_MIN_GROUPS_WITH_SCORE = 2
# Culture: a series, a film or a novel about Gaddafi is not Libyan affairs. Only words
# politics does not borrow; حلقة (also a panel) and جائزة (also the Nobel peace prize)
# count as one group each among three. سيناريو is the political "scenario" too.
CULTURE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("مسلسل", "المسلسل", "مسلسلات", "المسلسلات"),
    ("فيلم", "الفيلم", "أفلام", "الأفلام", "فيلما"),
    ("المخرج", "مخرج", "المخرجة", "إخراج", "إخراجه", "إخراجها"),
    ("مهرجان", "المهرجان", "مهرجانات"),
    ("السينما", "سينما", "السينمائي", "سينمائي", "السينمائية", "سينمائية"),
    ("رواية", "الرواية", "روايته", "الروائي", "روائي", "الروائية"),
    ("الفنان", "الفنانة", "فنان", "فنانة", "الفنانين", "فنانين"),
    ("أغنية", "الأغنية", "أغاني", "الأغاني", "المطرب", "المطربة", "المغني", "المغنية"),
    ("الحلقات", "حلقات"),
    ("المسرح", "مسرحية", "المسرحية", "مسرحي"),
    ("الشاعر", "شاعر", "قصيدة", "القصيدة", "قصائد"),
    ("الموسيقى", "موسيقى", "الموسيقي", "موسيقي", "الموسيقية"),
    ("هوليوود", "نتفليكس", "الأوسكار", "أوسكار"),
    ("جائزة", "الجائزة", "جوائز"),
    ("متحف", "المتحف", "متاحف"),
)
CULTURE_MIN_GROUPS = 3
CULTURE_FACTOR = 0.3
# Libya as a model or a precedent (the "Libya model" of disarmament in a North Korea
# story, "على غرار ليبيا") is not Libya's affairs: such a mention weighs this little.
ANALOGY_WEIGHT = 0.1
# Readings of the words that make a following ليبيا an analogy, and how far back they
# reach: "على غرار ما حدث مع ليبيا" puts four words between.
_ANALOGY_NEAR = frozenset({"نموذج", "سيناريو"})
_ANALOGY_FAR = frozenset({"غرار", "حذو"})
ANALOGY_NEAR_WORDS = 2
ANALOGY_FAR_WORDS = 4
# Libya named in passing: the headline does not name it, it comes up in under this share
# of a story of at least PASSING_MIN_CHUNKS chunks, and the gazetteer finds fewer than
# PASSING_MAX_ENTITIES Libyan actors and places (a Libya story names its people again
# and again). So is a story whose one Libya word, not in its headline, stands in a list
# of countries ("نزاعات في سوريا واليمن وليبيا", often a "read also" snippet appended to
# a page) with at most one Libyan gazetteer mention. Such a story keeps PASSING_FACTOR of
# its score.
PASSING_SHARE = 0.25
PASSING_MIN_CHUNKS = 4
PASSING_MAX_ENTITIES = 5
PASSING_FACTOR = 0.5
# 2-1, 0 - 0: one- or two-digit sides, so 5+5 and 2018-2020 are not score lines.
_SCORE_LINE = re.compile(r"(?<![\d/.\-])\d{1,2}\s*[-–]\s*\d{1,2}(?![\d/.\-])")
_LEBANON = ("لبنان", "بيروت")
_CONFUSABLE_CAPITALS = frozenset({"مونروفيا", "مانيلا"})
_LIBYA_LATIN = frozenset({"libya", "libyan", "libyans", "libye", "libyen", "libyenne"})
_CLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
_EDGE_PUNCTUATION = re.compile(r"^[\W_]+|[\W_]+$")
# The word pattern of normalize.tokens(), applied to text normalize() already ran on.
_TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class _Word:
    norm: str
    surface: str
    bases: frozenset[str]  # the word without a leading clitic, for names that never inflect
    readings: tuple[str, ...]  # light stems, for the ليبيا family and institutions


@dataclass(frozen=True, slots=True)
class _Hit:
    kind: str  # "libya" | "analogy" | "city" | "tripoli" | "institution" | "contextual"
    weight: float
    text: str
    listed: bool = False  # one of three or more names joined by و (سوريا واليمن وليبيا)


def assess(headline: str, body: str, libyan_entities: int = 0) -> Relevance:
    """Whether a story is about Libya, its score in [0, 1] and the words that said so."""
    head = _words(headline)
    chunks = _chunks(body)
    lebanon = _mentions_lebanon([*head, *(w for c in chunks for w in c)])
    head_hits = _hits(head, lebanon)
    chunk_hits = [_hits(chunk, lebanon) for chunk in chunks]
    every = [*head_hits, *(h for hits in chunk_hits for h in hits)]
    # Evidence that needs context (مجلس النواب) counts only in a story that is Libyan on
    # other grounds: Libyan actors, or Libyan words up front or more than once.
    firm = [h for h in every if h.kind not in _SOFT]
    up_front = [*head_hits, *(chunk_hits[0] if chunk_hits else [])]
    grounded = (
        libyan_entities >= GROUNDING_ENTITIES
        or any(h.kind not in _SOFT for h in up_front)
        or sum(h.weight for h in firm) >= GROUNDING_WEIGHT
    )

    def weight(hits: list[_Hit]) -> float:
        return sum(h.weight for h in hits if grounded or h.kind != "contextual")

    head_weight = weight(head_hits)
    lead_weight = weight(chunk_hits[0]) if chunks else 0.0
    chunk_weights = [min(1.0, weight(hits)) for hits in chunk_hits]
    total = head_weight + sum(weight(hits) for hits in chunk_hits)

    head_share, lead_share = HEADLINE_SHARE, LEAD_SHARE
    if not head:
        # Without a headline the first paragraph is the best statement of the subject.
        head_share, lead_share = 0.0, HEADLINE_SHARE + LEAD_SHARE
    score = (
        head_share * min(1.0, head_weight)
        + lead_share * min(1.0, lead_weight)
        + DENSITY_SHARE * (sum(chunk_weights) / len(chunk_weights) if chunk_weights else 0.0)
        + VOLUME_SHARE * (1 - math.exp(-total / 3))
        + ENTITY_SHARE * (1 - math.exp(-max(libyan_entities, 0) / 3))
    )
    score *= _penalty(head, chunks, head_hits, every, f"{headline}\n{body}")
    if _in_passing(head_weight, chunk_weights, libyan_entities, every):
        score *= PASSING_FACTOR
    score = round(min(1.0, max(0.0, score)), 3)
    evidence = tuple(
        dict.fromkeys(
            h.text for h in every if h.kind != "analogy" and (grounded or h.kind != "contextual")
        )
    )
    return Relevance(relevant=score >= THRESHOLD, score=score, evidence=evidence)


def _in_passing(
    head_weight: float,
    chunk_weights: Sequence[float],
    libyan_entities: int,
    every: Sequence[_Hit],
) -> bool:
    """Whether Libya comes up only in passing: not in the headline, in few chunks, few actors."""
    if head_weight > 0:
        return False
    firm = [h for h in every if h.kind not in _SOFT]
    if len(firm) == 1 and firm[0].listed and libyan_entities <= 1:
        return True
    if len(chunk_weights) < PASSING_MIN_CHUNKS:
        return False
    named_in = sum(1 for w in chunk_weights if w > 0)
    return named_in < PASSING_SHARE * len(chunk_weights) and libyan_entities < PASSING_MAX_ENTITIES


def _words(text: str) -> list[_Word]:
    """The normalized words of a text with the words as written, for the evidence."""
    pieces, normalized = text.split(), normalize(text).split()
    if len(pieces) != len(normalized):
        # A ligature that NFKC spells out in several words: keep the normalized forms.
        pieces = normalized
    out: list[_Word] = []
    # normalize() runs once on the whole text (it is the costly part); its whitespace
    # pieces line up with the original's, which give the evidence as it was written.
    for piece, norm_piece in zip(pieces, normalized, strict=True):
        norms = _TOKEN.findall(norm_piece)
        if len(norms) == 1:
            out.append(_word(norms[0], _EDGE_PUNCTUATION.sub("", piece) or norms[0]))
        else:
            out.extend(_word(norm, norm) for norm in norms)
    return out


def _word(norm: str, surface: str) -> _Word:
    return _Word(norm, surface, _bases(norm), word_readings(norm))


def _chunks(body: str) -> list[list[_Word]]:
    """The body's paragraphs, long ones cut into runs of CHUNK_WORDS words."""
    chunks: list[list[_Word]] = []
    for paragraph in body.splitlines():
        words = _words(paragraph)
        chunks.extend(words[i : i + CHUNK_WORDS] for i in range(0, len(words), CHUNK_WORDS))
    return chunks


@lru_cache(maxsize=1 << 16)
def _bases(word: str) -> frozenset[str]:
    """A normalized word and the same word without a leading conjunction or preposition."""
    out = {word}
    for clitic in _CLITICS:
        if word.startswith(clitic) and len(word) - len(clitic) >= 3:
            out.add(word[len(clitic) :])
    for run in ("لل", "ولل", "فلل"):
        # للزاوية is ل + الزاوية with the article's alef dropped.
        if word.startswith(run) and len(word) - len(run) >= 2:
            out.add("ال" + word[len(run) :])
    return frozenset(out)


def _is_libya(word: _Word) -> bool:
    if word.norm in _LIBYA_LATIN:
        return True
    if any(r.startswith("ليبير") for r in word.readings):
        return False  # Liberia
    # كليب is ك + ليب with nothing after it; every Libya form has a suffix (ليبيا, ليبي).
    return ("ليب" in word.readings and not word.norm.endswith("ليب")) or any(
        r.startswith("ليبي") for r in word.readings
    )


def _by_first_word(
    names: Iterable[tuple[str, float]],
) -> dict[str, list[tuple[tuple[str, ...], float]]]:
    index: dict[str, list[tuple[tuple[str, ...], float]]] = {}
    for name, weight in names:
        words = tuple(tokens(name))
        index.setdefault(words[0], []).append((words, weight))
    return index


_INSTITUTION_MATCHER: PhraseMatcher[tuple[str, float]] = PhraseMatcher(
    (name, ("contextual" if contextual else "institution", weight))
    for name, weight, contextual in INSTITUTIONS
)
_CITY_INDEX = _by_first_word(CITIES)
_NOT_CITY_INDEX = _by_first_word((phrase, 0.0) for phrase in NOT_CITIES)
_TRIPOLI = normalize("طرابلس")
_SPORTS_GROUPS = SPORTS_ONLY_GROUPS + SPORTS_TOO_GROUPS
_SOFT = frozenset({"contextual", "analogy"})
# Sports groups first, then culture's, numbered on: one pass over the words finds both.
_GROUP_INDEX = {
    normalize(form): index
    for index, group in enumerate((*_SPORTS_GROUPS, *CULTURE_GROUPS))
    for form in group
}


def _names_at(
    words: Sequence[_Word], start: int, index: dict[str, list[tuple[tuple[str, ...], float]]]
) -> Iterator[tuple[tuple[str, ...], float]]:
    """The names of an index that the words starting at `start` spell, clitics aside."""
    for base in words[start].bases:
        for name, weight in index.get(base, ()):
            end = start + len(name)
            if end <= len(words) and all(
                part in words[start + i].bases for i, part in enumerate(name[1:], 1)
            ):
                yield name, weight


def _hits(words: Sequence[_Word], lebanon: bool) -> list[_Hit]:
    """The Libyan evidence in a run of words, in text order."""
    hits: list[_Hit] = []
    blocked: set[int] = set()
    for start in range(len(words)):
        for name, _ in _names_at(words, start, _NOT_CITY_INDEX):
            blocked.update(range(start, start + len(name)))
    for start, word in enumerate(words):
        if _is_libya(word):
            if _is_analogy(words, start):
                hits.append(_Hit("analogy", ANALOGY_WEIGHT, word.surface))
            else:
                listed = _is_listed(words, start)
                hits.append(_Hit("libya", LIBYA_WEIGHT, word.surface, listed))
        if start in blocked:
            continue
        for name, weight in _names_at(words, start, _CITY_INDEX):
            text = " ".join(w.surface for w in words[start : start + len(name)])
            if name == (_TRIPOLI,) and lebanon:
                hits.append(_Hit("tripoli", TRIPOLI_IN_LEBANON_WEIGHT, text))
            else:
                hits.append(_Hit("city", weight, text))
    found = _INSTITUTION_MATCHER.find([w.readings for w in words])
    for hit in longest_hits(found, lambda key: key[1]):
        kind, weight = hit.key
        text = " ".join(w.surface for w in words[hit.start : hit.end])
        hits.append(_Hit(kind, weight, text))
    return hits


def _is_listed(words: Sequence[_Word], at: int) -> bool:
    """Whether the word at `at` is one of three or more joined by و: X وY وليبيا, ليبيا وX وY."""

    def joined(index: int) -> bool:
        return 0 <= index < len(words) and words[index].norm.startswith("و")

    return (joined(at) and joined(at - 1) and at >= 2) or (joined(at + 1) and joined(at + 2))


def _is_analogy(words: Sequence[_Word], at: int) -> bool:
    """Whether the Libya word at `at` is a model or precedent: النموذج الليبي, على غرار ليبيا."""
    for back in range(1, ANALOGY_FAR_WORDS + 1):
        if at - back < 0:
            break
        readings = words[at - back].readings
        if not _ANALOGY_FAR.isdisjoint(readings):
            return True
        if back <= ANALOGY_NEAR_WORDS and not _ANALOGY_NEAR.isdisjoint(readings):
            return True
    return False


def _mentions_lebanon(words: Sequence[_Word]) -> bool:
    return any(
        base in _LEBANON or base.startswith(("لبناني", "اللبناني"))
        for word in words
        for base in word.bases
    )


def _penalty(
    head: Sequence[_Word],
    chunks: Sequence[Sequence[_Word]],
    head_hits: Sequence[_Hit],
    every: Sequence[_Hit],
    raw_text: str,
) -> float:
    """The share of the score kept once football and Liberia/Philippines stories are marked down."""
    all_words = [*head, *(w for chunk in chunks for w in chunk)]
    groups = _groups(all_words)
    sports = {index for index in groups if index < len(_SPORTS_GROUPS)}
    if _is_football(sports, raw_text):
        return SPORTS_FACTOR
    if len(groups) - len(sports) >= CULTURE_MIN_GROUPS:
        return CULTURE_FACTOR
    confusable = sum(1 for w in all_words if _is_confusable(w))
    if not confusable:
        return 1.0
    libya = sum(1 for h in every if h.kind == "libya")
    head_confusable = any(_is_confusable(w) for w in head)
    head_libya = any(h.kind == "libya" for h in head_hits)
    if confusable >= libya or (head_confusable and not head_libya):
        return CONFUSABLE_FACTOR
    return 1.0


def _is_confusable(word: _Word) -> bool:
    """A word naming Liberia or the Philippines, the countries a reader confuses with Libya."""
    return any(r.startswith(("ليبير", "فلب")) for r in word.readings) or not word.bases.isdisjoint(
        _CONFUSABLE_CAPITALS
    )


def _is_football(groups: set[int], raw_text: str) -> bool:
    if not any(index < len(SPORTS_ONLY_GROUPS) for index in groups):
        return False
    if len(groups) >= SPORTS_MIN_GROUPS:
        return True
    if len(groups) < SPORTS_MIN_GROUPS_WITH_SCORE:
        return False
    return _SCORE_LINE.search(normalize(raw_text)) is not None


def _groups(words: Sequence[_Word]) -> set[int]:
    """The sports and culture groups (numbered as in _GROUP_INDEX) the words use."""
    found: set[int] = set()
    for word in words:
        for base in word.bases:
            index = _GROUP_INDEX.get(base)
            if index is not None:
                found.add(index)
                break
    return found
