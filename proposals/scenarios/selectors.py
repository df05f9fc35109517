"""Reads shaped for the proposal pages and endpoints, with their joins built in."""

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from alliance import rules as base_rules
from alliance.errors import InvalidInput, NotFound
from alliance.models import Network
from alliance.textdiff import diff_stats, word_diff, word_diff_html
from proposals.models import (
    Amendment,
    AmendmentStatus,
    NetworkPosition,
    NoteEndorsement,
    NoteKind,
    Proposal,
    ProposalStatus,
    ProposalVersion,
    WorkshopNote,
)
from proposals.scenarios.paragraphs import apply_replacement, split_paragraphs


def _count(queryset, field="proposal"):
    """A correlated COUNT subquery: several counts on one list without multiplying joins."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def visible_proposals(user):
    """Drafts only for the steering committee and the CAE that writes them."""
    queryset = Proposal.objects.all()
    if base_rules.is_steering_committee(user):
        return queryset
    visible = ~Q(status=ProposalStatus.DRAFT)
    if base_rules.is_member(user):
        visible |= Q(author_organisation_id=user.organisation_id)
    return queryset.filter(visible)


def proposal_list(*, user, status: str | None = None, process: str | None = None):
    """Proposals for the list page and endpoint: one query, whatever their number."""
    queryset = (
        visible_proposals(user)
        .select_related("process", "author_organisation")
        .annotate(
            pending_amendments=_count(Amendment.objects.filter(status=AmendmentStatus.PENDING)),
            note_count=_count(WorkshopNote.objects.all()),
            position_count=_count(NetworkPosition.objects.filter(is_current=True)),
        )
        .order_by("process__title", "created_at", "pk")
    )
    if status:
        queryset = queryset.filter(status=status)
    if process:
        queryset = queryset.filter(process__slug=process)
    return queryset


def proposal_get(*, user, pk: int | None = None, slug: str | None = None) -> Proposal:
    lookup = {"pk": pk} if pk is not None else {"slug": slug}
    queryset = visible_proposals(user).select_related("process", "author", "author_organisation")
    proposal = queryset.filter(**lookup).first()
    if proposal is None:
        raise NotFound(_("Cette proposition n'existe pas."), code="proposal_not_found")
    return proposal


def current_positions(proposal: Proposal):
    return (
        NetworkPosition.objects.filter(proposal=proposal, is_current=True)
        .select_related("network", "author")
        .order_by("network__name")
    )


def position_history(*, proposal: Proposal, network: Network | None = None):
    queryset = NetworkPosition.objects.filter(proposal=proposal).select_related("network", "author")
    if network is not None:
        queryset = queryset.filter(network=network)
    return queryset.order_by("network__name", "-created_at", "-pk")


def amendment_list(*, proposal: Proposal, status: str | None = None):
    queryset = Amendment.objects.filter(proposal=proposal).select_related(
        "author", "organisation", "decided_by", "base_version", "resulting_version"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def amendment_get(*, user, pk: int) -> Amendment:
    amendment = (
        Amendment.objects.select_related(
            "proposal",
            "author",
            "organisation",
            "decided_by",
            "base_version",
            "resulting_version",
        )
        .filter(pk=pk)
        .first()
    )
    if amendment is None or not visible_proposals(user).filter(pk=amendment.proposal_id).exists():
        raise NotFound(_("Cet amendement n'existe pas."), code="amendment_not_found")
    return amendment


def amendment_still_applies(amendment: Amendment) -> bool:
    """Whether accepting now would work (the amended text is still in the proposal)."""
    return (
        apply_replacement(
            amendment.proposal.body,
            paragraph_index=amendment.paragraph_index,
            original=amendment.original_text,
            replacement=amendment.replacement_text,
        )
        is not None
    )


def version_list(proposal: Proposal):
    return (
        ProposalVersion.objects.filter(proposal=proposal)
        .select_related("author", "amendment__organisation")
        .order_by("-number")
    )


def version_get(*, proposal: Proposal, number: int) -> ProposalVersion:
    version = (
        ProposalVersion.objects.select_related("author", "amendment__organisation")
        .filter(proposal=proposal, number=number)
        .first()
    )
    if version is None:
        raise NotFound(_("Cette version n'existe pas."), code="version_not_found")
    return version


def parse_version_number(value, *, field: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidInput(
            _("Indiquez un numéro de version."), code="invalid_version", details={field: "invalid"}
        ) from None
    if number < 1:
        raise InvalidInput(
            _("Indiquez un numéro de version."), code="invalid_version", details={field: "invalid"}
        )
    return number


def version_diff(*, proposal: Proposal, from_number: int, to_number: int) -> dict:
    """Word-level differences of title, summary and body between two versions."""
    versions = {
        v.number: v
        for v in ProposalVersion.objects.select_related("author").filter(
            proposal=proposal, number__in=[from_number, to_number]
        )
    }
    for number in (from_number, to_number):
        if number not in versions:
            raise NotFound(
                _("La version %(number)s n'existe pas.") % {"number": number},
                code="version_not_found",
            )
    old, new = versions[from_number], versions[to_number]
    body_ops = word_diff(old.body, new.body)
    return {
        "from_version": old,
        "to_version": new,
        "title_ops": word_diff(old.title, new.title),
        "summary_ops": word_diff(old.summary, new.summary),
        "body_ops": body_ops,
        "stats": diff_stats(body_ops),
        "title_html": word_diff_html(old.title, new.title),
        "summary_html": word_diff_html(old.summary, new.summary),
        "body_html": word_diff_html(old.body, new.body),
    }


def paragraphs_of(version_or_proposal) -> list[str]:
    return split_paragraphs(version_or_proposal.body)


def workshop_notes(*, proposal: Proposal, user, kind: str | None = None):
    """Notes with their endorsement count and whether the user's CAE endorsed each."""
    queryset = (
        WorkshopNote.objects.filter(proposal=proposal)
        .select_related("organisation", "author")
        .annotate(
            endorsement_count=_count(NoteEndorsement.objects.all(), field="note"),
        )
        .order_by("kind", "-endorsement_count", "created_at", "pk")
    )
    if base_rules.is_member(user):
        mine = NoteEndorsement.objects.filter(
            note=OuterRef("pk"), organisation_id=user.organisation_id
        )
        queryset = queryset.annotate(endorsed_by_me=Exists(mine))
    else:
        queryset = queryset.annotate(endorsed_by_me=Value(False))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset


