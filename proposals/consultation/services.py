"""Every write of the consultation: creating one, answering it (online or from a territorial
meeting). Each function validates, writes inside a transaction and raises `alliance.errors.*`
with a stable code; bad input changes nothing."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.errors import Conflict, InvalidInput, NotAllowed
from alliance.models import Organisation
from proposals.consultation import rules
from proposals.models.consultation import (
    AnswerChannel,
    Consultation,
    ConsultationAnswer,
    ConsultationAnswerRevision,
    ConsultationAxis,
    ConsultationQuestion,
    ConsultationStatus,
    Respondents,
    ResultsVisibility,
    Weighting,
)

MAX_TEXT = 5000
MIN_AXES = 2
# Dates outside these years are typing mistakes; before 1911 Paris time even has an offset in
# seconds, which no client parses back (found by schemathesis).
PLAUSIBLE_YEARS = range(2000, 2101)


# --- Validation helpers (shared by pages and API) -------------------------------------------


def ranking_validate(*, axis_ids: Sequence[int], ranking) -> list[int]:
    """The ranking as a list of axis ids, best first, every axis exactly once."""
    if not isinstance(ranking, list | tuple):
        raise InvalidInput(
            _("Le classement doit être une liste d'axes, du plus prioritaire au moins."),
            code="ranking_incomplete",
        )
    known = set(axis_ids)
    for item in ranking:
        if isinstance(item, bool) or not isinstance(item, int) or item not in known:
            raise InvalidInput(
                _("Cet axe ne fait pas partie de la consultation : %(axis)s.") % {"axis": item},
                code="unknown_axis",
                details={"axis": str(item)},
            )
    if len(set(ranking)) != len(ranking):
        repeated = sorted({a for a in ranking if list(ranking).count(a) > 1})
        raise InvalidInput(
            _("Chaque axe ne doit figurer qu'une fois dans le classement."),
            code="ranking_duplicate",
            details={"axes": repeated},
        )
    if len(ranking) != len(known):
        missing = [a for a in axis_ids if a not in ranking]
        raise InvalidInput(
            _("Le classement doit comprendre tous les axes."),
            code="ranking_incomplete",
            details={"axes": missing},
        )
    return list(ranking)


def ranking_from_ranks(*, axis_ids: Sequence[int], ranks: Mapping[int, int | None]) -> list[int]:
    """A form gives a rank (1 = first) per axis; turn it into a ranking, refusing a rank given
    twice or left empty."""
    given = {axis: rank for axis, rank in ranks.items() if rank is not None}
    if len(given) < len(axis_ids):
        raise InvalidInput(
            _("Donnez un rang à chaque axe."),
            code="ranking_incomplete",
            details={"axes": [a for a in axis_ids if a not in given]},
        )
    if len(set(given.values())) != len(given):
        raise InvalidInput(
            _("Deux axes ne peuvent pas avoir le même rang."), code="ranking_duplicate"
        )
    return ranking_validate(axis_ids=axis_ids, ranking=sorted(given, key=given.__getitem__))


def _free_answers_validate(consultation, free_answers) -> dict[str, str]:
    if free_answers in (None, ""):
        return {}
    if not isinstance(free_answers, Mapping):
        raise InvalidInput(_("Les réponses libres ne sont pas valides."), code="invalid")
    question_ids = {str(q.pk) for q in consultation.questions.all()}
    cleaned = {}
    for key, text in free_answers.items():
        if str(key) not in question_ids:
            raise InvalidInput(
                _("Cette question ne fait pas partie de la consultation."),
                code="unknown_question",
                details={"question": str(key)},
            )
        if not isinstance(text, str):
            raise InvalidInput(_("Une réponse libre doit être un texte."), code="invalid")
        if len(text) > MAX_TEXT:
            raise InvalidInput(
                _("Une réponse libre dépasse %(max)s caractères.") % {"max": MAX_TEXT},
                code="text_too_long",
            )
        if text.strip():
            cleaned[str(key)] = text.strip()
    return cleaned


def _open_check(consultation, now) -> None:
    status = consultation.status_at(now)
    if status == ConsultationStatus.UPCOMING:
        raise Conflict(_("La consultation n'est pas encore ouverte."), code="consultation_not_open")
    if status == ConsultationStatus.CLOSED:
        raise Conflict(
            _("La consultation est close : on ne peut plus y répondre."),
            code="consultation_closed",
        )


# --- Answers ----------------------------------------------------------------------------------


def answer_submit(
    *,
    actor,
    consultation: Consultation,
    organisation: Organisation,
    ranking,
    free_answers=None,
    comment: str = "",
    channel: str = AnswerChannel.ONLINE,
    meeting_name: str = "",
    meeting_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ConsultationAnswer:
    """Record or change the CAE's one answer, keeping the saved state as a revision.

    Online: a member (or delegate, as configured) of the CAE. Territorial meeting: a
    facilitator, with the meeting's name and date; it may replace an earlier territorial
    answer but never the CAE's own online answer.

    Two people of one CAE answering at once give one answer: the unique constraint guards the
    insert, the loser of the race then locks the winner's row (`select_for_update`) and updates
    it; the row lock serialises every later change of that answer.
    """
    now = now or timezone.now()
    meeting_name = (meeting_name or "").strip()
    comment = (comment or "").strip()
    if channel == AnswerChannel.ONLINE:
        if not rules.can_answer_for(actor, consultation, organisation):
            raise NotAllowed(
                _("Seules les délégué·es de la CAE peuvent répondre pour elle.")
                if consultation.respondents == Respondents.DELEGATES
                else _("Seules les personnes membres de la CAE peuvent répondre pour elle."),
            )
        meeting_name, meeting_date = "", None
    elif channel == AnswerChannel.TERRITORIAL:
        if not rules.can_enter_territorial_answer(actor):
            raise NotAllowed(
                _("Seul·es les animateur·rices saisissent les réponses des rencontres.")
            )
        if not meeting_name or meeting_date is None:
            raise InvalidInput(
                _("Indiquez le nom et la date de la rencontre territoriale."),
                code="meeting_required",
            )
        if len(meeting_name) > 200:
            raise InvalidInput(_("Le nom de la rencontre est trop long."), code="text_too_long")
        if meeting_date > timezone.localdate(now):
            raise InvalidInput(
                _("La rencontre ne peut pas avoir lieu dans le futur."),
                code="meeting_in_future",
            )
    else:
        raise InvalidInput(_("Canal de réponse inconnu."), code="unknown_channel")
    if not organisation.active:
        raise InvalidInput(_("Cette CAE n'est plus active."), code="organisation_inactive")
    _open_check(consultation, now)
    axis_ids = [axis.pk for axis in consultation.axes.all()]
    ranking = ranking_validate(axis_ids=axis_ids, ranking=ranking)
    free_answers = _free_answers_validate(consultation, free_answers)
    if len(comment) > MAX_TEXT:
        raise InvalidInput(
            _("Le commentaire dépasse %(max)s caractères.") % {"max": MAX_TEXT},
            code="text_too_long",
        )

    fields = {
        "ranking": ranking,
        "free_answers": free_answers,
        "comment": comment,
        "channel": channel,
        "meeting_name": meeting_name,
        "meeting_date": meeting_date,
        "entered_by": actor,
    }
    key = {"consultation": consultation, "organisation": organisation}
    with transaction.atomic():
        answer = ConsultationAnswer.objects.select_for_update().filter(**key).first()
        if answer is None:
            try:
                with transaction.atomic():
                    answer = ConsultationAnswer.objects.create(**key, **fields)
                created = True
            except IntegrityError:  # another person of the CAE answered meanwhile
                answer = ConsultationAnswer.objects.select_for_update().get(**key)
                created = False
        else:
            created = False
        if not created:
            if channel == AnswerChannel.TERRITORIAL and answer.channel == AnswerChannel.ONLINE:
                raise Conflict(
                    _("Cette CAE a déjà répondu elle-même en ligne."), code="answered_online"
                )
            for name, value in fields.items():
                setattr(answer, name, value)
            answer.save()
        ConsultationAnswerRevision.objects.create(answer=answer, created_at=now, **fields)
    return answer


# --- Consultations ---------------------------------------------------------------------------


def consultation_create(
    *,
    actor,
    title: str,
    slug: str,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    axes: Sequence[str],
    questions: Sequence[str] = (),
    description: str = "",
    respondents: str = Respondents.MEMBERS,
    results_visibility: str = ResultsVisibility.ALWAYS,
    weighting: str = Weighting.ONE_PER_ORGANISATION,
    weight_cap_share: Decimal = Decimal("0.100"),
) -> Consultation:
    """The steering committee opens a consultation with its axes (in display order)."""
    if not rules.can_create_consultation(actor):
        raise NotAllowed(_("Seul le comité de pilotage peut lancer une consultation."))
    if closes_at <= opens_at:
        raise InvalidInput(_("La clôture doit suivre l'ouverture."), code="invalid_dates")
    if opens_at.year not in PLAUSIBLE_YEARS or closes_at.year not in PLAUSIBLE_YEARS:
        raise InvalidInput(
            _("Les dates doivent être comprises entre 2000 et 2100."), code="invalid_dates"
        )
    axes = [a.strip() for a in axes if a and a.strip()]
    if len(axes) < MIN_AXES:
        raise InvalidInput(_("Une consultation classe au moins deux axes."), code="too_few_axes")
    if len({a.casefold() for a in axes}) != len(axes):
        raise InvalidInput(_("Deux axes portent le même intitulé."), code="duplicate_axis")
    if not Decimal(0) < Decimal(weight_cap_share) <= Decimal(1):
        raise InvalidInput(
            _("La part maximale d'une CAE doit être comprise entre 0 et 1."),
            code="invalid_share",
        )
    try:
        with transaction.atomic():
            consultation = _consultation_insert(
                title=title,
                slug=slug,
                description=description,
                opens_at=opens_at,
                closes_at=closes_at,
                respondents=respondents,
                results_visibility=results_visibility,
                weighting=weighting,
                weight_cap_share=weight_cap_share,
                axes=axes,
                questions=questions,
            )
    except IntegrityError:  # the unique slug is the guard
        raise Conflict(_("Cet identifiant est déjà pris."), code="slug_taken") from None
    return consultation


def _consultation_insert(*, axes, questions, **fields) -> Consultation:
    consultation = Consultation.objects.create(**fields)
    ConsultationAxis.objects.bulk_create(
        ConsultationAxis(consultation=consultation, position=i, title=t)
        for i, t in enumerate(axes, start=1)
    )
    ConsultationQuestion.objects.bulk_create(
        ConsultationQuestion(consultation=consultation, position=i, text=t.strip())
        for i, t in enumerate(questions, start=1)
        if t and t.strip()
    )
    return consultation
