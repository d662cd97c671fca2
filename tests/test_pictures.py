"""bot/pictures: the data behind each picture, the PNGs against golden images, Arabic drawn right.

The golden images live in tests/fixtures/pictures/. A change of layout is a decision: look at
the new pictures, then regenerate them deliberately with

    .venv/bin/python -m tests.test_pictures

which rewrites every golden from the cases below (and prints the paths to look at).
"""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from bot.pictures import (
    Link,
    MeetingMap,
    Person,
    Series,
    TrendChart,
    meetings_png,
    trend_png,
    trends_png,
)
from bot.pictures.canvas import new_figure, png_bytes
from bot.pictures.meetings import Line, Point, draw, layout, wrap_name
from bot.pictures.text import ARABIC_FAMILY, ARABIC_FONT, LATIN_FAMILY, LATIN_FONT, font, shorten
from bot.pictures.trends import week_label, y_ticks

GOLDEN = Path(__file__).parent / "fixtures" / "pictures"
TOLERANCE = 1.0  # mean absolute difference per channel (0-255) a golden may drift by
WEEKS = tuple(date(2026, 1, 5) + timedelta(weeks=i) for i in range(12))
TOPIC_COUNTS = (
    ("Migration", "الهجرة", (12, 15, 9, 20, 22, 18, 25, 30, 28, 26, 31, 35)),
    ("Oil and energy", "النفط والطاقة", (30, 28, 33, 25, 20, 24, 22, 19, 21, 18, 17, 16)),
    ("Security", "الأمن", (8, 10, 7, 12, 15, 11, 9, 14, 13, 12, 10, 11)),
    ("Elections", "الانتخابات", (2, 3, 5, 4, 6, 9, 12, 10, 8, 7, 5, 4)),
    ("Bilateral relations", "العلاقات الثنائية", (18, 19, 21, 23, 20, 22, 24, 26, 25, 27, 29, 28)),
    ("Economy", "الاقتصاد", (5, 6, 4, 7, 8, 6, 5, 9, 10, 8, 7, 6)),
)
PEOPLE = (
    ("dbeibah", "Abdul Hamid Dbeibah", "عبد الحميد الدبيبة"),
    ("menfi", "Mohamed al-Menfi", "محمد المنفي"),
    ("tetteh", "Hanna Tetteh", "هانا تيته"),
    ("haftar", "Khalifa Haftar", "خليفة حفتر"),
    ("saleh", "Aguila Saleh", "عقيلة صالح"),
    ("meloni", "Giorgia Meloni", "جورجيا ميلوني"),
    ("erdogan", "Recep Tayyip Erdogan", "رجب طيب أردوغان"),
    ("macron", "Emmanuel Macron", "إيمانويل ماكرون"),
    ("sisi", "Abdel Fattah el-Sisi", "عبد الفتاح السيسي"),
    ("tebboune", "Abdelmadjid Tebboune", "عبد المجيد تبون"),
    ("boulos", "Massad Boulos", "مسعد بولس"),
    ("lamamra", "Ramtane Lamamra", "رمطان لعمامرة"),
)
PLACES = {"Tripoli": "طرابلس", "Rome": "روما", "Benghazi": "بنغازي", "Cairo": "القاهرة", "": ""}
LINKS = (
    ("dbeibah", "menfi", "meeting", "Tripoli", "3/3"),
    ("dbeibah", "tetteh", "meeting", "Tripoli", "4/3"),
    ("menfi", "tetteh", "meeting", "Tripoli", "4/3"),
    ("dbeibah", "meloni", "meeting", "Rome", "5/3"),
    ("meloni", "dbeibah", "call", "", "8/3"),
    ("dbeibah", "erdogan", "call", "", "6/3"),
    ("haftar", "saleh", "meeting", "Benghazi", "2/3"),
    ("haftar", "tetteh", "meeting", "Benghazi", "5/3"),
    ("haftar", "sisi", "meeting", "Cairo", "7/3"),
    ("menfi", "tebboune", "call", "", ""),
    ("menfi", "macron", "meeting", "", "9/3"),
    ("dbeibah", "boulos", "meeting", "Tripoli", "6/3"),
    ("haftar", "boulos", "meeting", "Benghazi", "6/3"),
    ("saleh", "sisi", "meeting", "Cairo", "7/3"),
    ("menfi", "lamamra", "meeting", "", "3/3"),
)


