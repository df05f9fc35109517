"""Paragraphs of a proposal body: blocks separated by at least one blank line."""

import re

BLANK_LINE = re.compile(r"\n[ \t]*\n+")


def normalise(text: str) -> str:
    return (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def split_paragraphs(text: str) -> list[str]:
    text = normalise(text)
    if not text:
        return []
    return [block.strip() for block in BLANK_LINE.split(text) if block.strip()]


def join_paragraphs(paragraphs: list[str]) -> str:
    return "\n\n".join(p.strip() for p in paragraphs if p.strip())


def apply_replacement(
    body: str, *, paragraph_index: int | None, original: str, replacement: str
) -> str | None:
    """`body` with `original` replaced, or None when the amended text is no longer there.

    Whole-body amendments (`paragraph_index` None) apply only to an unchanged body. A paragraph
    amendment applies where the paragraph was, or where its exact text moved to (a paragraph
    inserted above it), as long as that text appears exactly once."""
    if paragraph_index is None:
        return replacement if normalise(body) == normalise(original) else None
    paragraphs = split_paragraphs(body)
    index = paragraph_index
    if not (index < len(paragraphs) and paragraphs[index] == original):
        matches = [i for i, p in enumerate(paragraphs) if p == original]
        if len(matches) != 1:
            return None
        index = matches[0]
    paragraphs[index] = replacement
    return join_paragraphs(paragraphs)
