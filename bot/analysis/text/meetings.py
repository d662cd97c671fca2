"""Who met whom, where and when: meetings, calls, talks, visits and summits as reported.

A sentence holds an event when it has a cue: a verb of meeting ("التقى", "استقبل", "زار",
"جمع", "اجتمع مع", "بحث مع", "أجرى محادثات", "تحدث مع", "حضر X مع Y"), a call ("أجرى اتصالا
هاتفيا", "تلقى اتصالا", "خلال محادثة هاتفية مع", "مكالمة هاتفية بين"), a visit ("وصل إلى",
"زيارة ... إلى"، "زيارته لبريطانيا", "جولة شملت X وY"), a press conference held with someone
("في مؤتمر صحفي مشترك مع"), or a noun of one reported as held ("خلال لقائه مع", "عقب
الاجتماع", "لقاء جمع", "قمة بين", "المحادثات التي أجراها مع"). Its participants are the people
named from the cue to where the clause moves on (a relative pronoun, a purpose, what was
said, an act on someone), coordinated ones included (X وY وZ), with those "بحضور" or
"بمشاركة" and anyone named by a title alone whom the story names with that title. When the
subject goes unnamed after the cue (an object after ب or مع, "التقى خلالها", "لقائه"), it is
who said it ("إنه التقى"), the holder of a title that stands in for a name, the person named
just before, else the story's main person, never a guess over a name no list knows. Every
pair of participants is one meeting. A state or body stands for a side only when named by
its name (not "الوفد التركي"), never from a person's title, and not beside someone of it the
visitor met. Planned, cancelled, denied or asked-about meetings are dropped. The day comes
from the event's clause (اليوم، أمس، a weekday, "الماضي", a date written out), else from the
lead when the sentence says no time at all; the place from a city the clause puts it in
(seats of power stand for their cities), else the next sentence when it goes on about the
meeting; what is learned of one pair's place or day holds for everyone at that meeting.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from functools import cache, lru_cache

from bot.analysis.text.actors import Found
from bot.analysis.text.days import day_named, months, weekdays
from bot.analysis.text.gatherings import find_gatherings
from bot.analysis.text.lexicon import common_words, titles
from bot.analysis.text.normalize import normalize
from bot.analysis.text.stem import unclitic
from bot.analysis.text.tokens import COMMA, Token, sentence_spans
from bot.models import Meeting

# Past tense: the event happened. Duals and plurals name their subjects before the verb.
_MET = """
التقى التقت التقاه التقاها التقيا التقتا التقوا اجتمع اجتمعت اجتمعا اجتمعوا
استقبل استقبلت استقبلا استقبله استقبلها استضاف استضافت زار زارت جمع جمعت
"""
# Present tense: news headlines report done events so ("السراج يلتقي السفير").
_MEETS = """
يلتقي تلتقي يلتقيان يجتمع تجتمع يجتمعان يستقبل تستقبل يزور تزور يجمع
"""
# Verbs that make a meeting only with "مع": "بحث X مع Y"; "بحث X الأوضاع" is no meeting.
# Present tense of the others, for the moods that make them a plan ("أن يبحث").
_PRESENT = """
يبحث تبحث يبحثان يناقش تناقش يتباحث تتباحث يعقد تعقد يجري تجري يجمع يضم يتصل يتلقى
يتحدث تتحدث يصل تصل
"""
_WITH = """
بحث بحثت بحثا تباحث تباحثت تباحثا ناقش ناقشت ناقشا تشاور تشاورت تشاورا
يبحث تبحث يبحثان يناقش تناقش يتباحث تتباحث
"""
# Verbs that make a meeting only with a noun of one after them: "عقد لقاء", "أجرى محادثات".
_HOLD = """
عقد عقدت عقدا أجرى أجرت أجريا يعقد تعقد يجري تجري ضم يضم ضمت اختتم اختتما اختتمت
أجراها أجراه أجرتها عقدها عقده عقدتها
"""
_DUAL = """
التقيا التقتا التقوا اجتمعا اجتمعوا يلتقيان يجتمعان بحثا تباحثا ناقشا تشاورا يبحثان
عقدا أجريا
"""
# Nouns of an event with a possessive ending: the subject is someone named before.
_POSSESSIVE = """
لقاءه لقائه لقاءها لقائها لقائهما اجتماعه اجتماعها اجتماعهما محادثاته محادثاتها مباحثاته
مباحثاتها مشاوراته مشاوراتها زيارته زيارتها استقباله استقبالها تواصله تواصلها تواصلهما
اتصاله اتصالها وصوله وصولها مكالمته مكالمتها محادثته محادثتها
"""
# Nouns of an event.
_NOUNS = """
لقاء اللقاء لقاءه لقاءها لقائه لقائها لقائهما لقاءات اجتماع الاجتماع اجتماعا اجتماعه
اجتماعها اجتماعهما اجتماعات محادثات المحادثات محادثاته محادثاتها مباحثات المباحثات
مباحثاته مباحثاتها مشاورات المشاورات مشاوراته قمة القمة زيارة الزيارة زيارته زيارتها
استقبال استقباله استقبالها جلسة مؤتمرا تواصله تواصلها تواصلهما
"""
# "اتصل ب", "هاتف": a call with or without the word; "تلقى", "تحدث" only with a call word.
_CALL_VERBS = "اتصل اتصلت هاتف هاتفت يتصل"
_CALL_IF = "تلقى تلقت يتلقى تحدث تحدثت تحادث تحادثا"
# A press conference held with someone ("في مؤتمر صحفي مشترك مع نظيره X"): they met.
_PRESS = "مؤتمر المؤتمر مؤتمرا"
_PRESS_STEM = "موتمر"  # "مؤتمر" as normalize() writes it, to look for in normalized words
_PRESS_WORDS = "صحفي صحافي الصحفي الصحافي صحفيا صحافيا"
# "تحدث مع X": spoke with him, a call or in person; "تحدث عن"/"تحدث إلى الصحفيين" is not.
_TALKED = "تحدث تحدثت تحدثا تحادث تحادثا"
_CALL_WORDS = """
اتصالا اتصال الاتصال اتصاله اتصالها اتصالات هاتفيا هاتفي هاتفية الهاتفي الهاتفية الهاتف
مكالمة المكالمة مكالمات
"""
# A call as a noun: "خلال محادثة هاتفية مع X", "بعد مكالمة هاتفية بين X وY". One of these
# is a call only with a word of the telephone after it, or when it is a call itself (مكالمة).
_CALL_NOUNS = """
مكالمة المكالمة مكالمته مكالمتها مكالمتهما محادثة المحادثة محادثته محادثتها محادثتهما
محادثتين محادثتان مكالمتين مكالمتان اتصال الاتصال اتصاله اتصالها اتصالهما
"""
# Two calls: "خلال محادثتين أجراهما مع X وY" is one call with each, not X with Y.
_TWO_CALLS = "محادثتين محادثتان مكالمتين مكالمتان"
_PHONE = "هاتفيا هاتفي هاتفية الهاتفي الهاتفية الهاتف هاتف"
# Words that end the stretch where participants are named: the clause has moved on.
_BARRIERS = """
الذي التي الذين اللذين اللذان اللتان اللتين حيث وذلك بينما فيما لبحث لمناقشة للبحث
لتناول حول بشأن بخصوص إن أن إنه أنه وقال قال وأكد أكد وأضاف أضاف وأوضح أوضح وأعلن
أعلن وأشار أشار وشدد شدد مشيرا مؤكدا مضيفا ثم كما لكن ضد قائلا وتابع تابع وكان كان
وتناول تناول تناولت وناقش وبحث واتفق اتفق بدعوة برعاية للمشاركة لحضور
تعيين بتعيين تكليف ترشيح انتخاب إقالة عزل اعتقال إعفاء مقتل اغتيال تسمية
للإعداد للتحضير تمهيدا لعقد قبل قبيل
"""
# The clause speaks of a meeting to come, called off or denied: it did not happen.
_PLANNED = """
المرتقب المرتقبة المرتقبين مرتقب مرتقبة المقرر المقررة مقرر مقررة المقبل المقبلة القادم
القادمة المزمع المزمعة مزمع مزمعة المنتظر المنتظرة المتوقع المتوقعة المحتمل المحتملة
المخطط المقترح المقترحة غدا يعتزم تعتزم يعتزمان ينوي تنوي عزمه عزمها إلغاء بإلغاء ألغى
ألغت يلغي تلغي ستلغي تأجيل بتأجيل إرجاء لانعقاد بانعقاد التحضير الإعداد
يأمل تأمل التخطيط سيعقد ستعقد ستنعقد سيجري ستجري
يرتقب يتوقع تتوقع يفترض المفترض رفض رفضت يرفض اقترح اقترحت يقترح مقترح وافق وافقت موافقة سيقوم
لإحياء مصير ستقوم موعد منع لمنع يمنع تمنع
سيتم ستتم سيكون ستكون ستتناول سيتناول ستبحث سيبحث ستناقش سيناقش ستشهد سيشهد ستنطلق
تنطلق
"""
# Before a present-tense verb, what makes it a wish, a plan or a denial.
_MOODS = "سوف لن لم أن ان كي لكي عندما حين حينما قد إذا اذا لو هل"
# Words of a person's title beyond the shared list: "ونظيره الروسي سيرغي لافروف".
_TITLE_EXTRA = """
نظير نظيره نظيرها نظيرته نظيرتها نظيريه نظراءه نظرائه زعيم الزعيم ملك الملك أمير الأمير
ولي العهد رئيسة قائد كبير مساعدي مساعد مسؤول المسؤول
القس الحاخام البابا الإمام المطران الكاردينال الصحفي الصحفية الناشط الناشطة الكاتب الكاتبة
المحامي المحامية الأستاذ البروفيسور الفنان الفنانة اللاعب الممثل المغني الأمير الأميرة
"""
# Right after a verb, a word with a pronoun on it ("التقى خلالها X"): the subject was
# named before, and who follows is whom it met.
_PRONOMINAL = "خلالها خلاله خلالهما معه معها معهما فيها فيه لديه لديها هناك أثناءها عندها"
# "إنها التقت ...": the subject is whoever said it.
_THAT_HE = "إنه إنها أنه أنها بأنه بأنها"
# "التقى كلا من X وY بشكل منفصل": X and Y did not meet each other.
_APART = "منفصل منفصلة منفصلين حدة"
_CONNECTORS = "مع ومع بين وبين بحضور وبحضور بمشاركة وبمشاركة"
# Before a noun of an event, what makes it one that took place: "خلال لقائه", "عقب الاجتماع".
_WHEN = "خلال عقب بعد أثناء إثر اثر ختام هامش مستهل بداية في وفي لدى حضر حضرت شارك شاركت"
# After these, a noun's one named person is whom the sentence's subject met ("بعد لقاء ميركل").
_AFTER = "بعد وبعد عقب خلال وخلال إثر أثناء مستهل ختام"
# "حضر الاجتماع": who attended it is a participant.
_ATTENDED = "حضر حضرت شارك شاركت"
# "حضر X مع نظيره Y افتتاح ...", "حضر توقيع الاتفاقية مع Y": there together, so they met.
_ATTENDED_WITH = "حضر حضرت حضرا"
# Arriving somewhere abroad is a visit to that state: "وصل ولي العهد إلى واشنطن".
_ARRIVE = """
وصل وصلت يصل تصل وصول بوصول وصوله وصولها توجه توجهت زيارة زيارته زيارتها
"""
# Visits as nouns: a visit to a state or city even with no إلى ("زيارة بوتين للقاهرة").
_VISITS = "زيارة الزيارة زيارته زيارتها"
_VISIT_VERBS = "زار زارت يزور تزور"
# A tour and the states it took in: "جولة شملت الولايات المتحدة وبريطانيا وفرنسا".
_TOURS = "جولة الجولة جولته جولتها"
_TOOK_IN = "شملت شمل تضمنت"
_RECEIVE = "استقبل استقبلت يستقبل تستقبل"
_RELATIVES = "الذي التي الذين"
# Kin of the person named after them: "زوجة الرئيس ..." is not the president.
_KIN = """
ابن ابنة نجل نجلة زوجة زوج شقيق شقيقة أخ أخت والد والدة أرملة حفيد حفيدة صهر عم خال
ابنه ابنته نجله زوجته شقيقه شقيقته
"""
# In a title, one of someone's aides: "كبير مساعدي زعيم كوريا الشمالية كيم جونغ أون" is not Kim.
_AIDES = "مساعدي معاوني مستشاري مساعدو معاونو مستشارو"
# Purposes: before a cue, the meeting is to come ("للتحضير للقمة"); after it, the clause
# moves on to what the meeting was for ("اجتمعوا ... للإعداد لمحادثات").
_PURPOSES = "للإعداد للتحضير تمهيدا لعقد"
_INVITED = "دعوة الدعوة دعا دعت يدعو تدعو"
_GATHER = "جمع جمعت يجمع"
_TO = "إلى الى لزيارة"
# Before عقد / إجراء as a noun ("قبل عقد قمة"), what shows it is one and not a past verb.
_MASDAR = "إلى الى قبل في على من عن إعادة لإعادة بعقد يمكن يجب بشأن حول"
# After one: "لقاء جمع X وY", "اجتماع ضم ...", "المحادثات التي جرت".
_TOOK_PLACE = """
جمع ضم يضم يجمع جرى جرت عقد عقدت انعقد انعقدت استمر استمرت دام دامت تناول تناولت تم
"""
# Verbs of saying after "خلال القمة، أكد X وY": their subjects are the participants.
_SAYING = """
أكد أكدا أكدت قال قالا قالت أعلن أعلنا أعلنت شدد شددا شددت أوضح أوضحا بحث بحثا اتفق
اتفقا اتفقت تناول تناولا ناقش ناقشا
"""
_ATTENDING = "بحضور وبحضور بمشاركة وبمشاركة"
# Who stands for a state or body at a meeting: "الوفد التركي", "مسؤولين من طالبان".
_DELEGATES = """
وفد الوفد وفدا وفود الوفود الجانب جانب مسؤولي مسؤولين المسؤولين ممثلي ممثلين ممثلو سفراء قادة
ممثل ممثلا مبعوث
"""
# A place after these is the subject of the talks, not where they were held.
_TOPIC_WORDS = """
الوضع الأوضاع التطورات تطورات الأزمة أزمة عملية معركة الحرب حرب الأمن استقرار الاستقرار
مستقبل ملف أمن
"""
# "وجرى اللقاء في ...": the meeting just told of, named again.
_THE_MEETING = "اللقاء الاجتماع المحادثات المباحثات القمة المشاورات"
# Words that say when, beyond days and months: a sentence with one is dated on its own.
_TIMES = """
اليوم أمس الماضي الماضية المقبل المقبلة القادم القادمة الأسبوع الشهر العام عام السنة سنة
مؤخرا سابق السابق وقت آنذاك حينها الليلة صباح مساء
"""
# Words of a title too common to tell two holders apart.
_WEAK = "في من على عن و باسم لدى العام العامة"
_SIDES = ("person", "body", "country")
# How far the participants of one event may stand from its cue and from each other.
REACH = 14
GAP = 12
LOOK_BACK = 20
TITLE_REACH = 10
MAX_PEOPLE = 6
HOLD_REACH = 3
PLANNED_BEFORE = 10
PLANNED_NEAR = 3
SIDE_REACH = 6
MAIN_MENTIONS = 2
NEAR_SENTENCES = 2  # the main person stands for "he" when named this near before
TITLED_BEFORE = 4
NEXT_VERB = 25
NOUN_REACH = 3
RELATIVE_REACH = 8  # a relative clause a list of participants resumes after
VISIT_BACK = 6
LEAD_SENTENCES = 3  # the headline and the lead
LEAD_REACH = 10  # sentences the lead's day holds for when they say no time
TOOK_REACH = 8  # "اجتماع القذافي- ساركوزي، تم داخل خيمة ..."


@dataclass(frozen=True)
class _Lex:
    met: frozenset[str]
    meets: frozenset[str]
    present: frozenset[str]
    with_: frozenset[str]
    hold: frozenset[str]
    dual: frozenset[str]
    nouns: frozenset[str]
    possessive: frozenset[str]
    call_verbs: frozenset[str]
    call_if: frozenset[str]
    call_words: frozenset[str]
    talked: frozenset[str]
    press: frozenset[str]
    press_words: frozenset[str]
    call_nouns: frozenset[str]
    two_calls: frozenset[str]
    phone: frozenset[str]
    barriers: frozenset[str]
    planned: frozenset[str]
    moods: frozenset[str]
    title_words: frozenset[str]
    connectors: frozenset[str]
    attending: frozenset[str]
    pronominal: frozenset[str]
    that_he: frozenset[str]
    apart: frozenset[str]
    the_meeting: frozenset[str]
    weak: frozenset[str]
    times: frozenset[str]
    when: frozenset[str]
    after: frozenset[str]
    attended: frozenset[str]
    attended_with: frozenset[str]
    arrive: frozenset[str]
    visits: frozenset[str]
    visit_verbs: frozenset[str]
    tours: frozenset[str]
    took_in: frozenset[str]
    receive: frozenset[str]
    relatives: frozenset[str]
    kin: frozenset[str]
    aides: frozenset[str]
    purposes: frozenset[str]
    invited: frozenset[str]
    gather: frozenset[str]
    to: frozenset[str]
    masdar: frozenset[str]
    took_place: frozenset[str]
    saying: frozenset[str]
    delegates: frozenset[str]
    topic_words: frozenset[str]
    weekdays: dict[str, int]
    months: dict[str, int]


def _words(text: str) -> frozenset[str]:
    return frozenset(normalize(w) for w in text.split())


@cache
def _lex() -> _Lex:
    """The word lists, normalized once, when first used."""
    return _Lex(
        met=_words(_MET),
        meets=_words(_MEETS),
        present=_words(_MEETS) | _words(_PRESENT),
        with_=_words(_WITH),
        hold=_words(_HOLD),
        dual=_words(_DUAL),
        nouns=_words(_NOUNS),
        possessive=_words(_POSSESSIVE),
        call_verbs=_words(_CALL_VERBS),
        call_if=_words(_CALL_IF),
        call_words=_words(_CALL_WORDS),
        talked=_words(_TALKED),
        press=_words(_PRESS),
        press_words=_words(_PRESS_WORDS),
        call_nouns=_words(_CALL_NOUNS),
        two_calls=_words(_TWO_CALLS),
        phone=_words(_PHONE),
        barriers=_words(_BARRIERS),
        planned=_words(_PLANNED),
        moods=_words(_MOODS),
        title_words=_words(_TITLE_EXTRA) | titles(),
        connectors=_words(_CONNECTORS),
        attending=_words(_ATTENDING),
        pronominal=_words(_PRONOMINAL),
        that_he=_words(_THAT_HE),
        apart=_words(_APART),
        the_meeting=_words(_THE_MEETING),
        weak=_words(_WEAK),
        times=_words(_TIMES),
        when=_words(_WHEN),
        after=_words(_AFTER),
        attended=_words(_ATTENDED),
        attended_with=_words(_ATTENDED_WITH),
        arrive=_words(_ARRIVE),
        visits=_words(_VISITS),
        visit_verbs=_words(_VISIT_VERBS),
        tours=_words(_TOURS),
        took_in=_words(_TOOK_IN),
        receive=_words(_RECEIVE),
        relatives=_words(_RELATIVES),
        kin=_words(_KIN),
        aides=_words(_AIDES),
        purposes=_words(_PURPOSES),
        invited=_words(_INVITED),
        gather=_words(_GATHER),
        to=_words(_TO),
        masdar=_words(_MASDAR),
        took_place=_words(_TOOK_PLACE),
        saying=_words(_SAYING),
        delegates=_words(_DELEGATES),
        topic_words=_words(_TOPIC_WORDS),
        weekdays=weekdays(),
        months=months(),
    )


@lru_cache(maxsize=1 << 14)
def _shapes(norm: str) -> tuple[str, ...]:
    """The word, then without a leading و/ف, then without a leading ب/ل/ك as well."""
    out = [norm]
    word = norm
    if len(word) > 3 and word[0] in "وف":
        word = word[1:]
        out.append(word)
    if len(word) > 3 and word[0] in "بلك":
        out.append(word[1:])
    return tuple(out)


def _is(tok: Token, words: frozenset[str]) -> bool:
    # Asked tens of thousands of times a batch: each word's lists are worked out once.
    bit = _bits().get(id(words))
    if bit is None:
        return any(shape in words for shape in _shapes(tok.norm))
    return bool(_flags(tok.norm) & bit)


@cache
def _bits() -> dict[int, int]:
    """A bit for each word list of the lexicon, by the list's identity."""
    lex = _lex()
    lists = [getattr(lex, f.name) for f in fields(lex)]
    return {id(words): 1 << n for n, words in enumerate(lists) if isinstance(words, frozenset)}


