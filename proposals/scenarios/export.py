"""CSV export of a scenario's workshop notes.

UTF-8 with a byte-order mark and `;` between fields: that is what Excel expects in French
(where `,` is the decimal separator); LibreOffice and scripts read it as well. Cells that a
spreadsheet would run as a formula are prefixed with an apostrophe (`alliance/csv_safe.py`).
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.csv_safe import csv_text
from alliance.rules import can_view_people
from proposals.models import Proposal
from proposals.scenarios import selectors


def workshop_notes_csv(proposal: Proposal, *, user) -> HttpResponse:
    show_people = can_view_people(user)
    rows = [
        [_("Type"), _("Note"), _("Atelier"), _("CAE"), _("Saisie par"), _("Soutiens"), _("Date")]
    ]
    for note in selectors.workshop_notes(proposal=proposal, user=user):
        rows.append(
            [
                note.get_kind_display(),
                note.text,
                note.session,
                note.organisation.name if note.organisation else "",
                note.author.display_name if show_people else "",
                note.endorsement_count,
                timezone.localtime(note.created_at).strftime("%Y-%m-%d %H:%M"),
            ]
        )
    response = HttpResponse(
        csv_text(rows, delimiter=";", bom=True), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ateliers-{proposal.slug}.csv"'
    return response
