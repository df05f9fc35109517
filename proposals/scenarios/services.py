"""Every write on proposals, versions, amendments, workshop notes and network positions.

Keyword-only functions that check the rules, validate, save inside one transaction and raise
`alliance.errors.*` with a stable code. Rows two people may change at once (a proposal whose
text moves on, an amendment being decided) are locked with `select_for_update`.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from alliance import rules as base_rules
from alliance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from alliance.markdown import render_markdown
from deliberation.notifications import followers_of, notify
from proposals.models import (
    Amendment,
    AmendmentStatus,
    NetworkPosition,
    NoteEndorsement,
    NoteKind,
    Position,
    Process,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    WorkshopNote,
)
from proposals.scenarios import rules
from proposals.scenarios.paragraphs import apply_replacement, normalise, split_paragraphs

# Slugs that are page paths under /propositions/.
RESERVED_SLUGS = {"nouvelle"}
TITLE_MAX = 200
SUMMARY_MAX = 1000
BODY_MAX = 100_000
NOTE_MAX = 1000


def _closed() -> Conflict:
    return Conflict(
        _("Cette proposition n'est pas ouverte aux commentaires."), code="proposal_closed"
    )


def _clean_text(value, *, field: str, label, max_length: int, required: bool = True) -> str:
    text = normalise(value)
    if required and not text:
        raise InvalidInput(
            _("« %(label)s » est obligatoire.") % {"label": label},
            code="required",
            details={field: "required"},
        )
    if len(text) > max_length:
        raise InvalidInput(
            _("« %(label)s » dépasse %(max)s caractères.") % {"label": label, "max": max_length},
            code="too_long",
            details={field: "too_long"},
        )
    return text


def _unique_slug(title: str) -> str:
    base = slugify(title)[:200] or "proposition"
    if base in RESERVED_SLUGS:
        base = f"{base}-proposition"
    slug, n = base, 2
    while Proposal.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _lock_proposal(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)


def _add_version(*, proposal: Proposal, author, note: str = "", amendment=None) -> ProposalVersion:
    """Snapshot the proposal's current text as its next version (the proposal row is locked)."""
    proposal.current_version = (
        proposal.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    proposal.save(
        update_fields=["title", "summary", "body", "body_html", "current_version", "updated_at"]
    )
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=proposal.current_version,
        title=proposal.title,
        summary=proposal.summary,
        body=proposal.body,
        body_html=proposal.body_html,
        note=note[:300],
        author=author,
        amendment=amendment,
    )


def _tell_followers(proposal: Proposal, *, actor, kind: str, title, body: str = "") -> None:
    notify(
        recipients=followers_of(proposal),
        kind=kind,
        title=title,
        url=proposal.get_absolute_url(),
        body=body,
        exclude=actor,
        about=proposal,
    )


def _tell_amendment_author(amendment: Amendment, *, kind: str, title, body: str = "") -> None:
    notify(
        recipients=[amendment.author],
        kind=kind,
        title=title,
        url=amendment.get_absolute_url(),
        body=body,
        about=amendment,
    )


# --- Proposals ----------------------------------------------------------------------------------


def proposal_create(
    *,
    actor,
    title: str,
    body: str,
    summary: str = "",
    process: Process | None = None,
    by_steering_committee: bool = False,
    slug: str | None = None,
) -> Proposal:
    """A new draft with its version 1. Written for the actor's CAE, or for the steering
    committee when `by_steering_committee` (steering committee members only)."""
    if not rules.can_create_proposal(actor):
        raise NotAllowed()
    if by_steering_committee and not base_rules.is_steering_committee(actor):
        raise NotAllowed(
            _("Seul le comité de pilotage peut proposer en son nom."), code="not_steering_committee"
        )
    if not by_steering_committee and not base_rules.is_member(actor):
        raise InvalidInput(
            _("Une proposition est écrite pour une CAE ou par le comité de pilotage."),
            code="organisation_required",
        )
    title = _clean_text(title, field="title", label=_("Titre"), max_length=TITLE_MAX)
    summary = _clean_text(
        summary, field="summary", label=_("Résumé"), max_length=SUMMARY_MAX, required=False
    )
    body = _clean_text(body, field="body", label=_("Texte"), max_length=BODY_MAX)
    with transaction.atomic():
        if slug is not None and (
            slug in RESERVED_SLUGS or Proposal.objects.filter(slug=slug).exists()
        ):
            raise Conflict(_("Cet identifiant est déjà pris."), code="slug_taken")
        try:
            with transaction.atomic():
                proposal = Proposal.objects.create(
                    process=process,
                    title=title,
                    slug=slug or _unique_slug(title),
                    summary=summary,
                    body=body,
                    body_html=render_markdown(body),
                    author=actor,
                    author_organisation=None if by_steering_committee else actor.organisation,
                    by_steering_committee=by_steering_committee,
                    current_version=1,
                )
        except IntegrityError:  # someone took the same slug a moment ago
            raise Conflict(_("Cet identifiant est déjà pris."), code="slug_taken") from None
        ProposalVersion.objects.create(
            proposal=proposal,
            number=1,
            title=title,
            summary=summary,
            body=body,
            body_html=proposal.body_html,
            author=actor,
        )
    return proposal


