"""The États généraux des CAE (13 and 14 September 2018) as an assembly.

Check-ins and proxies, a closed and published majority judgment on the three alliance scenarios
(the federation inside the CGSCOP comes first, as in 2018), a closed yes/no motion, and an open
poll ready to vote on (the `delegue` account's CAE has not voted yet). Every write goes through
the real services. Loading twice changes nothing.
"""

import datetime
import random
from zoneinfo import ZoneInfo

from django.apps import apps

from alliance.models import Organisation, User
from assemblies import services
from assemblies.models import Assembly, AttendanceMode, Poll, PollEntitlement

SLUG = "etats-generaux-2018"
PARIS = ZoneInfo("Europe/Paris")
SCENARIOS = [
    ("scenario-informel", "Une alliance informelle, sans structure juridique"),
    ("scenario-inter-reseaux", "Une structure inter-réseaux, hors de la CGSCOP"),
    ("scenario-federation-cgscop", "Une fédération des CAE au sein de la CGSCOP"),
]
GRADE_KEYS = [
    "tres_favorable",
    "favorable",
    "plutot_favorable",
    "plutot_defavorable",
    "defavorable",
    "tres_defavorable",
]
# Where each scenario's opinions centre (index in GRADE_KEYS): the federation comes first.
SCENARIO_CENTRE = [3, 2, 1]
AGENDA = [
    ("Mots d'accueil et table ronde « Faire ensemble »", ""),
    ("Ateliers : points de convergence et de divergence", ""),
    ("Positions des têtes de réseau sur le projet d'alliance", ""),
    ("Trois scénarios d'alliance : freins, craintes, leviers et forces", ""),
    ("Avis de chacun sur chacun des scénarios", "Jugement majoritaire, une CAE une voix."),
    ("Mandat du comité de pilotage", ""),
]


def _at(day: int, hour: int) -> datetime.datetime:
    return datetime.datetime(2018, 9, day, hour, 0, tzinfo=PARIS)


def _scenario_options():
    """The scenarios as (label, linked proposal or None)."""
    try:
        proposal_model = apps.get_model("proposals", "Proposal")
    except LookupError:
        proposal_model = None
    options = []
    for slug, label in SCENARIOS:
        linked = None
        if proposal_model is not None:
            linked = proposal_model.objects.filter(slug=slug).first()
        options.append((label, linked))
    return options


def _delegates_by_organisation() -> dict[int, User]:
    delegates: dict[int, User] = {}
    for user in User.objects.filter(is_delegate=True, is_active=True).order_by("pk"):
        delegates.setdefault(user.organisation_id, user)
    return delegates


def _voter(poll: Poll, organisation_id: int, delegates: dict[int, User]) -> User:
    entitlement = PollEntitlement.objects.get(poll=poll, organisation_id=organisation_id)
    return entitlement.proxy_holder or delegates[organisation_id]