@lru_cache(maxsize=1 << 15)
def _flags(norm: str) -> int:
    """The lists of the lexicon a word belongs to, in any of its shapes, as bits."""
    lex = _lex()
    flags = 0
    for f in fields(lex):
        words = getattr(lex, f.name)
        if isinstance(words, frozenset) and any(shape in words for shape in _shapes(norm)):
            flags |= _bits()[id(words)]
    return flags


@dataclass
class _Mention:
    """One standing of an entity in the story: where, what, and how it is introduced."""

    start: int
    end: int
    item: Found
    lead: int  # where its title phrase begins, or its own start
    marked: bool = False  # introduced by ب, مع or بين: an object, not a subject
    side: bool = False  # a body or state that can stand for a side: "مع الجانب المصري"


@dataclass(frozen=True)
class _Story:
    """What every sentence's events may draw on: the main person, the states named, the day."""

    main: Found | None
    countries: dict[str, Found]  # ISO code -> the state's mention
    on: date | None
    roles: list[tuple[Found, frozenset[str]]]  # each person and the words of their titles


@dataclass
class _Event:
    cue: int
    kind: str
    people: list[_Mention] = field(default_factory=list)
    others: list[_Mention] = field(default_factory=list)
    apart: bool = False  # the first met each of the others, who did not meet each other
    visit: bool = False  # to a state: every visitor met it
    tour: bool = False  # of several states: no one place for all of it


