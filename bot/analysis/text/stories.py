"""Cut a scraped news page into stories: drop boilerplate, find headline lines, derive leads."""

from __future__ import annotations

import re
from collections import Counter

from bot.models import StoryDraft

# Masthead lines name the paper's officers; they carry no news whatever the page.
_MASTHEAD = re.compile(r"^(رئيس\s+(مجلس[يى]\s+الإدارة|مجلس\s+الإدارة|التحرير)|المدير\s+العام)")
# Lines outlets add around a story: related links, share and follow prompts, tag lists,
# bylines and photo credits. Matched at the start of a short line.
_BOILERPLATE = re.compile(
    r"^[\W_]*(?:[اإ]قر[أا]\s+(?:[أا]يضا|المزيد)|شارك|مشاركة|تابعونا|تابعنا|"
    r"الوسوم|وسوم|كلمات\s+مفتاحية|الكلمات\s+المفتاحية|مواضيع\s+ذات\s+صلة|"
    r"[أا]خبار\s+(?:ذات\s+صلة|متعلقة)|كتب[ت]?\s*:|بقلم\s*:?|تصوير\s*:|المصدر\s*:|"
    r"نشر\s+(?:بتاريخ|في)|تاريخ\s+النشر|[آا]خر\s+تحديث)"
)
# How a paragraph that goes on from the one before opens: و on its first word, or a link
# word. A new story opens with its own subject or verb ("أعلنت", "قال وزير ...").
_CONTINUES = re.compile(
    r"^[\W_]*(?:و\w{2,}(?=\s|$)|من\s+(?:جانبه|جانبها|جهته|جهتها|ناحيته|ناحيتها)|كما\s|أما\s|اما\s|"
    r"لكن|غير\s+أن|إلا\s+أن|في\s+المقابل|بدوره|بدورها|فيما\s)"
)
# Words whose و is their own, that may open a story: "وزير الخارجية يصل ...", "وصل ...".
_OWN_WAW = frozenset(
    "وزير وزيرة وزراء وزارة الوزير واشنطن وكالة وفد وفود ورقة وحدة وحدات وادي والي ولاية "
    "ولايات ولي وثيقة وسائل وسط ورشة وضع وقف وقفة وصول ويليامز وارسو "
    "وصل وصلت وقع وقعت وافق وافقت وجه وجهت وعد وعدت ورد وردت وضعت وصف وصفت "
    "وجد وجدت".split()
)
_SENTENCE_END = re.compile(r"(?<=[.!?؟…])\s+")
_ENDS_LIKE_SENTENCE = re.compile(r"[.!?؟…:،,;؛]$")
_BLANK = re.compile(r"^[\s\u00a0\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]*$")

HEADLINE_MIN_WORDS = 3
HEADLINE_MAX_WORDS = 20
HEADLINE_MAX_CHARS = 160
LEAD_TARGET_CHARS = 120
LEAD_MAX_CHARS = 300
# A line repeated on one page is a masthead, caption or share line when it is this short.
REPEATED_MAX_WORDS = 12
# An officer's name on the line after a masthead title is at most this long.
OFFICER_NAME_MAX_WORDS = 4


def split_page(text: str) -> list[StoryDraft]:
    """Split a page into stories at its headline lines, without mastheads and captions."""
    lines = _content_lines(text)
    stories: list[StoryDraft] = []
    headline: str | None = None
    body: list[str] = []

    def flush() -> None:
        if body:
            stories.append(_draft(len(stories), headline, body))

    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _is_headline(line) and not (body and (_goes_on(following) or _goes_on(line))):
            flush()
            headline, body = line, []
        elif _is_paragraph(line) or (body and _is_headline(line)):
            # A crosshead inside a story ("أهم نقاط الاتفاق" before "ومن بين أهم النقاط")
            # stays in its body as a line of its own.
            body.append(line)
    flush()
    return stories


def _goes_on(paragraph: str) -> bool:
    """Whether a paragraph continues what came before ("وقال", "من جانبه،", "كما")."""
    match = _CONTINUES.match(paragraph)
    return match is not None and match.group().strip() not in _OWN_WAW


def make_lead(body: str) -> str:
    """The first sentence or two of a body, cut on a sentence or word boundary."""
    text = " ".join(body.split())
    lead = ""
    for sentence in _SENTENCE_END.split(text):
        candidate = f"{lead} {sentence}".strip()
        if len(candidate) > LEAD_MAX_CHARS:
            break
        lead = candidate
        if len(lead) >= LEAD_TARGET_CHARS:
            return lead
    if lead or len(text) <= LEAD_MAX_CHARS:
        return lead or text
    # Leave room for the ellipsis, so the lead never exceeds LEAD_MAX_CHARS.
    head = text[:LEAD_MAX_CHARS]
    cut = head.rsplit(" ", 1)[0] if " " in head else text[: LEAD_MAX_CHARS - 1]
    return cut + "…"


def headline_from_lead(lead: str) -> str:
    """A headline for a story that has no headline line: its lead sentence, shortened."""
    first = _SENTENCE_END.split(lead, maxsplit=1)[0].rstrip(".")
    if not first.strip():
        # A lead of bare punctuation ("...") would otherwise leave the story without one.
        first = lead.strip()
    if len(first) <= HEADLINE_MAX_CHARS:
        return first
    return first[:HEADLINE_MAX_CHARS].rsplit(" ", 1)[0] + "…"


def _content_lines(text: str) -> list[str]:
    """Non-blank lines with boilerplate removed, whitespace folded."""
    lines = [" ".join(line.split()) for line in text.splitlines() if not _BLANK.match(line)]
    counts = Counter(lines)
    kept: list[str] = []
    skip_next = False
    for index, line in enumerate(lines):
        if skip_next:
            skip_next = False
            continue
        if _MASTHEAD.match(line) and _word_count(line) <= REPEATED_MAX_WORDS:
            # The officer's name follows the title on a line of its own, unless the title
            # line already carries it ("رئيس التحرير: ..."); a longer line is news, not a name.
            following = lines[index + 1] if index + 1 < len(lines) else ""
            skip_next = ":" not in line and _word_count(following) <= OFFICER_NAME_MAX_WORDS
            continue
        if counts[line] > 1 and _word_count(line) <= REPEATED_MAX_WORDS:
            continue
        if _BOILERPLATE.match(line) and _word_count(line) <= REPEATED_MAX_WORDS:
            continue
        kept.append(line)
    return kept


def _is_headline(line: str) -> bool:
    words = _word_count(line)
    return (
        HEADLINE_MIN_WORDS <= words <= HEADLINE_MAX_WORDS
        and len(line) <= HEADLINE_MAX_CHARS
        and not _ENDS_LIKE_SENTENCE.search(line)
    )


def _is_paragraph(line: str) -> bool:
    # Short lines that are neither headlines nor sentences are captions, bylines or labels.
    return _word_count(line) >= HEADLINE_MIN_WORDS or bool(_ENDS_LIKE_SENTENCE.search(line))


def _draft(position: int, headline: str | None, paragraphs: list[str]) -> StoryDraft:
    body = "\n\n".join(paragraphs)
    lead = make_lead(paragraphs[0])
    return StoryDraft(
        position=position,
        headline=headline or headline_from_lead(lead),
        body=body,
        lead=lead,
    )


def _word_count(line: str) -> int:
    return len(line.split())
