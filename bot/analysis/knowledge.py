"""Load the curated knowledge in seeds/: actors, places and topics."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.analysis.text.actors import Gazetteer
from bot.analysis.text.normalize import normalize
from bot.analysis.text.topics import TopicMatcher, load_topics
from bot.models import Actor, Place, Role, Topic


class KnowledgeError(ValueError):
    """A knowledge file is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Knowledge:
    """Everything the analysis needs to know, compiled once at start-up."""

    actors: tuple[Actor, ...]
    places: tuple[Place, ...]
    topics: tuple[Topic, ...]
    gazetteer: Gazetteer
    topic_matcher: TopicMatcher

    def actor(self, key: str) -> Actor | None:
        """The knowledge-base actor with this id, if any."""
        return self.gazetteer.actors.get(key)

    def place_label(self, place: str, lang: str) -> str:
        """A stored place (an id, or the place as written) in Arabic or English."""
        for known in self.places:
            if known.id == place:
                return known.name_ar if lang == "ar" else known.name_en
        return place


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise KnowledgeError(f"cannot read {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: expected a JSON object")
    return data


def load_actors(path: Path) -> tuple[Actor, ...]:
    """The actors of seeds/actors.json."""
    try:
        return tuple(
            Actor(
                id=item["id"],
                kind=item["kind"],
                name_ar=item["name_ar"],
                name_en=item["name_en"],
                variants_ar=tuple(item.get("variants_ar", ())),
                variants_en=tuple(item.get("variants_en", ())),
                roles=tuple(
                    Role(en=r["en"], ar=r["ar"], start=r.get("from"), end=r.get("to"))
                    for r in item.get("roles", ())
                ),
                country=item.get("country"),
                adjectives_ar=tuple(item.get("adjectives_ar", ())),
                gender=item.get("gender"),
            )
            for item in _read(path)["actors"]
        )
    except (KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path}: malformed actor entry: {exc}") from exc


def load_places(path: Path) -> tuple[Place, ...]:
    """The places of seeds/places.json."""
    try:
        return tuple(
            Place(
                id=item["id"],
                name_ar=item["name_ar"],
                name_en=item["name_en"],
                variants_ar=tuple(item.get("variants_ar", ())),
                country=item.get("country"),
            )
            for item in _read(path)["places"]
        )
    except (KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path}: malformed place entry: {exc}") from exc


def load_list_names(path: Path) -> dict[str, str]:
    """States' names that are also common words (عمان, مالي), read only in a list of states."""
    if not path.exists():
        return {}
    try:
        items = _read(path)["actors"]
        return {name: item["id"] for item in items for name in item.get("in_lists_ar", ())}
    except (KeyError, TypeError) as exc:
        raise KnowledgeError(f"{path}: malformed in_lists_ar: {exc}") from exc


def load_name_stops(path: Path) -> frozenset[str]:
    """The words of seeds/name_stops.txt, never part of a person's name; none when absent."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return frozenset()
    except OSError as exc:
        raise KnowledgeError(f"cannot read {path}: {exc}") from exc
    return frozenset(
        normalize(line.strip()) for line in lines if line.strip() and not line.startswith("#")
    )


def load_knowledge(seeds_dir: Path) -> Knowledge:
    """Read and compile the knowledge base in `seeds_dir`."""
    actors = load_actors(seeds_dir / "actors.json")
    if (seeds_dir / "countries.json").exists():
        # The states beyond those the actors list: who met whom may name any of them.
        actors += load_actors(seeds_dir / "countries.json")
    places = load_places(seeds_dir / "places.json")
    try:
        topics = load_topics(seeds_dir / "topics.json")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise KnowledgeError(f"cannot read topics: {exc}") from exc
    stops = load_name_stops(seeds_dir / "name_stops.txt")
    return Knowledge(
        actors=actors,
        places=places,
        topics=topics,
        gazetteer=Gazetteer(actors, places, stops, load_list_names(seeds_dir / "countries.json")),
        topic_matcher=TopicMatcher(topics),
    )
