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
