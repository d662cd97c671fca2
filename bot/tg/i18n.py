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
    "source_no_scheme": {
        "en": "Only http and https addresses can be sources. Did you mean "
        "<code>/addsource {detail}</code>?",
        "ar": "يمكن إضافة عناوين http وhttps فقط. هل تقصد <code>/addsource {detail}</code>؟",
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
        # The error is a sentence of its own, on its own line.
        "en": "Source {id} ({name}) failed {n} times in a row and is paused.\n{error}\n"
        "Resume it with /resumesource {id}.",
        "ar": "أخفق المصدر {id} ({name}) {n} مرات متتالية فأُوقف.\n{error}\n"
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
    "translate_off": {
        "en": "Translation is not configured on this bot.",
        "ar": "الترجمة غير مفعّلة في هذا البوت.",
    },
    "translate_failed": {
        "en": "Translation is unavailable right now; please try again later.",
        "ar": "الترجمة غير متاحة الآن؛ يُرجى المحاولة لاحقاً.",
    },
    "translated": {"en": "Machine translation from Arabic", "ar": "ترجمة آلية من العربية"},
    "sources": {"en": "{n} sources", "ar": "{n} مصادر"},
    "who_title": {"en": "<b>In the news {period}</b>", "ar": "<b>في الأخبار {period}</b>"},
    "who_empty": {
        "en": "No one is named in the stories {period}.",
        "ar": "لم يرد اسم أحد في الأخبار {period}.",
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
    "who_also": {
        "en": "Also called “{query}”: {names}",
        "ar": "يحمل اسم «{query}» أيضاً: {names}",
    },
    "profile_in": {"en": "Named in {stories}.", "ar": "ورد في {stories}."},
    "profile_met": {"en": "<b>Met</b>", "ar": "<b>التقى</b>"},
    "profile_with": {"en": "<b>Appears with</b>", "ar": "<b>يظهر مع</b>"},
    "profile_with_recent": {
        "en": "<b>Appears with</b> (in their latest {n} stories)",
        "ar": "<b>يظهر مع</b> (في آخر {n} خبر عنه)",
    },
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
    "topic_title": {"en": "<b>Topics {period}</b>", "ar": "<b>الموضوعات {period}</b>"},
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
    # An undated story (or one whose date cannot be right) shows when the bot stored it.
    "stored_on": {"en": "stored {date}", "ar": "حُفظ في {date}"},
    # Where a story without a link comes from.
    "from_seed": {"en": "seed page, {outlet}", "ar": "صفحة مرفقة بالبوت، {outlet}"},
    "from_file": {"en": "saved file, {outlet}", "ar": "ملف محفوظ، {outlet}"},
    "no_link": {"en": "{outlet}, no link", "ar": "{outlet}، بلا رابط"},
    # The days "in the news" and topic counts cover: the last 7, or the latest 7 with news.
    "period_week": {"en": "this week", "ar": "هذا الأسبوع"},
    "period_week_to": {"en": "in the week to {day}", "ar": "في الأسبوع المنتهي في {day}"},
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
    "button_expired": {
        "en": "This button has expired; send the command again.",
        "ar": "انتهت صلاحية هذا الزر؛ أرسل الأمر من جديد.",
    },
    # ---- subscriptions, settings, follows, language, data ---------------------------
    "cmd_subscribe": {
        "en": "A daily digest at a time you choose (default 08:00 Tripoli time)",
        "ar": "موجز يومي في الوقت الذي تختاره (افتراضياً 08:00 بتوقيت طرابلس)",
    },
    "cmd_unsubscribe": {"en": "Stop the daily digest", "ar": "إيقاف الموجز اليومي"},
    "cmd_settings": {
        "en": "Digest time, time zone, language, topics and length",
        "ar": "وقت الموجز والمنطقة الزمنية واللغة والموضوعات والطول",
    },
    "cmd_digest": {
        "en": "Your digest now, without changing the schedule",
        "ar": "موجزك الآن، دون تغيير موعده",
    },
    "cmd_follow": {
        "en": "Follow a person or a topic: alerts for new stories, ★ in your digest",
        "ar": "متابعة شخص أو موضوع: تنبيه بالأخبار الجديدة، و★ في موجزك",
    },
    "cmd_unfollow": {"en": "Stop following a person or a topic", "ar": "إلغاء متابعة شخص أو موضوع"},
    "cmd_following": {"en": "What you follow", "ar": "ما تتابعه"},
    "cmd_lang": {
        "en": "The language I answer in: Arabic or English",
        "ar": "لغة الردود: العربية أو الإنجليزية",
    },
    "cmd_mydata": {"en": "Everything I keep about you", "ar": "كل ما أحفظه عنك"},
    "cmd_forget": {"en": "Delete everything I keep about you", "ar": "حذف كل ما أحفظه عنك"},
    "usage_subscribe": {"en": "/subscribe [HH:MM]", "ar": "/subscribe [س:د]"},
    "usage_follow": {"en": "/follow name or topic", "ar": "/follow اسم أو موضوع"},
    "usage_unfollow": {"en": "/unfollow name or topic", "ar": "/unfollow اسم أو موضوع"},
    "menu_subscribe": {"en": "Daily digest", "ar": "الموجز اليومي"},
    "menu_unsubscribe": {"en": "Stop the digest", "ar": "إيقاف الموجز"},
    "menu_settings": {"en": "Digest settings", "ar": "إعدادات الموجز"},
    "menu_digest": {"en": "My digest now", "ar": "موجزي الآن"},
    "menu_follow": {"en": "Follow a person or topic", "ar": "متابعة شخص أو موضوع"},
    "menu_unfollow": {"en": "Stop following", "ar": "إلغاء المتابعة"},
    "menu_following": {"en": "What I follow", "ar": "ما أتابعه"},
    "menu_lang": {"en": "Interface language", "ar": "لغة الواجهة"},
    "menu_mydata": {"en": "My stored data", "ar": "بياناتي المحفوظة"},
    "menu_forget": {"en": "Delete my data", "ar": "حذف بياناتي"},
    "digest_title": {"en": "<b>Libya Brief — {day}</b>", "ar": "<b>موجز ليبيا — {day}</b>"},
    "digest_since": {"en": "Since {when}", "ar": "منذ {when}"},
    "digest_empty": {"en": "Nothing new since {when}.", "ar": "لا جديد منذ {when}."},
    "digest_untranslated": {
        "en": "Translation is unavailable right now, so the stories are in Arabic as published.",
        "ar": "الترجمة غير متاحة حالياً، لذا تُعرض الأخبار بالعربية كما نُشرت.",
    },
    "digest_partly_translated": {
        "en": "Some stories could not be translated and are in Arabic as published.",
        "ar": "تعذّرت ترجمة بعض الأخبار فهي بالعربية كما نُشرت.",
    },
    "digest_other": {"en": "Other", "ar": "أخرى"},
    "digest_people": {"en": "In the news: {names}", "ar": "في الأخبار: {names}"},
    "digest_star": {
        "en": "★ marks stories about what you follow.",
        "ar": "★ تشير إلى أخبار عمّا تتابعه.",
    },
    "dlang_ar": {"en": "Arabic, as published", "ar": "العربية كما نُشرت"},
    "dlang_en": {"en": "English", "ar": "الإنجليزية"},
    "dlang_both": {"en": "Arabic and English", "ar": "العربية والإنجليزية"},
    "sub_done": {
        "en": "<b>You are subscribed.</b> Your digest comes every day at {time} ({zone}), "
        "in {dlang}. The next one: {next}.\n\n"
        "Change the time, zone, language or topics with /settings; stop it with /unsubscribe.",
        "ar": "<b>تم اشتراكك.</b> يصلك الموجز كل يوم في {time} ({zone})، "
        "باللغة: {dlang}. الموجز التالي: {next}.\n\n"
        "غيّر الوقت أو المنطقة الزمنية أو اللغة أو الموضوعات بالأمر /settings، "
        "وأوقفه بالأمر /unsubscribe.",
    },
    "sub_bad_time": {
        "en": "“{text}” is not a time of day. Send it as HH:MM, for example /subscribe 07:30.",
        "ar": "«{text}» ليس وقتاً من اليوم. اكتبه بصيغة س:د، مثل /subscribe 07:30.",
    },
    "unsub_done": {
        "en": "Your daily digest is stopped. Your settings are kept: /subscribe brings it back.",
        "ar": "أُوقف موجزك اليومي. تبقى إعداداتك محفوظة: /subscribe يعيده.",
    },
    "unsub_none": {
        "en": "You are not subscribed. /subscribe starts a daily digest.",
        "ar": "لست مشتركاً. /subscribe يبدأ موجزاً يومياً.",
    },
    "start_resumed": {
        "en": "Welcome back: your daily digest resumes, next at {next}.",
        "ar": "أهلاً بعودتك: يُستأنف موجزك اليومي، والتالي في {next}.",
    },
    "not_subscribed": {
        "en": "You are not subscribed yet. Send /subscribe (or /subscribe 07:30) for a daily "
        "digest, then /settings to tailor it.",
        "ar": "لست مشتركاً بعد. أرسل /subscribe (أو /subscribe 07:30) لتصلك نشرة يومية، "
        "ثم /settings لتخصيصها.",
    },
    "settings_title": {"en": "<b>Your digest settings</b>", "ar": "<b>إعدادات موجزك</b>"},
    "set_active": {
        "en": "Status: active, next digest {next}",
        "ar": "الحالة: فعّال، والموجز التالي {next}",
    },
    "set_stopped": {
        "en": "Status: stopped; /subscribe resumes it",
        "ar": "الحالة: متوقف؛ /subscribe يستأنفه",
    },
    "set_time": {"en": "Time: {time} ({zone})", "ar": "الوقت: {time} ({zone})"},
    "set_lang": {"en": "Language: {name}", "ar": "اللغة: {name}"},
    "set_topics": {"en": "Topics: {topics}", "ar": "الموضوعات: {topics}"},
    "set_max": {"en": "At most {stories}", "ar": "{stories} كحد أقصى"},
    "set_empty": {"en": "When nothing is new: {what}", "ar": "إن لم يكن هناك جديد: {what}"},
    "topics_all": {"en": "all", "ar": "كلها"},
    "empty_notice": {"en": "a short notice", "ar": "رسالة قصيرة"},
    "empty_silent": {"en": "no message", "ar": "لا رسالة"},
    "set_hint": {
        "en": "Tap to change, or type /settings time 07:30 or /settings zone Europe/Paris "
        "(or UTC+2).",
        "ar": "اضغط للتغيير، أو اكتب /settings time 07:30 أو /settings zone Europe/Paris "
        "(أو UTC+2).",
    },
    "pick_time": {
        "en": "Choose the delivery time, or type /settings time 07:30.",
        "ar": "اختر وقت الإرسال، أو اكتب /settings time 07:30.",
    },
    "pick_zone": {
        "en": "Choose your time zone, or type /settings zone Europe/Paris or UTC+2.",
        "ar": "اختر منطقتك الزمنية، أو اكتب /settings zone Europe/Paris أو UTC+2.",
    },
    "pick_lang": {"en": "Choose the digest's language.", "ar": "اختر لغة الموجز."},
    "pick_topics": {
        "en": "Tap topics to include or leave out; ✓ marks what is included.",
        "ar": "اضغط على الموضوعات لإدراجها أو استبعادها؛ ✓ تعني أنه مُدرج.",
    },
    "pick_max": {"en": "How many stories at most?", "ar": "كم خبراً كحد أقصى؟"},
    "pick_empty": {
        "en": "When nothing new happened, should I send a short notice?",
        "ar": "إن لم يحدث جديد، هل أرسل رسالة قصيرة؟",
    },
    "btn_time": {"en": "Time: {v}", "ar": "الوقت: {v}"},
    "btn_zone": {"en": "Zone: {v}", "ar": "المنطقة: {v}"},
    "btn_lang": {"en": "Language", "ar": "اللغة"},
    "btn_topics": {"en": "Topics", "ar": "الموضوعات"},
    "btn_max": {"en": "Stories: {v}", "ar": "الأخبار: {v}"},
    "btn_empty": {"en": "When nothing is new", "ar": "إن لم يكن جديد"},
    "btn_back": {"en": "‹ Back", "ar": "رجوع ›"},
    "hl_ar": {"en": "Arabic only", "ar": "بالعربية فقط"},
    "hl_en": {"en": "English", "ar": "بالإنجليزية"},
    "hl_both": {"en": "Arabic with English under it", "ar": "بالعربية وتحتها الإنجليزية"},
    "set_headlines": {"en": "Headlines in lists: {name}", "ar": "العناوين في القوائم: {name}"},
    "btn_headlines": {"en": "Headlines", "ar": "العناوين"},
    "pick_headlines": {
        "en": "How should /latest, /topic, /search, /who and alerts show headlines? "
        "English is machine-translated; a headline not translated yet shows in Arabic.",
        "ar": "كيف تُعرض العناوين في /latest و/topic و/search و/who والتنبيهات؟ "
        "الإنجليزية ترجمة آلية؛ والعنوان الذي لم يُترجم بعد يظهر بالعربية.",
    },
    "headlines_set": {
        "en": "Headlines in lists: {name}.",
        "ar": "العناوين في القوائم: {name}.",
    },
    "headlines_usage": {
        "en": "Usage: /settings headlines ar|en|both (Arabic only, English, or Arabic with "
        "English under it).",
        "ar": "الاستخدام: /settings headlines ar|en|both (بالعربية فقط، أو بالإنجليزية، أو "
        "بالعربية وتحتها الإنجليزية).",
    },
    "btn_all_topics": {"en": "All topics", "ar": "كل الموضوعات"},
    "btn_notice": {"en": "Send a short notice", "ar": "أرسل رسالة قصيرة"},
    "btn_silent": {"en": "Send nothing", "ar": "لا ترسل شيئاً"},
    "settings_usage": {
        "en": "Usage: /settings, /settings time HH:MM, /settings zone Europe/Paris (or UTC+2), "
        "/settings lang ar|en|both, /settings max N (1 to 20).",
        "ar": "الاستخدام: /settings أو /settings time س:د أو /settings zone Europe/Paris "
        "(أو UTC+2) أو /settings lang ar|en|both أو /settings max N (من 1 إلى 20).",
    },
    "settings_bad_zone": {
        "en": "I don't know the time zone “{text}”. Use a name like Europe/Paris or an offset "
        "like UTC+2.",
        "ar": "لا أعرف المنطقة الزمنية «{text}». استخدم اسماً مثل Europe/Paris أو فارقاً مثل UTC+2.",
    },
    "settings_bad_time": {
        "en": "“{text}” is not a time of day. Send it as HH:MM, for example /settings time 07:30.",
        "ar": "«{text}» ليس وقتاً من اليوم. اكتبه بصيغة س:د، مثل /settings time 07:30.",
    },
    "follow_usage": {
        "en": "Send /follow with a person or a topic, for example /follow Mangoush or "
        "/follow elections.",
        "ar": "أرسل /follow متبوعاً بشخص أو موضوع، مثل /follow المنقوش أو /follow الانتخابات.",
    },
    "follow_done": {
        "en": "You now follow <b>{name}</b>. I will message you when a new story is about it, "
        "and mark its stories ★ in your digest.",
        "ar": "أصبحت تتابع <b>{name}</b>. سأراسلك عند ورود خبر جديد عنه، "
        "وأميّز أخباره بـ★ في موجزك.",
    },
    "follow_done_f": {
        "en": "You now follow <b>{name}</b>. I will message you when a new story is about her, "
        "and mark her stories ★ in your digest.",
        "ar": "أصبحت تتابع <b>{name}</b>. سأراسلك عند ورود خبر جديد عنها، "
        "وأميّز أخبارها بـ★ في موجزك.",
    },
    "follow_already": {
        "en": "You already follow <b>{name}</b>.",
        "ar": "أنت تتابع <b>{name}</b> بالفعل.",
    },
    "follow_unknown": {
        "en": "I know no person or topic called “{query}”.",
        "ar": "لا أعرف شخصاً أو موضوعاً باسم «{query}».",
    },
    "follow_choose": {
        "en": "Several people match “{query}”. Which one do you mean?",
        "ar": "يطابق «{query}» أكثر من شخص. أيهم تقصد؟",
    },
    "unfollow_done": {
        "en": "You no longer follow <b>{name}</b>.",
        "ar": "لم تعد تتابع <b>{name}</b>.",
    },
    "unfollow_not": {"en": "You don't follow <b>{name}</b>.", "ar": "أنت لا تتابع <b>{name}</b>."},
    "following_title": {"en": "<b>You follow</b>", "ar": "<b>تتابع</b>"},
    "following_empty": {
        "en": "You follow no one and no topic yet. Try /follow Mangoush or /follow elections.",
        "ar": "لا تتابع أحداً ولا موضوعاً بعد. جرّب /follow المنقوش أو /follow الانتخابات.",
    },
    "following_hint": {
        "en": "Tap one to stop following it, or send /unfollow with its name.",
        "ar": "اضغط على أحدها لإلغاء متابعته، أو أرسل /unfollow متبوعاً باسمه.",
    },
    "topic_word": {"en": "topic", "ar": "موضوع"},
    "lang_set": {"en": "From now on I answer in English.", "ar": "من الآن أجيبك بالعربية."},
    "lang_auto": {
        "en": "I answer in your Telegram language again.",
        "ar": "أعود إلى الإجابة بلغة تيليغرام لديك.",
    },
    "lang_usage": {
        "en": "I answer in English. Send /lang ar or /lang en to choose; /lang auto follows "
        "your Telegram language.",
        "ar": "أجيبك بالعربية. أرسل /lang ar أو /lang en للاختيار؛ و/lang auto يتبع لغة "
        "تيليغرام لديك.",
    },
    "mydata_title": {"en": "<b>What I keep about you</b>", "ar": "<b>ما أحفظه عنك</b>"},
    "mydata_none": {"en": "I keep nothing about you.", "ar": "لا أحفظ عنك شيئاً."},
    "mydata_user": {
        "en": "Chat {chat}; Telegram language: {code}; interface language: {ui}.\n"
        "First seen {first}; last seen {last}.",
        "ar": "المحادثة {chat}؛ لغة تيليغرام: {code}؛ لغة الواجهة: {ui}.\n"
        "أول ظهور {first}؛ آخر ظهور {last}.",
    },
    "mydata_ui_auto": {"en": "as Telegram's", "ar": "كلغة تيليغرام"},
    "mydata_sub": {"en": "<b>Digest</b>", "ar": "<b>الموجز</b>"},
    "mydata_period": {
        "en": "Last digest covered up to {when}.",
        "ar": "آخر موجز غطّى حتى {when}.",
    },
    "mydata_follows": {"en": "<b>Follows</b>", "ar": "<b>المتابعات</b>"},
    "mydata_deliveries": {"en": "<b>Last digests</b>", "ar": "<b>آخر المواجز</b>"},
    "mydata_alerts": {
        "en": "<b>Alerts</b>: {stories} about what you follow.",
        "ar": "<b>التنبيهات</b>: {stories} عمّا تتابعه.",
    },
    "delivery_sent": {"en": "sent", "ar": "أُرسل"},
    "delivery_pending": {"en": "being sent", "ar": "قيد الإرسال"},
    "delivery_failed": {"en": "not delivered", "ar": "لم يُسلَّم"},
    "mydata_footer": {"en": "Delete it all with /forget.", "ar": "احذفه كله بالأمر /forget."},
    "forget_ask": {
        "en": "This deletes your subscription, what you follow, your digest history and "
        "everything else I keep about you. It cannot be undone.",
        "ar": "سيحذف هذا اشتراكك وما تتابعه وسجل مواجزك وكل ما أحفظه عنك. لا يمكن التراجع عنه.",
    },
    "btn_forget_yes": {"en": "Delete everything", "ar": "احذف كل شيء"},
    "btn_forget_no": {"en": "Cancel", "ar": "إلغاء"},
    "forget_done": {
        "en": "Done: I have deleted everything I kept about you.",
        "ar": "تم: حذفت كل ما كنت أحفظه عنك.",
    },
    "forget_cancel": {"en": "Nothing was deleted.", "ar": "لم يُحذف شيء."},
    "alert_title": {
        "en": "<b>New on what you follow</b> ({about})",
        "ar": "<b>جديد عمّا تتابعه</b> ({about})",
    },
    "alert_title_plain": {"en": "<b>New on what you follow</b>", "ar": "<b>جديد عمّا تتابعه</b>"},
    "alert_more": {"en": "… and {n} more.", "ar": "… و{n} غيرها."},
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


def format_moment(moment: datetime, lang: Lang, zone: ZoneInfo) -> str:
    """A day and clock time without the year, in `zone`: '28 Nov 08:00' or '28 نوفمبر 08:00'."""
    local = moment.astimezone(zone)
    return f"{local.day} {_MONTHS[lang][local.month - 1]} {local:%H:%M}"


def story_count(n: int, lang: Lang, *, genitive: bool = False) -> str:
    """'1 story', '3 stories'; in Arabic 'خبر واحد', 'خبران' (after في: 'خبرين'), '3 أخبار'."""
    if n == 1:
        return t(lang, "one_story")
    if lang == "ar":
        if n == 2:
            return "خبرين" if genitive else "خبران"
        return f"{n} أخبار" if 3 <= n <= 10 else f"{n} خبرًا"
    return t(lang, "stories_count", n=n)
