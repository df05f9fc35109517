"""Who may do what with proposals, amendments, workshop notes and network positions.

Built on `alliance.rules`; pages, the API and the services all ask these functions.
"""

from django.db.models import Q

from alliance import rules
from proposals.models import Amendment, AmendmentStatus, Proposal, ProposalStatus

# Which status the steering committee may move a proposal to, from each status.
TRANSITIONS = {
    ProposalStatus.DRAFT: {ProposalStatus.OPEN, ProposalStatus.WITHDRAWN},
    ProposalStatus.OPEN: {
        ProposalStatus.VOTING,
        ProposalStatus.ADOPTED,
        ProposalStatus.REJECTED,
        ProposalStatus.WITHDRAWN,
    },
    ProposalStatus.VOTING: {
        ProposalStatus.OPEN,
        ProposalStatus.ADOPTED,
        ProposalStatus.REJECTED,
        ProposalStatus.WITHDRAWN,
    },
    ProposalStatus.ADOPTED: set(),
    ProposalStatus.REJECTED: set(),
    ProposalStatus.WITHDRAWN: set(),
}


def is_author_cae(user, proposal: Proposal) -> bool:
    return (
        proposal.author_organisation_id is not None
        and rules.is_member(user)
        and user.organisation_id == proposal.author_organisation_id
    )


def can_view_proposal(user, proposal: Proposal) -> bool:
    """Drafts are seen by the steering committee and the CAE writing them; the rest is public."""
    if proposal.status != ProposalStatus.DRAFT:
        return True
    return rules.is_steering_committee(user) or is_author_cae(user, proposal)


def visible_proposals(user) -> Q | None:
    """`can_view_proposal` as a filter over proposals (None: every proposal)."""
    if rules.is_steering_committee(user):
        return None
    seen = ~Q(status=ProposalStatus.DRAFT)
    if rules.is_member(user):
        seen |= Q(author_organisation_id=user.organisation_id)
    return seen


def can_view_amendment(user, amendment: Amendment) -> bool:
    """An amendment is seen by whoever sees its proposal."""
    return can_view_proposal(user, amendment.proposal)


def visible_amendments(user) -> Q | None:
    proposals = visible_proposals(user)
    return None if proposals is None else Q(proposal__in=Proposal.objects.filter(proposals))


def can_create_proposal(user) -> bool:
    return rules.is_steering_committee(user) or rules.is_member(user)


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """The steering committee edits until a final decision; the author CAE while draft."""
    if proposal.is_final:
        return False
    if rules.is_steering_committee(user):
        return True
    return proposal.status == ProposalStatus.DRAFT and is_author_cae(user, proposal)


def allowed_transitions(user, proposal: Proposal) -> set[str]:
    if rules.is_steering_committee(user):
        return set(TRANSITIONS[proposal.status])
    if is_author_cae(user, proposal) and proposal.status == ProposalStatus.DRAFT:
        return {ProposalStatus.WITHDRAWN}
    return set()


def can_propose_amendment(user, proposal: Proposal) -> bool:
    """Any member acting for their CAE, on a proposal open for comment."""
    return rules.is_member(user) and proposal.is_open_for_comment


def can_decide_amendment(user, amendment: Amendment) -> bool:
    return rules.is_steering_committee(user) and amendment.status == AmendmentStatus.PENDING


def can_withdraw_amendment(user, amendment: Amendment) -> bool:
    """The CAE that proposed it withdraws it, through any of its members, while pending."""
    return amendment.status == AmendmentStatus.PENDING and rules.can_act_for(
        user, amendment.organisation
    )


def can_add_workshop_note(user, proposal: Proposal) -> bool:
    return (rules.is_facilitator(user) or rules.is_member(user)) and proposal.is_open_for_comment


def can_endorse_note(user) -> bool:
    return rules.is_member(user)


def can_state_position(user, network) -> bool:
    return rules.speaks_for_network(user, network)
