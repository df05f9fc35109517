"""Reads of the assemblies area, shaped for pages, the API and the live channel.

`assembly_state(assembly)` and `poll_tally(poll)` return the JSON-ready messages of the live
protocol (`assembly.state`, `tally`); weights travel as decimal strings with two places.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from alliance import counting
from alliance.models import Organisation, User
from assemblies import tallying
from assemblies.models import (
    Assembly,
    Attendance,
    Ballot,
    CollegeMembership,
    Poll,
    PollEntitlement,
    Proxy,
    VoteRecord,
)

# --- Weights and presence -------------------------------------------------------------------


def weight_base(assembly: Assembly) -> tuple[dict[int, Fraction], dict[int, int]]:
    """Each voting CAE's weight under the assembly's rule, and its college (if any)."""
    if assembly.weight_rule == Assembly.WeightRule.COLLEGES:
        college_of = dict(
            CollegeMembership.objects.filter(
                assembly=assembly, organisation__active=True
            ).values_list("organisation_id", "college_id")
        )
        shares = dict(assembly.colleges.values_list("id", "share"))
        return tallying.weights(
            assembly.weight_rule, sizes={}, college_of=college_of, college_shares=shares
        ), college_of
    sizes = dict(Organisation.objects.active().values_list("id", "entrepreneurs_count"))
    return tallying.weights(assembly.weight_rule, sizes=sizes, cap_share=assembly.cap_share), {}


@dataclass(frozen=True)
class Presence:
    weights: dict[int, Fraction]
    college_of: dict[int, int]
    present: frozenset[int]  # CAEs checked in (with a weight)
    represented: dict[int, int]  # absent CAE -> holder of its validated proxy (present CAE)
    quorum_share: Fraction

    # Each sum is read several times per payload, over up to thousands of CAEs: read once.
    @cached_property
    def total_weight(self) -> Fraction:
        return counting.exact_sum(self.weights.values())

    @cached_property
    def present_weight(self) -> Fraction:
        return counting.exact_sum(self.weights[o] for o in self.present)

    @cached_property
    def represented_weight(self) -> Fraction:
        return counting.exact_sum(self.weights[o] for o in self.represented)

    @property
    def quorum_weight(self) -> Fraction:
        return self.total_weight * self.quorum_share

    @property
    def quorum_reached(self) -> bool:
        return self.total_weight > 0 and (
            self.present_weight + self.represented_weight >= self.quorum_weight
        )

    def as_payload(self) -> dict:
        d = tallying.decimal
        return {
            "entitled": len(self.weights),
            "present": len(self.present),
            "represented": len(self.represented),
            "total_weight": d(self.total_weight),
            "present_weight": d(self.present_weight),
            "represented_weight": d(self.represented_weight),
            "quorum_share": d(self.quorum_share),
            "quorum_weight": d(self.quorum_weight),
            "quorum_reached": self.quorum_reached,
        }


def presence(assembly: Assembly) -> Presence:
    """Who is present or represented now (four queries whatever the number of CAEs).

    A validated proxy represents its CAE only while that CAE is absent and the holder's own CAE
    is checked in."""
    weights, college_of = weight_base(assembly)
    present = (
        frozenset(
            Attendance.objects.filter(assembly=assembly, checked_out_at__isnull=True).values_list(
                "organisation_id", flat=True
            )
        )
        & weights.keys()
    )
    represented = {
        giver: holder
        for giver, holder, holder_org in Proxy.objects.filter(
            assembly=assembly, status=Proxy.Status.VALIDATED
        ).values_list("giver_id", "holder_id", "holder__organisation_id")
        if giver in weights and giver not in present and holder_org in present
    }
    return Presence(
        weights=weights,
        college_of=college_of,
        present=frozenset(present),
        represented=represented,
        quorum_share=Fraction(assembly.quorum_share),
    )


# --- Lists and pages ------------------------------------------------------------------------


def assembly_list():
    return Assembly.objects.annotate(
        poll_count=Count("polls", distinct=True),
        session_count=Count("sessions", distinct=True),
    ).order_by("-starts_on", "title")


def assembly_for_page(slug: str) -> Assembly:
    return Assembly.objects.prefetch_related("sessions", "agenda").get(slug=slug)


def attendance_rows(assembly: Assembly):
    """Current check-ins, with their CAE and delegate."""
    return (
        Attendance.objects.filter(assembly=assembly, checked_out_at__isnull=True)
        .select_related("organisation", "delegate")
        .order_by("organisation__name")
    )


def represented_rows(assembly: Assembly, state: Presence):
    """The validated proxies that represent an absent CAE right now."""
    return (
        Proxy.objects.filter(
            assembly=assembly, status=Proxy.Status.VALIDATED, giver_id__in=list(state.represented)
        )
        .select_related("giver", "holder", "holder__organisation")
        .order_by("giver__name")
    )


def proxy_rows(assembly: Assembly):
    return (
        Proxy.objects.filter(assembly=assembly)
        .select_related("giver", "holder", "holder__organisation")
        .order_by("status", "giver__name")
    )


def polls_for_assembly(assembly: Assembly):
    return (
        Poll.objects.filter(assembly=assembly)
        .select_related("target_type")
        .prefetch_related("options")
        .annotate(
            ballot_count=Count("vote_records", distinct=True),
            entitled_count=Count("entitlements", distinct=True),
        )
        .order_by("created_at", "id")
    )


def ballots_for_actor(poll: Poll, user: User) -> list[dict]:
    """The CAEs `user` may still vote for in this open poll, and those already voted."""
    entitlements = (
        PollEntitlement.objects.filter(poll=poll)
        .filter(Q(delegates=user) | Q(proxy_holder=user))
        .select_related("organisation")
        .distinct()
        .order_by("organisation__name")
    )
    voted = set(
        VoteRecord.objects.filter(
            poll=poll, organisation__in=[e.organisation_id for e in entitlements]
        ).values_list("organisation_id", flat=True)
    )
    return [
        {
            "organisation": e.organisation,
            "weight": tallying.decimal(e.weight),
            "via_proxy": e.proxy_holder_id == user.pk and e.organisation_id != user.organisation_id,
            "voted": e.organisation_id in voted,
        }
        for e in entitlements
    ]


# --- Live payloads --------------------------------------------------------------------------


def _option_ids(poll: Poll) -> list[int]:
    return [option.pk for option in poll.options.all()]


def poll_brief(poll: Poll) -> dict:
    payload = {
        "id": poll.pk,
        "assembly": poll.assembly_id,
        "title": poll.title,
        "method": poll.method,
        "status": poll.status,
        "secret": poll.secret,
        "results_hidden": poll.results_hidden,
        "threshold": poll.threshold,
        "abstentions_count": poll.abstentions_count,
        "max_choices": poll.max_choices,
        "options": [{"id": o.pk, "label": o.label} for o in poll.options.all()],
        "total_weight": None if poll.total_weight is None else tallying.decimal(poll.total_weight),
        "weight_present": None
        if poll.weight_present is None
        else tallying.decimal(poll.weight_present),
        "opened_at": poll.opened_at.isoformat() if poll.opened_at else None,
        "closed_at": poll.closed_at.isoformat() if poll.closed_at else None,
    }
    if poll.method == Poll.Method.JUDGMENT:
        payload["grades"] = [
            {"key": g.key, "label": str(tallying.GRADE_LABELS[g.key])} for g in tallying.GRADES
        ]
    return payload


def poll_tally(poll: Poll) -> dict:
    """The absolute snapshot `{"type": "tally", ...}` of the committed ballots.

    `seq` is the number of ballots counted, read in the same query as the ballots: ballots are
    never deleted, so a snapshot whose seq is at least the count a voter was given after their
    ballot committed (see `ballot_cast`) includes that ballot.

    While the poll's results are hidden (`Poll.totals_hidden`: always for a secret poll until
    its close) the snapshot is participation only: `hidden` is true and `totals` is null, for
    every role. Two snapshots of a secret poll taken around one ballot then differ by that
    ballot's weight only, which says who voted (public anyway) but not what.

    Identical ballots (same weight, same choice) are read as one group: every live figure is a
    sum of weights, so n ballots of weight w count as one of weight n x w. A tally of 30,000
    ballots then decodes a handful of rows, not 30,000 weights and choices (five times a second
    during a vote, it was a quarter of the server's time: docs/PERFORMANCE.md). A hidden tally
    groups by weight alone, and reads no choice."""
    hidden = poll.totals_hidden
    columns = ("weight",) if hidden else ("weight", "choice")
    groups = list(
        Ballot.objects.filter(poll_id=poll.pk)
        .values_list(*columns)
        .annotate(ballots=Count("pk"))
        .order_by()
    )
    counted = sum(row[-1] for row in groups)
    weighted = [(row[0] * row[-1], None if hidden else row[1]) for row in groups]
    return {
        "type": "tally",
        "poll": poll.pk,
        "seq": counted,
        "ballots": counted,
        "weight_cast": tallying.decimal(sum((w for w, _ in weighted), Fraction(0))),
        "hidden": hidden,
        "totals": None
        if hidden
        else tallying.totals(
            poll.method, _option_ids(poll), weighted, **_rules(poll, for_totals=True)
        ),
    }


def _rules(poll: Poll, *, for_totals=False) -> dict:
    if for_totals:
        return {"max_choices": poll.max_choices} if poll.method == Poll.Method.APPROVAL else {}
    return {
        "max_choices": poll.max_choices,
        "threshold": poll.threshold,
        "abstentions_count": poll.abstentions_count,
        "weight_present": poll.weight_present,
    }


def assembly_state(assembly: Assembly) -> dict:
    """`{"type": "assembly.state", ...}`: attendance, quorum and open polls with their tally."""
    polls = (
        Poll.objects.filter(assembly=assembly, status=Poll.Status.OPEN)
        .annotate(entitled=Count("entitlements"))
        .prefetch_related("options")
    )
    return {
        "type": "assembly.state",
        "assembly": assembly.pk,
        "status": assembly.status,
        "attendance": presence(assembly).as_payload(),
        # `entitled` as in `poll.opened`: a screen that connects after the opening needs it too
        "polls": [{**poll_brief(p), "entitled": p.entitled, "tally": poll_tally(p)} for p in polls],
    }


def current_poll(assembly: Assembly) -> Poll | None:
    """The poll a room is looking at: the latest opened one still open, else the latest closed
    or published one (what a projector shows)."""
    polls = Poll.objects.filter(assembly=assembly).select_related("assembly")
    return (
        polls.filter(status=Poll.Status.OPEN).order_by("-opened_at", "-pk").first()
        or polls.filter(status__in=[Poll.Status.CLOSED, Poll.Status.PUBLISHED])
        .order_by("-closed_at", "-pk")
        .first()
    )


def poll_result(poll: Poll) -> dict:
    """Totals, outcome, quorum and participation of a closed or published poll."""
    rows = list(Ballot.objects.filter(poll_id=poll.pk).values_list("weight", "choice"))
    entitled = poll.entitlements.count()
    tally = poll_tally(poll)
    return {
        "poll": poll_brief(poll),
        "tally": tally,
        "outcome": tallying.result(poll.method, _option_ids(poll), rows, **_rules(poll)),
        "participation": {
            "entitled": entitled,
            "voted": len(rows),
            "weight_present": tallying.decimal(poll.weight_present or 0),
            "total_weight": tallying.decimal(poll.total_weight or 0),
            "weight_cast": tally["weight_cast"],
        },
        "quorum_reached": bool(poll.total_weight)
        and poll.weight_present >= poll.total_weight * Fraction(poll.assembly.quorum_share),
    }


def named_votes(poll: Poll) -> list[dict]:
    """Who voted what, for named polls only (secret polls have no such link)."""
    if poll.secret:
        return []
    records = {
        r.organisation_id: r for r in VoteRecord.objects.filter(poll=poll).select_related("cast_by")
    }
    return [
        {
            "organisation": b.organisation,
            "choice": b.choice,
            "weight": tallying.decimal(b.weight),
            "cast_by": records[b.organisation_id].cast_by,
            "paper": records[b.organisation_id].paper,
            "via_proxy": records[b.organisation_id].via_proxy,
        }
        for b in Ballot.objects.filter(poll=poll)
        .select_related("organisation")
        .order_by("organisation__name")
    ]


def published_ballots(poll: Poll):
    """The counted ballots of a named poll, by receipt hash. A secret poll publishes none: under
    headcount weights or colleges most weights are one CAE's alone, so a ballot's weight next
    to its choice would name its voter (its totals are all it publishes)."""
    if poll.secret:
        return Ballot.objects.none()
    return Ballot.objects.filter(poll=poll).order_by("receipt_hash")


def choice_labels(poll: Poll, choice) -> str:
    """A stored choice in words, for lists and minutes."""
    labels = {str(o.pk): o.label for o in poll.options.all()}
    if poll.method == Poll.Method.MOTION:
        return str(tallying.MOTION_LABELS.get(choice, choice))
    if poll.method == Poll.Method.SINGLE:
        return labels.get(str(choice), "—") if choice is not None else "—"
    if poll.method == Poll.Method.APPROVAL:
        return ", ".join(labels.get(str(c), "?") for c in choice) or "—"
    if poll.method == Poll.Method.JUDGMENT:
        return " ; ".join(
            f"{labels.get(o, '?')} : {tallying.GRADE_LABELS.get(g, g)}" for o, g in choice.items()
        )
    return " > ".join(
        " = ".join(labels.get(str(c), "?") for c in p)
        if isinstance(p, list)
        else labels.get(str(p), "?")
        for p in choice
    )


def ledger_head(poll: Poll) -> str:
    """The hash of the poll's last ledger entry: it vouches for the whole chain."""
    return poll.ledger.order_by("-index").values_list("hash", flat=True).first() or ""


def receipt_check(poll: Poll, receipt: str) -> dict:
    """Whether the ballot of `receipt` is counted. For a named poll, as what (public anyway);
    for a secret poll only that it is counted and sealed in the ledger whose head is
    `ledger_head`: the receipt must not prove its choice to a third party (who could buy it)."""
    import hashlib

    digest = hashlib.sha256(receipt.encode()).hexdigest()
    ballot = Ballot.objects.filter(poll=poll, receipt_hash=digest).first()
    shown = ballot is not None and not poll.secret
    return {
        "counted": ballot is not None,
        "receipt_hash": digest,
        "secret": poll.secret,
        "choice": ballot.choice if shown else None,
        "weight": tallying.decimal(ballot.weight) if shown else None,
        "ledger_head": ledger_head(poll) if ballot is not None else None,
    }


def tally_rows(poll: Poll, tally: dict) -> list[dict]:
    """A tally's totals in words for a page: `key` (as in `totals`), `label`, and `value`, or
    `grades` (label, value) pairs for majority judgment. A hidden tally (no totals) gives
    the rows with "—" for every figure: the page fills them in when the poll closes."""
    totals = tally["totals"]
    if totals is None:
        return _hidden_rows(poll)
    if poll.method == Poll.Method.MOTION:
        return [
            {"key": k, "label": tallying.MOTION_LABELS[k], "value": totals[k]}
            for k in ("yes", "no", "abstain")
        ]
    rows = []
    for option in poll.options.all():
        value = totals.get(str(option.pk))
        row = {"key": str(option.pk), "label": option.label}
        if poll.method == Poll.Method.JUDGMENT:
            row["grades"] = [
                (tallying.GRADE_LABELS[g.key], value.get(g.key, "0.00")) for g in tallying.GRADES
            ]
        else:
            row["value"] = value
        rows.append(row)
    if "blank" in totals:
        rows.append({"key": "blank", "label": _("blanc"), "value": totals["blank"]})
    return rows


def _hidden_rows(poll: Poll) -> list[dict]:
    if poll.method == Poll.Method.MOTION:
        return [
            {"key": k, "label": tallying.MOTION_LABELS[k], "value": "—"}
            for k in ("yes", "no", "abstain")
        ]
    rows = []
    for option in poll.options.all():
        row = {"key": str(option.pk), "label": option.label, "value": "—"}
        if poll.method == Poll.Method.JUDGMENT:
            row["grades"] = [(tallying.GRADE_LABELS[g.key], "—") for g in tallying.GRADES]
        rows.append(row)
    return rows


# Agenda items and polls may point at a proposal, an amendment or a document of these apps.
TARGET_APPS = ("proposals", "documents")


def target_object(kind: str, pk: int):
    """The object `"<app>.<model>"` number `pk`, or `InvalidInput(code="invalid_target")`."""
    from django.contrib.contenttypes.models import ContentType

    from alliance.errors import InvalidInput

    app_label, _dot, model = (kind or "").lower().partition(".")
    content_type = (
        ContentType.objects.filter(app_label=app_label, model=model).first()
        if app_label in TARGET_APPS
        else None
    )
    model_class = content_type.model_class() if content_type else None
    found = model_class._default_manager.filter(pk=pk).first() if model_class else None
    if found is None:
        raise InvalidInput(
            _("Cet objet n'existe pas ou ne peut pas être lié."),
            code="invalid_target",
            details={"target_type": kind, "target_id": pk},
        )
    return found


def target_payload(item) -> dict | None:
    if item.target_type_id is None:
        return None
    return {"type": f"{item.target_type.app_label}.{item.target_type.model}", "id": item.target_id}
