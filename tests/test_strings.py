"""The interface's strings are data, one file a language: the files agree with each other."""

from __future__ import annotations

import json
import string
from pathlib import Path

from bot.tg.i18n import strings, t

FOLDER = Path(__file__).parent.parent / "bot" / "tg" / "strings"


def fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_both_languages_have_every_message_with_the_same_placeholders() -> None:
    tables = {
        lang: json.loads((FOLDER / f"{lang}.json").read_text("utf-8")) for lang in ("ar", "en")
    }
    messages = {lang: {k for k in table if not k.startswith("_")} for lang, table in tables.items()}
    assert messages["ar"] == messages["en"]
    for key in messages["en"]:
        assert fields(tables["ar"][key]) == fields(tables["en"][key]), key
    assert len(tables["ar"]["_months"]) == len(tables["en"]["_months"]) == 12


def test_the_bot_reads_its_words_from_the_files() -> None:
    en = json.loads((FOLDER / "en.json").read_text("utf-8"))
    assert len(strings()) == len([k for k in en if not k.startswith("_")]) > 200
    assert t("en", "help_title") == en["help_title"]
    assert t("ar", "forget_cancel") == "لم يُحذف شيء."