def find_meetings(
    tokens: Sequence[Token], found: Sequence[Found], on: date | None
) -> list[Meeting]:
    """Meetings and calls in a story: every pair of participants, with place and day if given."""
    lex = _lex()
    # Most stories and sentences hold no cue: only those that do, and the one after each,
    # are read.
    norms = [tok.norm for tok in tokens]
    may = list(map(_may_cue, norms))
    if _PRESS_STEM in " ".join(norms):  # most stories hold none: one look at the whole
        for k, norm in enumerate(norms):
            # "مؤتمر" is a cue only as a press conference held with someone.
            if _PRESS_STEM in norm and _press_with(tokens, k, len(tokens), lex):
                may[k] = True
    if not any(may):
        return []
    sentences = sentence_spans(tokens)
    cued = [
        i
        for i, (start, end) in enumerate(sentences)
        if tokens[end - 1].text != "؟"  # a question reports nothing
        and any(may[start:end])
    ]
    live = bytearray(len(tokens))
    for i in {*cued, *(i + 1 for i in cued if i + 1 < len(sentences))}:
        start, end = sentences[i]
        live[start:end] = b"\x01" * (end - start)
    mentions = _mentions(tokens, found, lex, live)
    starts = [m.start for m in mentions]
    story = _story(found, on)
    lead: list[date | None] = []  # the lead's day, worked out when first wanted
    meetings: list[Meeting] = []
    seen: dict[frozenset[str], int] = {}  # each pair once, at its index in meetings
    groups: dict[int, list[int]] = {}  # the pairs of one meeting, by each one's index
    for index in cued:
        s_start, s_end = sentences[index]
        inside = mentions[bisect_left(starts, s_start) : bisect_left(starts, s_end)]
        near = sentences[max(0, index - NEAR_SENTENCES)][0]
        for event, stop in _events(tokens, s_start, s_end, inside, story, lex, near):
            pairs = _pairs(event)
            if not pairs:
                continue
            # The event's own stretch first: an earlier clause may be about something else.
            begin = min([event.cue, *(m.lead for m in event.people if m.start >= s_start)])
            # "وأوضح ترامب في تصريحات بالبيت الأبيض أنه تحدث مع ...": where he said it is
            # not where they met.
            begin = next(
                (j + 1 for j in range(event.cue - 1, begin - 1, -1) if _is(tokens[j], lex.that_he)),
                begin,
            )
            place = None
            if event.kind != "call" and not event.tour:
                # Where, in the event's clause, else later in the sentence ("... الذي وصل
                # إلى نيويورك"), else in the next one when it goes on about the meeting.
                place = _place(tokens, inside, begin, stop, lex) or _place(
                    tokens, inside, stop, _until_next_move(tokens, stop - 2, s_end, lex), lex
                )
                if place is None and event.visit:
                    place = _city_of(event.others, inside)
                if place is None and index + 1 < len(sentences):
                    place = _place_after(tokens, mentions, sentences[index + 1], lex)
            # The day in the event's clause, else before it in the sentence ("أعلن ...
            # الثلاثاء أن X التقى Y"); not one after, in a clause of its own.
            day = day_named(tokens, begin, stop, on) or day_named(tokens, s_start, stop, on)
            if event.tour:
                day = None  # its legs came on days before the one the sentence names
            elif day is None and not _timed(tokens, s_start, s_end, lex) and index < LEAD_REACH:
                # A sentence that says no time at all tells of the day the lead gives.
                if not lead:
                    lead.append(_lead_day(tokens, sentences, on, lex))
                day = lead[0]
            if day is not None and on is not None and day > on:
                continue  # a date to come: planned
            group: list[int] = []
            for a, b in pairs:
                pair = frozenset((a.entry.key, b.entry.key))
                if pair in seen:
                    # A headline names the pair, the body tells where and when; and what it
                    # tells of one pair it tells of everyone at that meeting.
                    for at in groups[seen[pair]]:
                        first = meetings[at]
                        meetings[at] = replace(
                            first,
                            place=first.place or (place if first.kind == event.kind else None),
                            day=first.day or day,
                        )
                    continue
                seen[pair] = len(meetings)
                group.append(len(meetings))
                meetings.append(
                    Meeting(a=a.entry.key, b=b.entry.key, place=place, day=day, kind=event.kind)
                )
            for at in group:
                groups[at] = group
    for summit in find_gatherings(tokens, found, on):
        for n, a in enumerate(summit.members):
            for b in summit.members[n + 1 :]:
                pair = frozenset((a.entry.key, b.entry.key))
                if len(pair) == 2 and pair not in seen:
                    seen[pair] = len(meetings)
                    meetings.append(
                        Meeting(a.entry.key, b.entry.key, summit.place, summit.day, "meeting")
                    )
    return _no_state_beside_its_people(meetings, found)


def _no_state_beside_its_people(meetings: list[Meeting], found: Sequence[Found]) -> list[Meeting]:
    """A state is a side only when the story names no one of it that its visitor met.

    "وصل لودريان إلى طرابلس ... التقى خلالها المنفي": Le Drian met al-Menfi, not Libya.
    """
    entries = {f.entry.key: f.entry for f in found}

    def country(key: str) -> str | None:
        entry = entries.get(key)
        return entry.actor.country if entry and entry.actor else None

    def kind(key: str) -> str | None:
        entry = entries.get(key)
        return entry.kind if entry else None

    met: set[tuple[str, str | None]] = set()  # (person, the country of one they met)
    for m in meetings:
        if kind(m.a) == kind(m.b) == "person":
            met.add((m.a, country(m.b)))
            met.add((m.b, country(m.a)))
    kept = []
    for m in meetings:
        person, state = (m.a, m.b) if kind(m.a) == "person" else (m.b, m.a)
        code = country(state)
        if kind(state) == "country" and code is not None and (person, code) in met:
            continue
        kept.append(m)
    return kept


def _pairs(event: _Event) -> list[tuple[Found, Found]]:
    """Every pair of people met; a state or body is the other side only of one person alone."""
    people: dict[str, Found] = {}
    for m in event.people:
        people.setdefault(m.item.entry.key, m.item)
    if len(people) >= 2:
        named = list(people.values())[:MAX_PEOPLE]
        if event.apart:
            return [(named[0], b) for b in named[1:]]
        pairs = [(a, b) for k, a in enumerate(named) for b in named[k + 1 :]]
        if event.visit:
            # "توجه وزيرا الدفاع والخارجية إلى روسيا": both, and each with Russia.
            pairs += [(a, m.item) for a in named for m in event.others[:1]]
        return pairs
    if len(people) != 1:
        return []
    (person,) = people.values()
    own = person.entry.actor.country if person.entry.actor else None
    others: dict[str, Found] = {}
    for m in event.others:
        if not m.side:
            continue
        actor = m.item.entry.actor
        if m.item.entry.kind == "country" and own is not None and actor and actor.country == own:
            continue  # "وفد من رجال الأعمال الليبيين" is his own country, not a side
        others.setdefault(m.item.entry.key, m.item)
    return [(person, other) for other in others.values() if other.entry.key != person.entry.key]


def _mentions(
    tokens: Sequence[Token], found: Sequence[Found], lex: _Lex, live: bytearray
) -> list[_Mention]:
    """Every standing of a person, body, country or place, with its title phrase and marking.

    A body or country inside a person's title ("وزير الخارجية القطري، محمد ...") or in an
    apposition after the name ("محمد عيسى، وزير الشؤون الدينية الجزائري") is dropped.
    """
    out: list[_Mention] = []
    for item in found:
        for start, end in item.spans:
            if live[start]:
                out.append(_Mention(start, end, item, start))
    out.sort(key=lambda m: m.start)
    described: list[tuple[int, int]] = []  # title phrases and appositions of people
    named = 0  # where the last person's name ends: a title phrase never reaches back past it
    for m in out:
        if m.item.entry.kind != "person":
            continue
        m.lead = _title_start(tokens, m.start, lex, named)
        named = m.end
        if m.lead < m.start:
            described.append((m.lead, m.start))
        after = _apposition_end(tokens, m.end, lex)
        if after > m.end:
            described.append((m.end, after))
    kept: list[_Mention] = []
    for m in out:
        if m.item.entry.kind != "person" and any(a <= m.start < b for a, b in described):
            continue
        m.marked = _marked(tokens, m, lex)
        m.side = m.item.entry.kind != "person" and _stands_for_a_side(tokens, m, lex)
        if not m.side and kept and kept[-1].side and _coordinated(tokens, kept[-1], m):
            m.side = not _by_adjective(tokens, m)  # "زار الهند وأستراليا"
        if not m.side and m.item.entry.kind == "country" and kept and kept[-1].end == m.start:
            # "زار الرئيس الفرنسي إيمانويل ماكرون الهند": the state right after the visitor.
            subject = kept[-1]
            verb = tokens[subject.lead - 1] if subject.lead > 0 else None
            m.side = (
                subject.item.entry.kind == "person"
                and verb is not None
                and (_is(verb, lex.met) or _is(verb, lex.meets))
                and not _by_adjective(tokens, m)
            )
        kept.append(m)
    return kept


