"""The three alliance scenarios of the États généraux 2018, with their versions, amendments,
workshop notes and the position of each network.

Written through the services, as people would. Keyed by slug: a scenario that exists is left
as it is, so loading twice changes nothing. Other areas (debates, votes) look the scenarios
up by these slugs.
"""

import datetime

from alliance.models import Network, Organisation, User
from proposals.models import NoteKind, Position, Process, Proposal, ProposalStatus
from proposals.scenarios import services

PROCESS = {
    "slug": "etats-generaux-2018",
    "title": "États généraux des CAE 2018",
    "description": (
        "Deux journées de travail, les 13 et 14 septembre 2018, pour co-construire un horizon "
        "commun aux CAE et dessiner les contours d'une alliance politique nationale. Plus de "
        "140 participants issus de 75 CAE, appartenant ou non à un réseau."
    ),
    "starts_on": datetime.date(2018, 9, 13),
    "ends_on": datetime.date(2018, 9, 14),
}

COMMON_CONTEXT = (
    "La consultation nationale d'avril à juin 2018 a réuni 68 CAE, en ligne ou lors de "
    "rencontres territoriales. Elle donne la priorité à la représentation et au lobbying, "
    "puis à la promotion auprès du grand public."
)

SCENARIOS = [
    {
        "slug": "scenario-informel",
        "title": "Une alliance informelle, sans structure juridique",
        "summary": (
            "Les réseaux coopèrent sans créer de structure : une charte commune, un comité "
            "de liaison et des chantiers menés ensemble."
        ),
        "paragraphs": [
            "Les CAE et leurs réseaux (Coopérer pour Entreprendre, Copéa, la CGSCOP, BIGRE, la "
            "Fédération des SCOP du BTP) s'engagent à agir ensemble sans créer de nouvelle "
            "structure juridique.",
            COMMON_CONTEXT,
            "Une charte commune fixe les valeurs partagées : l'entrepreneuriat salarié, la "
            "gouvernance coopérative et la mission d'intérêt général des CAE.",
            "Un comité de liaison, composé d'un·e représentant·e par réseau et de CAE non "
            "affiliées, se réunit chaque trimestre pour coordonner les prises de parole.",
            "Chaque réseau garde ses moyens et ses priorités ; les chantiers communs "
            "(observatoire, promotion) sont financés au cas par cas.",
        ],
        "revision": {
            "index": 3,
            "text": "Un comité de liaison, composé d'un·e représentant·e par réseau et de deux "
            "CAE non affiliées, se réunit chaque trimestre pour coordonner les prises de "
            "parole auprès des pouvoirs publics.",
            "note": "Précision sur la place des CAE non affiliées",
        },
        "accepted": {
            "index": 4,
            "text": "Chaque réseau garde ses moyens et ses priorités ; les chantiers communs "
            "(observatoire, promotion) sont financés par une cotisation volontaire des CAE.",
            "rationale": "Sans financement prévu, les chantiers communs resteront des intentions.",
        },
        "pending": {
            "index": 2,
            "text": "Une charte commune fixe les valeurs partagées : l'entrepreneuriat salarié, "
            "la gouvernance coopérative, la mutualisation et la mission d'intérêt général des "
            "CAE.",
            "rationale": "La mutualisation des services est au cœur de nos CAE.",
        },
        "notes": {
            NoteKind.BRAKE: [
                "Sans structure, personne ne peut parler au nom de toutes les CAE.",
                "Pas de budget propre pour les chantiers communs.",
            ],
            NoteKind.FEAR: [
                "Que l'alliance s'essouffle après les États généraux.",
                "Que les pouvoirs publics ne reconnaissent pas un collectif informel.",
            ],
            NoteKind.LEVER: [
                "S'appuyer sur les rencontres territoriales déjà organisées.",
                "Une charte courte, signée par chaque CAE.",
            ],
            NoteKind.STRENGTH: [
                "La souplesse : chaque réseau garde son identité.",
                "Des habitudes de travail communes depuis la consultation.",
            ],
        },
        "positions": {
            "cpe": (Position.OPPOSES, "Une alliance sans structure ne pèsera pas assez."),
            "copea": (Position.UNDECIDED, "Copéa attend de voir les moyens proposés."),
            "cgscop": (Position.OPPOSES, "Il faut une représentation identifiée."),
            "bigre": (Position.SUPPORTS, "La souplesse préserve la diversité des CAE."),
            "scop-btp": (Position.UNDECIDED, ""),
        },
    },
    {
        "slug": "scenario-inter-reseaux",
        "title": "Une structure inter-réseaux hors de la CGSCOP",
        "summary": (
            "Une association nationale des CAE, créée par les réseaux, indépendante du "
            "mouvement des SCOP."
        ),
        "paragraphs": [
            "Les réseaux de CAE créent ensemble une association nationale, distincte de la "
            "CGSCOP, qui porte la voix de toutes les CAE.",
            COMMON_CONTEXT,
            "L'association a pour missions la représentation et le lobbying, la communication "
            "et la promotion de l'entrepreneuriat salarié, l'appui juridique et un "
            "observatoire des CAE.",
            "Son conseil d'administration réunit les réseaux fondateurs et des CAE élues ; "
            "chaque CAE adhérente dispose d'une voix.",
            "Elle est financée par les cotisations des CAE et des réseaux, proportionnelles au "
            "nombre d'entrepreneurs-salariés, avec un plafond.",
        ],
        "revision": {
            "index": 3,
            "text": "Son conseil d'administration réunit les réseaux fondateurs et des CAE "
            "élues par collège territorial ; chaque CAE adhérente dispose d'une voix.",
            "note": "Élection par collèges territoriaux",
        },
        "accepted": {
            "index": 2,
            "text": "L'association a pour missions la représentation et le lobbying, la "
            "communication et la promotion de l'entrepreneuriat salarié, l'appui juridique, "
            "la formation des équipes d'appui et un observatoire des CAE.",
            "rationale": "La formation des équipes d'appui est un besoin partagé.",
        },
        "pending": {
            "index": 4,
            "text": "Elle est financée par les cotisations des CAE, proportionnelles au nombre "
            "d'entrepreneurs-salariés, et par des financements publics.",
            "rationale": "Les réseaux cotisent déjà par ailleurs ; évitons la double cotisation.",
        },
        "notes": {
            NoteKind.BRAKE: [
                "Créer une structure de plus dans un paysage déjà chargé.",
                "Le coût de fonctionnement d'une association nationale.",
            ],
            NoteKind.FEAR: [
                "Une rupture avec le mouvement coopératif des SCOP.",
                "Des cotisations trop lourdes pour les petites CAE.",
            ],
            NoteKind.LEVER: [
                "Une gouvernance où chaque CAE a une voix.",
                "Mutualiser les outils juridiques des réseaux.",
            ],
            NoteKind.STRENGTH: [
                "L'expertise propre des CAE, reconnue par la loi ESS de 2014.",
                "Des réseaux habitués à coopérer.",
            ],
        },
        "positions": {
            "cpe": (Position.CONDITIONAL, "À condition que chaque réseau garde ses services."),
            "copea": (Position.SUPPORTS, "Une structure propre aux CAE nous convient."),
            "cgscop": (Position.OPPOSES, "Une structure hors du mouvement divise les forces."),
            "bigre": (Position.CONDITIONAL, "Si la gouvernance reste ouverte aux CAE."),
            "scop-btp": (Position.UNDECIDED, ""),
        },
    },
    {
        "slug": "scenario-federation-cgscop",
        "title": "Une structure fédérale au sein de la CGSCOP",
        "summary": (
            "Une fédération des CAE constituée au sein de la CGSCOP, à l'image des fédérations "
            "de métiers du mouvement coopératif."
        ),
        "paragraphs": [
            "Les CAE se constituent en fédération au sein de la Confédération générale des "
            "SCOP, aux côtés des fédérations existantes.",
            COMMON_CONTEXT,
            "La fédération représente toutes les CAE, appartenant ou non à un réseau, auprès "
            "des pouvoirs publics et porte leur promotion auprès du grand public.",
            "Sa gouvernance repose sur des collèges : un collège par réseau et un collège des "
            "CAE non affiliées, chacun avec une part fixe des voix.",
            "Le projet, le modèle économique et la gouvernance détaillée seront étudiés par "
            "un comité de pilotage, qui soumettra ses documents aux CAE.",
        ],
        "revision": {
            "index": 2,
            "text": "La fédération représente toutes les CAE, appartenant ou non à un réseau, "
            "auprès des pouvoirs publics, porte leur promotion auprès du grand public et "
            "tient un observatoire des CAE.",
            "note": "Ajout de l'observatoire demandé en atelier",
        },
        "accepted": {
            "index": 4,
            "text": "Le projet, le modèle économique et la gouvernance détaillée seront étudiés "
            "par un comité de pilotage, qui soumettra ses documents aux CAE pour commentaire "
            "avant toute décision.",
            "rationale": "Les CAE doivent pouvoir commenter avant que le comité ne décide.",
        },
        "pending": {
            "index": 3,
            "text": "Sa gouvernance repose sur des collèges : un collège par réseau et un "
            "collège des CAE non affiliées ; les voix de chaque collège sont réparties entre "
            "ses CAE selon leur nombre d'entrepreneurs-salariés, avec un plafond.",
            "rationale": "Les grandes CAE portent davantage d'entrepreneurs-salariés.",
        },
        "notes": {
            NoteKind.BRAKE: [
                "Les CAE hors réseau connaissent mal la CGSCOP.",
                "L'adhésion à la CGSCOP a un coût pour chaque CAE.",
            ],
            NoteKind.FEAR: [
                "Que la spécificité des CAE se dilue dans le mouvement des SCOP.",
                "Que les petits réseaux perdent leur voix.",
            ],
            NoteKind.LEVER: [
                "La reconnaissance institutionnelle déjà acquise par la CGSCOP.",
                "Des collèges qui garantissent la place de chaque réseau.",
            ],
            NoteKind.STRENGTH: [
                "Le poids politique du mouvement coopératif.",
                "Des services juridiques et un réseau régional existants.",
            ],
        },
        "positions": {
            "cpe": (Position.SUPPORTS, "CPE s'investira pleinement dans ce chantier."),
            "copea": (
                Position.CONDITIONAL,
                "À condition que les collèges protègent chaque réseau.",
            ),
            "cgscop": (Position.SUPPORTS, "La CGSCOP accueillera la fédération des CAE."),
            "bigre": (Position.CONDITIONAL, "Si les CAE hors réseau y ont toute leur place."),
            "scop-btp": (Position.SUPPORTS, ""),
        },
        # Copéa first waited, then stated its conditions: the history keeps both.
        "earlier_positions": {"copea": (Position.UNDECIDED, "Copéa consulte ses CAE.")},
    },
]

