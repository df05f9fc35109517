"""Markdown to safe HTML: Python-Markdown, then nh3 keeps only harmless tags and attributes."""

import re

import markdown as md
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "del",
    "em",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}


def render_markdown(text: str) -> str:
    html = md.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


# Markdown's punctuation, each escaped by a backslash; "<" becomes an entity (Python-Markdown
# has no "\<" escape), and "&" only where it would start an entity of the writer's choosing.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_ENTITY_START = re.compile(r"&(?=#?\w+;)")
_LINE_BREAKS = re.compile(r"[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]+")


def markdown_escape(text) -> str:
    """User text as literal inline Markdown: it cannot start a block (heading, list, quote, table,
    code), a link, an image, emphasis or HTML. Line breaks of every kind become a space."""
    text = _LINE_BREAKS.sub(" ", str(text))
    text = _ENTITY_START.sub("&amp;", text)
    text = _MARKDOWN_PUNCTUATION.sub(r"\\\1", text)
    return text.replace("<", "&lt;")