def load(*, stdout=None) -> dict:
    if Assembly.objects.filter(slug=SLUG).exists():
        return {"assemblies": 0}
    rng = random.Random(20180914)
    secretariat = User.objects.get(username="secretariat")
    own = User.objects.get(username="delegue")
    delegates = _delegates_by_organisation()
    delegates[own.organisation_id] = own
    organisations = list(Organisation.objects.active().filter(pk__in=delegates).order_by("pk"))

    assembly = services.assembly_create(
        actor=secretariat,
        title="États généraux des CAE",
        slug=SLUG,
        description=(
            "Deux journées pour co-construire un horizon commun aux CAE et dessiner les "
            "contours d'une alliance politique nationale."
        ),
        starts_on=datetime.date(2018, 9, 13),
        ends_on=datetime.date(2018, 9, 14),
        weight_rule=Assembly.WeightRule.ONE_PER_ORGANISATION,
        sessions=[
            ("Jour 1 : état des lieux, ateliers et positions des réseaux", _at(13, 9), _at(13, 18)),
            ("Jour 2 : les scénarios d'alliance", _at(14, 9), _at(14, 17)),
        ],
    )
    agenda = [
        services.agenda_item_add(actor=secretariat, assembly=assembly, title=t, description=d)
        for t, d in AGENDA
    ]
    services.assembly_open(actor=secretariat, assembly=assembly)

    # 56 CAEs in the room (the demo delegate's among them), 6 absent ones give a proxy.
    present = [o for o in organisations if o.pk == own.organisation_id]
    present += [o for o in organisations if o.pk != own.organisation_id][:55]
    absent = [o for o in organisations if o not in present]
    for organisation in present:
        services.attendance_check_in(
            actor=secretariat,
            assembly=assembly,
            organisation=organisation,
            delegate=delegates[organisation.pk],
            mode=AttendanceMode.ROOM,
        )
    holders = [delegates[o.pk] for o in present[1:7]]
    for index, giver in enumerate(absent[:6]):
        proxy = services.proxy_grant(
            actor=delegates[giver.pk], assembly=assembly, giver=giver, holder=holders[index // 2]
        )
        if index < 5:
            services.proxy_validate(actor=secretariat, proxy=proxy)

    # The opinion on each scenario: majority judgment, closed and published.
    judgment = services.poll_create(
        actor=secretariat,
        assembly=assembly,
        agenda_item=agenda[4],
        title="Quel est votre avis sur chacun des trois scénarios d'alliance ?",
        method=Poll.Method.JUDGMENT,
        options=_scenario_options(),
    )
    services.poll_open(actor=secretariat, poll=judgment)
    options = list(judgment.options.order_by("position"))
    entitled = list(judgment.entitlements.values_list("organisation_id", flat=True))
    for organisation_id in entitled:
        grades = {}
        for option, centre in zip(options, SCENARIO_CENTRE, strict=True):
            index = min(max(centre + rng.choice([-2, -1, -1, 0, 0, 0, 1, 1, 2]), 0), 5)
            grades[str(option.pk)] = GRADE_KEYS[index]
        services.ballot_cast(
            poll=judgment,
            organisation=organisation_id,
            actor=_voter(judgment, organisation_id, delegates),
            choice=grades,
        )
    services.poll_close(actor=secretariat, poll=judgment)
    services.poll_publish(actor=secretariat, poll=judgment)

    # A named yes/no motion, closed and published.
    motion = services.poll_create(
        actor=secretariat,
        assembly=assembly,
        agenda_item=agenda[5],
        title=(
            "Confier à un comité de pilotage l'étude du projet de fédération des CAE au sein "
            "de la CGSCOP (projet, modèle économique, gouvernance)"
        ),
        method=Poll.Method.MOTION,
        threshold=Poll.Threshold.SIMPLE,
    )
    services.poll_open(actor=secretariat, poll=motion)
    for organisation_id in motion.entitlements.values_list("organisation_id", flat=True):
        choice = rng.choices(["yes", "no", "abstain"], weights=[7, 2, 1])[0]
        paper = rng.random() < 0.1  # a few CAEs without a device: the teller enters them
        services.ballot_cast(
            poll=motion,
            organisation=organisation_id,
            actor=secretariat if paper else _voter(motion, organisation_id, delegates),
            choice=choice,
            paper=paper,
        )
    services.poll_close(actor=secretariat, poll=motion)
    services.poll_publish(actor=secretariat, poll=motion)

    # An open poll, ready to vote on: a third of the CAEs have voted, not the demo delegate's.
    priorities = services.poll_create(
        actor=secretariat,
        assembly=assembly,
        agenda_item=agenda[5],
        title="Quels chantiers le comité de pilotage ouvre-t-il en premier ? (deux au plus)",
        method=Poll.Method.APPROVAL,
        max_choices=2,
        options=[
            "Le projet politique de l'alliance",
            "Le modèle économique",
            "La gouvernance",
            "La communication auprès des CAE",
        ],
    )
    services.poll_open(actor=secretariat, poll=priorities)
    option_ids = list(priorities.options.order_by("position").values_list("pk", flat=True))
    voters = [
        o
        for o in priorities.entitlements.values_list("organisation_id", flat=True)
        if o != own.organisation_id
    ]
    for organisation_id in voters[: len(voters) // 3]:
        services.ballot_cast(
            poll=priorities,
            organisation=organisation_id,
            actor=_voter(priorities, organisation_id, delegates),
            choice=rng.sample(option_ids, rng.choice([1, 2, 2])),
        )
    return {
        "assemblies": 1,
        "present": len(present),
        "proxies": 6,
        "polls": 3,
    }
