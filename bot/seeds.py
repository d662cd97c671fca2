"""Read the seed manifest and the seed pages it names."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path

from bot.models import SeedDocument

MANIFEST = "manifest.json"


class SeedError(ValueError):
    """The seed manifest or one of its files is missing or malformed."""


def read_seed_documents(seeds_dir: Path) -> list[SeedDocument]:
    """The seed articles listed in `seeds_dir/manifest.json`, with their text and hash."""
    manifest_path = seeds_dir / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        entries = manifest["articles"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise SeedError(f"cannot read seed manifest {manifest_path}: {exc}") from exc
    documents = []
    for entry in entries:
        try:
            raw = (seeds_dir / entry["file"]).read_bytes()
            published = entry.get("published")
            documents.append(
                SeedDocument(
                    key=entry["file"],
                    text=raw.decode("utf-8-sig"),
                    content_hash=hashlib.sha256(raw).hexdigest(),
                    outlet=entry["outlet"],
                    outlet_ar=entry.get("outlet_ar") or entry["outlet"],
                    source=entry["source"],
                    language=entry.get("language", "ar"),
                    url=entry.get("url"),
                    published_at=datetime.fromisoformat(published) if published else None,
                )
            )
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SeedError(f"bad seed entry {entry!r} in {manifest_path}: {exc}") from exc
    return documents
