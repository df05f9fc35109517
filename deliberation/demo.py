"""Demo debates on the three alliance scenarios (États généraux 2018).

Comments of every stance from CAEs of every network, replies, and reactions from most demo
people, shaped so that the synthesis finds clear convergences (points every network agrees
with) and divergences between networks (CPE and BIGRE for, CGSCOP against, and the reverse).
Deterministic; a scenario whose debate already has comments is left as it is.
"""

import random

from django.apps import apps
from django.db import transaction

from alliance.models import Network, User
from deliberation import services
from deliberation.models import Comment, Reaction, ReactionKind

NO_NETWORK = "none"
NETWORK_SLUGS = ["cpe", "copea", "cgscop", "bigre", "scop-btp", NO_NETWORK]
EVERYONE_AGREES = dict.fromkeys(NETWORK_SLUGS, 0.85)

# Per scenario: comments in order. Each: (key, author's network, stance, text, parent key,
# agreement rate per network when it is a point for the synthesis, else None).
SCENARIOS = {
    "scenario-informel": [
        (
            "start",
            "cpe",
            "convergence",
            "Une alliance informelle permet de **démarrer vite**, sans frais de structure "
            "ni statuts à négocier.",
            None,
            EVERYONE_AGREES,
        ),
        (
            "autonomy",
            "cpe",
            "convergence",
            "Sans structure juridique, chaque réseau garde son **autonomie** : c'est ce qui "
            "rend l'alliance acceptable pour tous.",
            None,
            {
                "cpe": 0.92,
                "copea": 0.8,
                "cgscop": 0.12,
                "bigre": 0.78,
                "scop-btp": 0.3,
                NO_NETWORK: 0.6,
            },
        ),
        (
            "voice",
            "cgscop",
            "divergence",
            "Sans personnalité juridique, l'alliance ne pourra ni signer une convention avec "
            "l'État ni porter un plaidoyer crédible.",
            "autonomy",
            {
                "cpe": 0.2,
                "copea": 0.35,
                "cgscop": 0.93,
                "bigre": 0.3,
                "scop-btp": 0.85,
                NO_NETWORK: 0.5,
            },
        ),
        (
            "charter",
            "copea",
            "suggestion",
            "Proposition : une **charte commune** signée par chaque CAE, même sans statut, "
            "avec des engagements d'entraide.",
            None,
            dict.fromkeys(NETWORK_SLUGS, 0.82),
        ),
        (
            "who-pays",
            "bigre",
            "question",
            "Qui financerait l'animation d'un réseau informel ? Les cotisations de chaque "
            "réseau, ou un appel à projets ?",
            None,
            None,
        ),
        (
            "who-pays-answer",
            "cpe",
            "none",
            "Une contribution symbolique par CAE suffirait pour la première année.",
            "who-pays",
            None,
        ),
        (
            "territories",
            NO_NETWORK,
            "convergence",
            "Les rencontres territoriales ont montré que les CAE hors réseau veulent aussi "
            "une place : l'informel la leur laisse.",
            None,
            None,
        ),
    ],
    "scenario-inter-reseaux": [
        (
            "equal-voice",
            "copea",
            "convergence",
            "Une structure inter-réseaux hors CGSCOP donne une **voix égale** à chaque réseau.",
            None,
            {
                "cpe": 0.85,
                "copea": 0.9,
                "cgscop": 0.15,
                "bigre": 0.82,
                "scop-btp": 0.3,
                NO_NETWORK: 0.65,
            },
        ),
        (
            "cost",
            "scop-btp",
            "divergence",
            "Le **financement** d'une nouvelle structure est le principal frein : personne "
            "n'a le budget d'un secrétariat permanent.",
            None,
            dict.fromkeys(NETWORK_SLUGS, 0.8),
        ),
        (
            "observatory",
            "bigre",
            "suggestion",
            "L'**observatoire des CAE** doit être commun, quel que soit le scénario retenu.",
            None,
            dict.fromkeys(NETWORK_SLUGS, 0.9),
        ),
        (
            "duplicate",
            "cgscop",
            "divergence",
            "Une structure de plus ferait doublon avec la CGSCOP, qui représente déjà les "
            "coopératives.",
            "equal-voice",
            None,
        ),
        (
            "duplicate-answer",
            "cpe",
            "none",
            "Les CAE ont des besoins propres (statut d'entrepreneur-salarié) que la CGSCOP ne "
            "porte pas seule.",
            "duplicate",
            None,
        ),
        (
            "governance",
            NO_NETWORK,
            "question",
            "Comment les CAE hors réseau seraient-elles représentées dans la gouvernance ?",
            None,
            None,
        ),
    ],
    "scenario-federation-cgscop": [
        (
            "recognition",
            "cgscop",
            "convergence",
            "S'adosser à la CGSCOP apporte une **représentation reconnue** par les pouvoirs "
            "publics et des moyens existants.",
            None,
            {
                "cpe": 0.55,
                "copea": 0.5,
                "cgscop": 0.95,
                "bigre": 0.4,
                "scop-btp": 0.9,
                NO_NETWORK: 0.75,
            },
        ),
        (
            "college",
            "cpe",
            "suggestion",
            "Les CAE doivent garder un **collège propre** dans la fédération, avec un budget "
            "fléché.",
            None,
            dict.fromkeys(NETWORK_SLUGS, 0.86),
        ),
        (
            "dilution",
            "bigre",
            "divergence",
            "La fédération risque de **diluer la spécificité** des CAE dans l'ensemble des SCOP.",
            None,
            {
                "cpe": 0.75,
                "copea": 0.6,
                "cgscop": 0.12,
                "bigre": 0.85,
                "scop-btp": 0.25,
                NO_NETWORK: 0.45,
            },
        ),
        (
            "dilution-answer",
            "cgscop",
            "none",
            "Un collège CAE avec droit de veto sur ses sujets répond à cette crainte.",
            "dilution",
            None,
        ),
        (
            "calendar",
            "copea",
            "question",
            "Quel calendrier pour une décision ? Une assemblée avant la fin de l'année ?",
            None,
            None,
        ),
        (
            "support",
            "scop-btp",
            "convergence",
            "C'est le scénario qui a recueilli le plus d'avis favorables aux États généraux.",
            None,
            None,
        ),
    ],
}

