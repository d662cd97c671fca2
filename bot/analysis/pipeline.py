"""One story in, everything the bot needs to know about it out: a pure composition."""

from __future__ import annotations

from datetime import date

from bot.analysis.knowledge import Knowledge
from bot.analysis.text import cluster, relevance
from bot.analysis.text.actors import Found, current_role, find_entities, to_mentions
from bot.analysis.text.meetings import find_meetings
from bot.analysis.text.normalize import normalize
from bot.analysis.text.stem import index_terms, loose_terms
from bot.analysis.text.tokens import tokenize
from bot.models import Actor, ActorRecord, Meeting, Mention, Place, StoryAnalysis, TopicScore

# Raise when the analysis changes, so stored stories are analyzed again at the next start.
ANALYSIS_VERSION = 3
LIBYA = "ly"
BILATERAL = "bilateral_relations"
# A meeting across the border is evidence of relations as strong as the classifier's floor.
RELATIONS_SCORE = 4.0
# Roles of bodies, whose people's meetings are not one state's relations with another.
_BODIES = (
    "UN ",
    "United Nations",
    "Secretary-General",
    "Special Representative",
    "EU ",
    "European",
    "African Union",
    "Arab League",
    "NATO",
    "ICC",
    "Commission",
)


def analyze_story(headline: str, body: str, knowledge: Knowledge, on: date | None) -> StoryAnalysis:
    """People, bodies, topics, relevance, meetings, search terms and signature of a story."""
    text = f"{headline}\n{body}"
    tokens = tokenize(text)
    found = find_entities(tokens, knowledge.gazetteer, on=on)
    mentions = tuple(to_mentions(found, on))
    libyan = sum(len(f.spans) for f in found if _is_libyan(f, knowledge))
    meetings = tuple(find_meetings(tokens, found, on))
    topics = _with_relations(knowledge.topic_matcher.classify(headline, body), meetings, found, on)
    places = [f.entry.place for f in found if f.entry.place is not None]
    tags = _tags(mentions, places, [t.topic for t in topics], knowledge)
    return StoryAnalysis(
        mentions=mentions,
        topics=topics,
        relevance=relevance.assess(headline, body, libyan_entities=libyan),
        meetings=meetings,
        search_stems=index_terms(text),
        search_tags=tags,
        signature=cluster.signature(text),
    )


def _with_relations(
    topics: list[TopicScore], meetings: tuple[Meeting, ...], found: list[Found], on: date | None
) -> tuple[TopicScore, ...]:
    """The topics, with bilateral relations when a Libyan met a foreign state or its official.

    Talks with "الجانب المصري" are relations with Egypt whatever words the story uses.
    """
    if any(t.topic == BILATERAL for t in topics):
        return tuple(topics)
    country = {
        f.entry.key: f.entry.actor.country
        for f in found
        if f.entry.actor is not None
        and (f.entry.kind == "country" or _serves_a_state(f.entry.actor, on))
    }
    people = {f.entry.key for f in found if f.entry.kind == "person"}
    for m in meetings:
        if m.a not in people and m.b not in people:
            continue  # states at a summit: too weak a sign of relations between two of them
        sides = {country.get(m.a), country.get(m.b)}
        if LIBYA in sides and len(sides - {LIBYA, None}) == 1 and None not in sides:
            return (*topics, TopicScore(BILATERAL, RELATIONS_SCORE))
    return tuple(topics)


def _serves_a_state(actor: Actor, on: date | None) -> bool:
    """Whether a person holds a state's office then, not a UN, EU or other body's."""
    if actor.kind != "person" or not actor.roles:
        return False
    role = current_role(actor, on).en
    return not any(body in role for body in _BODIES)


def _is_libyan(item: Found, knowledge: Knowledge) -> bool:
    entry = item.entry
    if entry.actor is not None:
        return entry.actor.country == LIBYA or entry.key == "libya"
    return entry.place is not None and entry.place.country == LIBYA


def _tags(
    mentions: tuple[Mention, ...], places: list[Place], topic_ids: list[str], knowledge: Knowledge
) -> str:
    """Words that find the story besides its text.

    The English names of its people, bodies, countries and places, and its topics; and the
    loose keys of its people's Arabic names, so that any spelling of a person's name
    (غوتيريش for جوتيريش) finds it.
    """
    words: list[str] = []
    arabic: list[str] = []
    for mention in mentions:
        words.append(mention.name_en)
        actor = knowledge.actor(mention.key)
        if actor is not None:
            words.extend(actor.variants_en)
        # Loose keys for people only: the Arabic spellings of places, bodies and states are
        # settled, and the keys of what most stories name (Tripoli, the government) would
        # double the work of every search for them.
        if mention.kind == "person":
            arabic.append(mention.name_ar)
            arabic.extend(actor.variants_ar if actor is not None else ())
    words.extend(place.name_en for place in places)
    for topic in knowledge.topics:
        if topic.id in topic_ids:
            words.extend([topic.id.replace("_", " "), topic.name_en, *topic.keywords_en])
    words.extend(loose_terms(arabic))
    return " ".join(dict.fromkeys(normalize(w) for w in words if w))


def discovered_actors(analysis: StoryAnalysis) -> list[ActorRecord]:
    """Records for the people this story introduced that the knowledge base lacks."""
    return [
        ActorRecord(
            key=m.key,
            kind=m.kind,
            name_ar=m.name_ar,
            name_en=m.name_en,
            role_ar=m.role_ar,
            role_en=m.role_en,
            known=False,
            country=None,
            names=(normalize(m.name_ar), normalize(m.name_en)),
        )
        for m in analysis.mentions
        if not m.known
    ]


def known_actors(knowledge: Knowledge) -> list[ActorRecord]:
    """Records for every knowledge-base actor, with every spelling to look them up by."""
    records = []
    for actor in knowledge.actors:
        role = current_role(actor, None) if actor.roles else None
        names = (actor.name_ar, *actor.variants_ar, actor.name_en, *actor.variants_en)
        records.append(
            ActorRecord(
                key=actor.id,
                kind=actor.kind,
                name_ar=actor.name_ar,
                name_en=actor.name_en,
                role_ar=role.ar if role else None,
                role_en=role.en if role else None,
                known=True,
                country=actor.country,
                names=tuple(dict.fromkeys(normalize(n) for n in names)),
            )
        )
    return records