def topics_chart(language: str) -> TrendChart:
    english = language == "en"
    return TrendChart(
        title="Topics, last 12 weeks" if english else "المواضيع في آخر 12 أسبوعا",
        weeks=WEEKS,
        series=tuple(Series(en if english else ar, counts) for en, ar, counts in TOPIC_COUNTS),
        language="en" if english else "ar",
        unit="stories a week" if english else "أخبار في الأسبوع",
        note="5/1 – 29/3/2026",
    )


def person_chart(language: str) -> TrendChart:
    english = language == "en"
    return TrendChart(
        title="Abdul Hamid Dbeibah" if english else "عبد الحميد الدبيبة",
        weeks=WEEKS,
        series=(Series("Dbeibah", (4, 6, 5, 9, 12, 8, 7, 15, 11, 9, 13, 10)),),
        language="en" if english else "ar",
        unit="stories a week" if english else "أخبار في الأسبوع",
    )


def meeting_map(language: str, limit: int = len(PEOPLE)) -> MeetingMap:
    english = language == "en"
    return MeetingMap(
        title="Meetings this week" if english else "لقاءات الأسبوع",
        people=tuple(Person(key, en if english else ar) for key, en, ar in PEOPLE[:limit]),
        links=tuple(
            Link(a, b, kind, place if english else PLACES[place], day)  # type: ignore[arg-type]
            for a, b, kind, place, day in LINKS
            if {a, b} <= {key for key, _, _ in PEOPLE[:limit]}
        ),
        language="en" if english else "ar",
        meeting_label="meeting" if english else "لقاء",
        call_label="call" if english else "اتصال",
        omitted="{n} more in the list" if english else "{n} آخرون في القائمة",
    )


def word_png(text: str) -> bytes:
    """One line of text in the shipped fonts, as the pictures draw their labels."""
    figure = new_figure(400, 140)
    figure.text(0.5, 0.5, text, ha="center", va="center", fontproperties=font(48, "ar"))
    return png_bytes(figure)


# name -> how to draw it; the golden is tests/fixtures/pictures/<name>.png
CASES: dict[str, Callable[[], bytes]] = {
    "trends_en": lambda: trends_png(topics_chart("en")),
    "trends_ar": lambda: trends_png(topics_chart("ar")),
    "trend_en": lambda: trend_png(person_chart("en")),
    "trend_ar": lambda: trend_png(person_chart("ar")),
    "meetings_en": lambda: meetings_png(meeting_map("en")),
    "meetings_ar": lambda: meetings_png(meeting_map("ar")),
    "word_ar": lambda: word_png("ليبيا"),
}
SIZES = {"trends": (1080, 1080), "trend": (1080, 720), "meetings": (1080, 1080), "word": (400, 140)}


@pytest.fixture(scope="module")
def drawn() -> dict[str, bytes]:
    return {name: make() for name, make in CASES.items()}


def difference(a: bytes, b: bytes) -> float:
    """Mean absolute difference per RGB channel, 0-255, of two same-sized images."""
    with Image.open(io.BytesIO(a)) as first, Image.open(io.BytesIO(b)) as second:
        assert first.size == second.size
        delta = ImageChops.difference(first.convert("RGB"), second.convert("RGB"))
        return sum(ImageStat.Stat(delta).mean) / 3


# --- importing is free ---------------------------------------------------------------------


