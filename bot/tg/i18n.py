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
    "menu_addsource": {"en": "Admin: add a source", "ar": "إدارة: إضافة مصدر"},
    "menu_sources": {"en": "Admin: list sources", "ar": "إدارة: قائمة المصادر"},
    "menu_removesource": {"en": "Admin: remove a source", "ar": "إدارة: حذف مصدر"},
    "menu_pausesource": {"en": "Admin: pause a source", "ar": "إدارة: إيقاف مصدر مؤقتاً"},
    "menu_resumesource": {"en": "Admin: resume a source", "ar": "إدارة: استئناف مصدر"},
    "menu_fetchnow": {"en": "Admin: fetch sources now", "ar": "إدارة: جلب المصادر الآن"},
    "menu_admins": {"en": "Owner: manage admins", "ar": "المالك: إدارة المشرفين"},
    "admin_only": {
        "en": "This command is for the bot's admins.",
        "ar": "هذا الأمر مخصص لمشرفي البوت.",
    },
    "owner_only": {
        "en": "Only the bot's owner (the first id in ADMIN_IDS) can change admins.",
        "ar": "وحده مالك البوت (أول معرّف في ADMIN_IDS) يستطيع تغيير المشرفين.",
    },
    "admin_configured": {
        "en": "Admins listed in ADMIN_IDS are changed in the settings, not here.",
        "ar": "المشرفون المذكورون في ADMIN_IDS يُغيَّرون في الإعدادات، لا من هنا.",
    },
    "addsource_usage": {
        "en": "Usage: /addsource URL [name], for example /addsource https://example.com/rss.xml",
        "ar": "الاستخدام: /addsource رابط [اسم]، مثل /addsource https://example.com/rss.xml",
    },
    "source_ref_usage": {
        "en": "Usage: {command} followed by a source id or URL (see /sources).",
        "ar": "الاستخدام: {command} متبوعاً برقم المصدر أو رابطه (انظر /sources).",
    },
    "addsource_checking": {
        "en": "Checking {url} …",
        "ar": "جارٍ فحص {url} …",
    },
    "addsource_done": {
        "en": "Added source {id}: <b>{name}</b> "
        "({kind}, {entries} items, {relevant} about Libya, {new} new).",
        "ar": "أُضيف المصدر {id}: <b>{name}</b> "
        "({kind}، {entries} عنصراً، {relevant} عن ليبيا، {new} جديداً).",
    },
    "kind_feed": {"en": "feed", "ar": "موجز"},
    "kind_listing": {"en": "page of article links", "ar": "صفحة روابط أخبار"},
    "kind_article": {"en": "single article page", "ar": "صفحة خبر واحد"},
    "kind_seed": {"en": "seed", "ar": "بذرة"},
    "source_scheme": {
        "en": "Only http and https addresses can be sources.",
        "ar": "يمكن إضافة عناوين http وhttps فقط.",
    },
    "source_unreadable": {
        "en": "That address is neither a feed nor a page with articles I can read.",
        "ar": "هذا العنوان ليس موجزاً ولا صفحة أخبار أستطيع قراءتها.",
    },
    "source_exists": {
        "en": "That address is already listed as source {detail}.",
        "ar": "هذا العنوان مُدرج بالفعل بوصفه المصدر {detail}.",
    },
    "source_unknown": {
        "en": "There is no source {detail}. Send /sources to see them.",
        "ar": "لا يوجد مصدر {detail}. أرسل /sources لرؤية المصادر.",
    },
    "source_fetch": {
        "en": "I could not fetch it: {why}.",
        "ar": "تعذّر جلبه: {why}.",
    },
    "why_timeout": {"en": "it took too long to answer", "ar": "استغرق وقتاً طويلاً للرد"},
    "why_too_large": {"en": "it is too large", "ar": "حجمه كبير جداً"},
    "why_blocked": {
        "en": "it points to a private or local network address",
        "ar": "يشير إلى عنوان شبكة خاصة أو محلية",
    },
    "why_dns": {"en": "its host name does not resolve", "ar": "تعذّر العثور على اسم المضيف"},
    "why_redirects": {"en": "it redirects too many times", "ar": "يعيد التوجيه مرات كثيرة"},
    "why_http": {
        "en": "the site answered with HTTP {status}",
        "ar": "ردّ الموقع برمز HTTP {status}",
    },
    "why_network": {"en": "the connection failed", "ar": "فشل الاتصال"},
    "why_scheme": {"en": "only http and https are allowed", "ar": "يُسمح بـ http وhttps فقط"},
    "sources_title": {"en": "<b>Sources</b> ({n})", "ar": "<b>المصادر</b> ({n})"},
    "sources_empty": {
        "en": "No sources yet. Add one with /addsource URL.",
        "ar": "لا توجد مصادر بعد. أضف مصدراً بالأمر /addsource رابط.",
    },
    "state_ok": {"en": "ok", "ar": "يعمل"},
    "state_failing": {
        "en": "failing since {since} ({n} failures: {error})",
        "ar": "متعثر منذ {since} ({n} إخفاقات: {error})",
    },
    "state_paused": {"en": "paused", "ar": "موقوف مؤقتاً"},
    "source_stats": {
        "en": "last fetch {fetch} · {items} items · last new {new}",
        "ar": "آخر جلب {fetch} · {items} عنصراً · آخر جديد {new}",
    },
    "never": {"en": "never", "ar": "لم يحدث"},
    "source_paused": {"en": "Paused source {id}: {name}.", "ar": "أُوقف المصدر {id}: {name}."},
    "source_resumed": {
        "en": "Resumed source {id}: {name}. It will be fetched within a minute.",
        "ar": "استُؤنف المصدر {id}: {name}. سيُجلب خلال دقيقة.",
    },
    "source_removed": {
        "en": "Removed source {id}: {name}. Its stories stay in the archive.",
        "ar": "حُذف المصدر {id}: {name}. تبقى أخباره في الأرشيف.",
    },
    "fetch_started": {"en": "Fetching …", "ar": "جارٍ الجلب …"},
    "fetch_line": {
        "en": "{id}. {name}: {entries} items, {new} new, {relevant} about Libya",
        "ar": "{id}. {name}: {entries} عنصراً، {new} جديداً، {relevant} عن ليبيا",
    },
    "fetch_not_modified": {"en": "{id}. {name}: unchanged", "ar": "{id}. {name}: دون تغيير"},
    "fetch_failed": {"en": "{id}. {name}: failed, {error}", "ar": "{id}. {name}: فشل، {error}"},
    "fetch_none": {"en": "No sources to fetch.", "ar": "لا توجد مصادر للجلب."},
    "source_paused_alert": {
        "en": "Source {id} ({name}) failed {n} times in a row and is paused: {error}. "
        "Resume it with /resumesource {id}.",
        "ar": "أخفق المصدر {id} ({name}) {n} مرات متتالية فأُوقف: {error}. "
        "استأنفه بالأمر /resumesource {id}.",
    },
    "admins_list": {"en": "<b>Admins</b>\n{ids}", "ar": "<b>المشرفون</b>\n{ids}"},
    "admins_usage": {
        "en": "Usage: /admins, /admins add USER_ID or /admins remove USER_ID",
        "ar": "الاستخدام: /admins أو /admins add معرّف أو /admins remove معرّف",
    },
    "admin_added": {"en": "{id} is now an admin.", "ar": "أصبح {id} مشرفاً."},
    "admin_already": {"en": "{id} was already an admin.", "ar": "{id} مشرف بالفعل."},
    "admin_removed": {"en": "{id} is no longer an admin.", "ar": "لم يعد {id} مشرفاً."},
    "admin_not": {"en": "{id} was not an admin.", "ar": "{id} ليس مشرفاً."},
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


def story_count(n: int, lang: Lang, *, genitive: bool = False) -> str:
    """'1 story', '3 stories'; in Arabic 'خبر واحد', 'خبران' (after في: 'خبرين'), '3 أخبار'."""
    if n == 1:
        return t(lang, "one_story")
    if lang == "ar":
        if n == 2:
            return "خبرين" if genitive else "خبران"
        return f"{n} أخبار" if 3 <= n <= 10 else f"{n} خبرًا"
    return t(lang, "stories_count", n=n)
