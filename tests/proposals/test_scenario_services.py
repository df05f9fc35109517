import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError
from django.db.models import RestrictedError

from alliance.errors import AllianceError, NotAllowed
from deliberation.models import Follow, Notification
from proposals.models import (
    Amendment,
    AmendmentStatus,
    NetworkPosition,
    NoteEndorsement,
    NoteKind,
    Position,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    WorkshopNote,
)
from proposals.scenarios import services
from tests.factories import (
    DelegateFactory,
    NetworkFactory,
    OrganisationFactory,
    SteeringCommitteeFactory,
    UserFactory,
)
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db


def raises_code(code):
    class Matcher:
        def __enter__(self):
            return self

        def __exit__(self, exc_type, exc, tb):
            assert exc_type is not None and issubclass(exc_type, AllianceError), "no error"
            assert exc.code == code, exc.code
            return True

    return Matcher()


# --- Proposals and versions ---------------------------------------------------------------------


def test_a_member_drafts_a_proposal_for_their_cae_with_version_one(member):
    proposal = services.proposal_create(actor=member, title="Une idée", body="Texte **fort**.")
    assert proposal.status == ProposalStatus.DRAFT
    assert proposal.author_organisation == member.organisation
    assert not proposal.by_steering_committee
    assert proposal.slug == "une-idee"
    assert "<strong>fort</strong>" in proposal.body_html
    assert list(proposal.versions.values_list("number", flat=True)) == [1]


def test_only_the_steering_committee_writes_in_its_own_name(member, steering):
    with raises_code("not_steering_committee"):
        services.proposal_create(actor=member, title="T", body="B", by_steering_committee=True)
    proposal = services.proposal_create(
        actor=steering, title="T", body="B", by_steering_committee=True
    )
    assert proposal.author_organisation is None


def test_slugs_stay_unique_and_avoid_page_paths(member):
    first = services.proposal_create(actor=member, title="Nouvelle", body="B")
    second = services.proposal_create(actor=member, title="Nouvelle", body="B")
    assert first.slug == "nouvelle-proposition"
    assert second.slug == "nouvelle-proposition-2"


def test_markdown_carrying_scripts_is_sanitised(member):
    body = 'Bonjour <script>alert(1)</script> [lien](javascript:alert(2)) <img src=x onerror="x()">'
    proposal = services.proposal_create(actor=member, title="T", body=body)
    html = proposal.body_html + proposal.versions.get().body_html
    assert "<script" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "Bonjour" in html


