"""People, bodies, countries and places named in a story.

Known actors come from the knowledge base through a gazetteer that sees through clitics and
prefers the longest match; a surname alone resolves to the person named in full earlier in
the same story; people the knowledge base lacks are discovered from a title before the name
or an appositive after it, keeping the role they carry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import MappingProxyType

from bot.analysis.text.foreign_surnames import by_ear_key
from bot.analysis.text.lexicon import common_words, named_after, role_stops, titles
from bot.analysis.text.names import divine_names, given_names, joiners
from bot.analysis.text.normalize import normalize, strip_marks
from bot.analysis.text.romanize import romanize
from bot.analysis.text.stem import unclitic
from bot.analysis.text.tokens import BOUNDARY, COMMA, Token, tokenize
from bot.models import Actor, Mention, Place, Role

MAX_NAME_TOKENS = 4
MAX_TITLE_PHRASE = 9
MAX_ROLE_TOKENS = 12
# States whose people are named family name first.
_FAMILY_FIRST = frozenset({"kp", "kr", "cn", "vn", "tw", "sg", "hk", "mo"})


@dataclass(frozen=True, slots=True)
class Entry:
    """What a gazetteer variant stands for."""

    key: str
    kind: str  # person | body | country | place
    name_ar: str
    name_en: str
    actor: Actor | None = None
    place: Place | None = None


@dataclass(slots=True)
class Found:
    """An entity found in a story, with every place it stands."""

    entry: Entry
    spans: list[tuple[int, int]] = field(default_factory=list)
    role_ar: str | None = None
    known: bool = True

    @property
    def first(self) -> int:
        """The token index of its first mention."""
        return self.spans[0][0]


_Variant = tuple[frozenset[str], ...]


class Gazetteer:
    """Every spelling of every known actor and place, matched on normalized bare tokens."""

    def __init__(
        self,
        actors: Iterable[Actor],
        places: Iterable[Place] = (),
        name_stops: Iterable[str] = (),
        list_names: Mapping[str, str] = MappingProxyType({}),
    ) -> None:
        self.by_first: dict[str, list[tuple[_Variant, Entry]]] = {}
        # Variants of two words or more by their first two words, each with the place it
        # has in its first word's list: a common first name (محمد) opens dozens of them.
        self._singles: dict[str, list[tuple[int, Entry]]] = {}
        self._by_pair: dict[tuple[str, str], list[tuple[int, _Variant, Entry]]] = {}
        self.actors: dict[str, Actor] = {}
        self.surnames: dict[str, Entry] = {}
        # Words that are never part of a discovered name, and English spellings of name words
        # the knowledge base gives (السراج -> al-Sarraj) for naming the people it lacks.
        self.name_stops: frozenset[str] = frozenset(name_stops)
        self.spellings: dict[str, str] = {}
        for actor in actors:
            self.actors[actor.id] = actor
            if actor.kind == "person":
                self._learn_spellings(actor.name_ar, actor.name_en)
            entry = Entry(actor.id, actor.kind, actor.name_ar, actor.name_en, actor=actor)
            for variant in (actor.name_ar, *actor.variants_ar, *actor.adjectives_ar):
                self._add(variant, entry)
        # States' names that are common words too, by their normalized form: a state only
        # next to other states ("مصر وعمان").
        self.in_lists: dict[str, Entry] = {}
        for name, key in list_names.items():
            if (state := self.actors.get(key)) is not None:
                self.in_lists[normalize(name)] = Entry(
                    state.id, state.kind, state.name_ar, state.name_en, actor=state
                )
        for place in places:
            entry = Entry(place.id, "place", place.name_ar, place.name_en, place=place)
            for variant in (place.name_ar, *place.variants_ar):
                self._add(variant, entry)

    def _learn_spellings(self, name_ar: str, name_en: str) -> None:
        """Word by word, when the Arabic and English names have as many words."""
        arabic = [normalize(w) for w in name_ar.split()]
        english = name_en.split()
        if len(arabic) != len(english) or "عبد" in arabic:
            return
        for ar, en in zip(arabic, english, strict=True):
            if ar not in given_names() and ar not in joiners() and en.isascii():
                self.spellings.setdefault(ar, en)
                # By ear too, for the other ways outlets write a foreign name (see romanize).
                if key := by_ear_key(ar):
                    self.spellings.setdefault(key, en)

    def _add(self, variant: str, entry: Entry) -> None:
        toks = tokenize(variant)
        if not toks:
            return
        key: _Variant = tuple(frozenset(_forms(tok)) for tok in toks)
        for form in key[0]:
            listed = self.by_first.setdefault(form, [])
            place = len(listed)
            listed.append((key, entry))
            if len(key) == 1:
                self._singles.setdefault(form, []).append((place, entry))
                continue
            for second in key[1]:
                self._by_pair.setdefault((form, second), []).append((place, key, entry))

    def match(self, tokens: Sequence[Token]) -> list[tuple[int, int, Entry]]:
        """Non-overlapping (start, end, entry) hits, the longest at each place."""
        hits = []
        # Each token's forms once: matching asks for them again at every variant tried.
        forms = [_forms(tok) for tok in tokens]
        i = 0
        while i < len(tokens):
            # The longest variant wins; among as long, the one met first going through the
            # token's forms in order and each form's variants in the order they were added.
            best: tuple[int, int, int, Entry] | None = None  # (-length, form, place, entry)
            for rank, form in enumerate(forms[i]):
                for place, entry in self._singles.get(form, ()):
                    if best is None or (-1, rank, place) < best[:3]:
                        best = (-1, rank, place, entry)
                if i + 1 >= len(tokens):
                    continue
                for second in forms[i + 1]:
                    for place, variant, entry in self._by_pair.get((form, second), ()):
                        n = len(variant)
                        if best is not None and (-n, rank, place) >= best[:3]:
                            continue
                        if i + n <= len(tokens) and all(
                            not v.isdisjoint(f)
                            for v, f in zip(variant[2:], forms[i + 2 : i + n], strict=True)
                        ):
                            best = (-n, rank, place, entry)
            if best is None:
                i += 1
                continue
            hits.append((i, i - best[0], best[3]))
            i -= best[0]
        return hits


def _forms(token: Token) -> tuple[str, ...]:
    return token.bare if token.is_word else (token.norm,)


def find_entities(
    tokens: Sequence[Token], gazetteer: Gazetteer, *, on: date | None = None
) -> list[Found]:
    """Known actors and places, surnames resolved in-story, and people discovered in context."""
    found: dict[str, Found] = {}
    # What each token already belongs to: the kind of entity, or None.
    taken: list[str | None] = [None] * len(tokens)
    for start, end, entry in gazetteer.match(tokens):
        if entry.kind == "person" and _names_a_thing(tokens, start):
            continue  # "شارع عمر المختار" is a street
        found.setdefault(entry.key, Found(entry)).spans.append((start, end))
        for k in range(start, end):
            taken[k] = entry.kind
    _states_in_lists(tokens, found, taken, gazetteer.in_lists)
    _defer_surnames(tokens, found, taken)
    _resolve_surnames(tokens, found, taken)
    namer = _Namer(gazetteer.name_stops, gazetteer.spellings)
    for person in _discover(tokens, taken, namer):
        key = person.entry.key
        for start, end in person.spans:
            for k in range(start, end):
                taken[k] = "person"
        if key in found:
            found[key].spans.extend(person.spans)
        else:
            found[key] = person
    _merge_partial_names(tokens, found)
    # Discovered people are named by surname alone later on, too.
    _resolve_surnames(tokens, found, taken)
    for item in found.values():
        item.spans.sort()
        if item.entry.kind == "person" and item.role_ar is None:
            item.role_ar = _role_near(tokens, item, taken)
    return sorted(found.values(), key=lambda f: f.first)


def _states_in_lists(
    tokens: Sequence[Token],
    found: dict[str, Found],
    taken: list[str | None],
    in_lists: Mapping[str, Entry],
) -> None:
    """A state's name that is a common word too is the state next to another in a list.

    "مصر وعمان والسودان" is Egypt, Oman and Sudan; "عمان" alone may be Amman.
    """
    if not in_lists:
        return
    added = True
    while added:
        added = False
        for i, tok in enumerate(tokens):
            entry = next((in_lists[f] for f in tok.bare if f in in_lists), None)
            if entry is None or taken[i] or not tok.is_word:
                continue
            left = i > 0 and taken[i - 1] == "country" and tok.norm.startswith("و")
            right = i + 1 < len(tokens) and taken[i + 1] == "country"
            right = right and tokens[i + 1].norm.startswith("و")
            comma = i > 1 and tokens[i - 1].text in ",،-" and taken[i - 2] == "country"
            if left or right or comma:
                found.setdefault(entry.key, Found(entry)).spans.append((i, i + 1))
                taken[i] = "country"
                added = True
    for item in found.values():
        item.spans.sort()


def _merge_partial_names(tokens: Sequence[Token], found: dict[str, Found]) -> None:
    """A discovered name that is part of another person's is that person.

    "عمرو سعد عباس" then "عمرو سعد": the first two names of the three; "مصطفى عبدالله"
    just before "صنع الله", a known person with the same first name: his father's name.
    """
    words = {key: key.removeprefix("new:").split() for key in found if key.startswith("new:")}
    for key, item in list(found.items()):
        if not key.startswith("new:"):
            continue
        mine = words[key]
        owner = next(
            (
                other
                for other, theirs in words.items()
                if other != key and len(theirs) > len(mine) and theirs[: len(mine)] == mine
            ),
            None,
        )
        if owner is None:
            owner = _known_after(tokens, found, item)
        if owner is not None and owner in found:
            found[owner].spans.extend(item.spans)
            del found[key]
            del words[key]


def _known_after(tokens: Sequence[Token], found: dict[str, Found], item: Found) -> str | None:
    """The known person whose mention follows this name at once and shares its first word."""
    start, end = item.spans[0]
    for key, other in found.items():
        if other.entry.kind != "person" or not other.known:
            continue
        first = normalize(other.entry.name_ar.split()[0])
        if any(s == end for s, _ in other.spans) and first in _forms(tokens[start]):
            return key
    return None


def _full_name_owners(tokens: Sequence[Token], found: dict[str, Found]) -> dict[str, set[str]]:
    """Each family name of a person's full name (two words or more) in the story, and whose.

    The family name is the last word, or the first in a Korean or Chinese name ("كيم جونغ
    أون" is then "كيم", "مون جاي-إن" is "مون").
    """
    owners: dict[str, set[str]] = {}
    for item in found.values():
        if item.entry.kind != "person":
            continue
        for start, end in item.spans:
            if end - start >= 2:
                family = start if _family_first(tokens, start, end, item) else end - 1
                for form in _forms(tokens[family]):
                    owners.setdefault(form, set()).add(item.entry.key)
    return owners


def _family_first(tokens: Sequence[Token], start: int, end: int, item: Found) -> bool:
    """Whether a name puts the family name first: known East Asian, or a hyphened given name."""
    actor = item.entry.actor
    if actor is not None:
        return actor.country in _FAMILY_FIRST
    # "مون جاي-إن": the hyphen joins the given name's two parts, after the family name and
    # one more word; "كيم-ترامب" joins two names.
    return any(tokens[k].text == "-" for k in range(start + 2, end))


def _defer_surnames(
    tokens: Sequence[Token], found: dict[str, Found], taken: list[str | None]
) -> None:
    """A surname the knowledge base gives to one person yields to those the story names in full.

    With Saddam and Khaled Haftar named, "حفتر" alone is one of them, not Khalifa: it goes to
    the only one whose full name ends with it, or to no one when several do.
    """
    owners = _full_name_owners(tokens, found)
    for key, item in list(found.items()):
        if item.entry.kind != "person":
            continue
        kept = []
        for start, end in item.spans:
            claim = {k for form in _forms(tokens[start]) for k in owners.get(form, ())}
            if end - start > 1 or not claim or key in claim:
                kept.append((start, end))
                continue
            taken[start] = None  # _resolve_surnames gives it to a single owner
        if kept:
            item.spans[:] = kept
        else:
            del found[key]


def _resolve_surnames(
    tokens: Sequence[Token], found: dict[str, Found], taken: list[str | None]
) -> None:
    """A surname alone belongs to the one person of the story whose full name ends with it."""
    owners = _full_name_owners(tokens, found)
    if not owners:
        return
    for i, tok in enumerate(tokens):
        if taken[i] or not tok.is_word or not any(form in owners for form in tok.bare):
            continue
        keys = {key for form in tok.bare for key in owners.get(form, ())}
        if len(keys) == 1:
            found[keys.pop()].spans.append((i, i + 1))
            taken[i] = "person"


def _is_name_token(
    tok: Token, stops: frozenset[str] = frozenset(), *, readings: bool = True
) -> bool:
    """A word that may be part of a name: not common, in any of its clitic-free readings.

    Without `readings` only the word as written counts: ليجري is Leggeri even though
    ل + يجري is "runs".
    """
    if not tok.is_word or len(tok.norm) < 2 or any(c.isdigit() for c in tok.norm):
        return False
    # A nisba with the article is judged whole: الثلثي is a family name, ثلثي "two thirds".
    article = tok.norm.startswith("ال")
    whole = tok.norm.endswith("ي") if article else not readings
    forms = (tok.norm,) if whole else (tok.norm, *tok.bare)
    return not any(form in common_words() or form in stops for form in forms)


def _has_article(tok: Token) -> bool:
    """Words of a title phrase carry the article ("رئيس الوزراء الإيطالي"); first names do not."""
    return tok.norm.startswith(("ال", "وال", "بال", "لل"))


def _is_title(tok: Token) -> bool:
    return tok.is_word and _title_word(tok.norm)


@lru_cache(maxsize=1 << 16)
def _title_word(norm: str) -> bool:
    """Whether a normalized word is a title, clitics on or off (asked of every word)."""
    return norm in titles() or any(form in titles() for form in unclitic(norm))


_CLITICS = ("و", "ف", "ب", "ل", "وب", "ول", "فب", "فل", "ك")


def _given_at(tokens: Sequence[Token], i: int) -> tuple[int, int] | None:
    """A given name at token i: (letters of clitic before it, tokens it takes), or None.

    "ومحمد" is و + محمد; "عبد السلام" and "عبدالسلام" are one given name; علي is a name
    but على, which normalizes to the same letters, is the preposition.
    """
    tok = tokens[i]
    if not tok.is_word:
        return None
    found = _given_word(tok.norm)
    if found is None:
        return None
    clitic, kind = found
    if kind == "name":
        return None if _other_word(tok, clitic) else (clitic, 1)
    # عبد and أبو take the next word with them: a divine name, a given name.
    nxt = tokens[i + 1].norm if i + 1 < len(tokens) else ""
    wanted = divine_names() if kind == "abd" else given_names()
    return (clitic, 2) if nxt in wanted else None


@lru_cache(maxsize=1 << 16)
def _given_word(norm: str) -> tuple[int, str] | None:
    """Whether one word opens a given name: (clitic letters, "name" | "abd" | "abu")."""
    if norm in ("ابو", "وابو"):
        return len(norm) - 3, "abu"  # "أبو بكر البغدادي": a kunya is a given name
    for clitic in ("", *_CLITICS):
        if clitic and not norm.startswith(clitic):
            continue
        word = norm[len(clitic) :]
        if len(word) < 2:
            continue
        if clitic and ((len(word) < 4 and clitic != "و") or norm in common_words()):
            continue  # "بيان" is a statement, not ب + يان
        if word == "عبد":
            return len(clitic), "abd"
        if (word.startswith("عبد") and word[3:] in divine_names()) or word in given_names():
            return len(clitic), "name"
    return None


@dataclass(frozen=True, slots=True)
class _Namer:
    """What discovery needs from the knowledge: words that end a name, and known spellings."""

    stops: frozenset[str]
    spellings: dict[str, str]

    def name_word(self, tok: Token, place: int = 1) -> bool:
        """A word that can continue a name, as its `place`-th word (0 is the first)."""
        norm = tok.norm
        if norm in given_names() and not _other_word(tok, 0):
            return True  # "بهاء علي": a given name is a name word, common or not
        # Right after the given name, a surname that starts like a clitic is read as
        # written ("فابريس ليجري"); further on, "لحقوق" is a preposition and its noun.
        if not _is_name_token(tok, self.stops, readings=place >= 2):
            return False
        if norm.startswith(_NOT_IN_NAMES):
            return False  # "للواجهة", "بالزي": a preposition on the article
        if norm.startswith(("ل", "ب")) and norm.endswith(("ته", "تها", "تهم", "هم")):
            return False  # "لخلافته", "لارتباطهم": a preposition and a possessive, a phrase
        if norm.endswith(("هما", "تها", "تهم", "ائه", "اءه")) or (
            norm.endswith("ها") and len(norm) > 4
        ):
            return False  # "انسحابهما", "حتفها", "أدائه": a noun with a possessive
        if _verbal_noun(norm):
            return False
        if _verb_shaped(norm):
            return False
        if norm.startswith("و") and len(norm) > 3:
            rest = norm[1:]
            # "وناصر", "والمقاتلين", "وأبو": the و starts the next item, not part of this
            # name; a third word with و is "and" too ("مرعي زغبية وحوكم").
            if (
                place >= 2
                or rest in given_names()
                or rest in joiners()
                or rest.startswith("ال")
                or rest in self.stops
            ):
                return False
        return True


def _verb_shaped(norm: str) -> bool:
    """Present and future tense shapes no name word has: يفعل, تفعل, يتفعل, سيفعل, نستفعل."""
    if norm.startswith("تش") or norm.endswith("نغ"):
        return False  # spellings of foreign sounds (ch, ng), no Arabic verb: كيم يونغ تشول
    if (norm[:1] in ("ي", "ت") and len(norm) == 4) or (norm[:1] == "ي" and len(norm) in (3, 5)):
        return True  # "هشام يوزع", "عاطف تجلس", "سامي يمارس", "صلاح يهز"
    if norm.endswith("ت") and norm.startswith(("ان", "است", "ات")) and len(norm) >= 6:
        return True  # past tense, feminine: "انطلقت", "استقبلت"
    if norm.startswith(("يت", "تت", "نت", "يست", "تست", "نست")) and len(norm) >= 5:
        return True  # "يسرى تتدرب", "دينا نستخدمه"
    # سـ + a present tense: "سيستعيد"; but سيهوفر is Seehofer, no س + يفعّل.
    rest = norm[1:]
    return norm[:1] == "س" and len(norm) >= 5 and _verb_shaped(rest) and len(rest) != 5


def _verbal_noun(norm: str) -> bool:
    """The shapes of the افتعال, انفعال and استفعال verbal nouns ("اجتماع", "انسحاب")."""
    if len(norm) < 6 or not norm.startswith("ا") or norm.startswith("ال"):
        return False
    return norm.startswith("است") or norm[2] == "ت" or (norm[1] == "ن" and norm[4] == "ا")


# Clitic runs no name word carries after its first: a preposition or و on the article.
_NOT_IN_NAMES = ("لل", "بال", "وال", "فال", "كال", "وبال", "ولل")
# Given names that are also everyday words ("باسم" in the name of, "حسن الجوار" good
# neighbourliness): they open a name only before a word without the article.
_AMBIGUOUS_GIVEN = frozenset(
    normalize(w)
    for w in (
        "حسن أسماء آمنة أمين سلام إسلام عزيز جميل أمل نور حياة دينا نجاة رمضان سهام جميلة"
        " مؤيد صلاح مصباح"
    ).split()
)
# Given names that ى and ي tell from a common word normalization makes them equal to:
# علي is Ali but على is "on"; منى is Mona but مني is "from me".
_NAME_ENDING = {"علي": "ي", "مني": "ى"}


def _other_word(tok: Token, clitic: int) -> bool:
    """Whether the word is the common word its given-name reading normalizes the same as."""
    ending = _NAME_ENDING.get(tok.norm[clitic:])
    return ending is not None and not strip_marks(tok.text).rstrip("ـ").endswith(ending)


def _discover(tokens: Sequence[Token], taken: list[str | None], namer: _Namer) -> list[Found]:
    """People introduced by a title before the name, an appositive after it, or a given name."""
    people: list[Found] = []
    claimed: set[int] = set()  # tokens of the names found so far

    def keep(person: Found | None) -> bool:
        if person is None:
            return False
        span = set(range(*person.spans[0]))
        # "نائب رئيس الوزراء ...": each title word leads to the same name; it is named once.
        if not span & claimed:
            claimed.update(span)
            people.append(person)
        return True

    for i, tok in enumerate(tokens):
        if not _is_title(tok) or taken[i] or i in claimed:
            continue
        # "ماتيا كولومبو، منسق برامج الحماية": the title is his, and no name follows it.
        if (
            i >= 2
            and tokens[i - 1].text in COMMA
            and keep(_before_appositive(tokens, taken, i, namer))
        ):
            continue
        keep(_after_title(tokens, taken, i, namer))
    # "قال هشام عشماوي ...": a given name and the words of the name after it, anywhere.
    i = 0
    while i < len(tokens):
        if taken[i] or i in claimed:
            i += 1
            continue
        person = _from_given_name(tokens, taken, i, namer)
        if person is None:
            i += 1
            continue
        keep(person)
        i = person.spans[0][1]
    return people


def _names_a_thing(tokens: Sequence[Token], start: int) -> bool:
    """Whether the name at `start` names a place or a body after a person.

    "مطار محمد الخامس", "كتيبة عمر المختار": the noun before it is in construct, without
    the article ("في المدينة عطية الشاعري" names a man).
    """
    if start == 0:
        return False
    before = tokens[start - 1]
    return (
        before.is_word
        and not _has_article(before)
        and any(form in named_after() for form in before.bare)
    )


def _from_given_name(
    tokens: Sequence[Token], taken: list[str | None], i: int, namer: _Namer
) -> Found | None:
    """'هشام عشماوي': a given name, then one to three words that can be part of a name."""
    given = _given_at(tokens, i)
    if given is None:
        return None
    clitic, width = given
    if not clitic and _names_a_thing(tokens, i):
        return None
    end = _name_end(tokens, taken, i + width, namer, MAX_NAME_TOKENS - width)
    if end == i + width:
        return None  # a given name alone names no one in particular
    after = tokens[i + width]
    if (
        tokens[i].norm[clitic:] in _AMBIGUOUS_GIVEN
        and after.norm not in given_names()
        and (
            _has_article(after)
            or after.norm.endswith(("ه", "ين", "ات", "ا"))
            or after.norm.startswith(("ل", "ب"))
        )
    ):
        return None  # "حسن الجوار", "آمنة مطمئنة", "خلف قتيلين": a word and what goes with it
    if (i == 0 or tokens[i - 1].text == "\n") and (end == len(tokens) or tokens[end].text == "\n"):
        return None  # a name alone on its line is a byline or a masthead, not a mention
    return _new_person(tokens, i, end, None, namer, clitic=clitic)


def _name_end(
    tokens: Sequence[Token], taken: list[str | None], j: int, namer: _Namer, room: int
) -> int:
    """Where a name that continues at token j ends: at most `room` more name words."""
    end = j
    while end < len(tokens) and end - j < room and not taken[end]:
        tok = tokens[end]
        if tok.norm in joiners():
            # "بن حميد", "آل ثاني": a joiner belongs to the name only with a name after it,
            # and what follows it is a name even when it is also a word (ثاني second).
            nxt = end + 1
            if (
                nxt < len(tokens)
                and not taken[nxt]
                and tokens[nxt].is_word
                and (
                    (tok.text.startswith("آل") and not any(c.isdigit() for c in tokens[nxt].norm))
                    or _is_name_token(tokens[nxt])
                )
            ):
                if end + 2 - j > room:
                    break
                end += 2  # after آل any word is the family's name ("آل ثاني")
                continue
            break
        if (
            tok.text == "-"
            and end > 0
            and tokens[end - 1].is_word
            and end + 1 < len(tokens)
            and tokens[end + 1].is_word
            and tokens[end + 1].start == tok.end
            and end + 2 - j <= room
        ):
            end += 2  # "جان-كلود", "مون جاي-إن": a hyphen joins the parts of one name
            continue
        given = _given_at(tokens, end)
        if given is not None and end > j and tokens[end].norm[:1] == "و":
            break  # "محمد خميس العبيدي وناصر ...": a second person
        if given == (0, 2):
            if end + 2 - j > room:
                break
            end += 2  # "عماد عبد الحميد": عبد and a divine name, the father's name
            continue
        if not namer.name_word(tok, place=end - j + 1):
            break
        end += 1
    return min(end, j + room)


def _after_title(
    tokens: Sequence[Token], taken: list[str | None], i: int, namer: _Namer
) -> Found | None:
    """'سفير المملكة المتحدة كارولاين هرندل': the title phrase, then a name of 2-4 words."""
    j = i + 1
    limit = min(len(tokens), i + 1 + MAX_TITLE_PHRASE)
    # The title phrase runs over entities, words with the article and the curated list's
    # words ("وزير الخارجية والتعاون الدولي"); any other word is where a name would start,
    # and when that word is a common one the clause has moved on ("متحدث باسمه إنه تلقى").
    while (
        j < limit
        and tokens[j].is_word
        and (taken[j] or not _is_name_token(tokens[j]) or _has_article(tokens[j]))
    ):
        if taken[j] == "person" or tokens[j].norm in role_stops():
            # The title belongs to a person we know, or the clause has moved on.
            return None
        j += 1
    if j < len(tokens) and _given_at(tokens, j) is not None:
        return None  # a given name is found on its own, with its clitic handled
    end = _name_end(tokens, taken, j, namer, MAX_NAME_TOKENS)
    if end - j < 2 or any(_given_at(tokens, k) is not None for k in range(j + 1, end)):
        return None  # "رئيس وزرائها جوزف موسكات": the name is the given name's, found so
    if any(_has_article(tokens[k]) for k in range(j + 1, end)):
        return None  # "متقلب المزاج": with no given name, a word and its article adjective
    first = tokens[j].norm
    if first[:1] in ("ب", "ل", "ك") and first[1:] in namer.stops:
        return None  # "ببلدية شحات": a preposition and a noun
    if first.startswith(("ال", "وال")):
        # A name does not open with the article: "الوفد المرافق" is a delegation.
        return None
    role = _span_text(tokens, i, j)
    return _new_person(tokens, j, end, role, namer)


def _before_appositive(
    tokens: Sequence[Token], taken: list[str | None], i: int, namer: _Namer
) -> Found | None:
    """'إيفان مولوتكوف، نائب مدير إدارة الشرق الأوسط': a name, a comma, then its role."""
    end = i - 1  # the comma
    start = end
    while start > 0 and end - start < MAX_NAME_TOKENS:
        prev = tokens[start - 1]
        if taken[start - 1] or not namer.name_word(prev):
            break
        start -= 1
    # The name opens at a given name when there is one: "وقال هشام عشماوي،" is not the name.
    for k in range(start, end - 1):
        if _given_at(tokens, k) is not None:
            if k > start:
                return None  # the given-name pass finds it, clitic and all
            break
    if end - start < 2 or tokens[start].norm.startswith(("ال", "وال")):
        return None
    return _new_person(tokens, start, end, _role_phrase(tokens, i), namer)


def _new_person(
    tokens: Sequence[Token],
    start: int,
    end: int,
    role: str | None,
    namer: _Namer,
    *,
    clitic: int = 0,
) -> Found:
    name_ar = _span_text(tokens, start, end)
    if clitic:
        name_ar = _without_clitic(name_ar, clitic)
    words = [tokens[k].bare[0] for k in range(start, end)]
    if clitic:
        words[0] = tokens[start].norm[clitic:]
    key = "new:" + " ".join(words)
    entry = Entry(key, "person", name_ar, romanize(name_ar, namer.spellings))
    return Found(entry, spans=[(start, end)], role_ar=role, known=False)


def _without_clitic(text: str, letters: int) -> str:
    """The text without the first `letters` letters of its first word (marks skipped)."""
    kept = 0
    for pos, char in enumerate(text):
        if char.isalpha():
            kept += 1
            if kept > letters:
                return text[pos:]
    return text


def _role_near(tokens: Sequence[Token], item: Found, taken: list[str | None]) -> str | None:
    """The title phrase before or after the first of a person's mentions that has one.

    "من مصر.. المسماري يتحدث" names him bare; "المتحدث باسم الجيش الوطني الليبي، أحمد
    المسماري" gives his role.
    """
    for span in item.spans:
        role = _role_at(tokens, span, taken)
        if role is not None:
            return role
    return None


def _role_at(tokens: Sequence[Token], span: tuple[int, int], taken: list[str | None]) -> str | None:
    """The title phrase just before a mention, or after it and a comma."""
    start = span[0]
    # "الأمين العام للأمم المتحدة، أنطونيو غوتيريش": the title may stand before a comma.
    end = start - 1 if start >= 1 and tokens[start - 1].text in COMMA else start
    k = end - 1
    # "التقى وزير الخارجية الروسي بالمنقوش": a title is not the role of a preposition's object.
    given = _given_word(tokens[start].norm)
    if tokens[start].norm.startswith(_PREPOSITION_ARTICLE) or (given is not None and given[0]):
        k = -1  # nor of "وعبد السلام ..." or "بأحمد ...": a clitic joins it to what went before
    while k >= 0 and end - k <= MAX_TITLE_PHRASE and tokens[k].is_word:
        if taken[k] == "person":
            break  # "رئيس الحكومة عبد الحميد الدبيبة بالمنقوش": that title is the other's
        if _is_title(tokens[k]):
            # "نائب رئيس الوزراء": the title opens at the first of its title words.
            while k > 0 and _is_title(tokens[k - 1]) and not taken[k - 1]:
                k -= 1
            role = _span_text(tokens, k, end)
            first = tokens[k].norm
            clitic = next((c for c in ("وب", "و", "ف", "ب") if first.startswith(c)), "")
            if clitic and first not in titles() and first[len(clitic) :] in titles():
                # "ونائب رئيس الوزراء", "بزعيم كوريا الشمالية": the role, not the و or ب
                role = _without_clitic(role, len(clitic))
            return role
        k -= 1
    # "ستيفاني ويليامز، مستشارة خاصة": or after it, as an appositive; a title with و after
    # the comma starts the next item of a list ("خليفة حفتر، ورئيس مجلس النواب ...").
    after = span[1]
    if (
        after + 1 < len(tokens)
        and tokens[after].text in COMMA
        and tokens[after + 1].norm in titles()
    ):
        return _role_phrase(tokens, after + 1)
    return None


_PREPOSITION_ARTICLE = ("بال", "وبال", "فبال", "لل", "ولل", "فلل", "كال", "وكال")


def _role_phrase(tokens: Sequence[Token], start: int) -> str:
    """The role that starts at a title word, up to punctuation or a word that ends it."""
    stop = start
    while stop < len(tokens) and stop - start < MAX_ROLE_TOKENS:
        tok = tokens[stop]
        if tok.text in BOUNDARY or tok.text in COMMA or (stop > start and tok.norm in role_stops()):
            break
        stop += 1
    return _span_text(tokens, start, stop)


def _span_text(tokens: Sequence[Token], start: int, end: int) -> str:
    if end <= start:
        return ""
    # Words a space apart, but a hyphen as written, touching: "جان-كلود".
    text = tokens[start].text
    for prev, tok in zip(tokens[start : end - 1], tokens[start + 1 : end], strict=True):
        text += tok.text if tok.start == prev.end else " " + tok.text
    return text.strip()


def to_mentions(found: Iterable[Found], on: date | None = None) -> list[Mention]:
    """Mentions for storage and display: known people get their role at that date."""
    out = []
    for item in found:
        entry = item.entry
        if entry.kind == "place":
            continue
        role_ar, role_en = item.role_ar, None
        if entry.actor is not None and entry.actor.roles:
            # On a story's date, only a role held then: Menfi was not head of the Presidential
            # Council in 2018. Without a date, the latest.
            role = current_role(entry.actor, on) if on is None else held_role(entry.actor, on)
            if role is not None:
                role_ar = role_ar or role.ar
                role_en = role.en
        out.append(
            Mention(
                key=entry.key,
                kind=entry.kind,
                name_ar=entry.name_ar,
                name_en=entry.name_en,
                role_ar=role_ar or None,
                role_en=role_en,
                known=item.known,
                count=len(item.spans),
            )
        )
    return out


def held_role(actor: Actor, on: date) -> Role | None:
    """The role the actor held in that year, if the knowledge base records one."""
    role = current_role(actor, on)
    return role if (role.start or 0) <= on.year <= (role.end or 9999) else None


def current_role(actor: Actor, on: date | None) -> Role:
    """The role the actor held on that day, else their latest.

    Among roles held together, the most recent start wins, and on a tie the one the
    knowledge base lists first, its main one (Prime Minister before Minister of Defence).
    """
    roles = list(actor.roles)
    held = [r for r in roles if on is None or (r.start or 0) <= on.year <= (r.end or 9999)]
    pool = held or roles
    # No end year means none is recorded, not that the role goes on: sort by start only.
    return max(pool, key=lambda r: (r.start or 0, -roles.index(r)))


def find_in_text(text: str, gazetteer: Gazetteer, on: date | None = None) -> list[Mention]:
    """Mentions in a plain text: a convenience over tokenize, find_entities and to_mentions."""
    return to_mentions(find_entities(tokenize(text), gazetteer, on=on), on)
