"""Reading a CSV file of CAEs: everything is validated before anything is written.

`parse_organisations(data)` returns the rows or raises `InvalidInput` (code `invalid_file`)
whose `details["errors"]` lists every problem with its line number and a stable code.
`import_organisations(rows)` then writes them all in one transaction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from alliance.errors import InvalidInput
from alliance.models import Network, Region
from alliance.services import organisation_upsert

COLUMNS = ("slug", "name", "city", "region", "website", "entrepreneurs_count", "networks", "active")
REQUIRED_COLUMNS = ("name",)
NETWORK_SEPARATOR = "|"
TRUE_WORDS = {"1", "true", "vrai", "oui", "yes", "o", "y"}
FALSE_WORDS = {"0", "false", "faux", "non", "no", "n"}


@dataclass
class ImportRow:
    line: int
    slug: str
    values: dict
    networks: list[Network] | None


@dataclass
class LineError:
    line: int
    code: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "code": self.code, "message": self.message}


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    slugs: list[str] = field(default_factory=list)


def _fail(errors: list[LineError]):
    raise InvalidInput(
        _("Le fichier contient des erreurs : rien n'a été importé."),
        code="invalid_file",
        details={"errors": [error.as_dict() for error in errors]},
    )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        _fail(
            [
                LineError(
                    line,
                    "bad_encoding",
                    _("Le fichier n'est pas encodé en UTF-8 (octet illisible à la ligne %(line)s).")
                    % {"line": line},
                )
            ]
        )


def _region_lookup() -> dict[str, str]:
    lookup = {}
    for code, label in Region.choices:
        lookup[code.casefold()] = code
        lookup[str(label).casefold()] = code
    return lookup


def _network_lookup() -> dict[str, Network]:
    lookup = {}
    for network in Network.objects.all():
        lookup[network.slug.casefold()] = network
        if network.acronym:
            lookup[network.acronym.casefold()] = network
    return lookup


class _RowReader:
    """Turns one CSV record into an `ImportRow`, appending problems to `errors`."""

    def __init__(self, header: list[str], errors: list[LineError]):
        self.header = header
        self.errors = errors
        self.regions = _region_lookup()
        self.networks = _network_lookup()
        self.url_validator = URLValidator(schemes=["http", "https"])

    def error(self, line: int, code: str, message: str):
        self.errors.append(LineError(line, code, message))

    def read(self, line: int, record: list[str]) -> tuple[str, ImportRow | None]:
        """The row's key (its slug, "" if none) and the row, or None when it has errors."""
        if len(record) != len(self.header):
            self.error(
                line,
                "wrong_column_count",
                _("%(found)s colonnes au lieu de %(expected)s.")
                % {"found": len(record), "expected": len(self.header)},
            )
            return "", None
        cells = {column: value.strip() for column, value in zip(self.header, record, strict=True)}
        before = len(self.errors)
        values = {}
        name = cells["name"]
        if not name:
            self.error(line, "missing_name", _("Le nom de la CAE est obligatoire."))
        elif len(name) > 200:
            self.error(line, "name_too_long", _("Le nom dépasse 200 caractères."))
        else:
            values["name"] = name
        slug = slugify(cells.get("slug") or name)
        if name and not slug:
            self.error(line, "bad_slug", _("Impossible de tirer un identifiant de ce nom."))
        elif len(slug) > 220:
            self.error(line, "bad_slug", _("L'identifiant dépasse 220 caractères."))
        for column, parse in self.parsers().items():
            if column in cells:
                parse(line, cells[column], values)
        networks = self.read_networks(line, cells["networks"]) if "networks" in cells else None
        if len(self.errors) > before:
            return slug, None
        return slug, ImportRow(line=line, slug=slug, values=values, networks=networks)

    def parsers(self) -> dict[str, Callable]:
        return {
            "city": self.read_city,
            "region": self.read_region,
            "website": self.read_website,
            "entrepreneurs_count": self.read_count,
            "active": self.read_active,
        }

    def read_city(self, line, value, values):
        if len(value) > 120:
            self.error(line, "city_too_long", _("La ville dépasse 120 caractères."))
        values["city"] = value

    def read_region(self, line, value, values):
        if value and value.casefold() not in self.regions:
            self.error(
                line, "unknown_region", _("Région inconnue : « %(value)s ».") % {"value": value}
            )
        values["region"] = self.regions.get(value.casefold(), "")

    def read_website(self, line, value, values):
        if value:
            try:
                self.url_validator(value)
            except ValidationError:
                self.error(
                    line, "bad_url", _("Adresse web invalide : « %(value)s ».") % {"value": value}
                )
        values["website"] = value

    def read_count(self, line, value, values):
        if not value:
            values["entrepreneurs_count"] = 0
        elif value.isdigit() and int(value) <= 1_000_000:
            values["entrepreneurs_count"] = int(value)
        else:
            self.error(
                line,
                "bad_number",
                _(
                    "Nombre d'entrepreneurs-salariés invalide : « %(value)s » (entier positif attendu)."
                )
                % {"value": value},
            )

    def read_active(self, line, value, values):
        word = value.casefold()
        if not word or word in TRUE_WORDS:
            values["active"] = True
        elif word in FALSE_WORDS:
            values["active"] = False
        else:
            self.error(
                line,
                "bad_boolean",
                _("Valeur « %(value)s » invalide pour « active » (oui ou non attendu).")
                % {"value": value},
            )

    def read_networks(self, line, value, _values=None) -> list[Network]:
        networks = []
        for reference in filter(None, (part.strip() for part in value.split(NETWORK_SEPARATOR))):
            network = self.networks.get(reference.casefold())
            if network is None:
                self.error(
                    line,
                    "unknown_network",
                    _("Réseau inconnu : « %(value)s ».") % {"value": reference},
                )
            elif network not in networks:
                networks.append(network)
        return networks


