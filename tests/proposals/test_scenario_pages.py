import pytest
from django.urls import reverse

from proposals.models import AmendmentStatus, NoteKind, Position, ProposalStatus
from proposals.scenarios import services
from tests.factories import NetworkFactory, UserFactory
from tests.proposals.factories import make_proposal

pytestmark = pytest.mark.django_db


def test_proposals_page_is_in_the_main_navigation(client):
    html = client.get("/").content.decode()
    assert f'href="{reverse("frontend:proposals")}"' in html
    assert reverse("frontend:proposals") == "/propositions/"


def test_list_page_query_count_does_not_grow_with_proposals(
    client, member, django_assert_num_queries
):
    for n in range(8):
        proposal = make_proposal(title=f"Scénario {n}")
        services.workshop_note_create(
            actor=member, proposal=proposal, kind=NoteKind.LEVER, text="x"
        )
    client.force_login(member)
    # session + user + organisation (navigation, rules) + the list
    with django_assert_num_queries(4):
        response = client.get("/propositions/")
    html = response.content.decode()
    assert html.count('class="card proposal-card"') == 8
    assert "1 note d'atelier" in html


def test_list_page_filters_by_status(client):
    make_proposal(title="Ouverte")
    make_proposal(title="Adoptée", status=ProposalStatus.ADOPTED)
    html = client.get("/propositions/?statut=adopted").content.decode()
    assert "Adoptée" in html and ">Ouverte<" not in html


def test_proposal_page_shows_body_versions_positions_amendments_and_debate_slot(
    client, member, django_assert_num_queries
):
    steering = UserFactory(is_steering_committee=True)
    proposal = make_proposal(actor=steering)
    services.proposal_update(actor=steering, proposal=proposal, body=proposal.body + "\n\nFin.")
    network = NetworkFactory(name="Copéa")
    services.network_position_state(
        actor=steering,
        proposal=proposal,
        network=network,
        position=Position.CONDITIONAL,
        statement="Sous *conditions*.",
    )
    for n in range(3):
        services.amendment_create(
            actor=member, proposal=proposal, replacement_text=f"x{n}", rationale="r"
        )
    from deliberation.services import comment_create

    for n in range(5):
        comment_create(author=member, target=proposal, body=f"Commentaire {n}")
    client.force_login(member)
    # session, user, CAE, proposal, amendments, note counts, versions, positions,
    # and the embedded debate (6, whatever the number of comments)
    with django_assert_num_queries(14):
        response = client.get(proposal.get_absolute_url())
    html = response.content.decode()
    assert "Premier paragraphe sur la charte." in html
    assert "Version 2" in html and "Version 1" in html
    assert "Copéa" in html and "favorable sous conditions" in html
    assert "<em>conditions</em>" in html
    assert html.count("Amendement ") >= 3
    assert "Proposer un amendement" in html
    assert "Modifier le texte" not in html  # a member does not edit an open proposal
    assert html.count("Commentaire ") >= 5  # the debate is on the proposal's page


def test_anonymous_people_do_not_see_drafts(client, member):
    draft = services.proposal_create(actor=member, title="Brouillon", body="B")
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(member)
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_diff_page_marks_insertions_and_deletions(client, steering):
    proposal = make_proposal(actor=steering)
    services.proposal_update(
        actor=steering,
        proposal=proposal,
        body=proposal.body.replace("sur la charte", "sur la charte commune"),
    )
    html = client.get(
        reverse("frontend:proposal_diff", args=[proposal.slug]) + "?de=1&a=2"
    ).content.decode()
    assert "<ins> commune</ins>" in html
    bad = client.get(reverse("frontend:proposal_diff", args=[proposal.slug]) + "?de=x&a=2")
    assert bad.status_code == 302


def test_amendment_form_shows_errors_and_creates_nothing_on_bad_input(client, member):
    proposal = make_proposal()
    client.force_login(member)
    url = reverse("frontend:amendment_create", args=[proposal.slug])
    response = client.post(
        url,
        {
            "paragraph": "0",
            "replacement_text": "Premier paragraphe sur la charte.",
            "rationale": "r",
            "base_version": "1",
        },
    )
    assert response.status_code == 200
    assert "Le texte proposé est identique au texte d&#x27;origine." in response.content.decode()
    assert not proposal.amendments.exists()

    response = client.post(
        url,
        {"paragraph": "0", "replacement_text": "Charte.", "rationale": "r", "base_version": "1"},
    )
    amendment = proposal.amendments.get()
    assert response.status_code == 302 and response.url == amendment.get_absolute_url()
    assert amendment.paragraph_index == 0


def test_amendment_to_a_closed_proposal_from_the_page_changes_nothing(client, member):
    proposal = make_proposal(status=ProposalStatus.VOTING)
    client.force_login(member)
    response = client.post(
        reverse("frontend:amendment_create", args=[proposal.slug]),
        {"replacement_text": "x", "rationale": "r", "base_version": "1"},
        follow=True,
    )
    assert "ouverte aux commentaires" in response.content.decode()
    assert not proposal.amendments.exists()


def test_steering_committee_rejects_with_a_reason_from_the_page(client, member, steering):
    proposal = make_proposal()
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    client.force_login(steering)
    url = reverse("frontend:amendment_decide", args=[proposal.slug, amendment.pk])
    missing = client.post(url, {"decision": "reject", "reason": ""})
    assert missing.status_code == 400
    assert "est obligatoire" in missing.content.decode()
    client.post(url, {"decision": "reject", "reason": "Hors sujet."})
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.REJECTED


