"""A rule-based Latin spelling for Arabic names the translator has not given us."""

from __future__ import annotations

from bot.text.normalize import strip_invisible, strip_marks

_CONSONANTS = {
    "ب": "b", "ت": "t", "ث": "th", "ج": "j", "ح": "h", "خ": "kh", "د": "d", "ذ": "dh",
    "ر": "r", "ز": "z", "س": "s", "ش": "sh", "ص": "s", "ض": "d", "ط": "t", "ظ": "z",
    "ع": "'", "غ": "gh", "ف": "f", "ق": "q", "ك": "k", "ل": "l", "م": "m", "ن": "n",
    "ه": "h", "ء": "'", "ؤ": "'", "ئ": "'", "پ": "p", "ڤ": "v", "چ": "ch", "گ": "g",
}  # fmt: skip
_LONG_A = {"ا", "أ", "آ", "ٱ", "ى"}


def romanize(name: str) -> str:
    """A readable Latin form of an Arabic name: 'إيفان مولوتكوف' -> 'Ivan Mulutkuf'-like."""
    words = [_word(w) for w in strip_marks(strip_invisible(name)).split()]
    return " ".join(w[:1].upper() + w[1:] for w in words if w)


def _word(word: str) -> str:
    out: list[str] = []
    vowel_before = True
    for i, char in enumerate(word):
        after = word[i + 1] if i + 1 < len(word) else ""
        if char in _LONG_A or char == "إ":
            sound = "i" if char == "إ" else "a"
            if out and out[-1] in ("a", "i") and char in _LONG_A:
                continue
            out.append(sound)
            vowel_before = True
        elif char == "ة":
            out.append("a")
            vowel_before = True
        elif char in ("و", "ي"):
            as_vowel = not vowel_before or not after
            if i == 0:
                as_vowel = False
            if char == "ي" and out and out[-1] == "i":
                continue
            out.append(("u" if char == "و" else "i") if as_vowel else ("w" if char == "و" else "y"))
            vowel_before = as_vowel
        elif char in _CONSONANTS:
            out.append(_CONSONANTS[char])
            vowel_before = False
        elif char.isascii():
            out.append(char)
    return "".join(out).replace("'", "")