def _coordinated(tokens: Sequence[Token], first: _Mention, then: _Mention) -> bool:
    """Whether a mention follows another as the next item of a list ("، X" or "وX")."""
    gap = range(first.end, then.start)
    if not all(tokens[j].text in COMMA for j in gap) or len(gap) > 1:
        return False
    return bool(gap) or tokens[then.start].norm.startswith("و")


def _title_start(tokens: Sequence[Token], start: int, lex: _Lex, floor: int = 0) -> int:
    """Where the title phrase before a name begins ("وزير الخارجية الروسي، سيرغي لافروف").

    Not before `floor`, the end of the name before it: "محمد العايش ووزير الخارجية الفرنسي
    جان إيف لودريان" gives Le Drian his own title only.
    """
    k = start - 1
    if k >= 0 and tokens[k].text in COMMA:
        k -= 1  # "وزير الخارجية القطري، محمد عبدالرحمن آل ثاني"
    best = start
    while k >= floor and start - k <= TITLE_REACH and tokens[k].is_word:
        if _is(tokens[k], lex.title_words):
            best = k
            if _shapes(tokens[k].norm)[-1].startswith("نظير"):
                break  # "وزير الخارجية الأمريكي نظيره السعودي عادل الجبير": his is "نظيره"
        elif _is(tokens[k], lex.barriers) or _is(tokens[k], lex.connectors):
            break
        k -= 1
    return best


def _apposition_end(tokens: Sequence[Token], end: int, lex: _Lex) -> int:
    """The end of a title after a name and a comma ("سونغ كيم، السفير الأمريكي السابق ...")."""
    if end + 1 >= len(tokens) or tokens[end].text not in COMMA:
        return end
    if not _is(tokens[end + 1], lex.title_words) or tokens[end + 1].norm.startswith("و"):
        return end  # "، ومدير إدارات ...": one more of a list, not a title of the name
    k = end + 1
    while k < len(tokens) and k - end <= TITLE_REACH and tokens[k].is_word:
        k += 1
    return k


def _marked(tokens: Sequence[Token], m: _Mention, lex: _Lex) -> bool:
    """Whether the phrase is an object: after مع/بين/بحضور, or with ب on its first word."""
    k = m.lead - 1
    if k >= 0 and tokens[k].text in COMMA:
        k -= 1
    if k >= 0 and _is(tokens[k], lex.connectors):
        return True
    first = tokens[m.lead]
    if not first.norm.startswith(("ب", "وب", "ل", "لل")) or len(first.bare) < 2:
        return False
    if m.lead < m.start:
        return True  # "بوزير الخارجية", "بالرئيس", "للمنفي": a title does not start with ب
    # A name may start with ب itself (بومبيو, بوتين): only a clitic if the name lacks it.
    entry = m.item.entry
    names = [entry.name_ar, *(entry.actor.variants_ar if entry.actor else ())]
    return not any(normalize(n).split()[:1] == [first.norm] for n in names if n.strip())


def _stands_for_a_side(tokens: Sequence[Token], m: _Mention, lex: _Lex) -> bool:
    """A state or body met: after مع/بين/إلى, after a delegation word, or right after the cue.

    "في ليبيا" is where, and "حول ليبيا" what about; neither is who.
    """
    if _by_adjective(tokens, m):
        return False  # "الوفد التركي", "الجانب المصري": not the state by name
    k = m.start - 1
    if k >= 0 and tokens[k].norm in ("من", "عن"):
        k -= 1  # "ممثلين من حركة طالبان"
    if k < 0:
        return False
    before = tokens[k]
    if before.norm in ("في", "وفي", "حول", "بشان", "عن") or _is(before, lex.topic_words):
        return False
    if before.norm in ("الي", "والي"):
        return True  # "زيارة إلى ليبيا"
    if any(
        _is(tokens[j], lex.met) or _is(tokens[j], lex.meets) for j in range(max(0, k - 1), k + 1)
    ):
        return True  # "زار الصين", "زار مؤخرا الهند"
    first = tokens[m.start]
    if first.norm.startswith(("الوفد", "وفد")) or _is(first, lex.delegates):
        return True
    # "مع الجانب المصري", "بعدد من المسؤولين في مكتب الأمين للجامعة العربية": a connector
    # or a delegation word a few words before, within the phrase.
    for j in range(k, max(-1, k - SIDE_REACH), -1):
        tok = tokens[j]
        if tok.norm in ("في", "وفي") and j > 0 and _is(tokens[j - 1], lex.delegates):
            return True  # "بعدد من المسؤولين في مكتب الأمين للجامعة العربية": its officials
        if not tok.is_word or tok.norm in ("في", "وفي", "حول", "بشان", "عن"):
            return False  # "عبر حدودها مع إسرائيل ... في بريطانيا وألمانيا": where, not who
        if _is(tok, lex.connectors) or _is(tok, lex.delegates):
            return True
    return False


def _story(found: Sequence[Found], on: date | None) -> _Story:
    countries = {
        f.entry.actor.country: f
        for f in found
        if f.entry.kind == "country" and f.entry.actor and f.entry.actor.country
    }
    roles = []
    for f in found:
        if f.entry.kind != "person":
            continue
        texts = [_own_title(f.role_ar or "")]
        if f.entry.actor is not None:
            year = on.year if on else None
            texts += [
                r.ar
                for r in f.entry.actor.roles
                if year is None or (r.start or 0) <= year <= (r.end or 9999)
            ]
        words = frozenset(w for t in texts for w in _role_words(t))
        if words:
            roles.append((f, words))
    return _Story(_main_person(found), countries, on, roles)


def _own_title(role: str) -> str:
    """A role as found before a name, cut to the name's own part.

    "وزير الخارجية الأمريكي نظيره السعودي" before الجبير: his title is "نظيره السعودي";
    the words before it are the other minister's.
    """
    words = role.split()
    cut = max((n for n, w in enumerate(words) if normalize(w).startswith("نظير")), default=-1)
    return " ".join(words[cut:]) if cut >= 0 else role


def _role_words(text: str) -> list[str]:
    """The words of a title that tell one holder from another ("المتحدث", "الجيش", "الليبي")."""
    words = []
    for tok in text.split():
        norm = normalize(tok)
        shape = _shapes(norm)[-1]
        bare = shape[2:] if shape.startswith("ال") and len(shape) > 4 else shape
        bare = bare.replace("اميرك", "امريك")  # أميركي and أمريكي are one word
        if norm not in _lex().weak and bare:
            words.append(bare)
    return words


def _by_role(
    tokens: Sequence[Token], start: int, end: int, story: _Story, lex: _Lex
) -> Found | None:
    """The one person of the story whose title is the title phrase at [start, end).

    "وتابع المتحدث باسم الجيش الوطني الليبي": the spokesman named before, by his title;
    the head word must be his and one more besides, and no one else may fit as well.
    """
    if not _is(tokens[start], lex.title_words):
        return None
    words = [w for k in range(start, end) for w in _role_words(tokens[k].text)]
    if len(words) < 2:
        return None
    scored = sorted(
        ((len(set(words) & held), f) for f, held in story.roles if words[0] in held),
        key=lambda pair: -pair[0],
    )
    if not scored or scored[0][0] < 2 or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _title_phrase(
    tokens: Sequence[Token], start: int, limit: int, lex: _Lex, states: frozenset[int] = frozenset()
) -> int:
    """Where a title phrase that starts at a title word ends: before a comma, a verb, a name.

    A state or body named in it (`states`: their tokens) is part of it: "زعيم كوريا الشمالية".
    """
    k = start + 1
    while k < min(limit, len(tokens)) and k - start < TITLE_REACH and tokens[k].is_word:
        tok = tokens[k]
        if _is(tok, lex.barriers) or _may_cue(tok.norm) or _is(tok, lex.connectors):
            break
        if not (
            k in states
            or _is(tok, lex.title_words)
            or tok.norm.startswith(("ال", "لل", "بال"))
            or tok.norm in common_words()
        ):
            break
        k += 1
    return k


def _by_adjective(tokens: Sequence[Token], m: _Mention) -> bool:
    """Whether a state is named by its adjective ("التركي") rather than its name."""
    actor = m.item.entry.actor
    if actor is None or not actor.adjectives_ar or m.end - m.start != 1:
        return False
    forms = set(tokens[m.start].bare) | {tokens[m.start].norm}
    return any(normalize(a) in forms or _bare(a) & forms for a in actor.adjectives_ar)


def _unknown_name(tok: Token, lex: _Lex) -> bool:
    """Whether a word looks like part of a name no list knows, not a word of the sentence."""
    if not tok.is_word or tok.norm.isdigit() or tok.norm.startswith(("ال", "و", "ب", "ل")):
        return False
    if tok.norm in common_words() or _may_cue(tok.norm):
        return False
    other = (lex.title_words, lex.when, lex.times, lex.connectors, lex.delegates, lex.pronominal)
    return not any(_is(tok, words) for words in other) and not _is(tok, lex.call_words)


@lru_cache(maxsize=1 << 12)
def _bare(word: str) -> frozenset[str]:
    return frozenset(unclitic(normalize(word)))


def _main_person(found: Sequence[Found]) -> Found | None:
    """The story's main person: named most often, the first named on a tie."""
    people = [f for f in found if f.entry.kind == "person"]
    if not people:
        return None
    return max(people, key=lambda f: (len(f.spans), -f.first))


