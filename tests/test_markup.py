"""The markup rewrite pages are parsed through: what it keeps, drops and escapes."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.ingest.markup import MAX_ATTRIBUTES, MAX_ELEMENTS, normalize_markup


@pytest.mark.parametrize(
    ("markup", "rewritten"),
    [
        ('<p class=a id="b">x &amp; y</p>', '<p class="a" id="b">x &amp; y</p>'),
        ("<DIV CLASS=A>x</DIV>", '<div class="A">x</div>'),
        ("<a href='x\"y' HREF=z>t</a>", '<a href="x&quot;y">t</a>'),  # the first of a name
        ("<br/><img src=x />", '<br><img src="x">'),
        ("a < b, 1<2", "a &lt; b, 1&lt;2"),
        ("x<", "x&lt;"),
        ("<!DOCTYPE html><!-- note --><?php x ?>text", "text"),
        ("<!-->empty comment", "empty comment"),
        ('</div foo=">">after', "</div>after"),  # an end tag's attributes mean nothing
        ('<a"b>c', "c"),  # a name no parser agrees on: the tag goes, its text stays
        ("<p>x<!-- never closed <p>y", "<p>x"),
        ('<a href="never closed>text', ""),
        ("<title>a < b</title>", "<title>a &lt; b</title>"),
        ("<textarea><b>x</b></textarea>z", "<textarea>&lt;b>x&lt;/b></textarea>z"),
        ('<script>if (a < b) x = "</div>";</script><style>p {}</style>z', "z"),
        (
            '<script type="application/ld+json">{"headline": "<b>"}</script>',
            '<script type="application/ld+json">{"headline": "<b>"}</script>',
        ),
    ],
)
def test_rewrite(markup: str, rewritten: str) -> None:
    assert normalize_markup(markup) == rewritten


def test_attributes_are_capped_and_the_tag_still_ends_where_it_ends() -> None:
    attributes = " ".join(f'a{i}="{i}"' for i in range(MAX_ATTRIBUTES + 500))
    for tail in (' x=">" y>after', ' b"c d>after', " =x>after", "/>after"):
        rewritten = normalize_markup(f"<div {attributes}{tail}")
        assert rewritten.endswith(f'a{MAX_ATTRIBUTES - 1}="{MAX_ATTRIBUTES - 1}">after')
        assert rewritten.count("=") == MAX_ATTRIBUTES
    assert normalize_markup(f'<div {attributes} z="unclosed>after') == ""


def test_a_page_past_the_element_cap_is_cut_there() -> None:
    rewritten = normalize_markup("<p>x</p>" * (MAX_ELEMENTS + 10))
    assert rewritten.count("<p>") == MAX_ELEMENTS


MARKUP = st.lists(
    st.sampled_from(
        [
            "<", ">", "/", "!", "?", "-", "=", '"', "'", " ", "a", "p", "script", "title",
            "<a ", "</", "<!--", "-->", "<?", "<!", '="', "<p>", "</p>", "ليبيا", "&amp;",
        ]
    ),
    max_size=80,
).map("".join)  # fmt: skip
# Text without "<", and complete tags: a plain name, lower-case attributes, quoted values.
_WELL_FORMED = re.compile(
    r'(?:[^<]++|</?[a-z][a-z0-9._:-]*+(?: [a-z_:][-a-z0-9_:.]*+="[^"]*+")*+>)*+'
)


@settings(max_examples=300, deadline=None)
@given(MARKUP)
@example("<a a=<p>")  # a "<" inside a quoted value is no tag
def test_the_rewrite_is_well_formed_and_stable(markup: str) -> None:
    rewritten = normalize_markup(markup)
    assert _WELL_FORMED.fullmatch(rewritten), rewritten
    assert normalize_markup(rewritten) == rewritten