def _read_header(reader, errors: list[LineError]) -> list[str] | None:
    header_record = next(reader, None)
    if header_record is None:
        errors.append(LineError(1, "empty_file", _("Le fichier est vide.")))
        return None
    header = [column.strip().lower() for column in header_record]
    unknown = [column for column in header if column not in COLUMNS]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    duplicated = sorted({column for column in header if header.count(column) > 1})
    if unknown or missing or duplicated:
        problems = []
        if unknown:
            problems.append(_("colonnes inconnues : %(columns)s") % {"columns": ", ".join(unknown)})
        if missing:
            problems.append(
                _("colonnes manquantes : %(columns)s") % {"columns": ", ".join(missing)}
            )
        if duplicated:
            problems.append(
                _("colonnes en double : %(columns)s") % {"columns": ", ".join(duplicated)}
            )
        errors.append(
            LineError(
                1,
                "wrong_header",
                _("En-tête invalide (%(problems)s). Colonnes possibles : %(columns)s.")
                % {"problems": " ; ".join(problems), "columns": ", ".join(COLUMNS)},
            )
        )
        return None
    return header


def parse_organisations(data: bytes) -> list[ImportRow]:
    """Validate a whole file. Comma or semicolon separated, UTF-8, first line the header."""
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    errors: list[LineError] = []
    header = _read_header(reader, errors)
    if header is None:
        _fail(errors)
    row_reader = _RowReader(header, errors)
    rows: list[ImportRow] = []
    first_line_of: dict[str, int] = {}
    line = reader.line_num
    try:
        for record in reader:
            line, end = line + 1, reader.line_num  # a quoted cell may span several lines
            if not any(cell.strip() for cell in record):
                line = end
                continue
            slug, row = row_reader.read(line, record)
            if slug and slug in first_line_of:
                errors.append(
                    LineError(
                        line,
                        "duplicate_row",
                        _("La CAE « %(slug)s » figure déjà à la ligne %(first)s.")
                        % {"slug": slug, "first": first_line_of[slug]},
                    )
                )
            elif slug:
                first_line_of[slug] = line
                if row is not None:
                    rows.append(row)
            line = end
    except csv.Error as exc:
        errors.append(
            LineError(reader.line_num, "bad_csv", _("CSV illisible : %(error)s") % {"error": exc})
        )
    if errors:
        _fail(errors)
    if not rows:
        _fail([LineError(1, "empty_file", _("Le fichier ne contient aucune CAE."))])
    return rows


@transaction.atomic
def import_organisations(
    rows: list[ImportRow], *, progress: Callable[[int, int], None] | None = None
) -> ImportReport:
    """Write validated rows in one transaction: all of them or none."""
    report = ImportReport()
    for done, row in enumerate(rows, start=1):
        _organisation, outcome = organisation_upsert(
            slug=row.slug, values=row.values, networks=row.networks
        )
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.slugs.append(row.slug)
        if progress:
            progress(done, len(rows))
    return report
