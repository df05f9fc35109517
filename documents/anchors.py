"""Where a remark made on one version stands in another: a pure rule, no Django.

A paragraph is kept when the other version holds the same text (whitespace aside), maybe at
another index: the remark follows it (the occurrence nearest its old index wins). Otherwise
it was changed or removed: the remark stays "on an earlier wording", and points to the
closest paragraph of the other version when one is similar enough.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass

SIMILARITY_THRESHOLD = 0.6
BLOCK_SEPARATOR = re.compile(r"\n[ \t]*\n")


def normalise(text: str) -> str:
    return " ".join((text or "").split())


def paragraph_hash(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()


def split_paragraphs(body: str) -> list[str]:
    """Markdown blocks separated by blank lines: headings, paragraphs, lists, quotes."""
    body = (body or "").replace("\r\n", "\n").strip()
    return [block.strip() for block in BLOCK_SEPARATOR.split(body) if block.strip()]


@dataclass(frozen=True)
class Placement:
    state: str  # "kept" | "changed" | "removed"
    index: int | None  # the kept paragraph's index, or the closest one when changed
    similarity: float = 1.0

    @property
    def is_kept(self) -> bool:
        return self.state == "kept"


def place(text: str, old_index: int, paragraphs: list[str]) -> Placement:
    """Where the paragraph `text` (index `old_index` in its version) stands in `paragraphs`."""
    wanted = normalise(text)
    normalised = [normalise(p) for p in paragraphs]
    same = [i for i, p in enumerate(normalised) if p == wanted]
    if same:
        return Placement("kept", min(same, key=lambda i: (abs(i - old_index), i)))
    best_index, best_ratio = None, 0.0
    for i, candidate in enumerate(normalised):
        ratio = difflib.SequenceMatcher(a=wanted, b=candidate, autojunk=False).ratio()
        if ratio > best_ratio or (
            ratio == best_ratio
            and best_index is not None
            and abs(i - old_index) < abs(best_index - old_index)
        ):
            best_index, best_ratio = i, ratio
    if best_index is not None and best_ratio > SIMILARITY_THRESHOLD:
        return Placement("changed", best_index, round(best_ratio, 3))
    return Placement("removed", None, round(best_ratio, 3))