WORKSHOP_SESSIONS = ["Atelier 1 (14 septembre)", "Atelier 2 (14 septembre)"]


def _spokesperson(network: Network, fallback: User) -> User:
    delegate = (
        User.objects.filter(is_delegate=True, organisation__networks=network, is_active=True)
        .order_by("username")
        .first()
    )
    return delegate or fallback


def _load_scenario(spec: dict, *, process, copil, facilitator, members) -> Proposal:
    body = "\n\n".join(spec["paragraphs"])
    proposal = services.proposal_create(
        actor=copil,
        title=spec["title"],
        summary=spec["summary"],
        body=body,
        process=process,
        by_steering_committee=True,
        slug=spec["slug"],
    )
    services.proposal_set_status(actor=copil, proposal=proposal, status=ProposalStatus.OPEN)

    paragraphs = list(spec["paragraphs"])
    paragraphs[spec["revision"]["index"]] = spec["revision"]["text"]
    services.proposal_update(
        actor=copil, proposal=proposal, body="\n\n".join(paragraphs), note=spec["revision"]["note"]
    )

    accepted = services.amendment_create(
        actor=members[0],
        proposal=proposal,
        paragraph_index=spec["accepted"]["index"],
        replacement_text=spec["accepted"]["text"],
        rationale=spec["accepted"]["rationale"],
    )
    services.amendment_accept(
        actor=copil, amendment=accepted, reason="Retenu par le comité de pilotage."
    )
    services.amendment_create(
        actor=members[1],
        proposal=proposal,
        paragraph_index=spec["pending"]["index"],
        replacement_text=spec["pending"]["text"],
        rationale=spec["pending"]["rationale"],
    )

    for kind, texts in spec["notes"].items():
        for n, text in enumerate(texts):
            note = services.workshop_note_create(
                actor=facilitator,
                proposal=proposal,
                kind=kind,
                text=text,
                session=WORKSHOP_SESSIONS[n % len(WORKSHOP_SESSIONS)],
            )
            for member in members[: 2 + (len(text) % 5)]:
                services.note_endorse(actor=member, note=note)

    for slug, (position, statement) in spec.get("earlier_positions", {}).items():
        network = Network.objects.get(slug=slug)
        services.network_position_state(
            actor=_spokesperson(network, copil),
            proposal=proposal,
            network=network,
            position=position,
            statement=statement,
        )
    for slug, (position, statement) in spec["positions"].items():
        network = Network.objects.get(slug=slug)
        services.network_position_state(
            actor=_spokesperson(network, copil),
            proposal=proposal,
            network=network,
            position=position,
            statement=statement,
        )
    return proposal


def load(*, stdout=None) -> dict:
    process, _ = Process.objects.update_or_create(
        slug=PROCESS["slug"], defaults={k: v for k, v in PROCESS.items() if k != "slug"}
    )
    copil = User.objects.get(username="copil")
    facilitator = User.objects.get(username="secretariat")
    # One member from each of several CAEs, so that endorsements come from different CAEs.
    members = []
    for organisation in Organisation.objects.active().order_by("name")[:8]:
        person = organisation.people.filter(is_active=True).order_by("username").first()
        if person is not None:
            members.append(person)

    created = 0
    for spec in SCENARIOS:
        if Proposal.objects.filter(slug=spec["slug"]).exists():
            continue
        _load_scenario(spec, process=process, copil=copil, facilitator=facilitator, members=members)
        created += 1
    return {"process": process.slug, "scenarios_created": created}