def _events(
    tokens: Sequence[Token],
    s_start: int,
    s_end: int,
    inside: list[_Mention],
    story: _Story,
    lex: _Lex,
    near: int,
) -> list[tuple[_Event, int]]:
    """The events one sentence reports, each with where its participants stop.

    `near`: where the sentences begin in which the story's main person, named, may be the
    unnamed subject ("خلال زيارته").
    """
    cues = [(k, kind) for k in range(s_start, s_end) if (kind := _cue(tokens, k, s_end, lex))]
    events: list[tuple[_Event, int]] = []
    previous_subject: _Mention | None = None
    for n, (k, kind) in enumerate(cues):
        # A noun after a verb is its object ("استضافت كريت أعمال القمة الثلاثية بين ..."):
        # the clause runs on to the next verb.
        limit = next((j for j, what in cues[n + 1 :] if what != "noun"), s_end)
        stop = _stop(tokens, k + 1, limit, lex)
        if kind == "noun" and _held_by_relative(tokens, k, stop, limit, lex):
            # "الاتصال الهاتفي الذي جرى بين X وY", "القمة التي عقدها مع X": who it was
            # between follows the relative clause's verb.
            stop = _stop(tokens, stop + 2, limit, lex)
        if kind == "tour":
            # Where it went ends its clause: "... وفرنسا، وستتم استضافته" is another matter.
            if tour := _tour(tokens, k, s_start, s_end, inside, story, lex):
                events.append((tour, tour.others[-1].end))
            continue
        if _is(tokens[k], lex.call_nouns):
            # "بعد مكالمة ترامب والملك سلمان عن خاشقجي": who the call was about is no caller.
            stop = next((j for j in range(k + 1, stop) if tokens[j].norm == "عن"), stop)
        if _planned(tokens, k, stop, s_start, lex):
            continue
        if _present(tokens[k], lex) and _ahead(tokens, s_start, s_end, story.on, lex):
            # "ترامب يستقبل ولي العهد السعودي الثلاثاء": the present with a weekday not
            # today is what is to come.
            continue
        if (
            s_start > 0
            and _present(tokens[k], lex)
            and day_named(tokens, s_start, s_end, story.on) is None
            # "أن الاجتماع يضم X مع Y": who the meeting just told of brings together.
            and not (k > s_start and _is(tokens[k - 1], lex.the_meeting))
        ):
            # Headlines tell done things in the present; in the body "يلتقي خلالها" is
            # what a visit will bring, unless a day gone by is named.
            continue
        after = _reachable(tokens, k, [m for m in inside if k < m.start < stop])
        if resumed := _resumed(tokens, stop, limit, lex):
            # "مع الوزير X الذي يواجه ضغوطا، ونظيره النمساوي Y": the list goes on after it.
            after += [m for m in inside if resumed[0] <= m.lead and m.start < resumed[1]]
        people = [m for m in after if m.item.entry.kind == "person"]
        others = [m for m in after if m.item.entry.kind in ("body", "country")]
        before = [
            m
            for m in inside
            if m.end <= k and k - m.end <= LOOK_BACK and m.item.entry.kind == "person"
        ]
        word = tokens[k]
        if k + 1 < stop and tokens[k + 1].norm.isdigit():
            continue  # "استقبلت 422 من عناصر الخوذ البيضاء": a number received, not a meeting
        if k + 1 < stop and _is(tokens[k + 1], lex.pronominal):
            # "التقى خلالها رئيس المجلس الرئاسي ...": all named after it were met.
            for m in people:
                m.marked = True
        visit = False
        if kind == "arrival" and _made_by(tokens, stop, lex):
            # "الزيارة الأخيرة التي قام بها الرئيس الروسي ... إلى مصر": the visit he made.
            stop = _stop(tokens, stop + 3, limit, lex)
            after = _reachable(tokens, k, [m for m in inside if k < m.start < stop])
            people = [m for m in after if m.item.entry.kind == "person"]
        if kind == "arrival":
            destination = _destination(tokens, k, stop, inside, story, lex)
            # Who arrived is named between the cue and where ("وصل ولي العهد ... إلى"), or
            # owns it ("وصوله", "عودته من زيارة"), or, for a noun, is the clause's subject
            # ("قام ماكرون برحلات منها زيارة لروسيا"); "الذي وصل" leaves it to another clause.
            back = tokens[k - 2].norm if k - 2 >= s_start else ""
            owned = (
                back.startswith("عود")
                or _is(word, lex.possessive)
                or (k > s_start and _is(tokens[k - 1], lex.when))
            )
            between = [m for m in people if destination and m.end <= destination[0].start]
            for m in between:
                m.marked = False  # "زيارة لولي العهد ... إلى": his visit, ل or not
            relative = k > s_start and tokens[k - 1].norm in lex.relatives
            performed = any(
                _shapes(tokens[j].norm)[-1] in ("قام", "قامت", "يقوم", "تقوم")
                for j in range(max(s_start, k - VISIT_BACK), k)
            )
            # "وقامت ميركل بزيارة عمل استمرت يوما لواشنطن": hers, whatever words follow.
            unnamed = not performed and _unnamed_visitor(tokens, k, destination, lex)
            noun_visit = _is(word, lex.visits) and not relative and not unnamed
            if destination and (between or (owned and not unnamed) or noun_visit):
                people, others, visit = between, destination, True
            elif _is(word, lex.possessive):
                kind = "noun"  # "خلال زيارته للسراج": his visit, to a person
            else:
                continue
        if (
            kind == "noun"
            and people
            and not people[0].marked
            and people[0].lead - k > NOUN_REACH
            and not _is(word, lex.possessive)
        ):
            # "خلال اجتماع طارئ تعيين X نائبا": those named far after a noun, with no
            # مع or بين to bring them in, are not its participants.
            people = []
        if kind == "noun" and not _took_place(tokens, k, stop, s_start, people, story.on, lex):
            continue
        people = _with_titled_objects(tokens, k, stop, inside, people, story, lex)
        received = _is(word, lex.receive) and _received_together(tokens, people)
        if received:
            # "X ... استقبل في مقر إقامته Y وZ": Y and Z were received; X received them,
            # each in his own right when each has his own title: not one another.
            for m in people:
                m.marked = True
        # A state or body inside a title resolved to its holder is part of the title.
        titled = [(m.start, m.end) for m in people if m.end > m.start and m.lead == m.start]
        others = [o for o in others if not any(a <= o.start < b for a, b in titled)]
        dual_noun = kind == "noun" and (
            word.norm.endswith("هما")
            or (k + 1 < s_end and tokens[k + 1].norm.endswith("هما") and not people)
        )
        if (_is(word, lex.dual) or dual_noun) and before:
            # "كانا قد التقيا": the subjects stand before the verb, coordinated.
            people = _coordinated_before(tokens, before) + people
        elif kind == "noun" and len(people) < 2 and (verb := _next_verb(tokens, stop, s_end, lex)):
            # "خلال قمة نادرة بين الكوريتين ...، أكد كيم والرئيس الكوري الجنوبي مون":
            # those who act after it took part; "إضافة إلى عقد قمة مع مون، التقى كيم ...":
            # the one who acts held it.
            subjects = _subjects_after(tokens, verb, s_end, inside, lex)
            people = people + (subjects[:1] if people else subjects)
        elif kind == "verb" and _state_subject(tokens, k, others):
            pass  # "تباحثت روسيا مع ميركل": the state met her; no one else to look for
        elif _between_both(tokens, people) or _visits_a_place(word, people, after, lex):
            pass  # "لقاء بين X مع Y": both sides named; "زار ترامب طوكيو": he visited
        elif _aide_met(tokens, k, stop, people, lex):
            pass  # "التقى بومبيو، كبير مساعدي الزعيم X": Pompeo met an aide, named or not
        elif _needs_subject(
            kind, people, others, lex, word, k > s_start and _is(tokens[k - 1], lex.after)
        ) and not _named_by_title(tokens, k, min([m.lead for m in after], default=stop), lex):
            subject = _titled_subject(tokens, k, s_start, before, people, story, lex)
            if subject is None:
                subject = _subject_before(tokens, k, before, lex)
            if subject is None and previous_subject is not None:
                subject = previous_subject  # "اجتمع مع ...، كما التقى ..."
            main = story.main
            if (
                subject is None
                and main is not None
                and len(main.spans) >= MAIN_MENTIONS
                and any(near <= start < k for start, _ in main.spans)
                and _implicit(kind, word, people, lex)
                and not _titled_before(tokens, k, s_start, lex)
                and not _unknown_subject_before(tokens, k, s_start, lex)
                and not _title_follows(tokens, k, s_end, after, lex)
                # "القمة التي تعقد ...": the subject is the summit, not the story's man.
                and not (k > s_start and tokens[k - 1].norm in lex.relatives)
            ):
                subject = _Mention(k, k, main, k)
            if subject is not None:
                people = [subject, *people]
        if kind == "noun" and before and k > 0 and _is(tokens[k - 1], lex.attended):
            people = [before[-1], *people]  # "حضر الاجتماع ... بين ساركوزي والقذافي"
        if people:
            previous_subject = people[0]
        if len({m.item.entry.key for m in people}) == 1 and people[0].marked:
            continue
        call = (
            _is(word, lex.call_verbs)
            or _is(word, lex.call_nouns)
            or any(_is(tokens[j], lex.call_words) for j in range(k, stop))
        )
        apart = (
            any(_is(tokens[j], lex.apart) for j in range(k, stop))
            or (received and all(m.lead < m.start for m in people[1:]))
            or _is(word, lex.two_calls)
        )
        event = _Event(k, "call" if call else "meeting", people, others, apart, visit)
        events.append((event, stop))
    return events


def _subject_before(
    tokens: Sequence[Token], k: int, before: list[_Mention], lex: _Lex
) -> _Mention | None:
    """The subject named before the cue: the nearest person, or who said "إنه التقى"."""
    if not before:
        return None
    nearest = before[-1]
    that = next((j for j in range(k - 1, nearest.end - 1, -1) if _is(tokens[j], lex.that_he)), None)
    if that is None:
        return nearest
    # "وقالت ميركل ... إلى جانب غوتيريش وسلامة إنها التقت": the one who said it, named
    # after the verb, or before it ("مفتاح ميسوري، المترجم ... للقذافي، قال إنه حضر").
    said = next((j for j in range(that - 1, -1, -1) if _is(tokens[j], lex.saying)), None)
    if said is None:
        return nearest
    return next((m for m in before if said < m.start < that), None) or next(
        (m for m in before if m.end <= said), nearest
    )


