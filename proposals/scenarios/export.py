"""CSV export of a scenario's workshop notes.

UTF-8 with a byte-order mark and `;` between fields: that is what Excel expects in French
(where `,` is the decimal separator); LibreOffice and scripts read it as well. Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe.
"""

import csv

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.rules import can_view_people
from proposals.models import Proposal
from proposals.scenarios import selectors

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_START) else text


def workshop_notes_csv(proposal: Proposal, *, user) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ateliers-{proposal.slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        [_("Type"), _("Note"), _("Atelier"), _("CAE"), _("Saisie par"), _("Soutiens"), _("Date")]
    )
    show_people = can_view_people(user)
    for note in selectors.workshop_notes(proposal=proposal, user=user):
        writer.writerow(
            [
                _cell(note.get_kind_display()),
                _cell(note.text),
                _cell(note.session),
                _cell(note.organisation.name if note.organisation else ""),
                _cell(note.author.display_name if show_people else ""),
                note.endorsement_count,
                timezone.localtime(note.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    return response