def proposal_update(
    *,
    actor,
    proposal: Proposal,
    title: str | None = None,
    summary: str | None = None,
    body: str | None = None,
    note: str = "",
    expected_version: int | None = None,
) -> ProposalVersion:
    """Edit the text: a new version. `expected_version` (the version the editor started
    from) turns a lost update into a `version_conflict`."""
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        if not rules.can_edit_proposal(actor, proposal):
            raise NotAllowed()
        if expected_version is not None and expected_version != proposal.current_version:
            raise Conflict(
                _(
                    "Le texte a changé depuis que vous l'avez ouvert (version %(number)s) : "
                    "rechargez-le avant de le modifier."
                )
                % {"number": proposal.current_version},
                code="version_conflict",
                details={"current_version": proposal.current_version},
            )
        new_title = (
            proposal.title
            if title is None
            else _clean_text(title, field="title", label=_("Titre"), max_length=TITLE_MAX)
        )
        new_summary = (
            proposal.summary
            if summary is None
            else _clean_text(
                summary,
                field="summary",
                label=_("Résumé"),
                max_length=SUMMARY_MAX,
                required=False,
            )
        )
        new_body = (
            proposal.body
            if body is None
            else _clean_text(body, field="body", label=_("Texte"), max_length=BODY_MAX)
        )
        if (new_title, new_summary, new_body) == (proposal.title, proposal.summary, proposal.body):
            raise InvalidInput(_("Le texte n'a pas changé."), code="no_change")
        proposal.title, proposal.summary, proposal.body = new_title, new_summary, new_body
        proposal.body_html = render_markdown(new_body)
        note = _clean_text(
            note, field="note", label=_("Note de version"), max_length=300, required=False
        )
        version = _add_version(proposal=proposal, author=actor, note=note)
        _tell_followers(
            proposal,
            actor=actor,
            kind="proposal_version",
            title=_("Nouvelle version de « %(title)s »") % {"title": proposal.title},
            body=note,
        )
        return version


def proposal_set_status(*, actor, proposal: Proposal, status: str) -> Proposal:
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        if status not in ProposalStatus.values:
            raise InvalidInput(_("Statut inconnu."), code="invalid_status")
        allowed = rules.allowed_transitions(actor, proposal)
        if status not in allowed:
            if not allowed:
                raise NotAllowed()
            raise Conflict(
                _("Une proposition « %(from)s » ne peut pas passer à « %(to)s ».")
                % {
                    "from": ProposalStatus(proposal.status).label,
                    "to": ProposalStatus(status).label,
                },
                code="invalid_transition",
            )
        proposal.status = status
        proposal.save(update_fields=["status", "updated_at"])
        _tell_followers(
            proposal,
            actor=actor,
            kind="proposal_status",
            title=_("« %(title)s » : %(status)s")
            % {"title": proposal.title, "status": proposal.get_status_display()},
        )
    return proposal


# --- Amendments ---------------------------------------------------------------------------------


