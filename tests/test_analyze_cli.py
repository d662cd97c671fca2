"""`libya-brief analyze`: the analysis of one article, run as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_PAGE = "seeds/000_f551a4bf6189d43b.txt"
SCRIPT = Path(sys.executable).parent / "libya-brief"
HEADLINES = [
    "مباحثات بين الخارجية الليبية والروسية بشأن خروج القوات الأجنبية والمرتزقة",
    "وزيرة الخارجية تلتقي سفيرة المملكة المتحدة لدى ليبيا",
]


def run(
    *args: str, db: Path, stdin: str | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_PATH": str(db)}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [str(SCRIPT), *args],
        cwd=REPO,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cli") / "brief.db"


@pytest.fixture(scope="module")
def report(db: Path) -> dict[str, Any]:
    """The JSON report of the seed page, computed once for the module."""
    done = run("analyze", SEED_PAGE, "--date", "2021-12-08", "--json", db=db)
    assert done.returncode == 0, done.stderr
    parsed: dict[str, Any] = json.loads(done.stdout)
    return parsed


def people(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {p["en"]: p for story in report["stories"] for p in story["people"]}


def test_the_script_is_installed() -> None:
    assert SCRIPT.exists(), f"no console script at {SCRIPT}"


def test_the_seed_page_is_relevant_with_its_two_stories(report: dict[str, Any]) -> None:
    assert report["relevant"] is True
    assert report["date"] == "2021-12-08"
    assert 0.5 < report["score"] <= 1.0
    assert [story["headline"] for story in report["stories"]] == HEADLINES
    assert all(story["relevance"]["relevant"] for story in report["stories"])


def test_the_seed_page_people(report: dict[str, Any]) -> None:
    found = people(report)
    assert set(found) == {
        "Najla Mangoush",
        "Ivan Molotkov",
        "Caroline Hurndall",
        "António Guterres",
        "Stephanie Williams",
    }
    molotkov = found["Ivan Molotkov"]
    assert molotkov["ar"] == "إيفان مولوتكوف"
    assert molotkov["known"] is False
    assert molotkov["role_ar"] == "نائب مدير إدارة الشرق الأوسط في وزارة الخارجية الروسية"
    assert molotkov["role_en"] is None
    roles_en = {
        "Najla Mangoush": "Foreign Minister, Government of National Unity",
        "Caroline Hurndall": "British Ambassador to Libya",
        "António Guterres": "Secretary-General of the United Nations",
        "Stephanie Williams": "Special Adviser to the UN Secretary-General on Libya",
    }
    for name, role in roles_en.items():
        assert found[name]["known"] is True
        assert found[name]["role_en"] == role
        assert found[name]["role_ar"]
    assert found["Caroline Hurndall"]["role_ar"] == "سفير المملكة المتحدة"
    assert found["António Guterres"]["role_ar"] == "الأمين العام للأمم المتحدة"
    assert found["Stephanie Williams"]["mentions"] == 3
    masthead = [p for p in found.values() if p["ar"] == "محمد الباز"]
    assert masthead == []


def test_the_seed_page_bodies_and_countries(report: dict[str, Any]) -> None:
    first, second = report["stories"]
    assert {b["key"] for b in first["bodies"]} == {
        "libya_foreign_ministry",
        "joint_military_commission_5plus5",
        "government_of_national_unity",
    }
    assert {c["key"] for c in first["countries"]} == {"russia", "libya"}
    assert {b["key"] for b in second["bodies"]} == {
        "government_of_national_unity",
        "united_nations",
        "unsmil",
    }
    assert {"united_kingdom", "libya"} <= {c["key"] for c in second["countries"]}


def test_the_seed_page_topics(report: dict[str, Any]) -> None:
    first, second = ({t["id"] for t in story["topics"]} for story in report["stories"])
    assert {"bilateral_relations", "foreign_forces"} <= first
    assert {"un_mediation", "elections", "bilateral_relations"} <= second
    assert {
        "bilateral_relations",
        "foreign_forces",
        "elections",
        "un_mediation",
        "security_military",
    } <= first | second
    for story in report["stories"]:
        scores = [t["score"] for t in story["topics"]]
        assert scores == sorted(scores, reverse=True) and all(s > 0 for s in scores)


def test_the_seed_page_meetings(report: dict[str, Any]) -> None:
    rows = [
        (m["a"]["en"], m["b"]["en"], m["place"], m["date"], m["kind"])
        for story in report["stories"]
        for m in story["meetings"]
    ]
    assert rows == [
        ("Najla Mangoush", "Ivan Molotkov", "Tripoli", "2021-12-08", "meeting"),
        ("Najla Mangoush", "Caroline Hurndall", "Tripoli", "2021-12-01", "meeting"),
    ]
    first = report["stories"][0]["meetings"][0]
    assert first["a"] == {"key": "najla_mangoush", "ar": "نجلاء المنقوش", "en": "Najla Mangoush"}
    assert first["b"]["ar"] == "إيفان مولوتكوف" and first["b"]["key"].startswith("new:")


def test_text_output(db: Path) -> None:
    done = run("analyze", SEED_PAGE, "--date", "2021-12-08", db=db)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "relevant: True (score 0.983)"
    assert f"story 1: {HEADLINES[0]}" in lines
    assert f"story 2: {HEADLINES[1]}" in lines
    assert (
        "  person: Najla Mangoush / نجلاء المنقوش — "
        "Foreign Minister, Government of National Unity [known]" in lines
    )
    assert (
        "  person: Ivan Molotkov / إيفان مولوتكوف — "
        "نائب مدير إدارة الشرق الأوسط في وزارة الخارجية الروسية [discovered]" in lines
    )
    assert "  meeting: Najla Mangoush with Caroline Hurndall — Tripoli, 2021-12-01" in lines


def test_without_a_date_meetings_have_no_day(db: Path) -> None:
    done = run("analyze", SEED_PAGE, "--json", db=db)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["date"] is None
    assert [m["date"] for s in result["stories"] for m in s["meetings"]] == [None, None]


def test_dash_reads_stdin_and_title_names_the_story(db: Path) -> None:
    text = "التقى الدبيبة، أمس، المنقوش في طرابلس لبحث ملف الانتخابات في ليبيا.\n"
    done = run(
        "analyze", "-", "--title", "الدبيبة يلتقي المنقوش", "--date", "2021-12-08", "--json",
        db=db, stdin=text,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    (story,) = result["stories"]
    assert story["headline"] == "الدبيبة يلتقي المنقوش"
    assert {p["en"] for p in story["people"]} == {"Abdul Hamid Dbeibah", "Najla Mangoush"}
    (meeting,) = story["meetings"]
    assert (meeting["place"], meeting["date"]) == ("Tripoli", "2021-12-07")


def test_a_missing_file_is_exit_1_with_one_line(db: Path, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-article.txt"
    done = run("analyze", str(missing), db=db)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("libya-brief: cannot read ") and str(missing) in lines[0]


@pytest.mark.parametrize("bad", ["2021-13-45", "yesterday", "08/12/2021"])
def test_a_bad_date_is_exit_2(bad: str, db: Path) -> None:
    done = run("analyze", SEED_PAGE, "--date", bad, db=db)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip() == f"libya-brief: --date: expected YYYY-MM-DD, got {bad!r}"
