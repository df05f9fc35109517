"""Fill empty English translations of .po files from a small Python table.

    python scripts/po_fill.py TABLES_DIR app/locale/en/LC_MESSAGES/django.po [...]

Every `TABLES_DIR/*.py` defines `EN = {"msgid in French": "English", "singular": ("one", "many"), ...}`.
Only empty msgstr are filled; entries marked fuzzy lose the mark once filled. Prints the
msgids still untranslated, so that nothing is forgotten silently.
"""

import ast
import itertools
import runpy
import sys
from pathlib import Path


def unquote(lines: list[str]) -> str:
    return "".join(
        ast.literal_eval(line.split(" ", 1)[1] if not line.startswith('"') else line)
        for line in lines
    )


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def fill(path: str, table: dict) -> list[str]:
    blocks = open(path, encoding="utf-8").read().rstrip("\n").split("\n\n")
    missing, out = [], []
    for block in blocks:
        lines = block.split("\n")
        fields, current = {}, None
        for line in lines:
            if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[", "msgctxt ")):
                current = line.split(" ", 1)[0]
                fields[current] = [line]
            elif line.startswith('"') and current:
                fields[current].append(line)
        if "msgid" not in fields or unquote(fields["msgid"]) == "":
            out.append(block)
            continue
        msgid = unquote(fields["msgid"])
        plural = "msgid_plural" in fields
        empty = (
            all(unquote(fields[k]) == "" for k in fields if k.startswith("msgstr"))
            or "#, fuzzy" in block
        )
        if not empty:
            out.append(block)
            continue
        if msgid not in table:
            missing.append(msgid)
            out.append(block)
            continue
        value = table[msgid]
        keep = [
            line
            for line in lines
            if not line.startswith(("msgstr", '"'))
            or line
            in list(
                itertools.chain.from_iterable(
                    fields[k] for k in ("msgid", "msgid_plural", "msgctxt") if k in fields
                )
            )
        ]
        keep = [line.replace("#, fuzzy, ", "#, ").replace("#, fuzzy", "#") for line in keep]
        keep = [line for line in keep if line != "#"]
        if plural:
            one, many = value if isinstance(value, tuple) else (value, value)
            keep += [f"msgstr[0] {quote(one)}", f"msgstr[1] {quote(many)}"]
        else:
            keep.append(f"msgstr {quote(value)}")
        out.append("\n".join(keep))
    open(path, "w", encoding="utf-8").write("\n\n".join(out) + "\n")
    return missing


def main() -> int:
    table = {}
    for path in sorted(Path(sys.argv[1]).glob("*.py")):
        table.update(runpy.run_path(str(path))["EN"])
    status = 0
    for path in sys.argv[2:]:
        for msgid in fill(path, table):
            print(f"{path}: untranslated: {msgid!r}")
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
