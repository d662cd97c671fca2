"""A Latin spelling for Arabic names the translator has not given us.

Known words come first: given names, Arabic and foreign, from the names lexicon, the divine
names after عبد, the joiners (بن، أبو), and any word spellings the caller knows (those of the
knowledge base). Other words are spelled by rule, with the short vowels Arabic leaves
unwritten guessed from the shape of the word; after a foreign given name the rest of the
name is read as foreign too ("ماتيو سالفيني" -> "Matteo Salvini"-like, و as o).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from bot.analysis.text.foreign_surnames import (
    by_ear_key,
    foreign_surnames,
    foreign_surnames_by_ear,
)
from bot.analysis.text.names import arabic_given, divine_names, foreign_given, joiners, surnames
from bot.analysis.text.normalize import normalize, strip_invisible, strip_marks

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "پ": "p", "ڤ": "v", "چ": "ch", "گ": "g",
}  # fmt: skip
_ALEFS = frozenset("اأآٱى")
# Two letters that write one foreign sound, in any name: no Arabic name joins t and sh, so
# تش is ch (غورباتشوف, راكيتيتش); نغ is ng (يونغ, هونغ), and no vowel goes inside either.
_LETTER_PAIRS = {"تش": "ch", "نغ": "ng"}
_NO_SPELLINGS: Mapping[str, str] = {}


def romanize(name: str, spellings: Mapping[str, str] = _NO_SPELLINGS) -> str:
    """A readable Latin form of an Arabic name: 'محمد إبراهيم' -> 'Mohamed Ibrahim'.

    `spellings` maps normalized Arabic words to a known English spelling of that word.
    """
    words = strip_marks(strip_invisible(name)).split()
    out: list[str] = []
    foreign = False
    i = 0
    while i < len(words):
        word, norm = words[i], normalize(words[i])
        nxt = normalize(words[i + 1]) if i + 1 < len(words) else ""
        if norm == "عبد" and nxt in divine_names():
            out.append(_abd(nxt))
            i += 2
            continue
        if norm == "عبد" and nxt.startswith("ال") and len(nxt) > 3:
            # عبد + another of God's names the list lacks: عبد العاطي -> Abdul Ati.
            out.append("Abdul " + _capital(_letters(words[i + 1][2:], foreign=False)))
            i += 2
            continue
        if i == 0 and norm in foreign_given() and norm not in arabic_given():
            foreign = True
        if "-" in word.strip("-"):
            # "جان-كلود", "جاي-إن": each part of a hyphenated name on its own.
            parts = [p for p in word.split("-") if p]
            out.append(
                "-".join(
                    _known(normalize(p), spellings, foreign=foreign)
                    or _spelled(p, normalize(p), foreign=foreign)
                    for p in parts
                )
            )
        else:
            known = _known(norm, spellings, article=not _alef_l(word), foreign=foreign)
            out.append(known or _spelled(word, norm, foreign=foreign))
        i += 1
    return " ".join(w for w in out if w)


def _abd(divine: str, *, joined: bool = False) -> str:
    """عبد + a divine name: Abdullah, Abdul Rahman, Abdul Aziz; joined as the Arabic is.

    "Abdul" and apart, as the knowledge base writes most Libyan names (Abdul Hamid Dbeibah);
    the Egyptian "Abdel" is one letter away. A name the outlet wrote as one word
    (عبدالسلام) is one word in English too (Abdulsalam), as its bearer usually writes it.
    """
    ending = divine_names()[divine]
    if ending == "ullah":
        return "Abdullah"
    return "Abdul" + ending if joined else "Abdul " + ending.capitalize()


def _known(
    norm: str, spellings: Mapping[str, str], *, article: bool = True, foreign: bool = False
) -> str | None:
    """The spelling of a word some list knows, with or without its article.

    In a foreign name a word may also be known by ear: outlets write the same foreign sound
    with different letters and long vowels or none (ماتيرلا, ماتاريلا), and its key by ear
    is what the spellings share.
    """
    if norm in spellings:
        return spellings[norm]
    if norm in arabic_given():
        return arabic_given()[norm]
    if norm in foreign_given():
        return foreign_given()[norm]
    if norm in joiners():
        return joiners()[norm]
    if norm.startswith("عبد") and norm[3:] in divine_names():
        return _abd(norm[3:], joined=True)  # عبدالله, عبدالرحمن written joined
    if norm in surnames():
        return surnames()[norm]
    if norm in foreign_surnames():
        return foreign_surnames()[norm]
    if foreign and (key := by_ear_key(norm)):
        # The knowledge base's words are in `spellings` under their key by ear as well.
        by_ear = spellings.get(key) or foreign_surnames_by_ear().get(key)
        if by_ear:
            return by_ear
    if article and norm.startswith("ال") and len(norm) > 3:
        rest = norm[2:]
        found = spellings.get(rest) or surnames().get(rest) or arabic_given().get(rest)
        if found and not found.startswith("al-"):
            return "al-" + found
    return None


def _spelled(word: str, norm: str, *, foreign: bool) -> str:
    """A word spelled by rule, its article as "al-"."""
    if word.startswith("ال") and len(norm) > 3 and not foreign:
        return "al-" + _capital(_letters(word[2:], foreign=False))
    return _capital(_letters(word, foreign=foreign))


def _alef_l(word: str) -> bool:
    """A word that opens with إل, أل or آل, which normalize like the article but are not it."""
    return word[:2] in ("إل", "أل", "آل") and len(word) > 3


def _capital(word: str) -> str:
    return word[:1].upper() + word[1:]


def _letters(word: str, *, foreign: bool) -> str:
    """Sound out one word: written long vowels as they are, a short vowel where one must be.

    Arabic writes no short vowels, so two consonants that open a word take an "a" between
    them (بركات -> Barakat), as does a third consonant in a row; foreign names keep their
    clusters and read و as o.
    """
    if foreign:
        word = _FOREIGN_V.sub("ڤ", word)
    out: list[str] = []
    written: set[int] = set()  # places in `out` of vowels the word writes (ا و ي)
    run = 0  # consonants in a row just written
    n = len(word)
    skip = -1
    glided = False  # the last vowel was a foreign ي before ا: ليتيسيا -> Letisia
    for i, char in enumerate(word):
        if i == skip:
            continue
        after = word[i + 1] if i + 1 < n else ""
        if (
            char == "و"
            and run
            and after == "ي"
            and i + 2 < n
            and word[i + 2] not in _ALEFS | {"و", "ي", "ة"}
        ):
            out.append("wei")  # the diminutive فعيل: السويحلي -> Sweihli, الحويج -> Hweij
            run, skip = 0, i + 1
            continue
        if i == 0 and char in "أا" and after == "و" and i + 2 < n and word[i + 2] not in "اوي":
            out.append("o")  # أوباما, أوستن, أوغلو: an opening O
            skip, run = 1, 0
            continue
        if i == 0 and char == "إ" and after == "ي" and i + 2 < n and word[i + 2] in _CONSONANTS:
            out.append("i")  # إي writes one long vowel: إيدير -> Idir, إيهود -> Ihoud
            skip, run = 1, 0
            continue
        if (pair := _LETTER_PAIRS.get(char + after)) is not None:
            if _open_cluster(out, run, foreign, pair):
                run = 0
            out.append(pair)
            skip, run = i + 1, run + 1
            continue
        if char in _ALEFS or char in "إة":
            long_a = "i" if char == "إ" else "a"
            if i == n - 1 and char == "ا" and out and out[-1] in "aeiou" and not glided:
                continue
            if not (out and out[-1] == long_a):
                if char != "ة" and out:
                    written.add(len(out))  # a long vowel, not the alef a word opens with
                out.append(long_a)
            run = 0
            continue
        if char == "ع":
            if i == 0 or run or (out and out[-1] == "a"):
                out.append("a")  # الشاعري -> Shaari, سعد -> Saad
                run = 0
            continue
        if char in "ءؤئ":
            if char == "ئ" and run == 0 and out:
                out.append("i")
            elif char == "ؤ":
                out.append("u")
            continue
        if char == "ه" and i == n - 1 and run and i > 1:
            # A final ه after a consonant is the ة some outlets write so (كنبه -> Kanba),
            # a French or African final e in a foreign name (كاغامه -> Kagame).
            out.append("e" if foreign else "a")
            continue
        if (
            char == "ي"
            and not foreign
            and i == 1
            and run == 1
            and i + 2 < n
            and word[i + 2] in "اوى"
            and after in _CONSONANTS
        ):
            out.append("ay")  # فيعول, فيعال: ميهوب -> Mayhoub, زيدان -> Zaydan
            run = 0
            continue
        if char in "وي":
            # In a foreign name a consonant, ي and a vowel make "i" and the vowel:
            # أناستاسيادس -> Anastasiades, كارداشيان -> Kardashian.
            gliding = glided = foreign and char == "ي" and run > 0 and after == "ا"
            vowel = i > 0 and (run > 0 or not after) and (after not in _ALEFS or gliding)
            if vowel:
                written.add(len(out))
                if char == "و":
                    out.append("o" if foreign else "ou")
                elif foreign and i + 1 < n and len(out) == 1 and not gliding:
                    out.append("e")  # a foreign name's first syllable: ميركل -> Merkel
                else:
                    out.append("" if out and out[-1] == "i" else "i")
                run = 0
                continue
            if _open_cluster(out, run, foreign):
                run = 0
            out.append("w" if char == "و" else "y")
            run += 1
            continue
        sound = "g" if foreign and char == "غ" else _CONSONANTS.get(char)
        if sound is None:
            if char.isascii() and char.isalnum():
                out.append(char.lower())
            continue
        if _open_cluster(out, run, foreign, sound):
            run = 0
        out.append(sound)
        run += 1
    if (
        not foreign
        and run == 2
        and len(out) >= 3
        and len(out) - 3 in written
        and (out[-2], out[-1]) not in _FOREIGN_FINALS
    ):
        # A long vowel then two final consonants: the pattern فاعل and its kin put a short
        # vowel between them (الحاكم -> Hakem, طالب -> Taleb, نوفل -> Noufel).
        out.insert(len(out) - 1, "e")
    spelled = "".join(out)
    if spelled.startswith("bal") and len(spelled) > 5 and word.startswith("بل"):
        spelled = "bel" + spelled[3:]  # the Maghreb's بل: بلحاج -> Belhaj, بلقاسم -> Belqasem
    if foreign:
        spelled = _foreign_endings(word, spelled)
    return spelled


def _foreign_endings(word: str, spelled: str) -> str:
    """The endings and clusters of European names that Arabic script writes without vowels."""
    if word.endswith("يه") and spelled.endswith("ih"):
        spelled = spelled[:-2] + "e"  # a French é: جوبيه -> Juppe, باشليه -> Bashle
    if spelled.endswith("of"):
        spelled = spelled[:-2] + "ov"  # Russian and Bulgarian -ов: مولوتكوف -> Molotkov
    if word.endswith("يف") and len(word) > 3 and spelled.endswith("if"):
        spelled = spelled[:-2] + "ev"  # -ев: مدفيديف -> Medvedev, غورباتشيف -> Gorbachev
    if word.endswith("يز") and len(word) > 3 and spelled.endswith("iz"):
        spelled = spelled[:-2] + "ez"  # Spanish -ez: سانشيز -> Sanchez, غوميز -> Gomez
    spelled = _ENKO.sub("enko", spelled)
    spelled = _FINAL_CLUSTER.sub(r"\1e\2", spelled)
    spelled = _FINAL_R.sub("er", spelled)
    spelled = _MEDIAL_CLUSTER.sub(r"\1e\2", spelled)
    spelled = _R_BETWEEN.sub("er", spelled)
    return _FINAL_S.sub("s", spelled)


# Arabic script writes no e in a foreign name: one goes before a final r, l or n after a
# consonant (ميركل -> Merkel, بلينكن -> Blinken, غاردنر -> Gardner), and between l or r and a
# consonant they cannot follow in a European word (تونينلي -> Toninelli-like). An r between
# two consonants is "er" (أندرسون -> Anderson, فرنانديز -> Fernandez), a final z after a
# consonant the plural s of English surnames (روبرتز -> Roberts, آدامز -> Adams), and -نكو
# the Ukrainian -enko (ياكوفنكو -> Yakovenko).
_FINAL_CLUSTER = re.compile(r"([bcdfghjkmpqstvxz])([rln])$")
_FINAL_R = re.compile(r"(?<=[lmn])r$")
_MEDIAL_CLUSTER = re.compile(r"(?<=[aeiou])([nmszlrh])([lr])(?=[aeiou])")
_R_BETWEEN = re.compile(r"(?<=[bcdfgjklmnpqstvwxz])r(?=[bcdfgjklmnpqstvxz])")
_FINAL_S = re.compile(r"(?<=[bcdfgklmnprvw])z$")  # not tz: ستيغليتز -> Stiglitz
_ENKO = re.compile(r"(?<![aeiou])i?nko$")
# ف is v where Slavic and Italian names have it: -ova, -ovich, -ovsky, and after l
# (زاخاروفا, يانوكوفيتش, بيريزوفسكي, سالفيني).
_FOREIGN_V = re.compile(r"(?<=ل)ف|(?<=[وي])ف(?=ا$)|ف(?=يتش$|سك)")


# Final pairs that close European and Persian names (لاند, ورت, دوست, هانس, ماننغ) rather
# than an Arabic فاعل (طالب, كاظم, نوفل): a name ending so keeps them together though it is
# not known to be foreign, as does a final consonant after و or ي read as w or y (ساور).
_FOREIGN_FINALS = frozenset(
    tuple(pair.split("+"))
    for pair in (
        "n+d r+d l+d r+t s+t l+t n+t f+t r+k n+k s+k l+m r+m n+s t+s r+s l+s m+s k+s l+f "
        "r+f r+g r+gh r+n m+b r+z n+z n+ng"
    ).split()
) | {(glide, last) for glide in ("w", "y") for last in _CONSONANTS.values()}


def _open_cluster(out: list[str], run: int, foreign: bool, sound: str = "") -> bool:
    """Put a vowel before a consonant that would make a cluster the language does not allow.

    Arabic opens no word with two consonants and has no three in a row: an "a" goes between.
    A foreign name keeps its clusters, but for an opening pair no European word starts with
    ("بتروف" -> Betrov, while "غراندي" stays Grandi and "ستيفن" Stifen).
    """
    if not run:
        return False
    if foreign:
        if len(out) != 1 or sound in ("r", "l") or out[0] in ("s", "sh") or out[0] + sound == "ts":
            return False
        out.append("e")
        return True
    if not (len(out) == run or run >= 2):
        return False
    out.append("a")
    return True
