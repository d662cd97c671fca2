"""Bounds on the text a story shows: what a feed calls a headline may be a megabyte.

A feed item with a 1 MB title once made `/latest 5` send 259 messages. Headlines and leads
are bounded where they are stored (ingest) and again where they are shown (rendering), for
stories stored before the bound; the whole text stays in the story's body.
"""

from __future__ import annotations

# A headline is a line: of 3,054 real ones (the dev corpus) the longest has 110 characters.
HEADLINE_MAX_CHARS = 300
# A lead is a sentence or two (make_lead stops at 300); translated leads run longer.
LEAD_MAX_CHARS = 600
# A link is sent in full or not at all: a cut URL leads nowhere.
URL_MAX_CHARS = 2048


def clip(text: str, limit: int) -> str:
    """`text` whole when it fits in `limit` characters, else cut between words with "…"."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    # Between words when a space is near the end; a text of one huge word is cut inside it.
    space = head.rfind(" ", limit // 2)
    return (head[:space] if space > 0 else head).rstrip() + "…"
