"""Telegram HTML: escaping, story items, and splitting long replies into safe chunks."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.analysis.text.clip import HEADLINE_MAX_CHARS, LEAD_MAX_CHARS, URL_MAX_CHARS, clip
from bot.english import NO_ENGLISH, ListEnglish, english_label
from bot.models import StoryView
from bot.tg.i18n import Lang, format_date, t

MAX_MESSAGE = 4096
_TOKEN = re.compile(r"<[^>]*>|&[#A-Za-z0-9]+;|\n\n+|\n|[^\S\n]+|[^<&\s]+|[<&]")
_TAG = re.compile(r"<(/?)([a-z][a-z0-9-]*)[^>]*>")
_ANY_TAG = re.compile(r"<[^>]*>")
_SENTENCE_END = re.compile(r"[.!?؟…]$")
_BREAKS = ("space", "nl", "para")


def esc(text: str) -> str:
    """Text made safe for Telegram's HTML parse mode."""
    return html.escape(text, quote=False)


def esc_attr(text: str) -> str:
    """An attribute value made safe inside double quotes."""
    return html.escape(text, quote=True).replace("&#x27;", "'")


def headline(text: str) -> str:
    """A headline as shown: escaped, and cut when huge (as stored before ingest cut them)."""
    return esc(clip(text, HEADLINE_MAX_CHARS))


def lead(text: str) -> str:
    """A lead as shown: escaped, and cut when huge."""
    return esc(clip(text, LEAD_MAX_CHARS))


def link_url(url: str | None) -> str | None:
    """The URL when it can be sent as a link: a huge one is left out (cut, it leads nowhere)."""
    return url if url and len(url) <= URL_MAX_CHARS else None


