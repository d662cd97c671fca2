"""Whether a person is a woman, from the title their role opens with: pure, no I/O.

Arabic agrees the words about a person with their gender ("عنها", "أخبارها"); a person the
knowledge base does not list is known only by the role a story gave them, whose title is
feminine for a woman (وزيرة, المبعوثة, السفيرة).
"""

from __future__ import annotations

from bot.analysis.text.normalize import normalize

# Titles in their feminine form, without "ال", compared as normalize gives them. Only a
# role's first word is read: "محافظ محافظة ..." is a man.
_FEMININE_TITLES = frozenset(
    normalize(word)
    for word in (
        "وزيرة", "مبعوثة", "سفيرة", "رئيسة", "نائبة", "مديرة", "ممثلة", "متحدثة", "ناطقة",
        "مستشارة", "أمينة", "منسقة", "مفوضة", "عضوة", "مندوبة", "ملكة", "أميرة", "قاضية",
        "مدعية", "وكيلة", "مساعدة", "قائدة", "زعيمة", "كاتبة", "صحفية", "ناشطة", "سيدة",
        "ابنة", "أرملة", "زوجة", "شقيقة",
    )
)  # fmt: skip


def feminine_role(role_ar: str | None) -> bool:
    """True when an Arabic role opens with a feminine title: "وزيرة الخارجية ...", "السفيرة"."""
    if not role_ar:
        return False
    words = normalize(role_ar).split()
    if not words:
        return False
    first = words[0]
    bare = first[2:] if first.startswith("ال") and len(first) > 3 else first
    return bare in _FEMININE_TITLES or first in _FEMININE_TITLES
