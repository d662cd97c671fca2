"""The interface's words in Arabic and English."""

from __future__ import annotations

from datetime import date, datetime
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
    "cmd_who": {
        "en": "People in the news this week; with a name, who they are and whom they met",
        "ar": "الشخصيات في أخبار الأسبوع؛ ومع اسم: من هو ومن التقى",
    },
    "cmd_topic": {
        "en": "Topics with this week's counts; with a topic, its latest stories",
        "ar": "الموضوعات وعدد أخبار الأسبوع؛ ومع موضوع: أحدث أخباره",
    },
    "cmd_search": {
        "en": "Search the stories, in Arabic or English (any spelling, with or without ال)",
        "ar": "البحث في الأخبار بالعربية أو الإنجليزية (بأي صيغة، مع ال أو بدونها)",
    },
    "usage_who": {"en": "/who [name]", "ar": "/who [اسم]"},
    "usage_topic": {"en": "/topic [topic]", "ar": "/topic [موضوع]"},
    "usage_search": {"en": "/search words", "ar": "/search كلمات"},
    "menu_who": {"en": "Who is in the news", "ar": "من في الأخبار"},
    "menu_topic": {"en": "Topics", "ar": "الموضوعات"},
    "menu_search": {"en": "Search the stories", "ar": "البحث في الأخبار"},
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
    "sources": {"en": "{n} sources", "ar": "{n} مصادر"},
    "who_title": {"en": "<b>In the news this week</b>", "ar": "<b>في الأخبار هذا الأسبوع</b>"},
    "who_empty": {
        "en": "No one has been named in the stories of the last 7 days.",
        "ar": "لم يرد اسم أحد في أخبار الأيام السبعة الماضية.",
    },
    "who_hint": {
        "en": "Tap a name, or send /who followed by a name in Arabic or English.",
        "ar": "اضغط على اسم، أو أرسل /who متبوعاً باسم بالعربية أو الإنجليزية.",
    },
    "stories_count": {"en": "{n} stories", "ar": "{n} أخبار"},
    "one_story": {"en": "1 story", "ar": "خبر واحد"},
    "who_choose": {
        "en": "Several people match “{query}”. Which one do you mean?",
        "ar": "يطابق «{query}» أكثر من شخص. أيهم تقصد؟",
    },
    "who_unknown": {
        "en": "I don't know anyone called “{query}” yet.",
        "ar": "لا أعرف أحداً باسم «{query}» حتى الآن.",
    },
    "who_suggest": {"en": "Did you mean one of these?", "ar": "هل تقصد أحد هؤلاء؟"},
    "profile_in": {"en": "Named in {stories}.", "ar": "ورد في {stories}."},
    "profile_met": {"en": "<b>Met</b>", "ar": "<b>التقى</b>"},
    "profile_with": {"en": "<b>Appears with</b>", "ar": "<b>يظهر مع</b>"},
    "profile_latest": {"en": "<b>Latest stories</b>", "ar": "<b>أحدث الأخبار</b>"},
    "profile_none": {
        "en": "No stories about them are stored yet.",
        "ar": "لا توجد أخبار عنه مخزنة بعد.",
    },
    "call": {"en": "phone call", "ar": "اتصال هاتفي"},
    "discovered": {
        "en": "Not in the curated list: found in the stories, name romanized.",
        "ar": "ليس في القائمة المنسقة: عُثر عليه في الأخبار.",
    },
    "topic_title": {"en": "<b>Topics this week</b>", "ar": "<b>موضوعات الأسبوع</b>"},
    "topic_hint": {
        "en": "Tap a topic, or send /topic followed by its name.",
        "ar": "اضغط على موضوع، أو أرسل /topic متبوعاً باسمه.",
    },
    "topic_page": {
        "en": "<b>{name}</b> — latest stories ({first}–{last} of {total})",
        "ar": "<b>{name}</b> — أحدث الأخبار ({first}–{last} من {total})",
    },
    "topic_empty": {
        "en": "No stories on {name} yet.",
        "ar": "لا توجد أخبار عن {name} بعد.",
    },
    "topic_unknown": {
        "en": "There is no topic “{query}”. Send /topic to see them all.",
        "ar": "لا يوجد موضوع باسم «{query}». أرسل /topic لرؤيتها كلها.",
    },
    "search_usage": {
        "en": "Send /search followed by words, for example /search الانتخابات or /search Mangoush.",
        "ar": "أرسل /search متبوعاً بكلمات، مثل /search الانتخابات أو /search المنقوش.",
    },
    "search_title": {
        "en": "<b>Search:</b> {query} ({first}–{last} of {total})",
        "ar": "<b>بحث:</b> {query} ({first}–{last} من {total})",
    },
    "search_none": {
        "en": "Nothing found for “{query}”. Try fewer words or another spelling.",
        "ar": "لم يُعثر على نتائج لـ«{query}». جرّب كلمات أقل أو صيغة أخرى.",
    },
    "search_expired": {
        "en": "This search has expired; send /search again.",
        "ar": "انتهت صلاحية هذا البحث؛ أرسل /search من جديد.",
    },
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
    return format_day(moment.astimezone(zone).date(), lang)


def format_day(day: date, lang: Lang) -> str:
    """A calendar day as readers of `lang` write it: '8 Dec 2021' or '8 ديسمبر 2021'."""
    return f"{day.day} {_MONTHS[lang][day.month - 1]} {day.year}"


def story_count(n: int, lang: Lang) -> str:
    """'1 story', '3 stories'; in Arabic 'خبر واحد', 'خبران', '3 أخبار', '11 خبراً'."""
    if n == 1:
        return t(lang, "one_story")
    if lang == "ar":
        if n == 2:
            return "خبران"
        return f"{n} أخبار" if 3 <= n <= 10 else f"{n} خبراً"
    return t(lang, "stories_count", n=n)
