"""The role matrix: who may do what, for every action of the API, the pages and the WebSocket
messages, declared once. `test_role_matrix.py` checks every line against every role.

How to read a line: the key names the action (`"METHOD /api/path/{param}/"` as in the OpenAPI
schema; `"METHOD frontend:route-name"` for a page; `"channel message-type"` for the WebSocket),
`allow` is the set of roles that may do it; every other role must be refused.

- `on` binds the path parameters to the world's objects (`tests/security/roles_world.py`): a
  world attribute name (its slug for `slug`, its pk otherwise) or a literal value.
- `body` is the request body (JSON for the API, form data for pages); a callable gets the world.
- `hides`: the product answers 404 to the refused roles (it hides that the object exists);
  without it, a 404 is a failure (the line did not reach its object).
- `refused_codes`: error codes the product uses to refuse by rule with a 400 (say so here,
  so that the line stays honest); `empty_codes`: 404 codes meaning "nothing to show" to a role
  that may ask (e.g. `no_answer`: your CAE has not answered yet).
- `refused_to(world)`: a page that refuses by redirecting to this address (with a message).
- `done(world)`: for writes where it is cheap, whether the write really happened; checked both
  ways (an allowed role wrote, a refused one did not).

Refused means 401 or 403, a 404 where `hides` says so, a redirect to the login page, or a
`NotAllowed` raised by a rule (pages show it as a message). Allowed is any other answer below
500 (a 400 or 409 for an allowed role means it passed the rules and hit a validation).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.security.roles_world import (
    ADMIN,
    ANONYMOUS,
    DELEGATE,
    MEMBER,
    OTHER_DELEGATE,
    PDF,
    ROLES,
    SECRETARIAT,
    STEERING,
)

EVERYONE = frozenset(ROLES)
SIGNED_IN = EVERYONE - {ANONYMOUS}
# People of a member CAE: the steering committee member belongs to one too.
MEMBERS = frozenset({MEMBER, DELEGATE, OTHER_DELEGATE, STEERING})
THIS_CAE = frozenset({MEMBER, DELEGATE})
DELEGATES = frozenset({DELEGATE, OTHER_DELEGATE})
# `is_steering_committee` and `is_secretariat` hold for the admin too.
STEERING_UP = frozenset({STEERING, ADMIN})
SECRETARIAT_UP = frozenset({SECRETARIAT, ADMIN})
FACILITATORS = frozenset({STEERING, SECRETARIAT, ADMIN})


@dataclass(frozen=True)
class Rule:
    allow: frozenset
    on: dict = field(default_factory=dict)
    body: dict | Callable | None = None
    hides: bool = False
    done: Callable | None = None
    query: dict | None = None
    # Error codes with which the product refuses by rule but answers 400 or 404, not 403.
    refused_codes: frozenset = frozenset()
    # Codes of a 404 that means "nothing to show you" to a role that may ask.
    empty_codes: frozenset = frozenset()
    multipart: bool = False
    # Pages that refuse by sending back to the object's page with a message: that address.
    refused_to: Callable | None = None


def rule(allow, *, refused_codes=(), empty_codes=(), **kwargs) -> Rule:
    return Rule(
        frozenset(allow),
        refused_codes=frozenset(refused_codes),
        empty_codes=frozenset(empty_codes),
        **kwargs,
    )


def pdf_upload():
    return SimpleUploadedFile("annexe.pdf", PDF, content_type="application/pdf")


def _fresh(obj):
    """The object as the database has it now."""
    return obj.__class__.objects.get(pk=obj.pk)


def _ranks(world) -> dict:
    return {f"rank_{axis}": rank for rank, axis in enumerate(world.extra["axes"], start=1)}


def _answer_written(world) -> bool:
    """An answer created or changed since the world was built."""
    return world.consultation.answers.filter(updated_at__gt=world.extra["answered_at"]).exists()


def _votes(poll) -> bool:
    from assemblies.models import VoteRecord

    return VoteRecord.objects.filter(poll=poll).exists()


# --- API: every operation of /api/schema/ ------------------------------------------------------

API = {
    # Accounts and directory.
    "POST /api/auth/token/": rule(
        EVERYONE, body=lambda w: {"username": w.person(MEMBER).username, "password": "demo"}
    ),
    "GET /api/me/": rule(SIGNED_IN),
    "GET /api/networks/": rule(EVERYONE),
    "GET /api/organisations/": rule(EVERYONE),
    "GET /api/organisations/{id}/": rule(EVERYONE, on={"id": "cae"}),
    "GET /api/people/": rule(SIGNED_IN),
    # Proposals: a draft of this CAE (`draft_proposal`) and one open for comment (`proposal`).
    "GET /api/proposals/": rule(EVERYONE),
    "POST /api/proposals/": rule(
        MEMBERS | {ADMIN}, body={"title": "Nouvelle proposition", "body": "Texte."}
    ),
    "GET /api/proposals/{id}/": rule(
        THIS_CAE | STEERING_UP, on={"id": "draft_proposal"}, hides=True
    ),
    "PATCH /api/proposals/{id}/": rule(
        THIS_CAE | STEERING_UP, on={"id": "draft_proposal"}, body={"summary": "Revu."}, hides=True
    ),
    "POST /api/proposals/{id}/status/": rule(
        THIS_CAE | STEERING_UP,
        on={"id": "draft_proposal"},
        body={"status": "withdrawn"},
        hides=True,
        done=lambda w: (
            w.draft_proposal.__class__.objects.get(pk=w.draft_proposal.pk).status == "withdrawn"
        ),
    ),
    "GET /api/proposals/{id}/versions/": rule(EVERYONE, on={"id": "proposal"}),
    "GET /api/proposals/{id}/versions/{number}/": rule(
        EVERYONE, on={"id": "proposal", "number": 1}
    ),
    "GET /api/proposals/{id}/diff/": rule(
        EVERYONE, on={"id": "proposal"}, query={"from": 1, "to": 1}
    ),
    "GET /api/proposals/{id}/amendments/": rule(EVERYONE, on={"id": "proposal"}),
    "POST /api/proposals/{id}/amendments/": rule(
        MEMBERS,
        on={"id": "proposal"},
        body={"replacement_text": "Autre texte.", "rationale": "Pourquoi.", "paragraph_index": 0},
        done=lambda w: w.proposal.amendments.count() == 2,
    ),
    "GET /api/amendments/{id}/": rule(EVERYONE, on={"id": "amendment"}),
    "POST /api/amendments/{id}/accept/": rule(STEERING_UP, on={"id": "amendment"}, body={}),
    "POST /api/amendments/{id}/reject/": rule(
        STEERING_UP, on={"id": "amendment"}, body={"reason": "Non."}
    ),
    "POST /api/amendments/{id}/withdraw/": rule(
        THIS_CAE,
        on={"id": "amendment"},
        body={},
        done=lambda w: w.amendment.__class__.objects.get(pk=w.amendment.pk).status == "withdrawn",
    ),
    "GET /api/proposals/{id}/notes/": rule(EVERYONE, on={"id": "proposal"}),
    "POST /api/proposals/{id}/notes/": rule(
        SIGNED_IN, on={"id": "proposal"}, body={"kind": "fear", "text": "Une crainte."}
    ),
    "GET /api/proposals/{id}/notes.csv": rule(EVERYONE, on={"id": "proposal"}),
    "POST /api/notes/{id}/endorsement/": rule(MEMBERS, on={"id": "note"}),
    "DELETE /api/notes/{id}/endorsement/": rule(MEMBERS, on={"id": "note"}),
    "GET /api/proposals/{id}/positions/": rule(EVERYONE, on={"id": "proposal"}),
    "POST /api/proposals/{id}/positions/": rule(
        DELEGATES | STEERING_UP,
        on={"id": "proposal"},
        body=lambda w: {"network": w.network.slug, "position": "opposes"},
    ),
    "GET /api/proposals/{id}/positions/history/": rule(EVERYONE, on={"id": "proposal"}),
    # Consultation: open to the delegates only; this CAE has answered.
    "GET /api/consultations/": rule(EVERYONE),
    "POST /api/consultations/": rule(
        STEERING_UP,
        body={
            "title": "Nouvelle consultation",
            "slug": "nouvelle-consultation",
            "opens_at": "2030-01-01T00:00:00Z",
            "closes_at": "2030-02-01T00:00:00Z",
            "axes": ["Un", "Deux"],
        },
    ),
    "GET /api/consultations/{slug}/": rule(EVERYONE, on={"slug": "consultation"}),
    "GET /api/consultations/{slug}/axes/": rule(EVERYONE, on={"slug": "consultation"}),
    "GET /api/consultations/{slug}/my-answer/": rule(
        SIGNED_IN, on={"slug": "consultation"}, empty_codes={"no_answer"}
    ),
    "PUT /api/consultations/{slug}/my-answer/": rule(
        DELEGATES,
        on={"slug": "consultation"},
        body=lambda w: {"ranking": list(reversed(w.extra["axes"]))},
        refused_codes={"no_organisation"},  # 400 for the people of no CAE
    ),
    "GET /api/consultations/{slug}/answers/": rule(FACILITATORS, on={"slug": "consultation"}),
    "POST /api/consultations/{slug}/answers/": rule(
        FACILITATORS,
        on={"slug": "consultation"},
        body=lambda w: {
            "organisation": w.other_cae.pk,
            "ranking": w.extra["axes"],
            "meeting_name": "Rencontre de Lyon",
            "meeting_date": "2018-05-01",
        },
    ),
    "GET /api/consultations/{slug}/answers.csv": rule(FACILITATORS, on={"slug": "consultation"}),
    "GET /api/consultations/{slug}/results/": rule(EVERYONE, on={"slug": "consultation"}),
    "GET /api/consultations/{slug}/results.csv": rule(EVERYONE, on={"slug": "consultation"}),
    # Debates: the thread of the open proposal; the comment is this CAE's delegate's.
    "GET /api/threads/": rule(SIGNED_IN),
    "GET /api/threads/{thread_id}/": rule(SIGNED_IN, on={"thread_id": "thread"}),
    "GET /api/threads/{thread_id}/comments/": rule(SIGNED_IN, on={"thread_id": "thread"}),
    "POST /api/threads/{thread_id}/comments/": rule(
        SIGNED_IN, on={"thread_id": "thread"}, body={"body": "Un avis."}
    ),
    "PUT /api/threads/{thread_id}/follow/": rule(SIGNED_IN, on={"thread_id": "thread"}),
    "DELETE /api/threads/{thread_id}/follow/": rule(SIGNED_IN, on={"thread_id": "thread"}),
    "GET /api/comments/{comment_id}/": rule(SIGNED_IN, on={"comment_id": "comment"}),
    "PATCH /api/comments/{comment_id}/": rule(
        {DELEGATE},
        on={"comment_id": "comment"},
        body={"body": "Je soutiens toujours."},
        done=lambda w: _fresh(w.comment).body == "Je soutiens toujours.",
    ),
    "DELETE /api/comments/{comment_id}/": rule(
        {DELEGATE},
        on={"comment_id": "comment"},
        done=lambda w: _fresh(w.comment).status == "deleted",
    ),
    "GET /api/comments/{comment_id}/revisions/": rule(SIGNED_IN, on={"comment_id": "comment"}),
    "PUT /api/comments/{comment_id}/reaction/": rule(
        SIGNED_IN - {DELEGATE},
        on={"comment_id": "comment"},
        body={"kind": "agree"},
        refused_codes={"own_comment"},  # 400: nobody reacts to their own comment
    ),
    # Withdrawing one's own reaction (none here) needs no right.
    "DELETE /api/comments/{comment_id}/reaction/": rule(SIGNED_IN, on={"comment_id": "comment"}),
    # The other CAE's delegate has reported it already: a 409 for it, after the rules.
    "POST /api/comments/{comment_id}/reports/": rule(
        SIGNED_IN - {DELEGATE},
        on={"comment_id": "comment"},
        body={"reason": "Hors sujet."},
        refused_codes={"own_comment"},  # 400: nobody reports their own comment
    ),
    "POST /api/comments/{comment_id}/hide/": rule(
        SECRETARIAT_UP,
        on={"comment_id": "comment"},
        body={"reason": "Hors charte."},
        done=lambda w: _fresh(w.comment).status == "hidden",
    ),
    "POST /api/comments/{comment_id}/unhide/": rule(
        SECRETARIAT_UP, on={"comment_id": "comment"}, body={"reason": "Rétabli."}
    ),
    "POST /api/comments/{comment_id}/dismiss-reports/": rule(
        SECRETARIAT_UP, on={"comment_id": "comment"}, body={"reason": "Rien à redire."}
    ),
    "GET /api/reports/": rule(SECRETARIAT_UP),
    "GET /api/moderation-actions/": rule(SECRETARIAT_UP),
    "GET /api/follows/": rule(SIGNED_IN),
    "GET /api/notifications/": rule(SIGNED_IN),
    "GET /api/notifications/unread-count/": rule(SIGNED_IN),
    "POST /api/notifications/mark-read/": rule(SIGNED_IN, body={}),
    "GET /api/notifications/preference/": rule(SIGNED_IN),
    "PUT /api/notifications/preference/": rule(SIGNED_IN, body={"email_frequency": "off"}),
    "GET /api/search/comments/": rule(SIGNED_IN, query={"q": "soutiens"}),
    # Synthesis of the debate.
    # Public by the area's choice (aggregates and points, no author names:
    # tests/deliberation/test_synthesis_api.py::test_the_synthesis_is_readable_anonymously).
    "GET /api/threads/{thread_id}/synthesis/": rule(EVERYONE, on={"thread_id": "thread"}),
    "GET /api/threads/{thread_id}/opinion-groups/": rule(EVERYONE, on={"thread_id": "thread"}),
    "POST /api/threads/{thread_id}/pins/": rule(
        STEERING_UP,
        on={"thread_id": "thread"},
        body=lambda w: {"comment": w.comment.pk, "summary": "Un point."},
    ),
    "DELETE /api/threads/{thread_id}/pins/{pin_id}/": rule(
        STEERING_UP, on={"thread_id": "thread", "pin_id": "pin"}
    ),
    "POST /api/comments/{comment_id}/point/": rule(
        {DELEGATE} | FACILITATORS, on={"comment_id": "comment"}
    ),
    "DELETE /api/comments/{comment_id}/point/": rule(
        {DELEGATE} | FACILITATORS, on={"comment_id": "comment"}
    ),
    # Documents: a draft with a fixed version, one in review (remark, attachment).
    "GET /api/documents/": rule(EVERYONE),
    "POST /api/documents/": rule(STEERING_UP, body={"title": "Nouveau", "body": "Texte."}),
    "GET /api/documents/{slug}/": rule(SIGNED_IN, on={"slug": "draft_document"}, hides=True),
    "PATCH /api/documents/{slug}/": rule(
        STEERING_UP,
        on={"slug": "draft_document"},
        body=lambda w: {"body": "Texte revu.", "revision": w.draft_document.revision},
        hides=True,
    ),
    "GET /api/documents/{slug}/transitions/": rule(
        SIGNED_IN, on={"slug": "draft_document"}, hides=True
    ),
    "POST /api/documents/{slug}/transitions/": rule(
        STEERING_UP, on={"slug": "draft_document"}, body={"to": "published"}, hides=True
    ),
    "GET /api/documents/{slug}/versions/": rule(
        SIGNED_IN, on={"slug": "review_document"}, hides=True
    ),
    "GET /api/documents/{slug}/versions/{number}/": rule(
        SIGNED_IN, on={"slug": "review_document", "number": 1}, hides=True
    ),
    "GET /api/documents/{slug}/diff/": rule(SIGNED_IN, on={"slug": "review_document"}, hides=True),
    "GET /api/documents/{slug}/export.{fmt}": rule(
        SIGNED_IN, on={"slug": "review_document", "fmt": "md"}, hides=True
    ),
    "GET /api/documents/{slug}/remarks/": rule(
        SIGNED_IN, on={"slug": "review_document"}, hides=True
    ),
    "POST /api/documents/{slug}/remarks/": rule(
        MEMBERS,
        on={"slug": "review_document"},
        hides=True,
        body={"paragraph": 0, "body": "Une autre remarque."},
    ),
    "PUT /api/documents/{slug}/remarks/{id}/answer/": rule(
        STEERING_UP,
        on={"slug": "review_document", "id": "remark"},
        hides=True,
        body={"status": "answered", "reply": "Merci."},
    ),
    "GET /api/documents/{slug}/attachments/": rule(
        SIGNED_IN, on={"slug": "review_document"}, hides=True
    ),
    "POST /api/documents/{slug}/attachments/": rule(
        STEERING_UP,
        on={"slug": "review_document"},
        hides=True,
        body=lambda w: {"file": pdf_upload()},
        multipart=True,
    ),
    "GET /api/documents/{slug}/attachments/{id}/": rule(
        SIGNED_IN, on={"slug": "review_document", "id": "attachment"}, hides=True
    ),
    "DELETE /api/documents/{slug}/attachments/{id}/": rule(
        STEERING_UP, on={"slug": "review_document", "id": "attachment"}, hides=True
    ),
    # Assemblies: `assembly` (this CAE and the other seated, polls in each state),
    # `proxy_assembly` (this CAE absent, its proxy pending), `empty_assembly` (nobody in).
    "GET /api/assemblies/": rule(SIGNED_IN),
    "POST /api/assemblies/": rule(
        SECRETARIAT_UP,
        body={"title": "Nouvelle assemblée", "starts_on": "2030-01-01", "ends_on": "2030-01-02"},
    ),
    "GET /api/assemblies/{id}/state/": rule(SIGNED_IN, on={"id": "assembly"}),
    "POST /api/assemblies/{id}/open/": rule(SECRETARIAT_UP, on={"id": "empty_assembly"}),
    "POST /api/assemblies/{id}/close/": rule(SECRETARIAT_UP, on={"id": "empty_assembly"}),
    "GET /api/assemblies/{id}/agenda/": rule(SIGNED_IN, on={"id": "assembly"}),
    "POST /api/assemblies/{id}/agenda/": rule(
        SECRETARIAT_UP, on={"id": "assembly"}, body={"title": "Point divers"}
    ),
    "GET /api/assemblies/{id}/attendance/": rule(SIGNED_IN, on={"id": "assembly"}),
    "POST /api/assemblies/{id}/attendance/": rule(
        {DELEGATE} | SECRETARIAT_UP,
        on={"id": "empty_assembly"},
        body=lambda w: {"organisation": w.cae.pk, "delegate": w.person(DELEGATE).pk},
        done=lambda w: w.empty_assembly.attendances.exists(),
    ),
    "POST /api/assemblies/{id}/attendance/check-out/": rule(
        {DELEGATE} | SECRETARIAT_UP,
        on={"id": "assembly"},
        body=lambda w: {"organisation": w.cae.pk},
    ),
    "GET /api/assemblies/{id}/proxies/": rule(SIGNED_IN, on={"id": "proxy_assembly"}),
    "POST /api/assemblies/{id}/proxies/": rule(
        {DELEGATE} | SECRETARIAT_UP,
        on={"id": "empty_assembly"},
        body=lambda w: {"giver": w.cae.pk, "holder": w.person(OTHER_DELEGATE).pk},
    ),
    "POST /api/proxies/{id}/validate/": rule(
        SECRETARIAT_UP, on={"id": "proxy"}, done=lambda w: _fresh(w.proxy).status == "validated"
    ),
    "POST /api/proxies/{id}/refuse/": rule(SECRETARIAT_UP, on={"id": "proxy"}),
    "POST /api/proxies/{id}/withdraw/": rule(
        {DELEGATE} | SECRETARIAT_UP,
        on={"id": "proxy"},
        done=lambda w: _fresh(w.proxy).status == "withdrawn",
    ),
    "GET /api/assemblies/{id}/polls/": rule(SIGNED_IN, on={"id": "assembly"}),
    "POST /api/assemblies/{id}/polls/": rule(
        SECRETARIAT_UP,
        on={"id": "assembly"},
        body={"title": "Motion nouvelle", "method": "motion", "threshold": "simple"},
    ),
    "GET /api/assemblies/{id}/minutes.md": rule(SIGNED_IN, on={"id": "assembly"}),
    # The same lists as the attendance and results the API shows to everyone signed in.
    "GET /api/assemblies/{id}/attendance.csv": rule(SIGNED_IN, on={"id": "assembly"}),
    "GET /api/assemblies/{id}/polls.csv": rule(SIGNED_IN, on={"id": "assembly"}),
    "GET /api/polls/{id}/": rule(SIGNED_IN, on={"id": "open_poll"}),
    "POST /api/polls/{id}/open/": rule(
        SECRETARIAT_UP,
        on={"id": "draft_poll"},
        done=lambda w: _fresh(w.draft_poll).status == "open",
    ),
    "POST /api/polls/{id}/close/": rule(
        SECRETARIAT_UP,
        on={"id": "open_poll"},
        done=lambda w: _fresh(w.open_poll).status == "closed",
    ),
    "POST /api/polls/{id}/publish/": rule(SECRETARIAT_UP, on={"id": "closed_poll"}),
    # An online ballot for this CAE (paper ballots by the tellers: tests/assemblies).
    "POST /api/polls/{id}/votes/": rule(
        {DELEGATE},
        on={"id": "open_poll"},
        body=lambda w: {"organisation": w.cae.pk, "choice": "yes"},
        done=lambda w: _votes(w.open_poll),
    ),
    "GET /api/polls/{id}/tally/": rule(SIGNED_IN, on={"id": "open_poll"}),
    "GET /api/polls/{id}/results/": rule(SECRETARIAT_UP, on={"id": "closed_poll"}),
    "GET /api/polls/{id}/ballots.csv": rule(SECRETARIAT_UP, on={"id": "closed_poll"}),
    "POST /api/polls/{id}/receipt-check/": rule(
        SIGNED_IN, on={"id": "closed_poll"}, body={"receipt": "x" * 20}
    ),
}


# --- Pages: every route of frontend/urls.py (and the language switch) ------------------------
# Keys are "METHOD route-name". Pages that only read answer GET; the POST lines are the forms.
# Refused pages answer 403, a 404 where `hides`, send the anonymous to the login page, or show
# the refusal (a `NotAllowed`) as a message on the page they redirect to.

PROPOSAL = {"slug": "proposal"}
DRAFT_PROPOSAL = {"slug": "draft_proposal"}
THREAD = {"thread_id": "thread"}
COMMENT = {"comment_id": "comment"}
DRAFT_DOCUMENT = {"slug": "draft_document"}
REVIEW_DOCUMENT = {"slug": "review_document"}
ASSEMBLY = {"slug": "assembly"}
CONSULTATION = {"slug": "consultation"}

PAGES = {
    "GET set_language": rule(EVERYONE),
    "POST set_language": rule(EVERYONE, body={"language": "en", "next": "/"}),
    # Home, accounts.
    "GET frontend:home": rule(EVERYONE),
    "GET frontend:login": rule(EVERYONE),
    "POST frontend:logout": rule(EVERYONE),
    "GET frontend:profile": rule(SIGNED_IN),
    "POST frontend:profile": rule(
        SIGNED_IN, body={"first_name": "Claude", "last_name": "Dupont", "email": "c@example.org"}
    ),
    "POST frontend:token_regenerate": rule(SIGNED_IN),
    "GET frontend:password_change": rule(SIGNED_IN),
    "GET frontend:password_change_done": rule(SIGNED_IN),
    "GET frontend:password_reset": rule(EVERYONE),
    "GET frontend:password_reset_done": rule(EVERYONE),
    "GET frontend:password_reset_confirm": rule(EVERYONE, on={"uidb64": "MQ", "token": "x-y"}),
    "GET frontend:password_reset_complete": rule(EVERYONE),
    "GET frontend:login_locks": rule(SECRETARIAT_UP),
    "POST frontend:login_lock_lift": rule(
        SECRETARIAT_UP, body={"username": "personne", "ip": "192.0.2.1"}
    ),
    # Directory.
    "GET frontend:directory": rule(EVERYONE),
    "GET frontend:organisation": rule(EVERYONE, on={"slug": "cae"}),
    "GET frontend:networks": rule(EVERYONE),
    # Proposals.
    "GET frontend:proposals": rule(EVERYONE),
    "GET frontend:proposal_create": rule(MEMBERS | {ADMIN}, hides=True),
    "POST frontend:proposal_create": rule(
        MEMBERS | {ADMIN}, body={"title": "Par la page", "body": "Texte."}, hides=True
    ),
    "GET frontend:proposal": rule(THIS_CAE | STEERING_UP, on=DRAFT_PROPOSAL, hides=True),
    "GET frontend:proposal_edit": rule(THIS_CAE | STEERING_UP, on=DRAFT_PROPOSAL, hides=True),
    "POST frontend:proposal_edit": rule(
        THIS_CAE | STEERING_UP,
        on=DRAFT_PROPOSAL,
        body={"title": "Brouillon de A", "body": "Revu.", "expected_version": 1},
        hides=True,
    ),
    "POST frontend:proposal_status": rule(
        THIS_CAE | STEERING_UP,
        on=DRAFT_PROPOSAL,
        body={"status": "withdrawn"},
        hides=True,
        done=lambda w: (
            w.draft_proposal.__class__.objects.get(pk=w.draft_proposal.pk).status == "withdrawn"
        ),
    ),
    "GET frontend:proposal_version": rule(EVERYONE, on={**PROPOSAL, "number": 1}),
    "GET frontend:proposal_diff": rule(EVERYONE, on=PROPOSAL),
    # Refused: back to the proposal, with a message saying who may amend.
    "GET frontend:amendment_create": rule(
        MEMBERS, on=PROPOSAL, refused_to=lambda w: w.proposal.get_absolute_url()
    ),
    "POST frontend:amendment_create": rule(
        MEMBERS,
        on=PROPOSAL,
        refused_to=lambda w: w.proposal.get_absolute_url(),
        body={"paragraph": 0, "replacement_text": "Autre.", "rationale": "Oui.", "base_version": 1},
        done=lambda w: w.proposal.amendments.count() == 2,
    ),
    "GET frontend:amendment": rule(EVERYONE, on={**PROPOSAL, "pk": "amendment"}),
    "POST frontend:amendment_decide": rule(
        STEERING_UP,
        on={**PROPOSAL, "pk": "amendment"},
        body={"decision": "reject", "reason": "Non."},
    ),
    "POST frontend:amendment_withdraw": rule(
        THIS_CAE,
        on={**PROPOSAL, "pk": "amendment"},
        done=lambda w: w.amendment.__class__.objects.get(pk=w.amendment.pk).status == "withdrawn",
    ),
    "GET frontend:workshop_board": rule(EVERYONE, on=PROPOSAL),
    "POST frontend:workshop_board": rule(
        SIGNED_IN, on=PROPOSAL, body={"kind": "fear", "text": "Une crainte."}
    ),
    "GET frontend:workshop_csv": rule(EVERYONE, on=PROPOSAL),
    "POST frontend:note_endorse": rule(
        MEMBERS, on={**PROPOSAL, "pk": "note"}, body={"endorsed": "1"}
    ),
    "GET frontend:proposal_positions": rule(EVERYONE, on=PROPOSAL),
    "POST frontend:proposal_positions": rule(
        DELEGATES | STEERING_UP,
        on=PROPOSAL,
        body=lambda w: {"network": w.network.slug, "position": "opposes"},
    ),
    # Consultation.
    "GET frontend:consultations": rule(EVERYONE),
    "GET frontend:consultation-create": rule(STEERING_UP),
    "POST frontend:consultation-create": rule(
        STEERING_UP,
        body={
            "title": "Par la page",
            "slug": "par-la-page",
            "opens_at": "2030-01-01 00:00",
            "closes_at": "2030-02-01 00:00",
            "axes": "Un\nDeux",
            "respondents": "members",
            "results_visibility": "always",
            "weighting": "one_per_organisation",
            "weight_cap_share": "0.100",
        },
    ),
    "GET frontend:consultation": rule(EVERYONE, on=CONSULTATION),
    "GET frontend:consultation-answer": rule(DELEGATES, on=CONSULTATION),
    "POST frontend:consultation-answer": rule(
        DELEGATES, on=CONSULTATION, body=lambda w: _ranks(w), done=_answer_written
    ),
    "GET frontend:consultation-territorial": rule(FACILITATORS, on=CONSULTATION),
    "POST frontend:consultation-territorial": rule(
        FACILITATORS,
        on=CONSULTATION,
        body=lambda w: {
            **_ranks(w),
            "organisation": w.other_cae.pk,
            "meeting_name": "Rencontre de Lyon",
            "meeting_date": "2018-05-01",
        },
        done=_answer_written,
    ),
    "GET frontend:consultation-results": rule(EVERYONE, on=CONSULTATION),
    # Debates.
    "GET frontend:debates": rule(EVERYONE),
    "GET frontend:debate_search": rule(SIGNED_IN, query={"q": "soutiens"}),
    "GET frontend:moderation": rule(SECRETARIAT_UP),
    "GET frontend:thread": rule(SIGNED_IN, on=THREAD),
    "POST frontend:comment_post": rule(SIGNED_IN, on=THREAD, body={"body": "Par la page."}),
    "POST frontend:thread_follow": rule(SIGNED_IN, on=THREAD, body={"follow": "1"}),
    "GET frontend:comment_edit": rule({DELEGATE}, on=COMMENT),
    "POST frontend:comment_edit": rule(
        {DELEGATE},
        on=COMMENT,
        body={"body": "Revu."},
        done=lambda w: _fresh(w.comment).body == "Revu.",
    ),
    "GET frontend:comment_delete": rule({DELEGATE}, on=COMMENT),
    "POST frontend:comment_delete": rule({DELEGATE}, on=COMMENT),
    "GET frontend:comment_history": rule(SIGNED_IN, on=COMMENT),
    "GET frontend:comment_reply": rule(SIGNED_IN, on=COMMENT),
    "POST frontend:comment_react": rule(
        SIGNED_IN - {DELEGATE}, on=COMMENT, body={"kind": "agree"}, refused_codes={"own_comment"}
    ),
    "GET frontend:comment_report": rule(SIGNED_IN, on=COMMENT),
    "POST frontend:comment_report": rule(
        SIGNED_IN - {DELEGATE},
        on=COMMENT,
        body={"reason": "Hors sujet."},
        refused_codes={"own_comment"},
    ),
    "GET frontend:comment_hide": rule(SECRETARIAT_UP, on=COMMENT),
    "POST frontend:comment_hide": rule(
        SECRETARIAT_UP,
        on=COMMENT,
        body={"reason": "Non."},
        done=lambda w: _fresh(w.comment).status == "hidden",
    ),
    "GET frontend:comment_unhide": rule(SECRETARIAT_UP, on=COMMENT),
    "POST frontend:comment_unhide": rule(SECRETARIAT_UP, on=COMMENT, body={"reason": "Oui."}),
    "POST frontend:reports_dismiss": rule(SECRETARIAT_UP, on=COMMENT, body={"reason": "Rien."}),
    "GET frontend:notifications": rule(SIGNED_IN),
    "POST frontend:notifications": rule(SIGNED_IN, body={"email_frequency": "off"}),
    "POST frontend:notifications_read": rule(SIGNED_IN, body={}),
    # Synthesis.
    "GET frontend:synthesis": rule(EVERYONE, on=THREAD),
    "POST frontend:synthesis-pin": rule(
        STEERING_UP,
        on=THREAD,
        body=lambda w: {"comment": w.comment.pk, "summary": "Un point.", "kind": "other"},
    ),
    "POST frontend:synthesis-unpin": rule(STEERING_UP, on={**THREAD, "pin_id": "pin"}),
    "POST frontend:point-mark": rule({DELEGATE} | FACILITATORS, on=COMMENT, body={"is_point": "0"}),
    # Documents.
    "GET frontend:documents": rule(EVERYONE),
    "GET frontend:document_create": rule(STEERING_UP),
    "POST frontend:document_create": rule(
        STEERING_UP, body={"title": "Par la page", "kind": "other", "body": "Texte."}
    ),
    "GET frontend:document": rule(SIGNED_IN, on=DRAFT_DOCUMENT, hides=True),
    "GET frontend:document_edit": rule(STEERING_UP, on=DRAFT_DOCUMENT, hides=True),
    "POST frontend:document_edit": rule(
        STEERING_UP,
        on=DRAFT_DOCUMENT,
        body=lambda w: {"title": "Revu", "body": "Revu.", "revision": w.draft_document.revision},
        hides=True,
    ),
    "POST frontend:document_transition": rule(
        STEERING_UP,
        on=DRAFT_DOCUMENT,
        body={"to": "published"},
        hides=True,
        done=lambda w: _fresh(w.draft_document).status == "published",
    ),
    "GET frontend:document_versions": rule(SIGNED_IN, on=REVIEW_DOCUMENT, hides=True),
    "GET frontend:document_review": rule(SIGNED_IN, on=REVIEW_DOCUMENT, hides=True),
    "POST frontend:document_remark": rule(
        MEMBERS,
        on={**REVIEW_DOCUMENT, "index": 0},
        body={"body": "Par la page."},
        hides=True,
        done=lambda w: w.review_document.remarks.count() == 2,
    ),
    "POST frontend:document_remark_answer": rule(
        STEERING_UP,
        on={**REVIEW_DOCUMENT, "pk": "remark"},
        body={"status": "answered", "reply": "Merci."},
        hides=True,
    ),
    "POST frontend:document_attachment_upload": rule(
        STEERING_UP,
        on=REVIEW_DOCUMENT,
        body=lambda w: {"file": pdf_upload()},
        hides=True,
    ),
    "GET frontend:document_attachment": rule(
        SIGNED_IN, on={**REVIEW_DOCUMENT, "pk": "attachment"}, hides=True
    ),
    "GET frontend:document_export": rule(
        SIGNED_IN, on={**REVIEW_DOCUMENT, "fmt": "md"}, hides=True
    ),
    # Assemblies.
    "GET frontend:assemblies": rule(SIGNED_IN),
    "GET frontend:assembly-create": rule(SECRETARIAT_UP),
    "POST frontend:assembly-create": rule(
        SECRETARIAT_UP,
        body={
            "title": "Par la page",
            "starts_on": "2030-01-01",
            "ends_on": "2030-01-02",
            "weight_rule": "one_per_organisation",
            "quorum_share": "0.5",
            "max_proxies_per_delegate": 2,
        },
    ),
    "GET frontend:assembly": rule(SIGNED_IN, on=ASSEMBLY),
    # The delegate's own CAE's proxy, given in `proxy_assembly`: withdrawn by its delegate.
    "POST frontend:assembly-delegate-action": rule(
        {DELEGATE},
        on={"slug": "proxy_assembly"},
        body=lambda w: {"action": "proxy_withdraw", "proxy": w.proxy.pk},
        refused_codes={"no_organisation"},
        done=lambda w: w.proxy.__class__.objects.get(pk=w.proxy.pk).status == "withdrawn",
    ),
    "GET frontend:assembly-console": rule(SECRETARIAT_UP, on=ASSEMBLY),
    "POST frontend:assembly-console-action": rule(
        SECRETARIAT_UP,
        on=ASSEMBLY,
        body=lambda w: {"action": "check_out", "organisation": w.cae.pk},
    ),
    "GET frontend:assembly-minutes": rule(SIGNED_IN, on=ASSEMBLY),
    "GET frontend:assembly-projector": rule(SIGNED_IN, on=ASSEMBLY),
    "GET frontend:poll": rule(SIGNED_IN, on={"pk": "open_poll"}),
    "POST frontend:poll": rule(
        {DELEGATE},
        on={"pk": "open_poll"},
        body=lambda w: {"organisation": w.cae.pk, "choice": "yes"},
        done=lambda w: _votes(w.open_poll),
    ),
    # A closed poll's results before publication: the others are sent back to the poll.
    "GET frontend:poll-results": rule(
        SECRETARIAT_UP,
        on={"pk": "closed_poll"},
        refused_to=lambda w: reverse("frontend:poll", kwargs={"pk": w.closed_poll.pk}),
    ),
}


# --- WebSocket: every message type of every channel, and the connection itself ---------------
# Keys are "channel message-type" ("connect" is opening the socket). The assembly channel is
# that of `assembly`, where this CAE and the other are seated; the thread channel that of the
# debate on the open proposal. Signed-in roles connect with their session, except for `auth`,
# sent on a connection without one with the role's API token (a made-up one when anonymous).
# `vote` casts this CAE's ballot in a poll opened afresh for each role.
# Refused means an `error` whose code is in WS_REFUSALS, or a close with a code of WS_CLOSES.

WS_REFUSALS = {"not_allowed", "not_authenticated", "forbidden", "not_entitled"}
WS_CLOSES = {4401, 4403}

WEBSOCKET = {
    "assemblies connect": rule(SIGNED_IN),
    "assemblies auth": rule(SIGNED_IN),
    # Answered before authentication: it tells a client the connection is alive, nothing more.
    "assemblies ping": rule(EVERYONE),
    "assemblies sync": rule(SIGNED_IN),
    "assemblies vote": rule({DELEGATE}, done=lambda w: _votes(w.extra["live_poll"])),
    "threads connect": rule(SIGNED_IN),
    "threads ping": rule(SIGNED_IN),
    "threads sync": rule(SIGNED_IN),
}