def amendment_create(
    *,
    actor,
    proposal: Proposal,
    replacement_text: str,
    rationale: str,
    paragraph_index: int | None = None,
    base_version: int | None = None,
) -> Amendment:
    """A member proposes, for their CAE, new text for paragraph `paragraph_index` (from 0) of
    version `base_version` (the current one by default), or for the whole body."""
    if not base_rules.is_member(actor):
        raise NotAllowed(_("Seul·e un·e membre d'une CAE peut amender."), code="not_member")
    replacement = _clean_text(
        replacement_text, field="replacement_text", label=_("Texte proposé"), max_length=BODY_MAX
    )
    rationale = _clean_text(
        rationale, field="rationale", label=_("Exposé des motifs"), max_length=5000
    )
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        if not proposal.is_open_for_comment:
            raise _closed()
        number = proposal.current_version if base_version is None else base_version
        version = proposal.versions.filter(number=number).first()
        if version is None:
            raise NotFound(_("Cette version n'existe pas."), code="version_not_found")
        if paragraph_index is None:
            original = version.body
        else:
            paragraphs = split_paragraphs(version.body)
            if not 0 <= paragraph_index < len(paragraphs):
                raise InvalidInput(
                    _("Le texte n'a pas de paragraphe %(n)s.") % {"n": paragraph_index + 1},
                    code="paragraph_out_of_range",
                    details={"paragraph_index": "out_of_range"},
                )
            original = paragraphs[paragraph_index]
        if normalise(original) == replacement:
            raise InvalidInput(
                _("Le texte proposé est identique au texte d'origine."),
                code="amendment_unchanged",
            )
        amendment = Amendment.objects.create(
            proposal=proposal,
            base_version=version,
            paragraph_index=paragraph_index,
            original_text=original,
            replacement_text=replacement,
            rationale=rationale,
            author=actor,
            organisation=actor.organisation,
        )
        _tell_followers(
            proposal,
            actor=actor,
            kind="amendment_proposed",
            title=_("%(cae)s propose un amendement à « %(title)s »")
            % {"cae": actor.organisation.name, "title": proposal.title},
            body=rationale,
        )
        return amendment


def _lock_pending(amendment: Amendment) -> tuple[Proposal, Amendment]:
    """Lock the proposal first, then the amendment: the same order everywhere."""
    proposal = _lock_proposal(amendment.proposal)
    amendment = Amendment.objects.select_for_update(of=("self",)).get(pk=amendment.pk)
    if amendment.status != AmendmentStatus.PENDING:
        raise Conflict(
            _("Cet amendement a déjà été traité (%(status)s).")
            % {"status": AmendmentStatus(amendment.status).label},
            code="already_decided",
        )
    return proposal, amendment


def _amended_body(proposal: Proposal, amendment: Amendment) -> str:
    body = apply_replacement(
        proposal.body,
        paragraph_index=amendment.paragraph_index,
        original=amendment.original_text,
        replacement=amendment.replacement_text,
    )
    if body is None:
        raise Conflict(
            _(
                "Le texte amendé a changé depuis la version %(number)s : l'amendement ne "
                "s'applique plus tel quel."
            )
            % {"number": amendment.base_version.number},
            code="amendment_outdated",
        )
    return body


def amendment_accept(*, actor, amendment: Amendment, reason: str = "") -> ProposalVersion:
    """The steering committee accepts: the amended text becomes a new version."""
    if not base_rules.is_steering_committee(actor):
        raise NotAllowed()
    with transaction.atomic():
        proposal, amendment = _lock_pending(amendment)
        if proposal.is_final:
            raise _closed()
        proposal.body = _amended_body(proposal, amendment)
        proposal.body_html = render_markdown(proposal.body)
        amendment.status = AmendmentStatus.ACCEPTED
        amendment.decided_by = actor
        amendment.decided_at = timezone.now()
        amendment.decision_reason = normalise(reason)[:5000]
        amendment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        version = _add_version(
            proposal=proposal,
            author=actor,
            amendment=amendment,
            note=str(_("Amendement n° %(pk)s de %(cae)s"))
            % {"pk": amendment.pk, "cae": amendment.organisation.name},
        )
        _tell_amendment_author(
            amendment,
            kind="amendment_accepted",
            title=_("Votre amendement à « %(title)s » est accepté") % {"title": proposal.title},
            body=amendment.decision_reason,
        )
        _tell_followers(
            proposal,
            actor=actor,
            kind="proposal_version",
            title=_("Nouvelle version de « %(title)s »") % {"title": proposal.title},
            body=version.note,
        )
        return version


def amendment_reject(*, actor, amendment: Amendment, reason: str) -> Amendment:
    if not base_rules.is_steering_committee(actor):
        raise NotAllowed()
    reason = _clean_text(reason, field="reason", label=_("Motif"), max_length=5000)
    with transaction.atomic():
        _proposal, amendment = _lock_pending(amendment)
        amendment.status = AmendmentStatus.REJECTED
        amendment.decided_by = actor
        amendment.decided_at = timezone.now()
        amendment.decision_reason = reason
        amendment.save(update_fields=["status", "decided_by", "decided_at", "decision_reason"])
        _tell_amendment_author(
            amendment,
            kind="amendment_rejected",
            title=_("Votre amendement à « %(title)s » est rejeté")
            % {"title": amendment.proposal.title},
            body=reason,
        )
    return amendment


