"""Three steering committee documents for the federation scenario, through the real services:
the political project published in two versions, the economic model in review with remarks
from several CAEs (some answered), the governance still a draft. Idempotent: by slug."""

from datetime import timedelta

from django.apps import apps
from django.utils import timezone

from alliance.models import User
from documents import services
from documents.models import Document

PROJECT_V1 = """# Projet politique de l'alliance

## Pourquoi une alliance

Depuis les États généraux des 13 et 14 septembre 2018, les CAE, appartenant ou non à un réseau, veulent une alliance politique nationale commune, respectueuse de leur expertise et de leur vision, et au service de chacune d'elles.

Parmi les trois scénarios étudiés, la structure fédérale intégrée à la CGSCOP a recueilli le plus d'avis favorables. Le comité de pilotage en propose ici le projet.

## Nos priorités

La consultation nationale d'avril à juin 2018 place en tête la représentation et le lobbying, puis la promotion des CAE auprès du grand public.

L'alliance assure aussi une veille juridique et tient un observatoire des CAE.

## Ce que l'alliance ne fait pas

Elle ne se substitue pas aux réseaux existants : chaque tête de réseau garde ses services et son accompagnement."""

PROJECT_V2 = """# Projet politique de l'alliance

## Pourquoi une alliance

Depuis les États généraux des 13 et 14 septembre 2018, les CAE, appartenant ou non à un réseau, veulent une alliance politique nationale commune, respectueuse de leur expertise et de leur vision, et au service de chacune d'elles.

Parmi les trois scénarios étudiés, la structure fédérale intégrée à la CGSCOP a recueilli le plus d'avis favorables. Le comité de pilotage en propose ici le projet.

## Nos priorités

La consultation nationale d'avril à juin 2018 place en tête la représentation et le lobbying auprès des pouvoirs publics, puis la promotion des CAE et de l'entrepreneuriat salarié auprès du grand public.

L'alliance assure aussi une veille juridique et tient un observatoire des CAE.

## Ce que l'alliance ne fait pas

Elle ne se substitue pas aux réseaux existants : chaque tête de réseau garde ses services et son accompagnement.

Elle ne prélève aucune part du chiffre d'affaires des entrepreneurs-salariés."""

ECONOMIC_MODEL = """# Modèle économique de la fédération

## Ressources

Chaque CAE membre verse une cotisation annuelle proportionnelle au nombre de ses entrepreneurs-salariés, avec un plancher de 300 euros et un plafond de 6 000 euros.

Les têtes de réseau apportent une contribution forfaitaire la première année, le temps que les cotisations montent en charge.

La CGSCOP met à disposition un poste de chargé·e de mission et des locaux à Paris.

## Dépenses

Le budget de la première année finance d'abord la représentation nationale et une campagne de promotion des CAE.

L'observatoire des CAE est construit avec les données que les CAE partagent déjà avec leurs réseaux.

## Équilibre

Le modèle vise l'équilibre à trois ans ; un bilan est présenté chaque année en assemblée."""

GOVERNANCE = """# Gouvernance de la fédération

## Assemblée des CAE

Chaque CAE membre dispose d'une voix ; certaines décisions se prennent par collèges, un collège par réseau et un pour les CAE hors réseau.

## Conseil fédéral

Un conseil de douze membres est élu pour trois ans par l'assemblée ; chaque réseau y a au moins un siège.

## Comité de pilotage

Le comité de pilotage actuel assure la transition jusqu'à la première assemblée générale."""