def _with_titled_objects(
    tokens: Sequence[Token],
    k: int,
    stop: int,
    inside: list[_Mention],
    people: list[_Mention],
    story: _Story,
    lex: _Lex,
) -> list[_Mention]:
    """The people met, with those named by their title alone when the story names the holder.

    "التقى بومبيو زعيم كوريا الشمالية": Kim Jong Un, named elsewhere with that title.
    """
    covered = [(m.lead, m.end) for m in inside]
    states = frozenset(
        t for m in inside if m.item.entry.kind in ("country", "body") for t in range(m.start, m.end)
    )
    out = list(people)
    j = k + 1
    while j < min(stop, k + REACH):
        if not _is(tokens[j], lex.title_words) or any(a <= j < b for a, b in covered):
            j += 1
            continue
        end = _title_phrase(tokens, j, stop, lex, states)
        holder = _by_role(tokens, j, end, story, lex)
        if holder is not None and all(m.item is not holder for m in out):
            marked = j > 0 and (_is(tokens[j - 1], lex.connectors) or tokens[j].norm[:1] == "ب")
            out.append(_Mention(j, end, holder, j, marked=marked))
        j = max(end, j + 1)
    return sorted(out, key=lambda m: m.lead)


def _state_subject(tokens: Sequence[Token], k: int, others: list[_Mention]) -> bool:
    """Whether a state named by its name stands right after the verb, as its subject."""
    first = next((m for m in others if m.start == k + 1), None)
    if first is None or first.item.entry.kind != "country" or _by_adjective(tokens, first):
        return False
    first.side = True
    return True


def _between_both(tokens: Sequence[Token], people: list[_Mention]) -> bool:
    """Whether "بين" brings in the first of two people or more: it names both sides."""
    if len({m.item.entry.key for m in people}) < 2:
        return False
    k = people[0].lead - 1
    return k >= 0 and tokens[k].norm in ("بين", "وبين")


def _visits_a_place(word: Token, people: list[_Mention], after: list[_Mention], lex: _Lex) -> bool:
    """Whether "زار" has one person then a place: he visited it ("زار الرئيس ترامب طوكيو")."""
    if not _is(word, lex.visit_verbs) or len({m.item.entry.key for m in people}) != 1:
        return False
    person = people[0]
    return not person.marked and any(
        m.start >= person.end and m.item.entry.kind in ("place", "country") for m in after
    )


def _needs_subject(
    kind: str,
    people: list[_Mention],
    others: list[_Mention],
    lex: _Lex,
    word: Token | None = None,
    when: bool = False,
) -> bool:
    """Whether the subject is unnamed after the cue.

    No one named, or the first named is an object (after ب or مع); or one person alone
    after a verb with nothing else met: "وفي نهاية زيارته التقى رئيس الوزراء أحمد أويحيى"
    names whom he met, the subject is the one the story is about.
    """
    if not people or people[0].marked:
        return True
    lone = len({m.item.entry.key for m in people}) == 1
    if kind == "noun" and lone and word is not None and _is(word, lex.possessive):
        return True  # "بعد لقائه، أمس في بنغازي، ... خليفة حفتر": his meeting with Haftar
    if kind == "noun" and lone and when:
        return True  # "وأدلى ترامب بتصريحات ... بعد لقاء ميركل": he met Merkel
    return kind == "verb" and lone and not any(m.side for m in others)


def _implicit(kind: str, word: Token, people: list[_Mention], lex: _Lex) -> bool:
    """Whether the cue leaves its subject to the context: a verb, or "لقائه", "اجتماع مع"."""
    if kind != "noun":
        return True
    return _is(word, lex.possessive) or bool(people and people[0].marked)


def _took_place(
    tokens: Sequence[Token],
    k: int,
    stop: int,
    s_start: int,
    people: list[_Mention],
    on: date | None,
    lex: _Lex,
) -> bool:
    """Whether a noun of an event reports one that took place.

    "خلال لقائه مع", "عقب الاجتماع", "لقاء جمع", "لقاء مساء الاثنين بين ...", "اجتماعه
    مع ...": yes; "قمة ترامب وكيم" alone may be one to come.
    """
    if k > s_start and _is(tokens[k - 1], lex.when):
        return True
    for j in range(max(s_start, k - 4), k):
        # "عقد اجتماعا", "استضافت جزيرة كريت أعمال القمة"; not "قبل عقد قمة".
        verb = _is(tokens[j], lex.met) or _is(tokens[j], lex.hold)
        # "قبل أن يعقد مؤتمرا صحفيا": a wish or a plan, not one held.
        wish = _present(tokens[j], lex) and j > s_start and tokens[j - 1].norm in lex.moods
        if verb and not wish and not (j > s_start and _is(tokens[j - 1], lex.masdar)):
            return True
        if verb and j - 2 >= s_start and _shapes(tokens[j - 2].norm)[-1] == "اضافه":
            return True  # "وإضافة إلى عقد قمة مع ...": one held besides
    if k > s_start and tokens[k - 1].norm == "من":
        # "بعد أيام من استقبال ...": after it, so it was; "على بعد أسابيع من قمة": ahead.
        for j in range(max(s_start, k - 4), k - 1):
            if tokens[j].norm in ("بعد", "وبعد"):
                return not (j > s_start and tokens[j - 1].norm == "علي")
    if any(_is(tokens[j], lex.took_place) for j in range(k + 1, min(stop, k + TOOK_REACH))):
        return True
    if stop < len(tokens) and stop - k <= REACH and _is(tokens[stop], lex.took_place):
        return True  # "المباحثات بين X ورئيس الوزراء Y تناولت ...": its verb ends the clause
    if _is(tokens[k], lex.possessive) and people and people[0].marked:
        return True
    day = day_named(tokens, k, stop, on)
    return day is not None and on is not None and day <= on


def _took_in(tokens: Sequence[Token], k: int, s_end: int, lex: _Lex) -> int | None:
    """Where "شملت" follows a tour word, past its adjectives ("جولته الأوروبية التي شملت")."""
    for j in range(k + 1, min(s_end, k + 4)):
        if _is(tokens[j], lex.took_in):
            return j
        if tokens[j].norm in ("التي", "الذي"):
            continue
        if not tokens[j].norm.startswith(("ال", "وال")) and not tokens[j].norm.endswith("يه"):
            return None  # "جولة من المفاوضات شملت ...": a round of talks, not a tour
    return None


def _tour(
    tokens: Sequence[Token],
    k: int,
    s_start: int,
    s_end: int,
    inside: list[_Mention],
    story: _Story,
    lex: _Lex,
) -> _Event | None:
    """A tour that took in states named one after another: its maker visited each.

    "وينهي محمد بن سلمان في إسبانيا جولة شملت الولايات المتحدة وبريطانيا وفرنسا": the
    person named just before made it; a city stands for its state ("شملت باريس وبرلين").
    """
    took = _took_in(tokens, k, s_end, lex)
    before = [
        m for m in inside if m.end <= k and k - m.end <= LOOK_BACK and m.item.entry.kind == "person"
    ]
    if took is None or not before:
        return None
    states: list[_Mention] = []
    last = took + 1
    for m in inside:
        if m.start < last:
            continue
        gap = range(last, m.start)
        joined = all(tokens[j].norm == "ايضا" or tokens[j].text in COMMA for j in gap)
        if len(gap) > 2 or not joined:
            break  # the list of where it went has ended
        entry = m.item.entry
        state = m.item if entry.kind == "country" else None
        if entry.kind == "place" and entry.place is not None:
            state = story.countries.get(entry.place.country or "")
            if state is None:
                break  # a city of a state the story does not name: no side to give
        if state is None:
            break
        states.append(_Mention(m.start, m.end, state, m.start, side=True))
        last = m.end
    if not states or _planned(tokens, k, last, s_start, lex):
        return None
    return _Event(k, "meeting", [before[-1]], states, visit=True, tour=True)


def _destination(
    tokens: Sequence[Token], k: int, stop: int, inside: list[_Mention], story: _Story, lex: _Lex
) -> list[_Mention]:
    """Where "وصل X إلى" leads: a state named, or the state of a city named, that is met."""
    for m in inside:
        if not k < m.start < stop or m.start - k > 2 * REACH:
            continue
        before = tokens[m.start - 1]
        if before.norm not in ("الي", "والي") and not _is_to(tokens[m.start]):
            continue
        entry = m.item.entry
        if entry.kind == "country":
            return [_Mention(m.start, m.end, m.item, m.lead, side=True)]
        if entry.kind == "place" and entry.place is not None:
            country = story.countries.get(entry.place.country or "")
            if country is not None:
                return [_Mention(m.start, m.end, country, m.start, side=True)]
    return []


def _unnamed_visitor(
    tokens: Sequence[Token], k: int, destination: list[_Mention], lex: _Lex
) -> bool:
    """Whether words no list knows stand between a visit and where it went.

    "زيارة قصيرة إلى ليبيا", "زيارة رسمية للولايات المتحدة": only what it was like;
    "زيارة ميلانيا إلى مصر", "زيارة ... للرئيس الإريتري إلى إثيوبيا": a visitor we do
    not know, so not the one named before.
    """
    end = destination[0].start if destination else k + 1
    for j in range(k + 1, end):
        tok = tokens[j]
        if not tok.is_word or tok.norm in ("الي", "والي"):
            continue
        if _is(tok, lex.title_words) or not (tok.norm.endswith("ه") or tok.norm in common_words()):
            return True
    return False


def _made_by(tokens: Sequence[Token], stop: int, lex: _Lex) -> bool:
    """Whether the clause goes on "التي قام بها" (which he made)."""
    if stop + 2 >= len(tokens) or tokens[stop].norm not in lex.relatives:
        return False
    return tokens[stop + 1].norm in ("قام", "قامت") and tokens[stop + 2].norm == "بها"


def _is_to(tok: Token) -> bool:
    """Whether ل stands on the name of where a visit went ("للقاهرة", "لروسيا")."""
    return tok.norm.startswith("ل") and len(tok.bare) > 1