def amendment_withdraw(*, actor, amendment: Amendment) -> Amendment:
    with transaction.atomic():
        _proposal, amendment = _lock_pending(amendment)
        if not rules.can_withdraw_amendment(actor, amendment):
            raise NotAllowed(
                _("Seule la CAE qui a proposé l'amendement peut le retirer."),
                code="not_amendment_author",
            )
        amendment.status = AmendmentStatus.WITHDRAWN
        amendment.save(update_fields=["status"])
    return amendment


# --- Workshop notes -------------------------------------------------------------------------------


def workshop_note_create(
    *, actor, proposal: Proposal, kind: str, text: str, session: str = ""
) -> WorkshopNote:
    """With a `session` name: a facilitator's note for that workshop. Without: a member's
    note for their CAE."""
    if kind not in NoteKind.values:
        raise InvalidInput(
            _("Type de note inconnu : frein, crainte, levier ou force."),
            code="invalid_note_kind",
            details={"kind": "invalid"},
        )
    text = _clean_text(text, field="text", label=_("Texte"), max_length=NOTE_MAX)
    session = _clean_text(
        session, field="session", label=_("Atelier"), max_length=200, required=False
    )
    if session and not base_rules.is_facilitator(actor):
        raise NotAllowed(
            _("Seul·e un·e animateur·rice saisit les notes d'un atelier."), code="not_facilitator"
        )
    if not session and not base_rules.is_member(actor):
        if base_rules.is_facilitator(actor):
            raise InvalidInput(
                _("Indiquez l'atelier dont vient la note."),
                code="workshop_session_required",
                details={"session": "required"},
            )
        raise NotAllowed()
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        if not proposal.is_open_for_comment:
            raise _closed()
        return WorkshopNote.objects.create(
            proposal=proposal,
            kind=kind,
            text=text,
            session=session,
            author=actor,
            organisation=None if session else actor.organisation,
        )


def note_endorse(*, actor, note: WorkshopNote, endorsed: bool = True) -> bool:
    """Set the actor's CAE's +1 on a note (idempotent); answers whether it is endorsed now."""
    if not rules.can_endorse_note(actor):
        raise NotAllowed(
            _("Seul·e un·e membre d'une CAE peut soutenir une note."), code="not_member"
        )
    if not note.proposal.is_open_for_comment:
        raise _closed()
    if not endorsed:
        NoteEndorsement.objects.filter(note=note, organisation_id=actor.organisation_id).delete()
        return False
    try:
        with transaction.atomic():
            NoteEndorsement.objects.create(
                note=note, organisation_id=actor.organisation_id, person=actor
            )
    except IntegrityError:
        pass  # the CAE had already endorsed it (maybe a colleague, a moment ago)
    return True


# --- Network positions ------------------------------------------------------------------------------


def network_position_state(
    *, actor, proposal: Proposal, network, position: str, statement: str = ""
) -> NetworkPosition:
    """A network states its position; the previous one stays as history."""
    if not rules.can_state_position(actor, network):
        raise NotAllowed(
            _("Vous ne parlez pas au nom du réseau %(network)s.") % {"network": network.label},
            code="not_network_spokesperson",
        )
    if position not in Position.values:
        raise InvalidInput(
            _("Position inconnue."), code="invalid_position", details={"position": "invalid"}
        )
    statement = _clean_text(
        statement, field="statement", label=_("Déclaration"), max_length=10000, required=False
    )
    with transaction.atomic():
        proposal = _lock_proposal(proposal)
        if proposal.status == ProposalStatus.DRAFT or proposal.is_final:
            raise Conflict(
                _("Les réseaux prennent position sur une proposition ouverte ou au vote."),
                code="proposal_closed",
            )
        NetworkPosition.objects.filter(proposal=proposal, network=network, is_current=True).update(
            is_current=False
        )
        return NetworkPosition.objects.create(
            proposal=proposal,
            network=network,
            position=position,
            statement=statement,
            statement_html=render_markdown(statement),
            author=actor,
            is_current=True,
        )
