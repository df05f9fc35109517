"""Proposals for tests, made through the services so that they carry their versions."""

from proposals.models import ProposalStatus
from proposals.scenarios import services
from tests.factories import SteeringCommitteeFactory

BODY = "Premier paragraphe sur la charte.\n\nDeuxième paragraphe sur la gouvernance.\n\nTroisième paragraphe sur le financement."


def make_proposal(*, status=ProposalStatus.OPEN, body=BODY, title="Scénario d'essai", actor=None):
    actor = actor or SteeringCommitteeFactory()
    proposal = services.proposal_create(
        actor=actor, title=title, body=body, summary="Résumé.", by_steering_committee=True
    )
    path = {
        ProposalStatus.DRAFT: [],
        ProposalStatus.OPEN: [ProposalStatus.OPEN],
        ProposalStatus.VOTING: [ProposalStatus.OPEN, ProposalStatus.VOTING],
        ProposalStatus.ADOPTED: [ProposalStatus.OPEN, ProposalStatus.ADOPTED],
        ProposalStatus.REJECTED: [ProposalStatus.OPEN, ProposalStatus.REJECTED],
        ProposalStatus.WITHDRAWN: [ProposalStatus.WITHDRAWN],
    }[status]
    for step in path:
        services.proposal_set_status(actor=actor, proposal=proposal, status=step)
    proposal.refresh_from_db()
    return proposal