def utf16_len(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def web_link(url: str | None) -> str | None:
    """The URL when it can be a link in a message: a web address of sendable length."""
    # Telegram refuses other schemes in a link, and they would not open anyway.
    url = link_url(url)
    return url if url and url.lower().startswith(("http://", "https://")) else None


def story_when(story: StoryView, lang: Lang, zone: ZoneInfo) -> str:
    """The story's date; for one without (a date to believe), when it was stored."""
    if story.published_at is not None:
        return format_date(story.published_at, lang, zone)
    if story.stored_at is not None:
        return t(lang, "stored_on", date=format_date(story.stored_at, lang, zone))
    return t(lang, "date_unknown")


def outlet_name(story: StoryView, lang: Lang, english: ListEnglish = NO_ENGLISH) -> str:
    """The outlet in the reader's language: in English never Arabic, at worst spelled out."""
    if lang == "ar":
        return story.outlet_ar
    return english_label(story.outlet, english.label(story.outlet))


def story_meta(
    story: StoryView,
    lang: Lang,
    zone: ZoneInfo,
    *,
    sources: bool = True,
    english: ListEnglish = NO_ENGLISH,
) -> str:
    """Where and when, as HTML: 'outlet · date · Read' linked to the original.

    A story without a link says where it came from instead (a seed page, a saved file).
    """
    name = outlet_name(story, lang, english)
    outlet = esc(name)
    url = web_link(story.url)
    if url is None:
        origin = {"seed": "from_seed", "file": "from_file"}.get(story.source_kind, "no_link")
        outlet = esc(t(lang, origin, outlet=name))
    parts = [outlet, esc(story_when(story, lang, zone))]
    if sources and story.sources > 1:
        parts.append(esc(t(lang, "sources", n=story.sources)))
    if url is not None:
        parts.append(f'<a href="{esc_attr(url)}">{esc(t(lang, "read_more"))}</a>')
    return " · ".join(parts)


def story_headline(story: StoryView, english: ListEnglish = NO_ENGLISH) -> tuple[str, str | None]:
    """The headline as shown, escaped, and the English shown under it (in "both") if any."""
    translated = english.headline(story.id)
    if translated is None:
        return headline(story.headline), None
    if english.mode == "en":
        return headline(translated), None
    return headline(story.headline), headline(translated)


def story_item(
    story: StoryView,
    number: int,
    lang: Lang,
    zone: ZoneInfo,
    english: ListEnglish = NO_ENGLISH,
) -> str:
    """One story as a block of Telegram HTML: headline (and its English), lead, outlet, date."""
    shown, under = story_headline(story, english)
    lines = [f"<b>{number}. {shown}</b>"]
    if under:
        lines.append(f"<b>{under}</b>")
    if story.lead:
        lines.append(lead(story.lead))
    lines.append(f"<i>{story_meta(story, lang, zone, english=english)}</i>")
    return "\n".join(lines)


def story_share(
    story: StoryView, lang: Lang, zone: ZoneInfo, english: ListEnglish = NO_ENGLISH
) -> str:
    """One story as a message of its own (an inline answer): headline, its English, where, when."""
    shown, under = story_headline(story, english)
    lines = [f"<b>{shown}</b>"]
    if under:
        lines.append(f"<b>{under}</b>")
    lines.append(f"<i>{story_meta(story, lang, zone, english=english)}</i>")
    return "\n".join(lines)


def join_blocks(blocks: Iterable[str], limit: int = MAX_MESSAGE) -> list[str]:
    """Pack HTML blocks into as few messages as fit, never splitting a block that fits alone."""
    return [text for text, _ in pack_blocks(blocks, limit)]


def pack_blocks(blocks: Iterable[str], limit: int = MAX_MESSAGE) -> list[tuple[str, list[int]]]:
    """join_blocks, with the indexes of the blocks that end in each message."""
    chunks: list[tuple[str, list[int]]] = []
    current, ending = "", list[int]()
    for index, block in enumerate(blocks):
        for piece in split_html(block, limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if utf16_len(candidate) <= limit:
                current = candidate
            else:
                chunks.append((current, ending))
                current, ending = piece, []
        ending.append(index)
    if current:
        chunks.append((current, ending))
    elif ending and chunks:
        chunks[-1][1].extend(ending)  # blank trailing blocks belong to the last message
    return chunks


@dataclass(frozen=True, slots=True)
class _Tok:
    raw: str
    kind: str  # "open", "close", "text", "space", "nl", "para"
    name: str = ""


def _tokenize(markup: str) -> list[_Tok]:
    tokens = []
    for match in _TOKEN.finditer(markup):
        raw = match.group()
        tag = _TAG.fullmatch(raw)
        if tag:
            tokens.append(_Tok(raw, "close" if tag.group(1) else "open", tag.group(2)))
        elif raw.startswith("\n\n"):
            tokens.append(_Tok(raw, "para"))
        elif raw == "\n":
            tokens.append(_Tok(raw, "nl"))
        elif raw.isspace():
            tokens.append(_Tok(raw, "space"))
        else:
            tokens.append(_Tok(raw, "text"))
    return tokens


def split_html(markup: str, limit: int = MAX_MESSAGE) -> list[str]:
    """Split well-formed Telegram HTML into chunks of at most `limit` UTF-16 units.

    Cuts fall on a paragraph break, else a line break, else a sentence end, else a space,
    and only inside a word that is longer than a whole chunk. Tags open at a cut are closed
    at the end of one chunk and opened again at the start of the next.
    """
    if utf16_len(markup) <= limit:
        return [markup] if _visible(markup).strip() else []
    tokens = _explode_long_words(_tokenize(markup), limit // 4)
    chunks: list[str] = []
    start = 0
    stack: list[_Tok] = []
    while start < len(tokens):
        reopen = "".join(tok.raw for tok in stack)
        end = _fill(tokens, start, stack, limit - utf16_len(reopen))
        cut = _best_cut(tokens, start, end)
        stack_at_cut = _stack_after(tokens, start, cut, stack)
        closing = "".join(f"</{tok.name}>" for tok in reversed(stack_at_cut))
        body = _edge_trimmed(tokens[start:cut])
        chunk = _trim(reopen + body + closing)
        if chunk:
            chunks.append(chunk)
        start, stack = cut, stack_at_cut
    return chunks


def _fill(tokens: list[_Tok], start: int, stack: list[_Tok], room: int) -> int:
    """The furthest end index whose body plus the closing tags fits in `room`."""
    open_tags = list(stack)
    used = 0
    end = start
    while end < len(tokens):
        tok = tokens[end]
        after = list(open_tags)
        if tok.kind == "open":
            after.append(tok)
        elif tok.kind == "close" and after:
            after.pop()
        closing = sum(len(f"</{t.name}>") for t in after)
        if used + utf16_len(tok.raw) + closing > room:
            break
        used += utf16_len(tok.raw)
        open_tags = after
        end += 1
    if end == start:
        # A single token cannot fit even alone; _explode_long_words prevents this for text.
        end = start + 1
    return end


def _best_cut(tokens: list[_Tok], start: int, end: int) -> int:
    """Where to end a chunk filled up to `end`: the best boundary in its second half."""
    if end >= len(tokens):
        return end
    half = start + (end - start) // 2
    preferences: tuple[Callable[[int], bool], ...] = (
        lambda i: tokens[i].kind == "para",
        lambda i: tokens[i].kind == "nl",
        lambda i: tokens[i].kind == "space" and _ends_sentence(tokens, i),
        lambda i: tokens[i].kind in _BREAKS,
    )
    for accept in preferences:
        for i in range(end - 1, half - 1, -1):
            if accept(i):
                return i + 1
    for i in range(end - 1, start, -1):
        if tokens[i].kind in _BREAKS:
            return i + 1
    return end


def _ends_sentence(tokens: list[_Tok], index: int) -> bool:
    for j in range(index - 1, -1, -1):
        if tokens[j].kind == "text":
            return bool(_SENTENCE_END.search(tokens[j].raw))
        if tokens[j].kind in ("space", "nl", "para"):
            return False
    return False


def _stack_after(tokens: list[_Tok], start: int, cut: int, stack: list[_Tok]) -> list[_Tok]:
    open_tags = list(stack)
    for tok in tokens[start:cut]:
        if tok.kind == "open":
            open_tags.append(tok)
        elif tok.kind == "close" and open_tags:
            open_tags.pop()
    return open_tags


def _explode_long_words(tokens: list[_Tok], longest: int) -> list[_Tok]:
    """Break words longer than `longest` units into pieces, so any chunk can take one.

    Runs of spaces or blank lines are broken the same way (keeping their kind), since a
    single run longer than a chunk could otherwise only be sent as an oversized message.
    """
    out: list[_Tok] = []
    for tok in tokens:
        if tok.kind not in ("text", "space", "para") or utf16_len(tok.raw) <= longest:
            out.append(tok)
            continue
        piece = ""
        for char in tok.raw:
            if piece and utf16_len(piece + char) > longest:
                out.append(_Tok(piece, tok.kind))
                piece = ""
            piece += char
        if piece:
            out.append(_Tok(piece, tok.kind))
    return out


def _edge_trimmed(tokens: list[_Tok]) -> str:
    """The tokens' markup without the whitespace at either end, even inside tags."""
    drop: set[int] = set()
    for order in (range(len(tokens)), range(len(tokens) - 1, -1, -1)):
        for i in order:
            if tokens[i].kind == "text":
                break
            if tokens[i].kind in _BREAKS:
                drop.add(i)
    return "".join(tok.raw for i, tok in enumerate(tokens) if i not in drop)


def _visible(markup: str) -> str:
    """The text a reader would see: tags dropped, entities decoded."""
    return html.unescape(_ANY_TAG.sub("", markup))


def _trim(chunk: str) -> str:
    # Whitespace at a cut would show as an empty line at the top or bottom of a message,
    # and a chunk with nothing visible (only tags around whitespace) would be refused.
    return chunk.strip() if _visible(chunk).strip() else ""
