"""A page's markup rewritten, in one linear pass, into a shape no parser is slow on.

Pure. The parsers behind page reading have worst cases a hostile page can reach while
under the 5 MB cap: Python's html.parser rescans unfinished markup ("<a " 50,000 times,
150 kB, took six minutes), libxml2 (lxml, under trafilatura) compares each attribute of a
tag with all before it (300,000 attributes: over ten minutes), and trafilatura's own
passes cost about a millisecond per element on dense pages. So both parsers are only ever
given what this module writes:

- every tag complete and well formed: a lower-case name and at most MAX_ATTRIBUTES
  attributes, each value double-quoted; a "<" that starts no tag becomes "&lt;";
- no comments, processing instructions or declarations, no scripts but JSON-LD (which
  carries dates and titles) and no styles; the text of raw-text elements (title,
  textarea...) escaped;
- at most MAX_ELEMENTS start tags: the rest of a longer page is dropped.

Each step moves forward through the text and never rescans it, so the work is linear in
the page's length.
"""

from __future__ import annotations

import re

__all__ = ["MAX_ATTRIBUTES", "MAX_ELEMENTS", "normalize_markup"]

# Real tags carry a handful of attributes; a few dozen is already generous.
MAX_ATTRIBUTES = 64
# News pages have 1,000 to 8,000 elements, portals with mega-menus up to about 15,000.
MAX_ELEMENTS = 20_000

_TAG_NAME = re.compile(r"[A-Za-z][^\t\n\f\r />]*")
_SAFE_NAME = re.compile(r"[a-z][a-z0-9._:-]*")
_SAFE_ATTRIBUTE = re.compile(r"[A-Za-z_:][-A-Za-z0-9_:.]*")
_SPACE_OR_SLASH = re.compile(r"[\t\n\f\r /]*")
_SPACE = re.compile(r"[\t\n\f\r ]*")
_ATTRIBUTE_NAME = re.compile(r"[^\t\n\f\r />][^\t\n\f\r /=>]*")
_UNQUOTED = re.compile(r"[^\t\n\f\r >]*")
# The rest of a tag whose attributes are no longer kept, in one possessive match (no
# backtracking): the same end as the loop in _attributes, and no match when it is unclosed.
_REST_OF_TAG = re.compile(
    r"""(?:[^=>]++|=[\t\n\f\r ]*+(?:"[^"]*+"|'[^']*+'|(?!["'])[^\t\n\f\r >]*+))*+>"""
)
# Elements whose content is text up to their own end tag (HTML's raw text and RCDATA).
_RAW_TEXT = frozenset(
    {"script", "style", "title", "textarea", "xmp", "iframe", "noembed", "noframes"}
)
_DROPPED = frozenset({"script", "style"})  # with their content; JSON-LD scripts excepted


class _Unfinished(Exception):
    """The page ends inside a tag or quoted value: what is left is no content."""


def normalize_markup(text: str) -> str:
    """The page rewritten as described in this module's docstring."""
    out: list[str] = []
    pos = 0
    elements = 0
    length = len(text)
    try:
        while pos < length:
            lt = text.find("<", pos)
            if lt < 0:
                out.append(text[pos:])
                break
            out.append(text[pos:lt])
            pos, written = _markup_at(text, lt)
            if written is None:
                continue
            name, attributes = written
            if not name:
                out.append("&lt;")  # a "<" that starts no tag is text
                continue
            if not name.startswith("/"):
                elements += 1
                if elements > MAX_ELEMENTS:
                    break
            if name in _RAW_TEXT:
                pos = _raw_text(text, pos, name, attributes, out)
            elif _SAFE_NAME.fullmatch(name.lstrip("/")):
                out.append(_tag(name, attributes))
    except _Unfinished:
        pass
    return "".join(out)