REMARKS = [
    # (paragraph, stance, text, answer status or None, reply)
    (
        2,
        "divergence",
        "Le plafond de 6 000 euros avantage les grosses CAE : proposons une cotisation "
        "dégressive plutôt qu'un plafond.",
        "taken_into_account",
        "Le plafond sera revu en version 2 avec un barème dégressif par tranches.",
    ),
    (
        2,
        "question",
        "Comment compte-t-on les entrepreneurs-salariés : au 31 décembre ou en moyenne annuelle ?",
        "answered",
        "En moyenne annuelle, sur les chiffres déjà transmis aux réseaux.",
    ),
    (
        3,
        "convergence",
        "Une contribution des têtes de réseau au démarrage nous paraît indispensable.",
        None,
        "",
    ),
    (
        6,
        "suggestion",
        "Ajouter un budget pour les rencontres territoriales : elles ont fait vivre la "
        "consultation de 2018.",
        "declined",
        "Les rencontres restent à la charge des réseaux la première année ; à rediscuter au bilan.",
    ),
    (
        7,
        "question",
        "Qui valide les données de l'observatoire avant publication ?",
        None,
        "",
    ),
]


def _federation_scenario():
    try:
        proposal_model = apps.get_model("proposals", "Proposal")
    except LookupError:
        return None
    return proposal_model.objects.filter(slug="scenario-federation-cgscop").first()


def _reviewers() -> list[User]:
    """`delegue`, then one person from each of other CAEs."""
    people = list(User.objects.filter(username="delegue"))
    seen = {p.organisation_id for p in people}
    for person in User.objects.filter(
        organisation__active=True, is_steering_committee=False
    ).order_by("pk")[:80]:
        if person.organisation_id not in seen:
            people.append(person)
            seen.add(person.organisation_id)
    return people


def _move(copil, document, to, **kwargs):
    services.document_transition(actor=copil, document=document, to=to, **kwargs)
    document.refresh_from_db()


def _project(copil, target):
    document = services.document_create(
        actor=copil,
        title="Projet politique de l'alliance",
        slug="projet-politique-alliance",
        kind="project",
        body=PROJECT_V1,
        target=target,
        is_public=True,
    )
    _move(copil, document, "in_review", deadline=timezone.now() + timedelta(days=1))
    remark = services.remark_create(
        author=User.objects.get(username="membre"),
        document=document,
        paragraph_index=5,
        body="Précisons auprès de qui se fait le lobbying, et parlons d'entrepreneuriat salarié.",
        stance="suggestion",
    )
    services.remark_answer(
        actor=copil, remark=remark, status="taken_into_account", reply="Ajouté en version 2."
    )
    _move(copil, document, "draft", note="Deuxième tour après les remarques des CAE.")
    services.document_update(
        actor=copil, document=document, base_revision=document.revision, body=PROJECT_V2
    )
    _move(copil, document, "published", note="Version adoptée par le comité de pilotage.")
    return document


def _economic_model(copil, target):
    document = services.document_create(
        actor=copil,
        title="Modèle économique",
        slug="modele-economique",
        kind="economic_model",
        body=ECONOMIC_MODEL,
        target=target,
    )
    _move(copil, document, "in_review", deadline=timezone.now() + timedelta(days=21))
    reviewers = _reviewers()
    for (paragraph, stance, text, status, reply), author in zip(REMARKS, reviewers, strict=False):
        remark = services.remark_create(
            author=author, document=document, paragraph_index=paragraph, body=text, stance=stance
        )
        if status:
            services.remark_answer(actor=copil, remark=remark, status=status, reply=reply)
    return document


def _governance(copil, target):
    return services.document_create(
        actor=copil,
        title="Gouvernance",
        slug="gouvernance",
        kind="governance",
        body=GOVERNANCE,
        target=target,
    )


def load(*, stdout=None) -> dict:
    copil = User.objects.filter(username="copil").first()
    if copil is None:
        return {"documents": 0}
    target = _federation_scenario()
    created = 0
    for slug, build in [
        ("projet-politique-alliance", _project),
        ("modele-economique", _economic_model),
        ("gouvernance", _governance),
    ]:
        if not Document.objects.filter(slug=slug).exists():
            build(copil, target)
            created += 1
    return {"documents": Document.objects.count(), "created": created}
