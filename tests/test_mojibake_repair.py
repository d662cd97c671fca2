"""Migration 9: text stored garbled (mojibake, control characters) is repaired, re-analyzed.

Before the decoding fix, a UTF-8 feed with one Arabic letter cut in half was read whole as
windows-1256, and its items were stored so ("ظˆط²ظٹط± ط§ظ„ط®ط§ط±ط¬ظٹط©…"); their links being
known, fetching the feed again never replaced them. The original bytes are not stored, but
windows-1256 maps every byte to one character, so the text gives them back.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from bot.analysis.pipeline import ANALYSIS_VERSION
from storage import analysis
from storage.db import MIGRATIONS, connect, migrate, repair_mojibake, schema_version


def garble(text: str, *, cut: bool = False) -> str:
    """What the old decoding stored: UTF-8 read as windows-1256, whitespace then folded."""
    data = text.encode("utf-8")
    if cut:
        data = data[1:]  # the first letter's lead byte gone
    return " ".join(data.decode("cp1256").split())


HEADLINE = "وزير الخارجية الليبي يلتقي نظيره التونسي في طرابلس"
BODY = "بحث الوزيران إعادة فتح معبر رأس جدير، وملف الهجرة. وقال الوزير: ١٠٠ يوم."
LEAD = "بحث الوزيران إعادة فتح معبر رأس جدير، وملف الهجرة"
# Genuine Arabic with a letter before a comma and a question mark, which windows-1256 puts
# in UTF-8's continuation range (ط، ع؟): it must be left as it is.
GENUINE = "ضغط، وما الذي يمنع؟ مجلس الأمن يمدد ولاية البعثة في ليبيا"


def old_database(path: Path) -> None:
    """A database at migration 8 holding garbled and genuine stories."""
    db = sqlite_utils.Database(path)
    migrate(db, MIGRATIONS[:8])
    db.conn.execute(
        "INSERT INTO sources (id, url, name, kind, added_at, state) "
        "VALUES (1, 'https://x.example.ly/feed', 'x', 'feed', '2026-01-01T00:00:00', 'ok')"
    )
    rows = [
        # (id, headline, lead, body): garbled with a cut letter, garbled whole, genuine.
        (1, garble(HEADLINE, cut=True), garble(LEAD) + "…", garble(BODY)),
        (2, garble("الخارجية") + "…", None, garble("رئيس المجلس الرئاسي محمد المنفي")),
        (3, GENUINE, None, GENUINE),
        (4, "Libya: UN envoy meets PM", None, "Plain ASCII text stays as it is."),
        # A NUL (SQLite's text functions stop there) and other controls, from any feed.
        (5, "المجلس الرئاسي\x00 يستقبل المبعوث", None, "نص\x01 الخبر\x1f هنا"),
    ]
    for story_id, headline, lead, body in rows:
        db.conn.execute(
            "INSERT INTO articles (id, source_id, url, canonical_url, title, fetched_at, "
            "content_hash, raw_text) VALUES (?, 1, ?, ?, ?, '2026-01-01T00:00:00', ?, ?)",
            [story_id, f"u{story_id}", f"u{story_id}", headline, f"h{story_id}", body],
        )
        db.conn.execute(
            "INSERT INTO stories (id, article_id, position, headline, lead, body, sort_at, "
            "relevant, analysis_version) VALUES (?, ?, 0, ?, ?, ?, '2026-01-01T00:00:00', 0, ?)",
            [story_id, story_id, headline, lead, body, ANALYSIS_VERSION],
        )
    db.conn.commit()
    db.conn.close()


def test_garbled_stories_are_repaired_and_analyzed_again(tmp_path: Path) -> None:
    old_database(tmp_path / "old.db")
    db = connect(tmp_path / "old.db")  # migrates
    assert schema_version(db) == len(MIGRATIONS) >= 9
    stories = {
        row[0]: row[1:]
        for row in db.execute("SELECT id, headline, lead, body, analysis_version FROM stories")
    }
    assert stories[1] == ("\ufffd" + HEADLINE[1:], LEAD + "…", BODY, 0)
    assert stories[2] == ("الخارجية…", None, "رئيس المجلس الرئاسي محمد المنفي", 0)
    assert stories[3] == (GENUINE, None, GENUINE, ANALYSIS_VERSION)
    assert stories[4][3] == ANALYSIS_VERSION
    assert stories[5] == ("المجلس الرئاسي يستقبل المبعوث", None, "نص الخبر  هنا", 0)
    articles = dict(db.execute("SELECT id, title || '|' || raw_text FROM articles").fetchall())
    assert articles[1] == "\ufffd" + HEADLINE[1:] + "|" + BODY
    assert articles[3] == GENUINE + "|" + GENUINE
    # The next analysis run takes the repaired stories, and only them.
    pending = analysis.stories_to_analyze(db, ANALYSIS_VERSION, 10)
    assert [(story_id, body) for story_id, _, body, _, _ in pending] == [
        (1, BODY),
        (2, "رئيس المجلس الرئاسي محمد المنفي"),
        (5, "نص الخبر  هنا"),
    ]


def test_the_issues_example_title_is_repaired() -> None:
    assert repair_mojibake("ظˆط²ظٹط± ط§ظ„ط®ط§ط±ط¬ظٹط©…") == "وزير الخارجية…"
    # A word ending in م ends in "…" when garbled (م is D9 85, and 0x85 is "…").
    assert repair_mojibake(garble("المجلس يعلن اسم")) == "المجلس يعلن اسم"
    # Arabic-Indic zero is D9 A0, whose A0 (a no-break space in windows-1256) was folded.
    for text in ("عام ٢٠٢٠", "في ٢٠٢٠ وفي ١٠٠ يوم", "٢٠ يوما"):
        assert repair_mojibake(garble(text)) == text
    for text in (GENUINE, "", "ASCII only", "café crème", "؟،؛", "ظ", "ليبيا ظ"):
        assert repair_mojibake(text) == text