def _titled_subject(
    tokens: Sequence[Token],
    k: int,
    s_start: int,
    before: list[_Mention],
    people: list[_Mention],
    story: _Story,
    lex: _Lex,
) -> _Mention | None:
    """A subject named by title alone, resolved to the person of the story who holds it.

    "والتقى وزير الداخلية الفرنسي ... بوزير الشؤون الدينية" (after the cue) and "وتابع
    المتحدث باسم الجيش الوطني الليبي ... عقب لقائه" (before it, nearer than any name).
    """
    first = people[0].lead if people else k + 1 + TITLE_REACH
    j = k + 1
    if j < min(first, len(tokens)) and _is(tokens[j], lex.title_words):
        holder = _by_role(tokens, j, _title_phrase(tokens, j, first, lex), story, lex)
        if holder is not None:
            return _Mention(j, j, holder, j)
    nearest = before[-1].end if before else s_start
    for j in range(k - 1, max(nearest, k - LOOK_BACK) - 1, -1):
        if _is(tokens[j], lex.title_words) and not (j > 0 and _is(tokens[j - 1], lex.title_words)):
            holder = _by_role(tokens, j, _title_phrase(tokens, j, k, lex), story, lex)
            if holder is not None:
                return _Mention(j, j, holder, j)
    return None


def _received_together(tokens: Sequence[Token], people: list[_Mention]) -> bool:
    """Whether the first two named after "استقبل" are joined by و: both its objects."""
    if len(people) < 2 or people[0].marked:
        return False
    first, then = people[0], people[1]
    return then.lead - first.end <= 1 and tokens[then.lead].norm.startswith("و")


def _title_follows(
    tokens: Sequence[Token], k: int, s_end: int, after: list[_Mention], lex: _Lex
) -> bool:
    """Whether a verb's subject follows it as a title no name goes with.

    "وتشاور الرئيس الفرنسي هاتفيا مع ...": someone the story does not name, not its main person.
    """
    if _is(tokens[k], lex.nouns) or k + 1 >= s_end:
        return False
    nxt = tokens[k + 1]
    if any(m.lead == k + 1 for m in after):
        return False  # "واستقبل رئيس الحكومة عبد الحميد الدبيبة ...": the title has its name
    return _is(nxt, lex.title_words) and not nxt.norm.startswith(("ب", "ل", "مع"))


def _unknown_subject_before(tokens: Sequence[Token], k: int, s_start: int, lex: _Lex) -> bool:
    """Whether the verb's subject stands before it in words no list knows ("أن أنتونوف التقى")."""
    if k - 1 < s_start or not _unknown_name(tokens[k - 1], lex):
        return False
    before = tokens[k - 2] if k - 2 >= s_start else None
    return before is None or not before.is_word or before.norm in ("ان", "إن", "أن")


def _titled_before(tokens: Sequence[Token], k: int, s_start: int, lex: _Lex) -> bool:
    """Whether a subject by title alone stands just before the cue ("وزيرة الخارجية تلتقي")."""
    for j in range(k - 1, max(s_start, k - TITLED_BEFORE) - 1, -1):
        if not tokens[j].is_word:
            return False
        if _is(tokens[j], lex.title_words):
            return True
    return False


def _named_by_title(tokens: Sequence[Token], k: int, end: int, lex: _Lex) -> bool:
    """Whether a subject after the cue is named after its title in words no list knows.

    "التقى نائب وزير خارجية كوريا الشمالية تشوي سون-هوي مع ...": yes; "والتقى وزير
    الداخلية الفرنسي، ... بوزير ..." names none, and is the man the story is about.
    """
    j = k + 1
    # "حضر توقيع الاتفاقية مع": what was attended follows, not a subject.
    cues = (lex.nouns, lex.call_nouns, lex.attended_with, lex.press)
    verb = not any(_is(tokens[k], w) for w in cues)
    if verb and j < min(end, len(tokens)) and _unknown_name(tokens[j], lex):
        return True  # "وزار كيم الصين": a subject in words no list knows
    titled = False
    while j < min(end, len(tokens)) and j - k <= TITLE_REACH and tokens[j].is_word:
        tok = tokens[j]
        if _is(tok, lex.title_words):
            titled = True
        elif _is(tok, lex.connectors) or (titled and tok.norm.startswith(("ب", "وب"))):
            return False
        elif (
            titled
            and not tok.norm.startswith(("ال", "وال"))
            and tok.norm not in common_words()
            and not _may_cue(tok.norm)
            and not _is(tok, lex.when)
        ):
            return True
        j += 1
    return False


def _next_verb(tokens: Sequence[Token], stop: int, s_end: int, lex: _Lex) -> int | None:
    """The verb of the clause after a noun of an event, a few words on, if there is one."""
    for j in range(stop, min(s_end, stop + NEXT_VERB)):
        tok = tokens[j]
        if _is(tok, lex.saying) or _is(tok, lex.met) or _is(tok, lex.meets):
            if j > 0 and tokens[j - 1].norm in lex.moods:
                return None  # "إذ لم يجتمع الطرفان": they did not meet
            return j
    return None


def _subjects_after(
    tokens: Sequence[Token], verb: int, s_end: int, inside: list[_Mention], lex: _Lex
) -> list[_Mention]:
    """The people named together right after a verb, up to where the clause moves on."""
    stop = _stop(tokens, verb + 1, s_end, lex)
    after = [m for m in inside if verb < m.start < stop and m.item.entry.kind == "person"]
    return _reachable(tokens, verb, after)[:MAX_PEOPLE]


@lru_cache(maxsize=1 << 14)
def _may_cue(norm: str) -> bool:
    """Whether a word is any cue's: most words are not, and are let go at once."""
    lex = _lex()
    cues = (
        lex.met,
        lex.meets,
        lex.with_,
        lex.hold,
        lex.call_verbs,
        lex.call_if,
        lex.nouns,
        lex.call_nouns,
        lex.arrive,
        lex.tours,
        lex.attended_with,
    )
    return any(shape in words for shape in _shapes(norm) for words in cues)


def _cue(tokens: Sequence[Token], k: int, s_end: int, lex: _Lex) -> str | None:
    """What kind of cue the word at k is, if it is one."""
    tok = tokens[k]
    if _PRESS_STEM in tok.norm and _press_with(tokens, k, s_end, lex):
        return "noun"
    if not _may_cue(tok.norm) or not tok.is_word:
        return None
    if _is(tok, lex.met) or _is(tok, lex.meets):
        after = tokens[k + 1] if k + 1 < s_end else None
        if (
            _is(tok, lex.gather)
            and after is not None
            and after.norm in common_words()
            and not _is(after, lex.title_words)
        ):
            return None  # "صورة جمعت ما بين ...": a picture, not a meeting
        return "verb"
    window = range(k + 1, min(s_end, k + 1 + REACH))
    if _is(tok, lex.attended_with):
        # "مع" in its clause: "حضر X مع Y", "حضر رئيس المجلس ... توقيع الاتفاقية مع Y".
        clause = range(k + 1, _stop(tokens, k + 1, min(s_end, k + 1 + REACH), lex))
        return "verb" if any(tokens[j].norm in ("مع", "ومع") for j in clause) else None
    if _is(tok, lex.tours):
        return "tour" if _took_in(tokens, k, s_end, lex) is not None else None
    if _is(tok, lex.visits) or (
        _is(tok, lex.arrive) and any(_is(tokens[j], lex.to) for j in window)
    ):
        return "arrival"
    if _is(tok, lex.with_):
        if any(_is(tokens[j], lex.connectors) for j in window):
            return "verb"
        return None
    if _is(tok, lex.hold):
        if k > 0 and _is(tokens[k - 1], lex.masdar):
            return None  # "قبل عقد قمة", "إعادة النظر في عقد القمة": a noun, not done
        near = range(k - HOLD_REACH, k + HOLD_REACH + 1)
        if any(0 <= j < len(tokens) and j != k and _is(tokens[j], lex.nouns) for j in near):
            return "verb"
        # "عقد كل من وزير الخارجية سامح شكري، ونظيره الروسي سيرغي لافروف، مشاورات": the
        # noun after those who held it.
        clause = range(k + 1, _stop(tokens, k + 1, min(s_end, k + 2 * REACH), lex))
        if any(_is(tokens[j], lex.nouns) for j in clause):
            return "verb"
        if any(j < len(tokens) and _is(tokens[j], lex.call_words) for j in window):
            return "verb"
        return None
    if _is(tok, lex.call_verbs):
        if any(_is(tokens[j], lex.call_words) or _is(tokens[j], lex.connectors) for j in window):
            return "verb"
        return None
    if _is(tok, lex.call_if):
        if any(_is(tokens[j], lex.call_words) for j in window):
            return "verb"
        with_ = k + 1 < s_end and tokens[k + 1].norm in ("مع", "ومع")
        return "verb" if with_ and _is(tok, lex.talked) else None
    if _is(tok, lex.call_nouns):
        return "noun" if _call_noun(tokens, k, s_end, lex) else None
    if _is(tok, lex.nouns):
        return "noun"  # an event only if reported as held: see _took_place
    return None


def _aide_met(
    tokens: Sequence[Token], k: int, stop: int, people: list[_Mention], lex: _Lex
) -> bool:
    """Whether one person named after a verb met someone's aide, so is its subject."""
    if not _is(tokens[k], lex.met) or len({m.item.entry.key for m in people}) != 1:
        return False
    return not people[0].marked and any(
        _is(tokens[t], lex.aides) for t in range(people[0].end, stop)
    )


def _held_by_relative(tokens: Sequence[Token], k: int, stop: int, limit: int, lex: _Lex) -> bool:
    """Whether a noun's clause goes on in "الذي جرى", "التي عقدها": told as held, and with whom."""
    if stop - k > NOUN_REACH or stop + 1 >= limit or tokens[stop].norm not in ("الذي", "التي"):
        return False
    verb = tokens[stop + 1]
    return _is(verb, lex.took_place) or (_is(verb, lex.hold) and not _present(verb, lex))


def _press_with(tokens: Sequence[Token], k: int, s_end: int, lex: _Lex) -> bool:
    """Whether a press conference was held with someone: "مؤتمر صحفي (مشترك) ... مع X"."""
    if not _is(tokens[k], lex.press) or k + 1 >= s_end or not _is(tokens[k + 1], lex.press_words):
        return False
    return any(tokens[j].norm in ("مع", "ومع") for j in range(k + 2, min(s_end, k + 7)))