REACTING_SHARE = 0.85  # of demo people react to each point
PASS_SHARE = 0.08


def _say(stdout, text: str) -> None:
    if stdout is not None:
        stdout.write(text)


def _scenario_targets(stdout) -> dict:
    try:
        proposal_model = apps.get_model("proposals", "Proposal")
    except LookupError:
        _say(stdout, "deliberation.demo: pas de modèle Proposal, débats de démo non chargés.")
        return {}
    found = {p.slug: p for p in proposal_model.objects.filter(slug__in=list(SCENARIOS))}
    missing = sorted(set(SCENARIOS) - set(found))
    if missing:
        _say(stdout, f"deliberation.demo: scénarios absents ({', '.join(missing)}), ignorés.")
    return found


def _people_by_network() -> tuple[dict[str, list], list]:
    """Demo people with a CAE, grouped by network (a CAE in two networks counts in both)."""
    people = list(
        User.objects.filter(organisation__isnull=False, is_active=True)
        .select_related("organisation")
        .prefetch_related("organisation__networks")
        .order_by("username")
    )
    groups: dict[str, list] = {slug: [] for slug in NETWORK_SLUGS}
    for person in people:
        slugs = [n.slug for n in person.organisation.networks.all()] or [NO_NETWORK]
        person.network_slugs = slugs
        for slug in slugs:
            groups.setdefault(slug, []).append(person)
    return groups, people


def _author(groups, network: str, used: set, known: set):
    """The next demo person of that network not yet writing in this debate, from a CAE of
    that network only when there is one (so the comment speaks for that network)."""
    members = [p for p in groups.get(network) or [] if p.username not in known]
    candidates = [p for p in members if len(p.network_slugs) == 1] + [
        p for p in members if len(p.network_slugs) > 1
    ]
    for person in candidates:
        if person.pk not in used:
            used.add(person.pk)
            return person
    return candidates[0] if candidates else None


def _reaction_kind(rng: random.Random, person, rates: dict) -> str:
    """In the demo a CAE that is also in the CGSCOP sides with the confederation; others
    follow their network."""
    slugs = person.network_slugs
    side = "cgscop" if "cgscop" in slugs else slugs[0]
    rate = rates.get(side, 0.5)
    if rng.random() < PASS_SHARE:
        return ReactionKind.PASS
    return ReactionKind.AGREE if rng.random() < rate else ReactionKind.DISAGREE


def _load_scenario(slug: str, target, groups, people, known: set) -> dict:
    thread = services.thread_for(target)
    if thread.comments.exists():
        return {"comments": 0, "reactions": 0}
    rng = random.Random(f"debate-{slug}")
    written: dict[str, Comment] = {}
    rates_by_comment: dict[int, dict] = {}
    used: set[int] = set()
    for key, network, stance, body, parent_key, rates in SCENARIOS[slug]:
        author = _author(groups, network, used, known)
        if author is None:
            continue
        comment = services.comment_create(
            author=author,
            thread=thread,
            body=body,
            stance=stance,
            parent=written.get(parent_key),
        )
        written[key] = comment
        if rates is not None:
            rates_by_comment[comment.pk] = rates
    Comment.objects.filter(pk__in=list(rates_by_comment)).update(is_point=True)

    reactions = []
    for comment in written.values():
        rates = rates_by_comment.get(comment.pk)
        share = REACTING_SHARE if rates else 0.3
        for person in people:
            if person.pk == comment.author_id or rng.random() >= share:
                continue
            if person.username in known:  # the demo accounts react for themselves
                continue
            kind = _reaction_kind(rng, person, rates or {})
            reactions.append(
                Reaction(
                    comment=comment, person=person, organisation=person.organisation, kind=kind
                )
            )
    Reaction.objects.bulk_create(reactions, ignore_conflicts=True)
    _reactions_changed_after_commit(thread.pk)
    return {"comments": len(written), "reactions": len(reactions)}


def _reactions_changed_after_commit(thread_id: int) -> None:
    from deliberation.synthesis import hooks

    transaction.on_commit(lambda: hooks.reactions_changed(thread_id=thread_id))


def load(*, stdout=None, targets: dict | None = None) -> dict:
    """`targets` maps scenario slugs to the objects to debate (the scenario proposals when
    omitted). Needs the demo cast of `alliance.demo`."""
    if targets is None:
        targets = _scenario_targets(stdout)
    if not targets:
        return {"skipped": True}
    if not Network.objects.filter(slug__in=NETWORK_SLUGS).exists():
        _say(stdout, "deliberation.demo: pas de réseaux de démo, débats non chargés.")
        return {"skipped": True}
    from alliance.demo import KNOWN_ACCOUNTS

    known = {username for username, *_rest in KNOWN_ACCOUNTS}
    groups, people = _people_by_network()
    summary = {"comments": 0, "reactions": 0}
    with transaction.atomic():
        for slug in SCENARIOS:
            if slug in targets:
                loaded = _load_scenario(slug, targets[slug], groups, people, known)
                summary["comments"] += loaded["comments"]
                summary["reactions"] += loaded["reactions"]
    return summary
