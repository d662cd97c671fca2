"""A synthetic but realistic corpus: eval-fixture sentences with the knowledge base's names.

Every story is composed from real paragraphs of tests/fixtures/eval: the knowledge base's
people (seeds/actors.json) are substituted for the people the paragraph names, topic
lexicon terms (seeds/topics.json) for the terms it uses, and numbers are redrawn. Stories
come from several outlets, spread over the last 30 days, and some are retold by a second
or third outlet a few hours later (same-story near-duplicates). Deterministic per seed.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
EVAL_DIR = REPO / "tests" / "fixtures" / "eval"
SEEDS_DIR = REPO / "seeds"
PAGE_TEMPLATE = REPO / "tests" / "fixtures" / "pages" / "article.html"

# (name, Arabic name, host): the outlets the corpus is spread over.
OUTLETS = (
    ("Al-Wasat", "بوابة الوسط", "alwasat.example.ly"),
    ("Libya Observer", "ليبيا أوبزرفر", "libyaobserver.example.ly"),
    ("LANA", "وكالة الأنباء الليبية", "lana.example.ly"),
    ("Al-Marsad", "المرصد", "almarsad.example.ly"),
    ("Libya Al-Ahrar", "ليبيا الأحرار", "libyaalahrar.example.ly"),
    ("Al-Saaa 24", "الساعة 24", "alsaaa24.example.ly"),
    ("Anadolu Arabic", "الأناضول", "aa.example.com"),
    ("Asharq Al-Awsat", "الشرق الأوسط", "aawsat.example.com"),
    ("Sky News Arabia", "سكاي نيوز عربية", "skynewsarabia.example.com"),
    ("Al-Ain", "العين الإخبارية", "al-ain.example.com"),
)
DAYS = 30
RELEVANT_SHARE = 0.88
RETOLD_SHARE = 0.15  # originals retold by at least one more outlet
SUBSTITUTE_TERM = 0.6
_NUMBER = re.compile(r"(?<![\w])\d+(?![\w])")
_DATELINE = re.compile(r"^[^:،]{2,30} - [^:،]{2,30}: ")
_CITIES = ("طرابلس", "بنغازي", "مصراتة", "سرت", "القاهرة", "تونس", "أنقرة", "روما", "جنيف")
_SENTENCE = re.compile(r"(?<=[.!?؟])\s+")
_CLITIC = "(?:و|ف|ب|ل|وب|ول|فب|فل)?"
# Rewordings one outlet applies to another's copy.
_REWORD = (
    ("قال", "أكد"),
    ("وقال", "وأكد"),
    ("أضاف", "أوضح"),
    ("وأضاف", "وأوضح"),
    ("أمس", "الليلة الماضية"),
    ("بحث", "ناقش"),
    ("وبحث", "وناقش"),
    ("التقى", "اجتمع مع"),
    ("أعلن", "كشف"),
)


@dataclass(frozen=True, slots=True)
class Story:
    """One generated story, as a feed entry would carry it."""

    index: int
    outlet: int
    url: str
    title: str
    text: str  # paragraphs separated by "\n\n"
    published: datetime
    dup_of: int | None  # the index of the story this one retells
    topic: str | None
    people: tuple[str, ...]  # knowledge-base actor ids substituted in


@dataclass(frozen=True, slots=True)
class _Slot:
    kind: str  # "person" | "term" | "number"
    value: str  # actor id, topic id, or the number as written


_Piece = str | _Slot


@dataclass(frozen=True, slots=True)
class _Fixture:
    relevant: bool
    topics: tuple[str, ...]
    title: tuple[_Piece, ...]
    paragraphs: tuple[tuple[_Piece, ...], ...]
    clauses: tuple[tuple[_Piece, ...], ...]  # the parts of paragraphs after a comma


class Knowledge:
    """What the generator needs of seeds/: people's names and the topics' lexicons."""

    def __init__(self, seeds_dir: Path = SEEDS_DIR) -> None:
        actors = json.loads((seeds_dir / "actors.json").read_text(encoding="utf-8"))["actors"]
        topics = json.loads((seeds_dir / "topics.json").read_text(encoding="utf-8"))["topics"]
        self.people = [a for a in actors if a["kind"] == "person"]
        self.full: dict[str, str] = {}
        self.short: dict[str, str] = {}
        variant_of: dict[str, str] = {}
        for actor in self.people:
            name = actor["name_ar"]
            self.full[actor["id"]] = name
            last = name.split()[-1]
            variants = set(actor.get("variants_ar", ()))
            self.short[actor["id"]] = last if last in variants and len(last) > 3 else name
            for variant in {name, *variants}:
                if len(variant) >= 4:
                    variant_of.setdefault(variant, actor["id"])
        self.variant_of = variant_of
        self.person_re = _alternation(variant_of)
        self.topic_ids = [t["id"] for t in topics]
        self.topic_names = {t["id"]: t["name_ar"] for t in topics}
        self.lexicon = {t["id"]: sorted(t["lexicon"]) for t in topics}
        term_of: dict[str, str] = {}
        for topic in topics:
            for term in topic["lexicon"]:
                if len(term) >= 4:
                    term_of.setdefault(term, topic["id"])
        self.term_of = term_of
        self.term_re = _alternation(term_of)
        # Popularity: Libyan and UN figures lead the news, the rest follow a long tail.
        ranked = sorted(self.people, key=lambda a: (a.get("country") not in ("ly", "un"), a["id"]))
        self.person_ids = [a["id"] for a in ranked]
        self.person_weights = [1.0 / (rank + 2) ** 0.8 for rank in range(len(ranked))]


def _alternation(words: dict[str, str]) -> re.Pattern[str]:
    ordered = sorted(words, key=len, reverse=True)
    body = "|".join(re.escape(w) for w in ordered)
    return re.compile(rf"(?<![\w]){_CLITIC}({body})(?![\w])")


def _template(text: str, kb: Knowledge) -> tuple[_Piece, ...]:
    """Cut a text into literal pieces and slots for people, lexicon terms and numbers."""
    pieces: list[_Piece] = []
    for chunk, person in _split(text, kb.person_re, lambda m: kb.variant_of[m]):
        if person is not None:
            pieces.append(_Slot("person", person))
            continue
        for sub, topic in _split(chunk, kb.term_re, lambda m: kb.term_of[m]):
            if topic is not None:
                pieces.append(_Slot("term", topic))
                continue
            for part, number in _split(sub, _NUMBER, lambda m: m):
                pieces.append(_Slot("number", number) if number is not None else part)
    return tuple(p for p in pieces if p != "")


def _split(text: str, pattern: re.Pattern[str], value: object) -> Iterator[tuple[str, str | None]]:
    """(text, None) for literal runs and (clitic, slot value) for matches, in order."""
    at = 0
    for match in pattern.finditer(text):
        group = match.lastindex or 0
        start = match.start(group)
        yield text[at:start], None
        yield "", value(match.group(group))  # type: ignore[operator]
        at = match.end()
    yield text[at:], None


def load_fixtures(kb: Knowledge, eval_dir: Path = EVAL_DIR) -> list[_Fixture]:
    """The eval stories as templates (the seed page, a whole newspaper page, is left out)."""
    fixtures = []
    for path in sorted(eval_dir.glob("0*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        if doc["id"] == "0000":
            continue
        paragraphs = []
        clauses = []
        for paragraph in doc["text"].split("\n\n"):
            for sentence in _SENTENCE.split(paragraph.strip()):
                if len(sentence.split()) >= 6:
                    paragraphs.append(_template(sentence, kb))
                    parts = sentence.rstrip(".").split("، ")
                    clauses += [_template(p, kb) for p in parts[1:] if len(p.split()) >= 3]
        fixtures.append(
            _Fixture(
                relevant=bool(doc["relevant"]),
                topics=tuple(doc["topics"]),
                title=_template(doc["title"], kb),
                paragraphs=tuple(paragraphs),
                clauses=tuple(clauses),
            )
        )
    return fixtures


class CorpusGenerator:
    """Stories, deterministic per seed, spread over `days` days ending at `end`."""

    def __init__(
        self, end: datetime, seed: int = 1, kb: Knowledge | None = None, days: float = DAYS
    ) -> None:
        self.kb = kb or Knowledge()
        self.days = days
        self.fixtures = load_fixtures(self.kb)
        self.end = end
        self.seed = seed
        relevant = [f for f in self.fixtures if f.relevant]
        self.irrelevant = [f for f in self.fixtures if not f.relevant]
        self.by_topic = {
            topic: [f for f in relevant if topic in f.topics] for topic in self.kb.topic_ids
        }
        self.topic_weights = [len(self.by_topic[t]) for t in self.kb.topic_ids]

    def stories(self, count: int, start_index: int = 0) -> Iterator[Story]:
        """`count` stories in publication order (retellings follow their original)."""
        rng = random.Random(self.seed)
        span = timedelta(days=self.days).total_seconds()
        begin = self.end - timedelta(days=self.days)
        made = 0
        index = start_index
        pending: list[Story] = []
        while made < count:
            if pending:
                story = pending.pop(0)
            else:
                at = begin + timedelta(seconds=span * (made + rng.random()) / count)
                story = self._original(rng, index, min(at, self.end - timedelta(minutes=5)))
                if rng.random() < RETOLD_SHARE:
                    copies = 1 if rng.random() < 0.7 else 2
                    pending = [
                        self._retold(rng, story, index + 1 + n, copies) for n in range(copies)
                    ]
            if story.index != index:
                story = _renumbered(story, index)
            yield story
            made += 1
            index += 1

    # ---- composing -----------------------------------------------------------------------

    def _original(self, rng: random.Random, index: int, at: datetime) -> Story:
        if rng.random() < RELEVANT_SHARE:
            topic: str | None = rng.choices(self.kb.topic_ids, self.topic_weights)[0]
            pool = self.by_topic[topic or ""]
        else:
            topic, pool = None, self.irrelevant
        people: dict[str, str] = {}
        seen: set[str] = set()
        numbers: dict[str, str] = {}
        lead_from = rng.choice(pool)
        chosen = [lead_from.paragraphs[0]]
        others = [p for f in rng.sample(pool, min(3, len(pool))) for p in f.paragraphs[1:]]
        rng.shuffle(others)
        chosen += others[: rng.randint(1, 4)]
        clauses = [c for f in pool for c in f.clauses]
        render = _Renderer(self.kb, rng, topic, people, seen, numbers, substitute=topic is not None)
        title = render(lead_from.title, headline=True)
        paragraphs = [self._recombined(rng, p, clauses, render) for p in chosen]
        outlet = rng.randrange(len(OUTLETS))
        if rng.random() < 0.4:
            paragraphs[0] = f"{rng.choice(_CITIES)} - {OUTLETS[outlet][1]}: {paragraphs[0]}"
        return Story(
            index=index,
            outlet=outlet,
            url=_url(outlet, at, index),
            title=title,
            text="\n\n".join(paragraphs),
            published=at,
            dup_of=None,
            topic=topic,
            people=tuple(dict.fromkeys(people.values())),
        )

    @staticmethod
    def _recombined(
        rng: random.Random,
        paragraph: tuple[_Piece, ...],
        clauses: list[tuple[_Piece, ...]],
        render: _Renderer,
    ) -> str:
        """A paragraph's opening clause, then clauses of other paragraphs of the topic."""
        text = render(paragraph)
        head, _, rest = text.partition("، ")
        if not clauses or not rest or rng.random() < 0.25:
            return text
        tail = [render(rng.choice(clauses)) for _ in range(rng.randint(1, 3))]
        return "، ".join([head, *tail]).rstrip(".") + "."

    def _retold(self, rng: random.Random, original: Story, index: int, copies: int) -> Story:
        """Another outlet's copy: reworded, a paragraph dropped or moved, a new headline."""
        paragraphs = original.text.split("\n\n")
        if len(paragraphs) >= 3 and rng.random() < 0.6:
            del paragraphs[rng.randrange(1, len(paragraphs))]
        if len(paragraphs) >= 3 and rng.random() < 0.5:
            i, j = rng.sample(range(1, len(paragraphs)), 2)
            paragraphs[i], paragraphs[j] = paragraphs[j], paragraphs[i]
        outlet = (original.outlet + rng.randrange(1, len(OUTLETS))) % len(OUTLETS)
        dateline = f"{rng.choice(_CITIES)} - {OUTLETS[outlet][1]}: "
        paragraphs[0] = dateline + _DATELINE.sub("", paragraphs[0])
        text = "\n\n".join(paragraphs)
        for old, new in rng.sample(_REWORD, 3):
            text = re.sub(rf"(?<![\w]){old}(?![\w])", new, text, count=1)
        title = original.title
        for old, new in _REWORD:
            title = re.sub(rf"(?<![\w]){old}(?![\w])", new, title, count=1)
        if rng.random() < 0.3:
            title = f"{rng.choice(('عاجل', 'بالفيديو', 'تقرير'))}: {title}"
        at = original.published + timedelta(minutes=rng.randint(20, 18 * 60))
        at = min(at, self.end - timedelta(minutes=1))
        return Story(
            index=index,
            outlet=outlet,
            url=_url(outlet, at, index),
            title=title,
            text=text,
            published=at,
            dup_of=original.index,
            topic=original.topic,
            people=original.people,
        )


