"""The analysis of one article as plain data, for `libya-brief analyze` and the evaluation."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.analysis.knowledge import Knowledge
from bot.analysis.pipeline import analyze_story
from bot.analysis.text.stories import split_page
from bot.models import Mention, StoryAnalysis


def analyze_article(
    text: str, knowledge: Knowledge, *, title: str | None = None, on: date | None = None
) -> dict[str, Any]:
    """Relevance, stories, people, bodies, countries, topics and meetings of one article."""
    drafts = split_page(text)
    stories = []
    for draft in drafts:
        headline = draft.headline if (draft.position or not title) else title
        result = analyze_story(headline, draft.body, knowledge, on)
        stories.append(_story(headline, result, knowledge))
    score = max((s["relevance"]["score"] for s in stories), default=0.0)
    return {
        "relevant": any(s["relevance"]["relevant"] for s in stories),
        "score": round(score, 3),
        "date": on.isoformat() if on else None,
        "stories": stories,
    }


def _story(headline: str, result: StoryAnalysis, knowledge: Knowledge) -> dict[str, Any]:
    names = {m.key: m for m in result.mentions}

    def side(key: str) -> dict[str, Any]:
        mention = names.get(key)
        return {"key": key, "ar": mention.name_ar if mention else key,
                "en": mention.name_en if mention else key}  # fmt: skip

    def place(key: str | None) -> str | None:
        if key is None:
            return None
        return next((p.name_en for p in knowledge.places if p.id == key), key)

    return {
        "headline": headline,
        "relevance": {
            "relevant": result.relevance.relevant,
            "score": round(result.relevance.score, 3),
            "evidence": list(result.relevance.evidence),
        },
        "people": [_person(m) for m in result.mentions if m.kind == "person"],
        "bodies": [_named(m) for m in result.mentions if m.kind == "body"],
        "countries": [_named(m) for m in result.mentions if m.kind == "country"],
        "topics": [{"id": t.topic, "score": round(t.score, 3)} for t in result.topics],
        "meetings": [
            {
                "a": side(m.a),
                "b": side(m.b),
                "place": place(m.place),
                "date": m.day.isoformat() if m.day else None,
                "kind": m.kind,
            }
            for m in result.meetings
        ],
    }


def _person(m: Mention) -> dict[str, Any]:
    return {"ar": m.name_ar, "en": m.name_en, "role_ar": m.role_ar, "role_en": m.role_en,
            "known": m.known, "mentions": m.count}  # fmt: skip


def _named(m: Mention) -> dict[str, Any]:
    return {"key": m.key, "ar": m.name_ar, "en": m.name_en}


def as_text(report: dict[str, Any]) -> str:
    """The report for a person reading a terminal."""
    lines = [f"relevant: {report['relevant']} (score {report['score']})"]
    for i, story in enumerate(report["stories"], start=1):
        lines += ["", f"story {i}: {story['headline']}"]
        rel = story["relevance"]
        lines.append(f"  relevance: {rel['relevant']} ({rel['score']}) {' '.join(rel['evidence'])}")
        for p in story["people"]:
            known = "known" if p["known"] else "discovered"
            role = p["role_en"] or p["role_ar"] or "-"
            lines.append(f"  person: {p['en']} / {p['ar']} — {role} [{known}]")
        for kind in ("bodies", "countries"):
            if story[kind]:
                lines.append(f"  {kind}: " + ", ".join(b["en"] for b in story[kind]))
        if story["topics"]:
            lines.append(
                "  topics: " + ", ".join(f"{t['id']} ({t['score']})" for t in story["topics"])
            )
        for m in story["meetings"]:
            where = ", ".join(x for x in (m["place"], m["date"]) if x) or "place and date not given"
            lines.append(f"  {m['kind']}: {m['a']['en']} with {m['b']['en']} — {where}")
    return "\n".join(lines)
