"""The world of the role matrix: the seven people of the matrix and one object of each kind,
so that every path with parameters is reached with a real object.

"This CAE" is CAE A: it authored the proposals, the amendment, the workshop note and the
consultation answer; its delegate wrote the comment and the document remark, is seated in the
assembly and may vote in its open poll. "Another CAE" is CAE B: its delegate is seated in the
same assembly too, so that what it is refused is about ownership, not attendance. Both CAEs
belong to the network N. The steering committee member belongs to a third CAE, as in life.

Everything is written through the services, as the product writes it.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alliance.models import Network, Organisation, User
from assemblies import services as assemblies
from assemblies.models import Assembly, Poll, Proxy
from deliberation import services as deliberation
from deliberation.models import Comment, Thread
from deliberation.synthesis import services as synthesis
from documents import services as documents
from documents.models import Attachment, Document, Remark
from proposals.consultation import services as consultation
from proposals.models import Amendment, Proposal, ProposalStatus, WorkshopNote
from proposals.models.consultation import Consultation, Respondents
from proposals.scenarios import services as scenarios
from tests.factories import (
    AdminFactory,
    DelegateFactory,
    NetworkFactory,
    OrganisationFactory,
    SecretariatFactory,
    SteeringCommitteeFactory,
    UserFactory,
)

# The seven roles of the matrix, in the order the reports list them.
ANONYMOUS = "anonymous"
MEMBER = "member"
DELEGATE = "delegate of this CAE"
OTHER_DELEGATE = "delegate of another CAE"
STEERING = "steering committee"
SECRETARIAT = "secretariat"
ADMIN = "admin"
ROLES = (ANONYMOUS, MEMBER, DELEGATE, OTHER_DELEGATE, STEERING, SECRETARIAT, ADMIN)

BODY = "Premier paragraphe sur la charte.\n\nDeuxième paragraphe sur la gouvernance."
PDF = b"%PDF-1.4\n%%EOF\n"
DOCUMENT_BODY = "# Projet économique\n\nLes CAE mutualisent leurs moyens.\n\nLe modèle est voté."


@dataclass
class World:
    people: dict[str, User | None]
    network: Network
    cae: Organisation  # "this CAE"
    other_cae: Organisation
    draft_proposal: Proposal
    proposal: Proposal  # open for comment
    amendment: Amendment
    note: WorkshopNote
    consultation: Consultation
    thread: Thread
    comment: Comment
    pin: object
    draft_document: Document  # a draft that already has a fixed version
    review_document: Document
    published_document: Document
    remark: Remark
    attachment: Attachment
    assembly: Assembly  # open; this CAE and the other seated
    draft_poll: Poll
    open_poll: Poll
    closed_poll: Poll
    proxy_assembly: Assembly  # open; this CAE absent, its proxy pending
    proxy: Proxy
    empty_assembly: Assembly  # open; nobody checked in
    extra: dict = field(default_factory=dict)

    def person(self, role: str) -> User | None:
        return self.people[role]


def build() -> World:
    network = NetworkFactory(name="Réseau de la matrice")
    cae = OrganisationFactory(name="CAE de la matrice A", networks=[network])
    other_cae = OrganisationFactory(name="CAE de la matrice B", networks=[network])
    people = {
        ANONYMOUS: None,
        MEMBER: UserFactory(organisation=cae),
        DELEGATE: DelegateFactory(organisation=cae),
        OTHER_DELEGATE: DelegateFactory(organisation=other_cae),
        STEERING: SteeringCommitteeFactory(),
        SECRETARIAT: SecretariatFactory(),
        ADMIN: AdminFactory(),
    }
    delegate, steering, secretariat = people[DELEGATE], people[STEERING], people[SECRETARIAT]

    # Proposals: a draft of this CAE, and one of this CAE open for comment.
    draft_proposal = scenarios.proposal_create(actor=delegate, title="Brouillon de A", body=BODY)
    proposal = scenarios.proposal_create(actor=delegate, title="Scénario de A", body=BODY)
    scenarios.proposal_set_status(actor=steering, proposal=proposal, status=ProposalStatus.OPEN)
    proposal.refresh_from_db()
    amendment = scenarios.amendment_create(
        actor=delegate,
        proposal=proposal,
        replacement_text="Deuxième paragraphe, réécrit.",
        rationale="Plus clair.",
        paragraph_index=1,
    )
    note = scenarios.workshop_note_create(
        actor=delegate, proposal=proposal, kind="lever", text="Un levier."
    )
    scenarios.network_position_state(
        actor=delegate, proposal=proposal, network=network, position="supports"
    )

    # Consultation open to the delegates, answered by this CAE.
    now = timezone.now()
    consult = consultation.consultation_create(
        actor=steering,
        title="Priorités de la matrice",
        slug="priorites-matrice",
        opens_at=now - datetime.timedelta(days=1),
        closes_at=now + datetime.timedelta(days=30),
        axes=["Représentation", "Communication"],
        questions=["Une idée ?"],
        respondents=Respondents.DELEGATES,
    )
    axes = list(consult.axes.values_list("pk", flat=True))
    answer = consultation.answer_submit(
        actor=delegate, consultation=consult, organisation=cae, ranking=axes
    )

    # Debate on the open proposal: a comment of this CAE's delegate, reported, pinned.
    thread = deliberation.thread_for(proposal)
    comment = deliberation.comment_create(author=delegate, thread=thread, body="Je soutiens.")
    deliberation.comment_report(reporter=people[OTHER_DELEGATE], comment=comment, reason="Test.")
    synthesis.point_mark(actor=delegate, comment=comment, is_point=True)
    pin = synthesis.synthesis_pin(actor=steering, comment=comment, summary="Un soutien.")

    # Documents: a draft with a fixed version, one in review with a remark, one published.
    draft_document = documents.document_create(
        actor=steering, title="Brouillon du comité", body=DOCUMENT_BODY
    )
    documents.document_transition(
        actor=steering,
        document=draft_document,
        to="in_review",
        deadline=now + datetime.timedelta(days=7),
    )
    documents.document_transition(actor=steering, document=draft_document, to="draft")
    review_document = documents.document_create(
        actor=steering, title="Relecture du comité", body=DOCUMENT_BODY
    )
    documents.document_transition(
        actor=steering,
        document=review_document,
        to="in_review",
        deadline=now + datetime.timedelta(days=7),
    )
    remark = documents.remark_create(
        author=delegate, document=review_document, paragraph_index=1, body="Une remarque."
    )
    attachment = documents.attachment_add(
        actor=steering,
        document=review_document,
        upload=SimpleUploadedFile("annexe.pdf", PDF, content_type="application/pdf"),
    )
    published_document = documents.document_create(
        actor=steering, title="Publication du comité", body=DOCUMENT_BODY
    )
    documents.document_transition(actor=steering, document=published_document, to="published")
    for document in (draft_document, review_document, published_document):
        document.refresh_from_db()

    # Assemblies.
    def assembly(title):
        created = assemblies.assembly_create(
            actor=secretariat,
            title=title,
            starts_on=datetime.date(2018, 9, 13),
            ends_on=datetime.date(2018, 9, 14),
        )
        return assemblies.assembly_open(actor=secretariat, assembly=created)

    live = assembly("Assemblée de la matrice")
    for person in (delegate, people[OTHER_DELEGATE]):
        assemblies.attendance_check_in(
            actor=person, assembly=live, organisation=person.organisation
        )
    draft_poll = poll(live, secretariat, "Motion en préparation")
    open_poll = assemblies.poll_open(actor=secretariat, poll=poll(live, secretariat, "Motion"))
    closed_poll = assemblies.poll_open(actor=secretariat, poll=poll(live, secretariat, "Close"))
    assemblies.ballot_cast(poll=closed_poll, organisation=cae, actor=delegate, choice="yes")
    closed_poll = assemblies.poll_close(actor=secretariat, poll=closed_poll)
    proxy_assembly = assembly("Assemblée des procurations")
    proxy = assemblies.proxy_grant(
        actor=delegate, assembly=proxy_assembly, giver=cae, holder=people[OTHER_DELEGATE]
    )
    empty_assembly = assembly("Assemblée vide")

    return World(
        people=people,
        network=network,
        cae=cae,
        other_cae=other_cae,
        draft_proposal=draft_proposal,
        proposal=proposal,
        amendment=amendment,
        note=note,
        consultation=consult,
        thread=thread,
        comment=comment,
        pin=pin,
        draft_document=draft_document,
        review_document=review_document,
        published_document=published_document,
        remark=remark,
        attachment=attachment,
        assembly=live,
        draft_poll=draft_poll,
        open_poll=open_poll,
        closed_poll=closed_poll,
        proxy_assembly=proxy_assembly,
        proxy=proxy,
        empty_assembly=empty_assembly,
        extra={"axes": axes, "answered_at": answer.updated_at},
    )


def poll(assembly, actor, title) -> Poll:
    return assemblies.poll_create(
        actor=actor, assembly=assembly, title=title, method="motion", threshold="simple"
    )
