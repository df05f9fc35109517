"""Demo: the 2018 national consultation (closed, 68 answers of 75 CAEs, online and from
territorial meetings) and a consultation open now that the demo accounts can answer.

Answers go through `answer_submit` with the date they were given, so the demo obeys the same
rules as real use. Keyed by slug and organisation: loading twice changes nothing.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from alliance.models import Organisation, User
from proposals.consultation.services import answer_submit, consultation_create
from proposals.models.consultation import (
    AnswerChannel,
    Consultation,
    ConsultationAnswer,
    ResultsVisibility,
)

PARIS = ZoneInfo("Europe/Paris")
SLUG_2018 = "consultation-nationale-2018"
SLUG_OPEN = "priorites-alliance"
AXES_2018 = [
    "Représentation et lobbying",
    "Communication et promotion",
    "Juridique",
    "Observatoire des CAE",
]
QUESTIONS_2018 = [
    "Qu'attendez-vous d'une alliance nationale des CAE ?",
    "Quels services votre CAE serait-elle prête à partager ?",
]
DESCRIPTION_2018 = """\
D'avril à juin 2018, chaque CAE a classé par ordre de priorité les quatre axes de travail
d'une future alliance nationale, en ligne ou lors des **rencontres territoriales**.

Les résultats ont été présentés aux États généraux des 13 et 14 septembre 2018.
"""
# (name, date, regions whose CAEs attended)
MEETINGS = [
    ("Rencontre territoriale de Lyon", datetime.date(2018, 4, 19), {"ARA", "BFC"}),
    ("Rencontre territoriale de Toulouse", datetime.date(2018, 5, 3), {"OCC", "NAQ", "COR"}),
    ("Rencontre territoriale de Paris", datetime.date(2018, 5, 17), {"IDF", "CVL", "HDF"}),
    ("Rencontre territoriale de Nantes", datetime.date(2018, 5, 31), {"PDL", "BRE", "NOR"}),
]
NOT_ANSWERING = 7
COMMENTS = [
    "",
    "",
    "Être reconnus par les pouvoirs publics est l'urgence.",
    "Nous manquons de visibilité auprès des porteurs de projet.",
    "Un observatoire nous aiderait à défendre notre modèle.",
    "Le statut d'entrepreneur-salarié mérite un appui juridique commun.",
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def _drawn_ranking(rng: random.Random, axis_ids: list[int]) -> list[int]:
    """The shared priority (lobbying, promotion, legal, observatory) disturbed by a few random
    swaps of neighbours: most CAEs agree on the top, some differ."""
    ranking = list(axis_ids)
    for _swap in range(rng.choice([0, 0, 1, 1, 1, 2, 2, 3])):
        i = rng.randrange(len(ranking) - 1)
        ranking[i], ranking[i + 1] = ranking[i + 1], ranking[i]
    return ranking


def _facilitator() -> User:
    return User.objects.filter(is_secretariat=True).order_by("username").first()


def _load_2018(rng: random.Random) -> tuple[Consultation, int]:
    consultation = Consultation.objects.filter(slug=SLUG_2018).first()
    if consultation is None:
        consultation = consultation_create(
            actor=User.objects.get(username="copil"),
            title="Consultation nationale des CAE 2018",
            slug=SLUG_2018,
            description=DESCRIPTION_2018,
            opens_at=_at(datetime.date(2018, 4, 3), 9),
            closes_at=_at(datetime.date(2018, 6, 30), 23),
            axes=AXES_2018,
            questions=QUESTIONS_2018,
        )
    axis_ids = [axis.pk for axis in consultation.axes.all()]
    organisations = list(Organisation.objects.active().prefetch_related("people").order_by("slug"))
    first = Organisation.objects.get(people__username="membre")  # the demo accounts' CAE
    others = [o for o in organisations if o.pk != first.pk]
    silent = set(rng.sample([o.pk for o in others], NOT_ANSWERING))
    answered = set(
        ConsultationAnswer.objects.filter(consultation=consultation).values_list(
            "organisation_id", flat=True
        )
    )
    facilitator = _facilitator()
    created = 0
    for organisation in organisations:
        ranking = _drawn_ranking(rng, axis_ids)
        comment = rng.choice(COMMENTS)
        meeting = next((m for m in MEETINGS if organisation.region in m[2]), None)
        territorial = meeting is not None and organisation.pk != first.pk and rng.random() < 0.55
        online_day = datetime.date(2018, 4, 4) + datetime.timedelta(days=rng.randrange(80))
        if organisation.pk in silent or organisation.pk in answered:
            continue
        if territorial:
            name, day, _regions = meeting
            answer_submit(
                actor=facilitator,
                consultation=consultation,
                organisation=organisation,
                ranking=ranking,
                comment=comment,
                channel=AnswerChannel.TERRITORIAL,
                meeting_name=name,
                meeting_date=day,
                now=_at(day + datetime.timedelta(days=2)),
            )
        else:
            person = min(organisation.people.all(), key=lambda p: (not p.is_delegate, p.pk))
            if organisation.pk == first.pk:  # a first answer, then a change: a history
                answer_submit(
                    actor=person,
                    consultation=consultation,
                    organisation=organisation,
                    ranking=[axis_ids[1], axis_ids[0], axis_ids[3], axis_ids[2]],
                    now=_at(datetime.date(2018, 4, 12)),
                )
                online_day = datetime.date(2018, 5, 22)
            answer_submit(
                actor=person,
                consultation=consultation,
                organisation=organisation,
                ranking=ranking,
                free_answers={
                    str(q.pk): "Une voix commune auprès des pouvoirs publics."
                    for q in consultation.questions.all()[:1]
                },
                comment=comment,
                now=_at(online_day, 14),
            )
        created += 1
    # Answers carry the dates they were given in 2018, not the loading date.
    for answer in ConsultationAnswer.objects.filter(consultation=consultation).prefetch_related(
        "revisions"
    ):
        dates = [r.created_at for r in answer.revisions.all()]
        if dates and answer.updated_at != max(dates):
            ConsultationAnswer.objects.filter(pk=answer.pk).update(
                created_at=min(dates), updated_at=max(dates)
            )
    return consultation, created


def _load_open() -> Consultation:
    consultation = Consultation.objects.filter(slug=SLUG_OPEN).first()
    if consultation is None:
        now = timezone.now()
        consultation = consultation_create(
            actor=User.objects.get(username="copil"),
            title="Priorités de l'alliance pour l'année à venir",
            slug=SLUG_OPEN,
            description=(
                "Le comité de pilotage demande à chaque CAE de classer les chantiers de "
                "l'alliance pour l'année qui vient. Les résultats seront publiés à la clôture."
            ),
            opens_at=now - datetime.timedelta(days=7),
            closes_at=now + datetime.timedelta(days=90),
            axes=[
                "Modèle économique de l'alliance",
                "Gouvernance et statuts",
                "Services mutualisés",
                "Plaidoyer national",
            ],
            questions=["Quel chantier manque à cette liste ?"],
            results_visibility=ResultsVisibility.AFTER_CLOSE,
        )
    return consultation


def load(*, stdout=None) -> dict:
    rng = random.Random(2018)
    consultation, created = _load_2018(rng)
    _load_open()
    return {
        "consultations": Consultation.objects.count(),
        "answers_2018": consultation.answers.count(),
        "answers_created": created,
    }
