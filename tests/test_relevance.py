"""Is the story about Libya? Golden cases, the tricky ones exactly, and the rules behind them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis.text.relevance import THRESHOLD, assess
from bot.models import Relevance

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "relevance" / "cases.json").read_text(encoding="utf-8")
)["cases"]


def run(case: dict[str, Any]) -> Relevance:
    return assess(case["headline"], "\n\n".join(case["paragraphs"]), case["libyan_entities"])


def test_the_golden_cases_cover_the_traps() -> None:
    ids = {case["id"] for case in CASES}
    assert len(CASES) >= 20
    for needed in (
        "liberia_elections",
        "philippines_typhoon_libya_once",
        "football_libya_national_team",
        "football_tripoli_derby",
        "tunisia_domestic",
        "egypt_domestic_prices",
        "egypt_ethiopia_dam_libya_once",
        "paris_conference",
        "moscow_delegation",
        "new_york_security_council",
    ):
        assert needed in ids


def test_accuracy_on_the_golden_cases() -> None:
    right = sum(run(case).relevant == case["expected"] for case in CASES)
    assert right / len(CASES) >= 0.95


@pytest.mark.parametrize("case", [c for c in CASES if c["tricky"]], ids=lambda c: c["id"])
def test_tricky_cases_come_out_as_expected(case: dict[str, Any]) -> None:
    result = run(case)
    assert result.relevant == case["expected"], result


def test_scores_separate_the_classes_with_a_margin() -> None:
    # The threshold is not sitting on an edge: every case clears it by 0.1 either way.
    for case in CASES:
        score = run(case).score
        if case["expected"]:
            assert score >= THRESHOLD + 0.1, (case["id"], score)
        else:
            assert score <= THRESHOLD - 0.1, (case["id"], score)


def test_the_traps_hold_when_the_gazetteer_also_counts_the_libya_words() -> None:
    # The caller's count may include ليبيا and the cities themselves: a passing mention
    # must not become a Libya story because it is counted twice.
    for case in CASES:
        body = "\n\n".join(case["paragraphs"])
        counted = len(assess(case["headline"], body).evidence) + case["libyan_entities"]
        result = assess(case["headline"], body, counted)
        assert result.relevant == case["expected"], (case["id"], result)


def test_evidence_is_the_words_as_written() -> None:
    case = next(c for c in CASES if c["id"] == "seed_mangoush_russia")
    result = run(case)
    assert {"الليبية", "ليبيا", "بنغازي", "طرابلس"} <= set(result.evidence)
    text = case["headline"] + " ".join(case["paragraphs"])
    assert all(word in text for word in result.evidence)


@pytest.mark.parametrize(
    "word", ["ليبيا", "الليبية", "الليبي", "الليبيين", "ليبيون", "لليبيا", "وليبيا", "بليبيا"]
)
def test_every_form_of_libya_is_evidence(word: str) -> None:
    result = assess(f"وفد {word} يزور روما", "")
    assert word in result.evidence
    assert result.relevant


@pytest.mark.parametrize("word", ["ليبيريا", "الليبيرية", "كليب", "الفلبين", "أساليب"])
def test_look_alikes_are_not_evidence(word: str) -> None:
    assert assess(f"وفد من {word} يزور روما", "").evidence == ()


def test_a_liberia_story_naming_libya_once_scores_low() -> None:
    result = assess(
        "رئيس ليبيريا يزور ليبيا",
        "وصل رئيس ليبيريا إلى العاصمة مونروفيا بعد جولة. وقالت الرئاسة الليبيرية إن الجولة ناجحة.",
    )
    assert not result.relevant
    assert "ليبيا" in result.evidence


def test_tripoli_weighs_less_when_lebanon_is_named() -> None:
    libya = assess("اشتباكات في طرابلس", "تجددت الاشتباكات في طرابلس مساء الاثنين.")
    lebanon = assess("اشتباكات في طرابلس", "تجددت الاشتباكات في طرابلس شمال لبنان مساء الاثنين.")
    assert libya.relevant and not lebanon.relevant
    assert lebanon.score < libya.score / 2


def test_casablanca_is_not_al_bayda() -> None:
    assert "البيضاء" not in assess("منتدى في الدار البيضاء", "").evidence
    assert "البيضاء" in assess("وفد حكومي يصل إلى البيضاء", "").evidence


def test_a_parliament_counts_only_in_a_libyan_story() -> None:
    alone = assess("مجلس النواب يقر قانون الأحزاب", "أقر مجلس النواب القانون.")
    assert alone.evidence == () and not alone.relevant
    libyan = assess("مجلس النواب يقر قانون الأحزاب", "أقر مجلس النواب الليبي في بنغازي القانون.")
    assert "مجلس النواب" in libyan.evidence and libyan.relevant


def test_the_headline_and_lead_outweigh_a_late_mention() -> None:
    filler = "وتناول الاجتماع ملفات عدة تتعلق بالتعاون في مجالات مختلفة بين الجانبين.\n"
    up_front = assess("وفد ليبي في روما", filler * 4)
    late = assess("وفد في روما", filler * 4 + "وكان الوفد قد زار ليبيا الشهر الماضي.")
    assert up_front.score > 2 * late.score
    assert up_front.relevant and not late.relevant


def test_libyan_entities_raise_the_score() -> None:
    headline, body = "الوزيرة تلتقي السفير التركي", "التقت الوزيرة السفير التركي لدى ليبيا."
    scores = [assess(headline, body, n).score for n in (0, 1, 3, 10)]
    assert scores == sorted(scores) and scores[0] < scores[-1]


def test_a_football_result_scores_low_even_with_libya_in_the_headline() -> None:
    result = assess(
        "المنتخب الليبي يتعادل مع مصر 1-1",
        "تعادل المنتخب الليبي مع نظيره المصري في المباراة الودية، وسجل هدف ليبيا اللاعب "
        "المريمي في الشوط الثاني.",
    )
    assert not result.relevant
    assert "الليبي" in result.evidence


def test_political_idioms_are_not_football() -> None:
    result = assess(
        "ليبيا: الكرة في ملعب مجلس النواب",
        "قال المبعوث إن الكرة الآن في ملعب مجلس النواب الليبي بهدف التوصل إلى قوانين "
        "انتخابية، وإن تركيا لاعب رئيسي وإن الرئيس المنتخب يجب أن يحظى بقبول الجميع، بعد "
        "أن قطعت المفاوضات شوطا في الاجتماع الدوري. وصوت 12-3 لصالح المقترح.",
    )
    assert result.relevant
    assert result.score > 0.5


def test_an_empty_story_is_not_relevant() -> None:
    assert assess("", "") == Relevance(relevant=False, score=0.0, evidence=())


text_strategy = st.text(
    alphabet=st.one_of(
        st.characters(min_codepoint=0x0600, max_codepoint=0x06FF),
        st.sampled_from(" \n\t.،-–2ليبياطرابلسلبنانمباراة\u00a0\u200b\ufdfa"),
        st.characters(),
    ),
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(headline=text_strategy, body=text_strategy, entities=st.integers(-5, 50))
def test_assess_never_raises(headline: str, body: str, entities: int) -> None:
    result = assess(headline, body, entities)
    assert 0.0 <= result.score <= 1.0
    assert result.relevant == (result.score >= THRESHOLD)
    assert len(set(result.evidence)) == len(result.evidence)


FILLER = "وتناول الاجتماع ملفات عدة تتعلق بالتعاون في مجالات مختلفة بين الجانبين."


@pytest.mark.parametrize(
    "headline",
    ["واشنطن تريد نزع السلاح على غرار ليبيا", "بيونغيانغ ترفض النموذج الليبي"],
)
def test_libya_as_a_model_is_not_a_libya_story(headline: str) -> None:
    body = "\n".join(
        [
            "قال المستشار إن بلاده تريد تفكيك البرنامج النووي لكوريا الشمالية بسرعة.",
            "وردت بيونغيانغ بأنها لن تقبل أن يُفرض عليها ما حدث مع ليبيا.",
            FILLER,
        ]
    )
    result = assess(headline, body, 2)
    assert not result.relevant, result
    # The same words, as news of Libya, are.
    assert assess("ليبيا ترفض نزع سلاح التشكيلات المسلحة", body, 2).relevant


def test_a_series_about_gaddafi_is_culture() -> None:
    body = "\n".join(
        [
            "تعمل شركة إنتاج على مسلسل عن حياة الزعيم الليبي الراحل معمر القذافي.",
            "وسيتولى المخرج المصري إخراج الحلقات، فيما يكتب السيناريو كاتب من هوليوود.",
            "ويروي العمل سيرة القذافي منذ شبابه حتى نهايته.",
        ]
    )
    result = assess("مسلسل يروي أسرار حياة القذافي", body, 4)
    assert not result.relevant, result


def test_a_lead_naming_libya_once_in_a_long_story_is_in_passing() -> None:
    lead = "ارتفعت أسعار النفط اليوم بسبب مخاوف بشأن الإمدادات من النرويج وليبيا."
    other = "وقال محللون إن الطلب العالمي ما زال قويا رغم المخاوف من تباطؤ النمو في آسيا."
    passing = assess("قفزة في أسعار النفط", "\n".join([lead, *[other] * 5]), 1)
    assert not passing.relevant, passing
    # Named again further down, or in the headline, it is the story's subject.
    again = "وأعلنت المؤسسة الوطنية للنفط في ليبيا إغلاق ميناءين بعد هجوم."
    assert assess("قفزة في أسعار النفط", "\n".join([lead, other, again, other, again]), 3).relevant
    assert assess("إغلاق موانئ ليبيا يرفع أسعار النفط", "\n".join([lead, *[other] * 5]), 1).relevant


def test_sports_other_than_football_are_sport() -> None:
    body = (
        "تشهد رياضة الملاكمة إقبالا في طرابلس، إذ افتتح المدربون أندية جديدة ونظموا بطولات "
        "محلية، ويأمل الاتحاد أن يشارك ملاكمون ليبيون في الألعاب الأولمبية المقبلة."
    )
    assert not assess("ليبيا.. الملاكمة تعود إلى الحلبات", body, 2).relevant
    # A minister of sport in a political story does not make it sport.
    politics = assess(
        "ليبيا: حكومة الوحدة الوطنية تعين وزيرا للشباب والرياضة",
        "أعلنت الحكومة في طرابلس تعيين وزير جديد للشباب والرياضة بعد استقالة سلفه.",
        2,
    )
    assert politics.relevant


def test_athletics_medals_are_sport() -> None:
    body = "\n".join(
        [
            "أحرز الفريق الليبي ثلاث ميداليات في منافسات ألعاب القوى بالدورة الأولمبية.",
            "وفاز العداء الليبي بسباق 100 متر، فيما حل زميله ثانيا في سباق 400 متر.",
        ]
    )
    assert not assess("ذهبيتان لليبيا في الألعاب الأولمبية", body, 2).relevant


def test_libya_once_in_a_list_of_countries_is_in_passing() -> None:
    snippet = "قال الخبير إن المنطقة شهدت بعد الربيع العربي نزاعات في سوريا واليمن وليبيا."
    assert not assess("أين يميل ميزان القوى بين إيران وإسرائيل؟", snippet, 1).relevant
    # One mention that is the story's subject, as in a short feed summary, is not passing.
    summary = "أكد الوزير في تونس أن الحوار بين الأطراف الليبية هو السبيل الوحيد للاستقرار."
    assert assess("الوزير: الحوار هو الطريق الوحيد", summary, 1).relevant


def test_an_official_named_again_keeps_a_story_whose_libya_words_are_in_the_lead() -> None:
    # Libya's words only in the first of five paragraphs, but the gazetteer finds the
    # Libyan official and his council again and again: the story is his, not in passing.
    paragraphs = [
        "استقبل رئيس المجلس الرئاسي محمد المنفي السفير الإيطالي لدى ليبيا في طرابلس.",
        "وبحث الجانبان سبل تعزيز التعاون في مجالات الطاقة والتعليم والصحة.",
        "وأكد المنفي أهمية التنسيق لمكافحة الهجرة غير النظامية وتأمين الحدود.",
        "من جهته، أعرب السفير عن دعم بلاده لجهود المصالحة الوطنية.",
        "وتناول اللقاء الترتيبات الخاصة بزيارة مرتقبة لوفد اقتصادي.",
    ]
    assert assess("المنفي يستقبل السفير الإيطالي", "\n".join(paragraphs), 5).relevant