def test_members_cannot_decide_from_the_page(client, member):
    proposal = make_proposal()
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    client.force_login(member)
    page = client.get(amendment.get_absolute_url()).content.decode()
    assert "Accepter l'amendement" not in page
    assert "Retirer l'amendement" in page
    client.post(
        reverse("frontend:amendment_decide", args=[proposal.slug, amendment.pk]),
        {"decision": "accept"},
    )
    amendment.refresh_from_db()
    assert amendment.status == AmendmentStatus.PENDING


def test_workshop_board_has_four_columns_and_endorsement_toggles(
    client, member, django_assert_num_queries
):
    proposal = make_proposal()
    for kind in NoteKind.values:
        services.workshop_note_create(actor=member, proposal=proposal, kind=kind, text=f"n-{kind}")
    client.force_login(member)
    url = reverse("frontend:workshop_board", args=[proposal.slug])
    with django_assert_num_queries(5):
        html = client.get(url).content.decode()
    for label in ("Frein", "Crainte", "Levier", "Force"):
        assert f">{label} <span" in html
    note = proposal.workshop_notes.get(kind="fear")
    endorse = reverse("frontend:note_endorse", args=[proposal.slug, note.pk])
    client.post(endorse, {"endorsed": "1"})
    assert note.endorsements.count() == 1
    client.post(endorse, {"endorsed": "0"})
    assert note.endorsements.count() == 0


def test_workshop_board_form_errors_are_shown(client, member):
    proposal = make_proposal()
    client.force_login(member)
    url = reverse("frontend:workshop_board", args=[proposal.slug])
    response = client.post(url, {"kind": "brake", "text": ""})
    assert response.status_code == 400
    assert 'class="form-error"' in response.content.decode()
    response = client.post(url, {"kind": "brake", "text": "Coût"})
    assert response.status_code == 302
    assert proposal.workshop_notes.get().organisation == member.organisation


def test_workshop_csv_page_downloads(client):
    proposal = make_proposal()
    response = client.get(reverse("frontend:workshop_csv", args=[proposal.slug]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]


def test_positions_page_refuses_networks_one_does_not_speak_for(client, delegate):
    own = NetworkFactory()
    other = NetworkFactory()
    delegate.organisation.networks.add(own)
    proposal = make_proposal()
    client.force_login(delegate)
    url = reverse("frontend:proposal_positions", args=[proposal.slug])
    response = client.post(url, {"network": other.slug, "position": "supports"})
    assert response.status_code == 400
    assert not proposal.network_positions.exists()
    client.post(url, {"network": own.slug, "position": "supports", "statement": "Oui."})
    assert proposal.network_positions.get().network == own


def test_forms_carry_a_csrf_token(client, member):
    proposal = make_proposal()
    client.force_login(member)
    for url in (
        reverse("frontend:amendment_create", args=[proposal.slug]),
        reverse("frontend:workshop_board", args=[proposal.slug]),
        reverse("frontend:proposal_create"),
    ):
        assert "csrfmiddlewaretoken" in client.get(url).content.decode()


def test_create_and_edit_pages(client, member):
    client.force_login(member)
    response = client.post(
        reverse("frontend:proposal_create"), {"title": "Idée", "body": "Texte.", "summary": ""}
    )
    assert response.status_code == 302
    proposal = member.organisation.proposals.get()
    edit = reverse("frontend:proposal_edit", args=[proposal.slug])
    stale = client.post(edit, {"title": "Idée", "body": "Autre.", "expected_version": "1"})
    assert stale.status_code == 302
    conflict = client.post(edit, {"title": "Idée", "body": "Encore.", "expected_version": "1"})
    assert "rechargez-le" in conflict.content.decode()
    proposal.refresh_from_db()
    assert proposal.current_version == 2 and proposal.body == "Autre."


def test_person_names_are_hidden_from_anonymous_visitors(client, member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, replacement_text="x", rationale="r"
    )
    for url in (proposal.get_absolute_url(), amendment.get_absolute_url()):
        html = client.get(url).content.decode()
        assert member.organisation.name in html
        assert member.display_name not in html and steering.display_name not in html
    client.force_login(UserFactory())
    assert member.display_name in client.get(amendment.get_absolute_url()).content.decode()


def test_an_outdated_amendment_is_flagged_to_the_steering_committee(client, member, steering):
    proposal = make_proposal(actor=steering)
    amendment = services.amendment_create(
        actor=member, proposal=proposal, paragraph_index=0, replacement_text="x", rationale="r"
    )
    client.force_login(steering)
    assert (
        "ne peut plus être accepté" not in client.get(amendment.get_absolute_url()).content.decode()
    )
    services.proposal_update(
        actor=steering, proposal=proposal, body=proposal.body.replace("charte", "charte commune")
    )
    html = client.get(amendment.get_absolute_url()).content.decode()
    assert "ne peut plus être accepté tel quel" in html
    assert 'value="accept" class="button" disabled' in html


def test_proposal_pages_are_translated_to_english(client, member):
    proposal = make_proposal()
    client.force_login(member)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Propose an amendment" in html and "open for comment" in html
    board = client.get(reverse("frontend:workshop_board", args=[proposal.slug])).content.decode()
    assert "Brakes, fears, levers and strengths" in board
