"""CSV exports of a consultation: every answer, and the results. UTF-8 with a byte-order mark
so that spreadsheet programs read the accents right."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.csv_safe import csv_text
from proposals.consultation.selectors import ConsultationResults
from proposals.models.consultation import AnswerChannel


def _csv(rows) -> str:
    return csv_text(rows, bom=True)  # no cell runs as a formula (alliance/csv_safe.py)


def answers_csv(consultation, answers) -> str:
    """One line per CAE: channel, meeting, the rank it gave each axis, comment, free answers."""
    axes = list(consultation.axes.all())
    questions = list(consultation.questions.all())
    header = [
        _("CAE"),
        _("Réseaux"),
        _("Canal"),
        _("Rencontre"),
        _("Date de la rencontre"),
        *[_("Rang : %(axe)s") % {"axe": axis.title} for axis in axes],
        _("Commentaire"),
        *[question.text for question in questions],
        _("Saisie par"),
        _("Mise à jour"),
    ]
    rows = [header]
    for answer in answers:
        rank = {axis_id: i for i, axis_id in enumerate(answer.ranking, start=1)}
        rows.append(
            [
                answer.organisation.name,
                " ".join(n.label for n in answer.organisation.networks.all()),
                AnswerChannel(answer.channel).label,
                answer.meeting_name,
                answer.meeting_date.isoformat() if answer.meeting_date else "",
                *[rank.get(axis.pk, "") for axis in axes],
                answer.comment,
                *[answer.free_answers.get(str(q.pk), "") for q in questions],
                answer.entered_by.display_name,
                timezone.localtime(answer.updated_at).isoformat(timespec="seconds"),
            ]
        )
    return _csv(rows)


def results_csv(results: ConsultationResults) -> str:
    """One line per axis in Borda order, then the pairwise matrix."""
    rows = [
        [_("Participation"), results.answered, _("sur"), results.eligible],
        [_("Pondération"), results.weighting_label],
        [],
        [_("Axe"), _("Score de Borda"), _("Rang Borda"), _("Rang Schulze"), _("1ʳᵉ place")],
    ]
    for row in results.axes:
        rows.append(
            [row.axis.title, row.borda_score, row.borda_rank, row.schulze_rank, row.first_places]
        )
    rows += [
        [],
        [
            _("Matrice des duels : ligne préférée à colonne"),
            *[r.axis.title for r in results.pairwise],
        ],
    ]
    for pair_row in results.pairwise:
        rows.append(
            [pair_row.axis.title, *["" if c.votes is None else c.votes for c in pair_row.cells]]
        )
    return _csv(rows)