class _Renderer:
    """Fills a story's slots: one substitute per original person, fresh numbers and terms."""

    def __init__(
        self,
        kb: Knowledge,
        rng: random.Random,
        topic: str | None,
        people: dict[str, str],
        seen: set[str],
        numbers: dict[str, str],
        *,
        substitute: bool,
    ) -> None:
        self.kb, self.rng, self.topic = kb, rng, topic
        self.people, self.seen, self.numbers = people, seen, numbers
        self.substitute = substitute

    def __call__(self, pieces: tuple[_Piece, ...], headline: bool = False) -> str:
        out: list[str] = []
        for piece in pieces:
            if isinstance(piece, str):
                out.append(piece)
            elif piece.kind == "person":
                out.append(self._person(piece.value, headline))
            elif piece.kind == "term":
                out.append(self._term(piece.value))
            else:
                out.append(self._number(piece.value))
        return " ".join("".join(out).split())

    def _person(self, original: str, headline: bool) -> str:
        if original not in self.people:
            if not self.substitute:
                self.people[original] = original
            else:
                taken = set(self.people.values())
                for _ in range(20):
                    pick = self.rng.choices(self.kb.person_ids, self.kb.person_weights)[0]
                    if pick not in taken:
                        break
                self.people[original] = pick
        actor = self.people[original]
        if headline or actor in self.seen:
            return self.kb.short[actor]
        self.seen.add(actor)
        return self.kb.full[actor]

    def _term(self, topic: str) -> str:
        wanted = self.topic if self.topic and self.rng.random() < SUBSTITUTE_TERM else topic
        term: str = self.rng.choice(self.kb.lexicon[wanted])
        return term

    def _number(self, number: str) -> str:
        if len(number) == 4 and number.startswith(("19", "20")):
            return number  # years stay
        if number not in self.numbers:
            self.numbers[number] = str(self.rng.randint(2, 40 if len(number) <= 2 else 9000))
        return self.numbers[number]