def test_importing_the_package_loads_no_matplotlib_and_no_font() -> None:
    code = (
        "import sys, bot.pictures, bot.pictures.text as t; "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'; "
        "assert t.register_fonts.cache_info().currsize == 0, 'fonts loaded'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_the_fonts_are_the_shipped_files_with_their_licence() -> None:
    from matplotlib.font_manager import FontProperties, findfont

    font(12, "en")  # registers them
    for family, path in ((ARABIC_FAMILY, ARABIC_FONT), (LATIN_FAMILY, LATIN_FONT)):
        found = findfont(FontProperties(family=family), fallback_to_default=False)
        assert Path(found) == path
    licence = (ARABIC_FONT.parent / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence


# --- the data behind the pictures -----------------------------------------------------------


def test_week_ticks_and_count_ticks() -> None:
    assert [week_label(w) for w in WEEKS[:3]] == ["5/1", "12/1", "19/1"]
    assert y_ticks(0) == [0, 1]
    assert y_ticks(4) == [0, 1, 2, 3, 4]
    assert y_ticks(35) == [0, 10, 20, 30, 40]
    assert y_ticks(60) == [0, 20, 40, 60]
    assert y_ticks(1234) == [0, 500, 1000, 1500]


def test_a_chart_refuses_counts_that_do_not_match_its_weeks() -> None:
    with pytest.raises(ValueError, match="11 counts for 12 weeks"):
        TrendChart("t", WEEKS, (Series("s", (1,) * 11),), "en", "stories")
    with pytest.raises(ValueError, match="negative"):
        TrendChart("t", WEEKS[:1], (Series("s", (-1,)),), "en", "stories")
    too_many = tuple(Series(str(i), (1,) * 12) for i in range(9))
    with pytest.raises(ValueError, match="1 to 8 series"):
        trends_png(TrendChart("t", WEEKS, too_many, "en", "stories"))
    with pytest.raises(ValueError, match="one series"):
        trend_png(topics_chart("en"))


def test_labels_are_cut_at_a_word_and_names_wrap_at_the_middle() -> None:
    assert shorten("Oil and energy", 24) == "Oil and energy"
    assert shorten("National reconciliation and transitional justice", 24) == (
        "National reconciliation…"
    )
    assert shorten("المصالحة الوطنية والعدالة الانتقالية", 20) == "المصالحة الوطنية…"
    assert wrap_name("Abdul Hamid Dbeibah") == "Abdul Hamid\nDbeibah"
    assert wrap_name("Hanna Tetteh") == "Hanna Tetteh"
    assert wrap_name("عبد الحميد الدبيبة") == "عبد الحميد\nالدبيبة"


def test_the_meeting_layout_puts_the_most_connected_in_the_middle() -> None:
    plan = layout(meeting_map("en"))
    degrees = {p.key: p.degree for p in plan.points}
    assert degrees == {
        "dbeibah": 6, "menfi": 5, "haftar": 4, "tetteh": 3, "meloni": 2, "saleh": 2,
        "sisi": 2, "boulos": 2, "erdogan": 1, "macron": 1,
    }  # fmt: skip
    # Ties keep the caller's order; past ten people the least connected are counted, not drawn.
    assert [p.key for p in plan.points][:4] == ["dbeibah", "menfi", "haftar", "tetteh"]
    assert plan.people_left_out == 2  # tebboune and lamamra, one call or meeting each
    assert plan.links_left_out == 2
    assert plan.points[0] == Point("dbeibah", "Abdul Hamid\nDbeibah", 0.0, 0.0, 6)
    assert plan.points[1] == Point("menfi", "Mohamed\nal-Menfi", 0.0, 0.55, 5)
    # The inner ring clockwise from the top by rank; the outer ring near whom each met there.
    assert [(p.key, p.x, p.y) for p in plan.points[1:]] == [
        ("menfi", 0.0, 0.55), ("haftar", 0.6539, 0.17), ("tetteh", 0.4041, -0.445),
        ("saleh", -0.4041, -0.445), ("meloni", -0.6539, 0.17),
        ("sisi", 0.9281, -0.7425), ("boulos", 0.9281, 0.7425), ("erdogan", -0.9281, -0.7425),
        ("macron", -0.9281, 0.7425),
    ]  # fmt: skip


def test_meeting_lines_keep_every_drawn_link_and_bow_repeats_apart() -> None:
    plan = layout(meeting_map("en"))
    assert [(line.link.a, line.link.b, line.link.kind, line.bend) for line in plan.lines] == [
        ("dbeibah", "menfi", "meeting", 0.0),
        ("dbeibah", "tetteh", "meeting", 0.0),
        ("menfi", "tetteh", "meeting", 0.0),
        ("dbeibah", "meloni", "meeting", 0.0),
        ("meloni", "dbeibah", "call", -0.22),  # bowed the same way whoever is named first
        ("dbeibah", "erdogan", "call", 0.0),
        ("haftar", "saleh", "meeting", 0.0),
        ("haftar", "tetteh", "meeting", 0.0),
        ("haftar", "sisi", "meeting", 0.0),
        ("menfi", "macron", "meeting", 0.0),
        ("dbeibah", "boulos", "meeting", 0.0),
        ("haftar", "boulos", "meeting", 0.0),
        ("saleh", "sisi", "meeting", 0.0),
    ]
    assert [line.link.label for line in plan.lines[:6]] == [
        "Tripoli · 3/3", "Tripoli · 4/3", "Tripoli · 4/3", "Rome · 5/3", "8/3", "6/3",
    ]  # fmt: skip


def test_a_small_map_is_one_ring_and_a_link_to_an_unknown_person_is_refused() -> None:
    plan = layout(meeting_map("en", limit=3))  # dbeibah, menfi, tetteh: a triangle
    assert [(p.key, p.x, p.y) for p in plan.points] == [
        ("dbeibah", 0.0, 0.0), ("menfi", 0.0, 0.85), ("tetteh", 0.0, -0.85),
    ]  # fmt: skip
    assert plan.lines[0] == Line(Link("dbeibah", "menfi", "meeting", "Tripoli", "3/3"), 0.0)
    with pytest.raises(ValueError, match="unknown people"):
        MeetingMap("t", (Person("a", "A"),), (Link("a", "b", "call"),), "en", "m", "c")
    with pytest.raises(ValueError, match="at least one link"):
        draw(MeetingMap("t", (Person("a", "A"),), (), "en", "m", "c"))


@pytest.mark.parametrize("language", ["en", "ar"])
def test_no_label_of_the_meetings_picture_covers_another(language: str) -> None:
    drawing = draw(meeting_map(language))
    boxes = list(drawing.name_boxes) + list(drawing.edge_boxes)
    overlapping = [
        (i, j) for i in range(len(boxes)) for j in range(i) if boxes[i].overlaps(boxes[j])
    ]
    assert overlapping == []
    assert len(drawing.name_boxes) == 10
    # Every labelled line got its label or was counted as left off.
    labelled = sum(bool(line.link.label) for line in layout(meeting_map(language)).lines)
    assert len(drawing.edge_boxes) + drawing.edge_labels_dropped == labelled
    assert len(drawing.edge_boxes) >= labelled // 2


# --- the pictures ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_picture_is_a_png_of_its_size_and_matches_its_golden(
    name: str, drawn: dict[str, bytes]
) -> None:
    data = drawn[name]
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "PNG"
        assert image.size == SIZES[name.split("_")[0]]
        assert "Software" not in image.info
    golden = GOLDEN / f"{name}.png"
    assert golden.is_file(), f"no golden: run python -m tests.test_pictures to make {golden}"
    assert difference(data, golden.read_bytes()) < TOLERANCE


def test_the_same_data_draws_the_same_bytes(drawn: dict[str, bytes]) -> None:
    assert meetings_png(meeting_map("ar")) == drawn["meetings_ar"]
    assert trends_png(topics_chart("en")) == drawn["trends_en"]


def test_the_golden_comparison_sees_a_changed_layout(drawn: dict[str, bytes]) -> None:
    # One person fewer moves the whole map: far past the tolerance.
    changed = meetings_png(meeting_map("en", limit=len(PEOPLE) - 3))
    assert difference(changed, drawn["meetings_en"]) > 5 * TOLERANCE


def test_an_arabic_word_is_drawn_joined_and_right_to_left(drawn: dict[str, bytes]) -> None:
    shaped = drawn["word_ar"]
    # The same letters kept apart (a zero-width non-joiner between each): isolated forms.
    isolated = word_png("\u200c".join("ليبيا"))
    # The same word forced left to right (LRO ... PDF): joined, but in the wrong order.
    backwards = word_png("\u202dليبيا\u202c")
    assert difference(shaped, isolated) > 5 * TOLERANCE
    assert difference(shaped, backwards) > 5 * TOLERANCE
    assert difference(shaped, (GOLDEN / "word_ar.png").read_bytes()) < TOLERANCE


def regenerate() -> None:
    """Rewrite every golden image from CASES (a deliberate change of layout)."""
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, make in CASES.items():
        path = GOLDEN / f"{name}.png"
        path.write_bytes(make())
        print(path)


if __name__ == "__main__":
    regenerate()