def test_each_edit_makes_an_immutable_numbered_version(steering):
    proposal = make_proposal(actor=steering)
    services.proposal_update(actor=steering, proposal=proposal, body="Nouveau texte.", note="n")
    services.proposal_update(actor=steering, proposal=proposal, title="Nouveau titre")
    proposal.refresh_from_db()
    assert proposal.current_version == 3
    versions = list(proposal.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[0].body.startswith("Premier paragraphe")
    assert versions[1].body == "Nouveau texte." and versions[1].note == "n"
    assert versions[2].title == "Nouveau titre" and versions[2].body == "Nouveau texte."


def test_version_numbers_are_unique_in_the_database(steering):
    proposal = make_proposal(actor=steering)
    with pytest.raises(IntegrityError):
        ProposalVersion.objects.create(
            proposal=proposal, number=1, title="x", body="x", body_html="x"
        )


def test_an_edit_that_changes_nothing_is_refused(steering):
    proposal = make_proposal(actor=steering)
    with raises_code("no_change"):
        services.proposal_update(actor=steering, proposal=proposal, body=proposal.body)
    assert proposal.versions.count() == 1


def test_a_stale_editor_gets_a_version_conflict(steering):
    proposal = make_proposal(actor=steering)
    services.proposal_update(actor=steering, proposal=proposal, body="v2", expected_version=1)
    with raises_code("version_conflict"):
        services.proposal_update(actor=steering, proposal=proposal, body="v3", expected_version=1)
    assert proposal.versions.count() == 2


def test_the_author_cae_edits_its_draft_only_while_draft(member, steering):
    proposal = services.proposal_create(actor=member, title="T", body="B")
    colleague = UserFactory(organisation=member.organisation)
    services.proposal_update(actor=colleague, proposal=proposal, body="B2")
    with pytest.raises(NotAllowed):
        services.proposal_update(actor=UserFactory(), proposal=proposal, body="B3")
    services.proposal_set_status(actor=steering, proposal=proposal, status=ProposalStatus.OPEN)
    with pytest.raises(NotAllowed):
        services.proposal_update(actor=member, proposal=proposal, body="B4")
    services.proposal_update(actor=steering, proposal=proposal, body="B4")


def test_empty_and_too_long_texts_are_refused(member):
    with raises_code("required"):
        services.proposal_create(actor=member, title="  ", body="B")
    with raises_code("too_long"):
        services.proposal_create(actor=member, title="T" * 201, body="B")
    assert not Proposal.objects.exists()


def test_status_transitions_follow_the_rules(steering, member):
    proposal = make_proposal(actor=steering, status=ProposalStatus.DRAFT)
    with pytest.raises(NotAllowed):
        services.proposal_set_status(actor=member, proposal=proposal, status=ProposalStatus.OPEN)
    with raises_code("invalid_transition"):
        services.proposal_set_status(
            actor=steering, proposal=proposal, status=ProposalStatus.ADOPTED
        )
    with raises_code("invalid_status"):
        services.proposal_set_status(actor=steering, proposal=proposal, status="nimporte")
    for status in (ProposalStatus.OPEN, ProposalStatus.VOTING, ProposalStatus.ADOPTED):
        services.proposal_set_status(actor=steering, proposal=proposal, status=status)
    with pytest.raises(NotAllowed):  # adopted is final
        services.proposal_set_status(actor=steering, proposal=proposal, status=ProposalStatus.OPEN)


def test_the_author_cae_may_withdraw_its_own_draft(member):
    proposal = services.proposal_create(actor=member, title="T", body="B")
    services.proposal_set_status(actor=member, proposal=proposal, status=ProposalStatus.WITHDRAWN)
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.WITHDRAWN


# --- Amendments ---------------------------------------------------------------------------------


def test_a_member_amends_a_paragraph_and_the_steering_committee_accepts(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member,
        proposal=proposal,
        paragraph_index=1,
        replacement_text="Deuxième paragraphe sur la gouvernance partagée.",
        rationale="Plus précis.",
    )
    assert amendment.organisation == member.organisation
    assert amendment.original_text == "Deuxième paragraphe sur la gouvernance."
    assert amendment.base_version.number == 1

    version = services.amendment_accept(actor=steering, amendment=amendment)
    proposal.refresh_from_db()
    amendment.refresh_from_db()
    assert version.number == 2 and proposal.current_version == 2
    assert version.amendment == amendment
    assert amendment.status == AmendmentStatus.ACCEPTED and amendment.decided_by == steering
    assert "la gouvernance partagée." in proposal.body
    assert proposal.body.startswith("Premier paragraphe sur la charte.\n\n")
    assert proposal.body.endswith("\n\nTroisième paragraphe sur le financement.")


def test_a_whole_body_amendment_replaces_the_text(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="Tout autre texte.", rationale="R"
    )
    services.amendment_accept(actor=steering, amendment=amendment)
    proposal.refresh_from_db()
    assert proposal.body == "Tout autre texte."


def test_amendment_to_a_closed_proposal_is_refused(member):
    for status in (ProposalStatus.DRAFT, ProposalStatus.VOTING, ProposalStatus.ADOPTED):
        proposal = make_proposal(status=status)
        with raises_code("proposal_closed"):
            services.amendment_create(
                actor=member, proposal=proposal, replacement_text="x", rationale="r"
            )
    assert not Amendment.objects.exists()


def test_amendment_bad_inputs_change_nothing(member, secretariat):
    proposal = make_proposal()
    with raises_code("paragraph_out_of_range"):
        services.amendment_create(
            actor=member, proposal=proposal, paragraph_index=9, replacement_text="x", rationale="r"
        )
    with raises_code("amendment_unchanged"):
        services.amendment_create(
            actor=member,
            proposal=proposal,
            paragraph_index=0,
            replacement_text="Premier paragraphe sur la charte.",
            rationale="r",
        )
    with raises_code("required"):
        services.amendment_create(
            actor=member, proposal=proposal, replacement_text="x", rationale=" "
        )
    with raises_code("version_not_found"):
        services.amendment_create(
            actor=member, proposal=proposal, replacement_text="x", rationale="r", base_version=7
        )
    with raises_code("not_member"):  # the secretariat belongs to no CAE
        services.amendment_create(
            actor=secretariat, proposal=proposal, replacement_text="x", rationale="r"
        )
    assert not Amendment.objects.exists()


def test_accepting_an_outdated_amendment_is_a_conflict(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, paragraph_index=1, replacement_text="x", rationale="r"
    )
    services.proposal_update(
        actor=steering,
        proposal=proposal,
        body=proposal.body.replace("la gouvernance", "la gouvernance collégiale"),
    )
    with raises_code("amendment_outdated"):
        services.amendment_accept(actor=steering, amendment=amendment)
    amendment.refresh_from_db()
    proposal.refresh_from_db()
    assert amendment.status == AmendmentStatus.PENDING
    assert proposal.current_version == 2


def test_an_amendment_follows_its_paragraph_when_another_is_inserted_above(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, paragraph_index=1, replacement_text="Neuf.", rationale="r"
    )
    services.proposal_update(
        actor=steering, proposal=proposal, body="Préambule.\n\n" + proposal.body
    )
    services.amendment_accept(actor=steering, amendment=amendment)
    proposal.refresh_from_db()
    assert proposal.body.split("\n\n") == [
        "Préambule.",
        "Premier paragraphe sur la charte.",
        "Neuf.",
        "Troisième paragraphe sur le financement.",
    ]


def test_an_amendment_is_decided_once(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    services.amendment_reject(actor=steering, amendment=amendment, reason="Hors sujet.")
    with raises_code("already_decided"):
        services.amendment_accept(actor=steering, amendment=amendment)
    with raises_code("already_decided"):
        services.amendment_withdraw(actor=member, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.REJECTED
    assert amendment.decision_reason == "Hors sujet."


def test_rejection_needs_a_reason_and_the_steering_committee(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    with raises_code("required"):
        services.amendment_reject(actor=steering, amendment=amendment, reason="")
    with pytest.raises(NotAllowed):
        services.amendment_reject(actor=member, amendment=amendment, reason="Non")
    with pytest.raises(NotAllowed):
        services.amendment_accept(actor=member, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.PENDING


def test_only_the_proposing_cae_withdraws_its_amendment(member):
    proposal = make_proposal()
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    with raises_code("not_amendment_author"):
        services.amendment_withdraw(actor=UserFactory(), amendment=amendment)
    colleague = UserFactory(organisation=member.organisation)
    services.amendment_withdraw(actor=colleague, amendment=amendment)
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.WITHDRAWN


# --- Workshop notes -------------------------------------------------------------------------------


def test_a_facilitator_enters_notes_for_a_named_workshop(secretariat):
    proposal = make_proposal()
    note = services.workshop_note_create(
        actor=secretariat, proposal=proposal, kind=NoteKind.BRAKE, text="Coût", session="Atelier 1"
    )
    assert note.organisation is None and note.session == "Atelier 1"
    with raises_code("workshop_session_required"):
        services.workshop_note_create(
            actor=secretariat, proposal=proposal, kind=NoteKind.BRAKE, text="Coût"
        )


def test_a_member_enters_notes_for_their_cae_but_not_for_a_workshop(member):
    proposal = make_proposal()
    note = services.workshop_note_create(
        actor=member, proposal=proposal, kind=NoteKind.STRENGTH, text="Solidarité"
    )
    assert note.organisation == member.organisation and note.session == ""
    with raises_code("not_facilitator"):
        services.workshop_note_create(
            actor=member, proposal=proposal, kind=NoteKind.FEAR, text="x", session="Atelier"
        )


def test_note_bad_inputs_change_nothing(member):
    proposal = make_proposal()
    with raises_code("invalid_note_kind"):
        services.workshop_note_create(actor=member, proposal=proposal, kind="joie", text="x")
    with raises_code("too_long"):
        services.workshop_note_create(
            actor=member, proposal=proposal, kind=NoteKind.LEVER, text="x" * 1001
        )
    closed = make_proposal(status=ProposalStatus.ADOPTED)
    with raises_code("proposal_closed"):
        services.workshop_note_create(actor=member, proposal=closed, kind=NoteKind.LEVER, text="x")
    assert not WorkshopNote.objects.exists()


def test_endorsement_is_one_per_cae_and_toggles(member):
    proposal = make_proposal()
    note = services.workshop_note_create(
        actor=member, proposal=proposal, kind=NoteKind.LEVER, text="x"
    )
    colleague = UserFactory(organisation=member.organisation)
    assert services.note_endorse(actor=member, note=note) is True
    assert services.note_endorse(actor=colleague, note=note) is True  # same CAE: still one
    assert note.endorsements.count() == 1
    services.note_endorse(actor=UserFactory(), note=note)
    assert note.endorsements.count() == 2
    assert services.note_endorse(actor=colleague, note=note, endorsed=False) is False
    assert note.endorsements.count() == 1
    existing = note.endorsements.get()
    with pytest.raises(IntegrityError):
        NoteEndorsement.objects.create(note=note, organisation=existing.organisation, person=member)


def test_people_outside_a_cae_cannot_endorse(secretariat):
    proposal = make_proposal()
    note = services.workshop_note_create(
        actor=secretariat, proposal=proposal, kind=NoteKind.LEVER, text="x", session="A"
    )
    with raises_code("not_member"):
        services.note_endorse(actor=secretariat, note=note)


# --- Network positions ------------------------------------------------------------------------------


def test_a_delegate_states_their_networks_position_and_history_is_kept():
    network = NetworkFactory()
    delegate = DelegateFactory(organisation=OrganisationFactory(networks=[network]))
    proposal = make_proposal()
    first = services.network_position_state(
        actor=delegate, proposal=proposal, network=network, position=Position.UNDECIDED
    )
    second = services.network_position_state(
        actor=delegate,
        proposal=proposal,
        network=network,
        position=Position.SUPPORTS,
        statement="Nous **soutenons** <script>x()</script>",
    )
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert "<strong>soutenons</strong>" in second.statement_html
    assert "<script" not in second.statement_html
    assert NetworkPosition.objects.filter(proposal=proposal, network=network).count() == 2


def test_a_position_from_someone_who_does_not_speak_for_the_network_is_refused(member):
    network = NetworkFactory()
    member.organisation.networks.add(network)  # a member, not a delegate
    other_network_delegate = DelegateFactory(organisation=OrganisationFactory())
    proposal = make_proposal()
    for person in (member, other_network_delegate):
        with raises_code("not_network_spokesperson"):
            services.network_position_state(
                actor=person, proposal=proposal, network=network, position=Position.SUPPORTS
            )
    assert not NetworkPosition.objects.exists()


def test_the_steering_committee_speaks_for_any_network_and_bad_positions_are_refused():
    steering = SteeringCommitteeFactory()
    network = NetworkFactory()
    proposal = make_proposal()
    with raises_code("invalid_position"):
        services.network_position_state(
            actor=steering, proposal=proposal, network=network, position="peut-être"
        )
    services.network_position_state(
        actor=steering, proposal=proposal, network=network, position=Position.OPPOSES
    )
    with raises_code("proposal_closed"):
        services.network_position_state(
            actor=steering,
            proposal=make_proposal(status=ProposalStatus.DRAFT),
            network=network,
            position=Position.OPPOSES,
        )


def test_one_current_position_per_network_is_a_database_rule():
    steering = SteeringCommitteeFactory()
    network = NetworkFactory()
    proposal = make_proposal()
    services.network_position_state(
        actor=steering, proposal=proposal, network=network, position=Position.OPPOSES
    )
    with pytest.raises(IntegrityError):
        NetworkPosition.objects.create(
            proposal=proposal, network=network, position=Position.SUPPORTS, author=steering
        )


def test_a_proposal_is_deleted_with_its_history_but_a_version_is_kept_while_used(member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    with pytest.raises(RestrictedError):
        amendment.base_version.delete()
    services.amendment_accept(actor=steering, amendment=amendment)
    proposal.delete()
    assert not ProposalVersion.objects.exists() and not Amendment.objects.exists()


def test_followers_hear_of_new_versions_and_authors_of_decisions(member, steering):
    proposal = make_proposal(actor=steering)
    follower = UserFactory()
    Follow.objects.create(
        person=follower,
        content_type=ContentType.objects.get_for_model(proposal),
        object_id=proposal.pk,
    )
    services.proposal_update(actor=steering, proposal=proposal, body="Nouveau.", note="Relu")
    notice = Notification.objects.get(recipient=follower)
    assert notice.kind == "proposal_version"
    assert notice.url == proposal.get_absolute_url() and notice.body == "Relu"
    assert not Notification.objects.filter(recipient=steering).exists()

    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    services.amendment_reject(actor=steering, amendment=amendment, reason="Hors sujet.")
    decision = Notification.objects.get(recipient=member, kind="amendment_rejected")
    assert decision.body == "Hors sujet." and decision.url == amendment.get_absolute_url()


def test_positions_only_on_open_or_voting_proposals_and_explicit_slugs_are_unique(steering):
    network = NetworkFactory()
    for status in (ProposalStatus.ADOPTED, ProposalStatus.WITHDRAWN):
        with raises_code("proposal_closed"):
            services.network_position_state(
                actor=steering,
                proposal=make_proposal(status=status),
                network=network,
                position=Position.SUPPORTS,
            )
    services.network_position_state(
        actor=steering,
        proposal=make_proposal(status=ProposalStatus.VOTING),
        network=network,
        position=Position.SUPPORTS,
    )
    services.proposal_create(actor=steering, title="A", body="B", slug="scenario-a")
    with raises_code("slug_taken"):
        services.proposal_create(actor=steering, title="A", body="B", slug="scenario-a")
