"""The interface's words in Arabic and English."""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from zoneinfo import ZoneInfo

Lang = Literal["ar", "en"]

_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ar": (
        "يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو",
        "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر",
    ),
}  # fmt: skip

_STRINGS: dict[str, dict[Lang, str]] = {
    "start": {
        "en": (
            "<b>Welcome to Libya Brief{name}.</b>\n"
            "I follow Libyan diplomacy in the Arabic and international press and keep you briefed: "
            "who met whom, what was agreed, what comes next.\n\n"
            "Try /latest for the newest stories, or /help for everything I can do."
        ),
        "ar": (
            "<b>أهلاً بك في موجز ليبيا{name}.</b>\n"
            "أتابع الدبلوماسية الليبية في الصحافة العربية والدولية وأبقيك على اطلاع: "
            "من التقى بمن، وما الذي اتُّفق عليه، وما الخطوة التالية.\n\n"
            "جرّب /latest لأحدث الأخبار، أو /help لمعرفة كل ما أستطيع فعله."
        ),
    },
    "help_title": {"en": "<b>Commands</b>", "ar": "<b>الأوامر</b>"},
    "help_footer": {
        "en": "Stories are shown in Arabic as published; the outlet and date follow each one.",
        "ar": "تُعرض الأخبار بالعربية كما نُشرت، مع اسم المصدر والتاريخ بعد كل خبر.",
    },
    "cmd_start": {"en": "Welcome and what this bot does", "ar": "الترحيب والتعريف بالبوت"},
    "cmd_help": {"en": "Every command and how to use it", "ar": "كل الأوامر وطريقة استخدامها"},
    "cmd_latest": {
        "en": "The newest stories, n of them (default {default}, at most {max})",
        "ar": "أحدث الأخبار، عددها n (افتراضياً {default}، وبحد أقصى {max})",
    },
    "menu_start": {"en": "Welcome", "ar": "البداية"},
    "menu_help": {"en": "All commands", "ar": "كل الأوامر"},
    "menu_latest": {"en": "Newest stories", "ar": "أحدث الأخبار"},
    "latest_title": {
        "en": "<b>Latest stories</b> ({first}–{last} of {total})",
        "ar": "<b>آخر الأخبار</b> ({first}–{last} من {total})",
    },
    "latest_empty": {
        "en": "No stories yet. Sources are fetched regularly; try again later.",
        "ar": "لا توجد أخبار بعد. تُجلب المصادر بانتظام؛ حاول لاحقاً.",
    },
    "latest_end": {
        "en": "There are no older stories.",
        "ar": "لا توجد أخبار أقدم.",
    },
    "latest_bad_count": {
        "en": "Please give a whole number of stories from 1 to {max}, for example /latest 5.",
        "ar": "يُرجى كتابة عدد صحيح من 1 إلى {max}، مثل /latest 5.",
    },
    "latest_clamped": {
        "en": "Showing {max}, the most I list at once.",
        "ar": "أعرض {max} فقط، وهو الحد الأقصى في المرة الواحدة.",
    },
    "older": {"en": "Older ›", "ar": "‹ أقدم"},
    "read_more": {"en": "Read", "ar": "اقرأ"},
    "date_unknown": {"en": "date unknown", "ar": "التاريخ غير معروف"},
    "unknown_command": {
        "en": "I don't know the command {command}. Send /help to see what I can do.",
        "ar": "لا أعرف الأمر {command}. أرسل /help لمعرفة ما أستطيع فعله.",
    },
    "not_text": {
        "en": "I read commands only. Send /latest for the news or /help for every command.",
        "ar": "أفهم الأوامر فقط. أرسل /latest للأخبار أو /help لكل الأوامر.",
    },
    "chatter": {
        "en": "I answer commands. Send /latest for the news or /help for every command.",
        "ar": "أجيب عن الأوامر. أرسل /latest للأخبار أو /help لكل الأوامر.",
    },
    "error": {
        "en": "Sorry, something went wrong on my side. Please try again in a moment.",
        "ar": "عذراً، حدث خطأ من جهتي. يُرجى المحاولة بعد قليل.",
    },
    "stale_button": {
        "en": "This button has expired; send /latest again.",
        "ar": "انتهت صلاحية هذا الزر؛ أرسل /latest من جديد.",
    },
}


def lang_of(language_code: str | None) -> Lang:
    """The interface language for a Telegram language code: Arabic for ar*, else English."""
    return "ar" if (language_code or "").lower().startswith("ar") else "en"


def t(lang: Lang, key: str, **values: object) -> str:
    """The string `key` in `lang`, with `values` filled in."""
    text = _STRINGS[key][lang]
    return text.format(**values) if values else text


def format_date(moment: datetime, lang: Lang, zone: ZoneInfo) -> str:
    """A date as readers of `lang` write it, in `zone`: '8 Dec 2021' or '8 ديسمبر 2021'."""
    local = moment.astimezone(zone)
    return f"{local.day} {_MONTHS[lang][local.month - 1]} {local.year}"