def _url(outlet: int, at: datetime, index: int) -> str:
    host = OUTLETS[outlet][2]
    return f"https://{host}/news/{at:%Y/%m/%d}/story-{index}"


def _renumbered(story: Story, index: int) -> Story:
    return Story(
        index=index,
        outlet=story.outlet,
        url=_url(story.outlet, story.published, index),
        title=story.title,
        text=story.text,
        published=story.published,
        dup_of=story.dup_of,
        topic=story.topic,
        people=story.people,
    )


# ---- article pages -------------------------------------------------------------------------

_HEAD_TITLE = re.compile(r"<title>.*?</title>", re.DOTALL)
_OG_TITLE = re.compile(r'(<meta property="og:title" content=")[^"]*(")')
_OG_URL = re.compile(r'(<meta property="og:url" content=")[^"]*(")')
_CANONICAL = re.compile(r'(<link rel="canonical" href=")[^"]*(")')
_PUBLISHED = re.compile(r'(<meta property="article:published_time" content=")[^"]*(")')
_TIME = re.compile(r'<time datetime="[^"]*">[^<]*</time>')
_H1 = re.compile(r'(<h1 class="post-title">).*?(</h1>)', re.DOTALL)
_BODY = re.compile(r'(<div class="post-body">).*?(</div>)', re.DOTALL)
_SITE = re.compile(r"ليبيا اليوم")


def article_page(story: Story, template: str) -> str:
    """The story as an outlet's article page: the fixture page's layout, menus and all."""
    from html import escape

    title = escape(story.title)
    stamp = story.published.isoformat(timespec="seconds")
    body = "\n".join(f"        <p>{escape(p)}</p>" for p in story.text.split("\n\n"))
    page = _HEAD_TITLE.sub(
        lambda _: f"<title>{title} | {OUTLETS[story.outlet][1]}</title>", template
    )
    page = _OG_TITLE.sub(lambda m: m.group(1) + title + m.group(2), page)
    page = _OG_URL.sub(lambda m: m.group(1) + story.url + m.group(2), page)
    page = _CANONICAL.sub(lambda m: m.group(1) + story.url + m.group(2), page)
    page = _PUBLISHED.sub(lambda m: m.group(1) + stamp + m.group(2), page)
    page = _TIME.sub(lambda _: f'<time datetime="{stamp}">{story.published:%d/%m/%Y}</time>', page)
    page = _H1.sub(lambda m: m.group(1) + title + m.group(2), page)
    page = _BODY.sub(lambda m: m.group(1) + "\n" + body + "\n      " + m.group(2), page)
    return _SITE.sub(OUTLETS[story.outlet][1], page)
