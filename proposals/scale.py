"""Benchmark data: one open proposal to hang a large debate on."""

from alliance.models import User
from proposals.models import Proposal, ProposalStatus
from proposals.scenarios import services

SLUG = "bench-proposal"


def bench_proposal() -> Proposal:
    existing = Proposal.objects.filter(slug=SLUG).first()
    if existing is not None:
        return existing
    steering, _created = User.objects.get_or_create(
        username="bench-copil", defaults={"is_steering_committee": True, "last_name": "Copil"}
    )
    proposal = services.proposal_create(
        actor=steering,
        title="Proposition de mesure",
        summary="Un long débat pour mesurer les pages et l'API.",
        body="Une proposition de mesure.\n\nElle porte un long débat.",
        by_steering_committee=True,
        slug=SLUG,
    )
    return services.proposal_set_status(
        actor=steering, proposal=proposal, status=ProposalStatus.OPEN
    )