def workshop_board(*, proposal: Proposal, user) -> list[dict]:
    """The four columns, in the order of the 2018 workshops: brakes, fears, levers, strengths."""
    columns = {kind: [] for kind in NoteKind.values}
    for note in workshop_notes(proposal=proposal, user=user):
        columns[note.kind].append(note)
    return [
        {"kind": kind, "label": NoteKind(kind).label, "notes": columns[kind]}
        for kind in NoteKind.values
    ]


def proposal_page(*, user, slug: str) -> dict:
    """Everything the proposal page shows, in a fixed number of queries."""
    proposal = proposal_get(user=user, slug=slug)
    amendments = list(amendment_list(proposal=proposal))
    note_counts = dict(
        WorkshopNote.objects.filter(proposal=proposal)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    return {
        "proposal": proposal,
        "paragraphs": paragraphs_of(proposal),
        "versions": list(version_list(proposal)),
        "positions": list(current_positions(proposal)),
        "amendments": amendments,
        "note_counts": [
            {"kind": kind, "label": NoteKind(kind).label, "count": note_counts.get(kind, 0)}
            for kind in NoteKind.values
        ],
    }


def networks_spoken_for(user):
    """The networks this person may state a position for."""
    if base_rules.is_steering_committee(user):
        return Network.objects.order_by("name")
    if base_rules.is_delegate(user):
        return Network.objects.filter(organisations=user.organisation_id).order_by("name")
    return Network.objects.none()
