"""Discovery of people the knowledge base lacks, on sentences written for these tests.

The kinds of error real news showed: phrases taken for people, a title, a body or a verb
glued to a name, two people run together, a byline taken for a mention; and the English
spelling a reader gets for a discovered name.
"""

from __future__ import annotations

import pytest

from bot.analysis.knowledge import Knowledge
from bot.analysis.text.actors import find_in_text


def discovered(text: str, knowledge: Knowledge) -> dict[str, str]:
    """The people found that the knowledge base lacks: Arabic name -> English name."""
    return {
        m.name_ar: m.name_en
        for m in find_in_text(text, knowledge.gazetteer)
        if m.kind == "person" and not m.known
    }


@pytest.mark.parametrize(
    ("text", "people"),
    [
        # A given name and the words of the name after it, with no title before it.
        ("وقال هشام عبد الكريم إن الهجوم وقع ليلا.", {"هشام عبد الكريم"}),
        # و before the next given name starts a second person.
        ("وحضر الاجتماع سالم خليفة المبروك وناصر عمران.", {"سالم خليفة المبروك", "ناصر عمران"}),
        # A verb after the name is not part of it.
        ("وأوضح أن محمد إبراهيم قرب منزله كان هدفا للهجوم.", {"محمد إبراهيم"}),
        # A body or a title phrase before the name is not part of it.
        ("وقال مدير إعلام المفوضية حسين عمر إن التسجيل انتهى.", {"حسين عمر"}),
        # A clitic on the given name is not part of the name as written.
        ("والتقى الوفد بمحمود الزروق في المدينة.", {"محمود الزروق"}),
        # A kunya opens a name; بن joins a father's name.
        ("وأعلن أبو بكر الحسناوي وسالم بن حميدة انسحابهما.", {"أبو بكر الحسناوي", "سالم بن حميدة"}),
        # A foreign given name, and a hyphenated one.
        ("وصرح دانيلو فيرانتي ثم جان-لوك موران للصحفيين.", {"دانيلو فيرانتي", "جان-لوك موران"}),
        # Russian and other foreign given names, with no title before them.
        (
            "وقالت أولغا بيتروفا إن الوفد وصل، فيما أكد تيموثي هارلو أن المحادثات ستستمر.",
            {"أولغا بيتروفا", "تيموثي هارلو"},
        ),
        # A verb in the future, a noun with a possessive, a word with digits end the name;
        # a foreign surname that only looks like a future verb does not.
        ("وقال سمير البوعيشي سيستعيد الجيش المدينة.", {"سمير البوعيشي"}),
        ("ولقيت الصحفية سارة كولينز حتفها في القصف.", {"سارة كولينز"}),
        ("وقال حامد بن عطية لفرانس24 إن الوضع هادئ.", {"حامد بن عطية"}),
        ("وقال كلاوس سيهلمان للصحفيين إن الوضع هادئ.", {"كلاوس سيهلمان"}),
        ("وصافح المبعوث كيم يونغ تشول في نيويورك.", {"كيم يونغ تشول"}),  # no verbs: ng, ch
        # A surname that reads as a clitic and a common word (ب + يكون) is read as written.
        ("وقال فرانسيس بيكون إن الوضع هادئ.", {"فرانسيس بيكون"}),
        # A nisba with the article is a family name even when the word alone is common.
        ("وقال سالم الجندي إن الوضع هادئ.", {"سالم الجندي"}),
    ],
)
def test_people_found_are_names(text: str, people: set[str], knowledge: Knowledge) -> None:
    assert set(discovered(text, knowledge)) == people


@pytest.mark.parametrize(
    "text",
    [
        # Phrases: a verbal noun, an adjective after a common given-name word, a title alone.
        "وقال متحدث باسمه إنه تلقى العلاج هناك بعدما شعر بالإعياء.",
        "وعادت المدينة آمنة مطمئنة بعد سنوات من القتال.",
        "ودعت الحكومة إلى حسن الجوار مع الدول المجاورة.",
        "وقال بيان أرفقه المحامي بشكواه إن موكله بريء.",
        "وتحدث باسم المفوضية عن موعد الانتخابات.",
        # على and مني normalize to the names علي and منى; خلف is "behind" and "left".
        "وعلى هامشه عقد لقاء آخر.",
        "وقال إنه طلب مني إصلاح السيارة.",
        "وخلف الهجوم قتيلين وجرحى.",
        "وقال المتحدث باسم متمردي الجنوب إن الهدنة صامدة.",
        "ويزيد متوسط الحرارة درجتين كل عام.",
        "ووجه سهام كيدية إلى خصومه.",
        "وكانت جميلة انطلقت في رحلتها أمس.",
        "وبلغ عمر الـ 92 عاما.",
        # A name alone on its line is a byline or a masthead.
        "رئيس التحرير\nمحمد الصغير\nخبر اليوم عن الاقتصاد.",
    ],
)
def test_phrases_are_not_people(text: str, knowledge: Knowledge) -> None:
    assert discovered(text, knowledge) == {}


def test_a_part_of_a_name_named_before_is_the_same_person(knowledge: Knowledge) -> None:
    text = "وقال عمرو سعد عباس إن التنظيم انتهى. ويقود عمرو سعد خلية في الصحراء."
    mentions = [m for m in find_in_text(text, knowledge.gazetteer) if m.kind == "person"]
    assert [(m.name_ar, m.count) for m in mentions] == [("عمرو سعد عباس", 2)]


@pytest.mark.parametrize(
    ("text", "english"),
    [
        ("وقال محمد إبراهيم إن ...", "Mohamed Ibrahim"),
        ("وقال عبد السلام الحاسي إن ...", "Abdul Salam al-Hassi"),  # al-Hassi from the KB
        ("وقال ماتيو مارتيني إن ...", "Matteo Martini"),
        ("وقال إيفان بتروف إن ...", "Ivan Betrov"),
    ],
)
def test_discovered_people_have_usable_english_names(
    text: str, english: str, knowledge: Knowledge
) -> None:
    assert list(discovered(text, knowledge).values()) == [english]


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("وقال وزير الداخلية محمد السعيدي إن الوضع هادئ.", "وزير الداخلية"),
        ("ونائب رئيس الوزراء سالم الجندي في زيارة.", "نائب رئيس الوزراء"),
        # A title before a name with و or ب on it is the other side's, not this person's.
        ("والتقى الوزير وعبد السلام الزوي في المدينة.", None),
        ("واجتمع السفير بأحمد الشريف في المدينة.", None),
    ],
)
def test_the_title_before_a_discovered_name_is_its_role(
    text: str, role: str | None, knowledge: Knowledge
) -> None:
    people = [m for m in find_in_text(text, knowledge.gazetteer) if not m.known]
    assert [m.role_ar for m in people] == [role]


@pytest.mark.parametrize(
    "text",
    [
        "وهبطت الطائرة في مطار محمد الخامس الدولي.",
        "وأغلقت الشرطة شارع عمر المختار وسط المدينة.",  # a known person's name, a street
        "وانسحبت كتيبة سالم الجندي من المنطقة.",
    ],
)
def test_a_place_or_body_named_after_someone_is_no_mention(text: str, knowledge: Knowledge) -> None:
    people = [m for m in find_in_text(text, knowledge.gazetteer) if m.kind == "person"]
    assert people == []


def test_a_noun_with_the_article_before_a_name_is_not_what_it_names(
    knowledge: Knowledge,
) -> None:
    text = "وقتل في المدينة سالم الجندي أمس."
    assert set(discovered(text, knowledge)) == {"سالم الجندي"}
