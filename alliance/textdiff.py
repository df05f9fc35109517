"""Word-level diff of two texts, for versions of proposals and documents.

`word_diff(old, new)` gives the operations (for the API); `word_diff_html(old, new)` gives
escaped HTML with <ins> and <del> (for pages). Whitespace is kept as its own token, so the
rendered diff keeps line breaks and spacing.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape

TOKEN = re.compile(r"\s+|[\w'’-]+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffOp:
    op: str  # "equal" | "insert" | "delete"
    text: str

    def as_dict(self) -> dict:
        return {"op": self.op, "text": self.text}


def tokenize(text: str) -> list[str]:
    return TOKEN.findall(text or "")


def word_diff(old: str, new: str) -> list[DiffOp]:
    a, b = tokenize(old), tokenize(new)
    ops: list[DiffOp] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            ops.append(DiffOp("equal", "".join(a[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            ops.append(DiffOp("delete", "".join(a[i1:i2])))
        if tag in ("insert", "replace"):
            ops.append(DiffOp("insert", "".join(b[j1:j2])))
    return ops


def diff_stats(ops: list[DiffOp]) -> dict:
    count = lambda kind: sum(len(tokenize(o.text)) for o in ops if o.op == kind)  # noqa: E731
    return {"inserted_tokens": count("insert"), "deleted_tokens": count("delete")}


def word_diff_html(old: str, new: str) -> str:
    parts = []
    for op in word_diff(old, new):
        text = escape(op.text)
        if op.op == "insert":
            parts.append(f"<ins>{text}</ins>")
        elif op.op == "delete":
            parts.append(f"<del>{text}</del>")
        else:
            parts.append(text)
    return "".join(parts)