def _markup_at(text: str, lt: int) -> tuple[int, tuple[str, list[tuple[str, str]]] | None]:
    """What starts at the "<" at `lt`: where it ends, and the tag it is (None if no tag)."""
    after = lt + 1
    if text.startswith("!--", after):
        # A comment ends at "-->" ("<!-->" is an empty one); unclosed, it takes the rest.
        end = text.find("-->", after + 1 if text.startswith("!-->", after) else after + 3)
        if end < 0:
            raise _Unfinished
        return end + 3, None
    if text.startswith(("!", "?"), after) or text.startswith("/", after):
        closing = text.startswith("/", after)
        name = _TAG_NAME.match(text, after + 1) if closing else None
        if name is None:
            # A declaration, instruction or bogus end tag: gone, up to the next ">".
            end = text.find(">", after)
            if end < 0:
                raise _Unfinished
            return end + 1, None
        pos, _ = _attributes(text, name.end())  # an end tag's attributes mean nothing
        return pos, ("/" + name.group().lower(), [])
    name = _TAG_NAME.match(text, after)
    if name is None:
        return after, ("", [])
    pos, attributes = _attributes(text, name.end())
    return pos, (name.group().lower(), attributes)


def _attributes(text: str, pos: int) -> tuple[int, list[tuple[str, str]]]:
    """A tag's attributes from `pos` (first of each name, at most MAX_ATTRIBUTES); the end."""
    found: list[tuple[str, str]] = []
    seen: set[str] = set()
    length = len(text)
    for _ in range(MAX_ATTRIBUTES):
        pos = _skip(_SPACE_OR_SLASH, text, pos)
        if pos >= length:
            raise _Unfinished
        if text[pos] == ">":
            return pos + 1, found
        name = _ATTRIBUTE_NAME.match(text, pos)
        assert name is not None  # anything but space, "/" and ">" starts a name
        pos = _skip(_SPACE, text, name.end())
        value = ""
        if text.startswith("=", pos):
            pos = _skip(_SPACE, text, pos + 1)
            if pos < length and text[pos] in "\"'":
                close = text.find(text[pos], pos + 1)
                if close < 0:
                    raise _Unfinished
                value, pos = text[pos + 1 : close], close + 1
            else:
                end = _skip(_UNQUOTED, text, pos)
                value, pos = text[pos:end], end
        key = name.group().lower()
        if key not in seen and _SAFE_ATTRIBUTE.fullmatch(key):
            seen.add(key)
            found.append((key, value))
    # Past MAX_ATTRIBUTES (kept or not: duplicates count), only the tag's end is wanted.
    rest = _REST_OF_TAG.match(text, pos)
    if rest is None:
        raise _Unfinished
    return rest.end(), found


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Where a run of what `pattern` matches (possibly none) from `pos` ends."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


def _tag(name: str, attributes: list[tuple[str, str]]) -> str:
    if name.startswith("/"):
        return f"<{name}>"
    # Values keep their entities; only the quote that now delimits them is escaped.
    written = "".join(f' {key}="{value.replace(chr(34), "&quot;")}"' for key, value in attributes)
    return f"<{name}{written}>"


def _raw_text(
    text: str, pos: int, name: str, attributes: list[tuple[str, str]], out: list[str]
) -> int:
    """Write a raw-text element whose start tag ended at `pos`; return where it ends."""
    closing = re.compile(rf"</{name}[\t\n\f\r />]", re.IGNORECASE)
    match = closing.search(text, pos)
    end = match.start() if match else len(text)
    content = text[pos:end]
    after, _ = _markup_at(text, end) if match else (len(text), None)
    json_ld = any(k == "type" and "ld+json" in v.lower() for k, v in attributes)
    if name in _DROPPED and not (name == "script" and json_ld):
        return after
    # Its content is text to the parsers either way; escaped, it stays text to both.
    body = content if name == "script" else content.replace("<", "&lt;")
    out.append(f"{_tag(name, attributes)}{body}</{name}>")
    return after