def _call_noun(tokens: Sequence[Token], k: int, s_end: int, lex: _Lex) -> bool:
    """Whether a call noun is a cue of its own: "خلال محادثة هاتفية مع X".

    Not after a verb that makes the call its cue ("أجرى اتصالا هاتفيا", "تلقى مكالمة");
    "قناة اتصال" or "في محادثة مع صحيفة" is no telephone call.
    """
    verbs = (lex.hold, lex.call_if, lex.call_verbs)
    if any(_is(tokens[j], words) for j in range(max(0, k - HOLD_REACH), k) for words in verbs):
        return False
    if _shapes(tokens[k].norm)[-1].startswith(("مكالم", "المكالم")):
        return True
    return any(_is(tokens[j], lex.phone) for j in range(k + 1, min(s_end, k + 1 + HOLD_REACH)))


def _stop(tokens: Sequence[Token], start: int, limit: int, lex: _Lex) -> int:
    """Where the clause of a cue moves on."""
    for j in range(start, limit):
        if _is(tokens[j], lex.barriers) and not _is(tokens[j], lex.attending):
            return j
        if j > start and _is(tokens[j], lex.pronominal):
            return j  # "مشاورات مع أعضاء مجلس النواب اليوم حصل فيها الحريري ..."
    return limit


def _resumed(tokens: Sequence[Token], stop: int, limit: int, lex: _Lex) -> tuple[int, int] | None:
    """Where a list of participants resumes after a relative clause: "، ونظيره ..."."""
    if stop >= limit or tokens[stop].norm not in lex.relatives:
        return None
    for c in range(stop + 1, min(limit - 1, stop + RELATIVE_REACH)):
        tok = tokens[c]
        if tok.text in COMMA:
            after = tokens[c + 1]
            if after.norm.startswith("و") and _is(after, lex.title_words):
                return c + 1, _stop(tokens, c + 2, limit, lex)
            return None
        if not tok.is_word or _is(tok, lex.barriers) or _may_cue(tok.norm):
            return None
    return None


def _ahead(tokens: Sequence[Token], start: int, end: int, on: date | None, lex: _Lex) -> bool:
    """Whether a sentence names a weekday other than today without "الماضي"."""
    if on is None:
        return False
    for k in range(start, end):
        forms = (tokens[k].norm, *tokens[k].bare)
        day = next((lex.weekdays[f] for f in forms if f in lex.weekdays), None)
        if day is not None:
            nxt = tokens[k + 1].norm if k + 1 < end else ""
            return day != on.weekday() and nxt not in ("الماضي", "الماضيه")
    return False


def _present(word: Token, lex: _Lex) -> bool:
    return any(shape in lex.present for shape in _shapes(word.norm))


def _planned(tokens: Sequence[Token], k: int, stop: int, s_start: int, lex: _Lex) -> bool:
    """Whether the cue speaks of a meeting to come, called off or denied."""
    word = tokens[k]
    norm = word.norm
    shapes = _shapes(norm)
    if any(s[:1] == "س" and s[1:] in lex.meets | lex.with_ | lex.hold for s in shapes):
        return True  # سيلتقي، ستبحث
    if any(s[:1] == "ل" and s[1:] in lex.meets | lex.with_ | lex.hold for s in shapes):
        return True  # ليلتقي: in order to meet
    present = any(s in lex.present for s in shapes)
    for j in range(max(s_start, k - 2), k):
        if j == k - 2 and tokens[k - 1].norm in lex.the_meeting:
            continue  # "أن الاجتماع يضم": that the meeting brings together, not a wish
        if tokens[j].norm in lex.moods and (present or tokens[j].norm in ("لم", "لن")):
            return True
    if _is(word, lex.visits) and any(
        tokens[j].norm in ("قبل", "قبيل") for j in range(max(s_start, k - 4), k)
    ):
        return True  # "قبل مغادرة البلاد في زيارة رسمية": not yet
    near = range(max(s_start, k - PLANNED_NEAR), min(stop, k + PLANNED_NEAR + 1))
    if any(_is(tokens[j], lex.invited) for j in near):
        return True  # "دعا إلى لقاء", "دعوة لعقد قمة"; "وجاءت الدعوة ... عقب محادثات" was after
    low = max(s_start, k - PLANNED_BEFORE)
    if any(_is(tokens[j], lex.purposes) for j in range(low, k)):
        return True  # "للإعداد لقمة": a meeting prepared for
    return any(_is(tokens[j], lex.planned) for j in range(low, min(stop, k + REACH)))


def _reachable(tokens: Sequence[Token], k: int, after: list[_Mention]) -> list[_Mention]:
    """The mentions after a cue that follow on from it, none too far from the one before."""
    out: list[_Mention] = []
    last = k
    for m in after:
        if m.item.entry.kind == "place":
            # "يلتقي السراج في طرابلس وحفتر يأمر ...": after who and where, و starts a new
            # clause; "التقت المنقوش ... بالعاصمة طرابلس سفير ..." goes on.
            if out and m.end < len(tokens) and tokens[m.end].norm.startswith("و"):
                break
            continue
        if _words_between(tokens, last, m.lead) > GAP:
            break
        if m.item.entry.kind == "person" and _possessor(tokens, m, last):
            continue  # "تسلم منه رسالة كيم جونغ أون": Kim's letter, not Kim
        out.append(m)
        last = max(last, m.end)
    return out


def _words_between(tokens: Sequence[Token], start: int, end: int) -> int:
    """How far apart two mentions stand, in words that are not just when or a comma.

    "استقبل الملك سلمان، الأربعاء، في مكتبه بقصر اليمامة في الرياض، رئيس الوزراء ...":
    the day, the commas and "في" put no distance between who received and who was received.
    """
    lex = _lex()
    return sum(
        1
        for tok in tokens[start:end]
        if tok.is_word
        and tok.norm not in ("في", "وفي")
        and not any(s in lex.weekdays or s in lex.times for s in _shapes(tok.norm))
    )


def _possessor(tokens: Sequence[Token], m: _Mention, last: int) -> bool:
    """Whether a name with no title stands after a noun that owns it ("رسالة كيم").

    With a title too after a kinship word: "إيفانكا ابنة الرئيس الأمريكي دونالد ترامب" is
    his daughter, not him.
    """
    j = m.lead - 1
    if j >= 0 and _is(tokens[j], _lex().kin):
        return True
    if any(_is(tokens[t], _lex().aides) for t in range(m.lead, m.start)):
        return True  # "كبير مساعدي الزعيم X": his aide, unnamed
    if m.lead < m.start or j <= last or m.marked:
        return False  # titled, right after the cue or the one named before, or "بأردوغان"
    before = tokens[j]
    if not before.is_word or before.norm.startswith("و") or before.norm in common_words():
        return False
    lex = _lex()
    words = (lex.title_words, lex.when, lex.call_words, lex.connectors)
    # "محادثات أجراها بوتين": a verb with its object pronoun, then its subject.
    stem = before.norm[:-2] if before.norm.endswith("ها") else before.norm
    return not (_may_cue(before.norm) or _may_cue(stem) or any(_is(before, w) for w in words))


def _coordinated_before(tokens: Sequence[Token], before: list[_Mention]) -> list[_Mention]:
    """The people named together just before a dual or plural verb."""
    group = [before[-1]]
    for m in reversed(before[:-1]):
        if group[0].lead - m.end > GAP:
            break
        group.insert(0, m)
        if len(group) == 2:
            break
    return group


def _place(
    tokens: Sequence[Token], inside: list[_Mention], start: int, stop: int, lex: _Lex
) -> str | None:
    """The city the sentence puts the event in: "في الرباط", "بموسكو", not the talks' subject."""
    for m in inside:
        if m.item.entry.kind != "place" or not start <= m.start < stop:
            continue
        if any(_is(tokens[j], lex.topic_words) for j in range(max(start, m.start - 3), m.start)):
            continue
        return m.item.entry.key
    return None


def _city_of(visited: list[_Mention], inside: list[_Mention]) -> str | None:
    """A city of the visited state the sentence names anywhere, before the visit or after.

    "بمؤتمر صحفي في سفارة المملكة بواشنطن ... في إطار زيارة ... إلى الولايات المتحدة".
    """
    actor = visited[0].item.entry.actor if visited else None
    if actor is None or not actor.country:
        return None
    for m in inside:
        place = m.item.entry.place
        if m.item.entry.kind == "place" and place is not None and place.country == actor.country:
            return m.item.entry.key
    return None


def _until_next_move(tokens: Sequence[Token], start: int, end: int, lex: _Lex) -> int:
    """Where the sentence moves on to a later or planned trip ("قبل أن يتوجه إلى أغاديز")."""
    for k in range(max(start, 0), end):
        if tokens[k].norm in ("قبل", "ثم") or _is(tokens[k], lex.planned):
            return max(k, start + 2)
    return end


def _place_after(
    tokens: Sequence[Token], mentions: list[_Mention], sentence: tuple[int, int], lex: _Lex
) -> str | None:
    """The place the next sentence gives a meeting it names ("وجرى اللقاء ... في طرابلس")."""
    start, end = sentence
    opening = range(start, min(end, start + 4))
    if not any(tokens[k].norm in lex.the_meeting for k in opening):
        return None
    inside = [m for m in mentions if start <= m.start < end]
    if any(m.item.entry.kind == "person" for m in inside):
        return None  # it names people: a meeting of its own
    return _place(tokens, inside, start, end, lex)


def _lead_day(
    tokens: Sequence[Token], sentences: list[tuple[int, int]], on: date | None, lex: _Lex
) -> date | None:
    """The day the story's first lines name (headline and lead), if they name one."""
    for start, end in sentences[:LEAD_SENTENCES]:
        day = day_named(tokens, start, end, on)
        if day is not None:
            return day if on is None or day <= on else None
        if _timed(tokens, start, end, lex):
            return None
    return None


def _timed(tokens: Sequence[Token], start: int, end: int, lex: _Lex) -> bool:
    """Whether a sentence says when at all: a day, a month, a year, "الماضي", "مؤخرا"."""
    for k in range(start, end):
        tok = tokens[k]
        if tok.norm.isdigit() and len(tok.norm) == 4:
            return True
        if any(
            f in lex.times or f in lex.weekdays or f in lex.months for f in (tok.norm, *tok.bare)
        ):
            return True
    return False
