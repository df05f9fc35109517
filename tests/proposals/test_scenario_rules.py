import pytest
from django.contrib.auth.models import AnonymousUser

from proposals.models import ProposalStatus
from proposals.scenarios import rules, services
from tests.factories import (
    DelegateFactory,
    NetworkFactory,
    OrganisationFactory,
    SecretariatFactory,
    SteeringCommitteeFactory,
    UserFactory,
)
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    network = NetworkFactory()
    cae = OrganisationFactory(networks=[network])
    return {
        "anonymous": AnonymousUser(),
        "member": UserFactory(organisation=cae),
        "delegate": DelegateFactory(organisation=cae),
        "outside_delegate": DelegateFactory(),
        "steering": SteeringCommitteeFactory(),
        "secretariat": SecretariatFactory(),
        "inactive_cae_member": UserFactory(organisation=OrganisationFactory(active=False)),
        "network": network,
    }


def who(people, predicate):
    return {name for name, person in people.items() if name != "network" and predicate(person)}


def test_who_may_amend_an_open_proposal(people):
    proposal = make_proposal()
    assert who(people, lambda p: rules.can_propose_amendment(p, proposal)) == {
        "member",
        "delegate",
        "outside_delegate",
        "steering",
    }
    closed = make_proposal(status=ProposalStatus.VOTING)
    assert who(people, lambda p: rules.can_propose_amendment(p, closed)) == set()


def test_who_may_add_workshop_notes_and_endorse(people):
    proposal = make_proposal()
    assert who(people, lambda p: rules.can_add_workshop_note(p, proposal)) == {
        "member",
        "delegate",
        "outside_delegate",
        "steering",
        "secretariat",
    }
    assert who(people, rules.can_endorse_note) == {
        "member",
        "delegate",
        "outside_delegate",
        "steering",
    }


def test_who_speaks_for_a_network(people):
    network = people["network"]
    assert who(people, lambda p: rules.can_state_position(p, network)) == {"delegate", "steering"}


def test_who_sees_and_edits_a_cae_draft(people):
    draft = services.proposal_create(actor=people["member"], title="T", body="B")
    assert who(people, lambda p: rules.can_view_proposal(p, draft)) == {
        "member",
        "delegate",
        "steering",
    }
    assert who(people, lambda p: rules.can_edit_proposal(p, draft)) == {
        "member",
        "delegate",
        "steering",
    }
    assert who(people, lambda p: bool(rules.allowed_transitions(p, draft))) == {
        "member",
        "delegate",
        "steering",
    }
    assert rules.allowed_transitions(people["member"], draft) == {ProposalStatus.WITHDRAWN}


def test_only_the_steering_committee_decides_and_edits_open_proposals(people):
    proposal = make_proposal()
    amendment = services.amendment_create(
        actor=people["member"], proposal=proposal, replacement_text="x", rationale="r"
    )
    assert who(people, lambda p: rules.can_decide_amendment(p, amendment)) == {"steering"}
    assert who(people, lambda p: rules.can_edit_proposal(p, proposal)) == {"steering"}
    assert who(people, lambda p: rules.can_withdraw_amendment(p, amendment)) == {
        "member",
        "delegate",
    }
    adopted = make_proposal(status=ProposalStatus.ADOPTED)
    assert who(people, lambda p: rules.can_edit_proposal(p, adopted)) == set()
