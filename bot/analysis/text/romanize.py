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

from bot.analysis.text.names import arabic_given, divine_names, foreign_given, joiners, surnames
from bot.analysis.text.normalize import normalize, strip_invisible, strip_marks

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "پ": "p", "ڤ": "v", "چ": "ch", "گ": "g",
}  # fmt: skip
_ALEFS = frozenset("اأآٱى")
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
                    _known(normalize(p), spellings) or _spelled(p, normalize(p), foreign=foreign)
                    for p in parts
                )
            )
        else:
            known = _known(norm, spellings, article=not _alef_l(word))
            out.append(known or _spelled(word, norm, foreign=foreign))
        i += 1
    return " ".join(w for w in out if w)


def _abd(divine: str) -> str:
    """عبد + a divine name: Abdullah, Abdul Rahman, Abdul Aziz.

    "Abdul" and apart, as the knowledge base writes most Libyan names (Abdul Hamid Dbeibah);
    the Egyptian "Abdel" and the joined "Abdulhamid" are one letter away each.
    """
    ending = divine_names()[divine]
    return "Abdullah" if ending == "ullah" else "Abdul " + ending.capitalize()


def _known(norm: str, spellings: Mapping[str, str], *, article: bool = True) -> str | None:
    """The spelling of a word some list knows, with or without its article."""
    if norm in spellings:
        return spellings[norm]
    if norm in arabic_given():
        return arabic_given()[norm]
    if norm in foreign_given():
        return foreign_given()[norm]
    if norm in joiners():
        return joiners()[norm]
    if norm.startswith("عبد") and norm[3:] in divine_names():
        return _abd(norm[3:])  # عبدالله, عبدالرحمن written joined
    if norm in surnames():
        return surnames()[norm]
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
    out: list[str] = []
    run = 0  # consonants in a row just written
    n = len(word)
    skip = -1
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
        if char in _ALEFS or char in "إة":
            long_a = "i" if char == "إ" else "a"
            if i == n - 1 and char == "ا" and out and out[-1] in "aeiou":
                continue
            if not (out and out[-1] == long_a):
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
            vowel = i > 0 and (run > 0 or not after) and after not in _ALEFS
            if vowel:
                if char == "و":
                    out.append("o" if foreign else "ou")
                elif foreign and i + 1 < n and len(out) == 1:
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
    spelled = "".join(out)
    if spelled.startswith("bal") and len(spelled) > 5 and word.startswith("بل"):
        spelled = "bel" + spelled[3:]  # the Maghreb's بل: بلحاج -> Belhaj, بلقاسم -> Belqasem
    if foreign and word.endswith("يه") and spelled.endswith("ih"):
        spelled = spelled[:-2] + "e"  # a French é: جوبيه -> Juppe, باشليه -> Bashle
    if foreign and spelled.endswith("of"):
        spelled = spelled[:-2] + "ov"  # Russian and Bulgarian -ов: مولوتكوف -> Molotkov
    if foreign:
        spelled = _FINAL_CLUSTER.sub(r"\1e\2", spelled)
        spelled = _MEDIAL_CLUSTER.sub(r"\1e\2", spelled)
    return spelled


# Arabic script writes no e in a foreign name: one goes before a final r, l or n after a
# consonant (ميركل -> Merkel, بلينكن -> Blinken), and between l or r and a consonant they
# cannot follow in a European word (تونينلي -> Toninelli-like, تيلرسون -> Tillerson-like).
_FINAL_CLUSTER = re.compile(r"([bcdfghjkmpqstvxz])([rln])$")
_MEDIAL_CLUSTER = re.compile(r"(?<=[aeiou])([nmszlrh])([lr])(?=[aeiou])")


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
