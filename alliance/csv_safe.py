"""CSV for spreadsheets: every export goes through here, so that no cell runs as a formula.

A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with `=`, `+`, `-`
or `@` as a formula, and some also after a tab or a carriage return, or after spaces; several
read the full-width forms (`＝`, `＋`, `－`, `＠`) as the ASCII ones. A person's name, a CAE's
name or a comment like `=HYPERLINK("http://x","clic")` would then run on the computer of the
person who opens the export (CSV injection). As OWASP advises, such a cell is written with a
leading apostrophe, which the spreadsheet shows as text and does not run.

Which cells: every string, whoever wrote it (a label of the code starting with `-` gets the
apostrophe too: simpler than sorting which strings a person typed). Numbers the code writes
(`int`, `Decimal`, `Fraction`, `float`) are left as they are: a negative weight is a number,
not a formula, and must stay one.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable

# A formula start, possibly after whitespace (`\s` covers tab, CR, LF and Unicode spaces).
FORMULA_START = re.compile(r"\s*[=+\-@\t\r＝＋－＠]")


def cell(value):
    """`value` as it may go into a CSV cell."""
    if isinstance(value, str) and FORMULA_START.match(value):
        return "'" + value
    return value


def safe_row(values: Iterable) -> list:
    return [cell(value) for value in values]


def csv_text(rows: Iterable[Iterable], *, delimiter: str = ",", bom: bool = False) -> str:
    """The rows as CSV text (lines end with CRLF, as RFC 4180 says), every cell through
    `cell`. `bom`: start with a byte-order mark, for spreadsheets that otherwise misread
    UTF-8 accents."""
    buffer = io.StringIO()
    if bom:
        buffer.write("\ufeff")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(
        safe_row(row) for row in rows
    )
    return buffer.getvalue()
