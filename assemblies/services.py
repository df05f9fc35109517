"""Every write of the assemblies area.

Locks, and who holds them:
- `ballot_cast` / `ballots_cast` (`assemblies/casting.py`) take the poll's ballot lock in shared
  mode (a PostgreSQL advisory lock, see `casting.ballot_lock`): voters never wait for each other, but `poll_close`, which takes it in
  exclusive mode, waits for the ballots in flight and makes the later ones see the poll closed.
  A ballot is thus either committed before the close (and counted, sealed, acknowledged) or
  refused with `poll_closed`; never lost.
- `poll_open` / `poll_close` / `poll_publish` lock the poll row; they are also the only writers
  of its ledger (see `assemblies/ledger.py`).
- Proxy grants and decisions lock the assembly row, so two grants to one delegate cannot both
  pass the cap check.
One ballot per CAE per poll is the `VoteRecord` unique constraint; a losing race answers
`already_voted`. Events leave after the commit (`alliance.events.send_event_on_commit`).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from alliance import events
from alliance import rules as base_rules
from alliance.errors import Conflict, InvalidInput, NotAllowed, NotFound
from alliance.events import send_event_on_commit
from alliance.models import Network, Organisation, User
from assemblies import ledger, rules, selectors
from assemblies.casting import (  # noqa: F401 (ballots are cast there; callers find them here)
    BallotRequest,
    CastResult,
    ballot_cast,
    ballot_lock,
    ballots_cast,
    receipt_hash,
)
from assemblies.ids import pk_of as _pk
from assemblies.models import (
    AgendaItem,
    Assembly,
    AssemblySession,
    Attendance,
    AttendanceMode,
    College,
    CollegeMembership,
    Poll,
    PollEntitlement,
    PollOption,
    Proxy,
)


def _require_manager(actor) -> None:
    if not rules.can_manage_assemblies(actor):
        raise NotAllowed(_("Seul le secrétariat peut faire cela."))


def _send_attendance(assembly: Assembly) -> None:
    """After the commit, send the attendance figures as they are then: computed after the
    commit rather than before, so that two concurrent check-ins cannot leave a stale figure
    last. `robust`: a failure to send never turns the committed write into an error."""

    def send():
        payload = {
            "type": "attendance",
            "assembly": assembly.pk,
            **selectors.presence(assembly).as_payload(),
        }
        events.group_send_now(assembly.group_name, payload)

    transaction.on_commit(send, robust=True)


# --- Assemblies -----------------------------------------------------------------------------


def assembly_create(
    *,
    actor: User,
    title: str,
    starts_on: date,
    ends_on: date,
    slug: str = "",
    description: str = "",
    place: str = "",
    online: bool = False,
    weight_rule: str = Assembly.WeightRule.ONE_PER_ORGANISATION,
    cap_share: Decimal | None = None,
    quorum_share: Decimal = Decimal("0.5"),
    max_proxies_per_delegate: int = 2,
    sessions: list[tuple[str, datetime, datetime | None]] = (),
) -> Assembly:
    _require_manager(actor)
    if ends_on < starts_on or any(end and end < start for _t, start, end in sessions):
        raise InvalidInput(_("La fin précède le début."), code="invalid_dates")
    if not Decimal(0) <= Decimal(quorum_share) <= Decimal(1):
        raise InvalidInput(_("Le quorum est une part entre 0 et 1."), code="invalid_quorum")
    if weight_rule == Assembly.WeightRule.PROPORTIONAL_CAPPED and not (
        cap_share is not None and Decimal(0) < Decimal(cap_share) <= Decimal(1)
    ):
        raise InvalidInput(
            _("La pondération proportionnelle demande un plafond entre 0 et 1."),
            code="invalid_cap_share",
        )
    slug = slugify(slug or title)[:200]
    if not slug:
        raise InvalidInput(_("Il faut un titre."), code="invalid_title")
    try:
        with transaction.atomic():
            assembly = Assembly.objects.create(
                title=title,
                slug=slug,
                description=description,
                starts_on=starts_on,
                ends_on=ends_on,
                place=place,
                online=online,
                weight_rule=weight_rule,
                cap_share=cap_share,
                quorum_share=quorum_share,
                max_proxies_per_delegate=max_proxies_per_delegate,
            )
            AssemblySession.objects.bulk_create(
                AssemblySession(assembly=assembly, title=t, starts_at=s, ends_at=e)
                for t, s, e in sessions
            )
            selectors.weight_base(assembly)  # a cap too low for the CAEs raises, and rolls back
    except IntegrityError:  # the slug's unique constraint
        raise Conflict(_("Une assemblée porte déjà cet identifiant."), code="slug_taken") from None
    return assembly


def _set_assembly_status(*, actor, assembly: Assembly, status: str, allowed_from: str) -> Assembly:
    _require_manager(actor)
    with transaction.atomic():
        assembly = Assembly.objects.select_for_update(no_key=True).get(pk=assembly.pk)
        if assembly.status != allowed_from:
            raise Conflict(
                _("L'assemblée n'est pas dans l'état attendu."), code="invalid_assembly_status"
            )
        if status == Assembly.Status.CLOSED and assembly.polls.filter(status="open").exists():
            raise Conflict(_("Des votes sont encore ouverts."), code="polls_still_open")
        assembly.status = status
        assembly.save(update_fields=["status"])
        _send_attendance(assembly)
    return assembly


def assembly_open(*, actor: User, assembly: Assembly) -> Assembly:
    return _set_assembly_status(
        actor=actor, assembly=assembly, status=Assembly.Status.OPEN, allowed_from="planned"
    )


def assembly_close(*, actor: User, assembly: Assembly) -> Assembly:
    return _set_assembly_status(
        actor=actor, assembly=assembly, status=Assembly.Status.CLOSED, allowed_from="open"
    )


def college_create(
    *,
    actor: User,
    assembly: Assembly,
    name: str,
    share: Decimal,
    organisations: list[Organisation] | None = None,
    network: Network | None = None,
) -> College:
    """A college holding `share` of the total, its members given or taken from a network.
    A CAE already in another college of the assembly stays there (`college_member_elsewhere`)."""
    _require_manager(actor)
    if Decimal(share) <= 0:
        raise InvalidInput(_("La part d'un collège doit être positive."), code="invalid_share")
    members = list(organisations or [])
    if network is not None:
        members += list(network.organisations.active())
    with transaction.atomic():
        try:
            with transaction.atomic():
                college = College.objects.create(assembly=assembly, name=name, share=share)
        except IntegrityError:
            raise Conflict(_("Ce collège existe déjà."), code="college_exists") from None
        try:
            with transaction.atomic():
                CollegeMembership.objects.bulk_create(
                    CollegeMembership(assembly=assembly, college=college, organisation=o)
                    for o in {o.pk: o for o in members}.values()
                )
        except IntegrityError:
            raise Conflict(
                _("Une de ces CAE est déjà dans un autre collège de l'assemblée."),
                code="college_member_elsewhere",
            ) from None
    return college


def agenda_item_add(
    *, actor: User, assembly: Assembly, title: str, description: str = "", target=None
) -> AgendaItem:
    _require_manager(actor)
    with transaction.atomic():
        Assembly.objects.select_for_update(no_key=True).get(pk=assembly.pk)
        last = assembly.agenda.order_by("-position").values_list("position", flat=True).first()
        return AgendaItem.objects.create(
            assembly=assembly,
            position=(last or 0) + 1,
            title=title,
            description=description,
            target=target,
        )


# --- Attendance -----------------------------------------------------------------------------


def attendance_check_in(
    *,
    actor: User,
    assembly: Assembly,
    organisation: Organisation,
    delegate: User | None = None,
    mode: str = AttendanceMode.ONLINE,
) -> Attendance:
    """A delegate checks their CAE in (online), or the secretariat checks a CAE in through
    one of its delegates (in the room or online)."""
    delegate = delegate or actor
    if not rules.can_check_in(actor, organisation):
        raise NotAllowed(_("Vous ne pouvez pas enregistrer la présence de cette CAE."))
    if not base_rules.is_delegate_of(delegate, organisation):
        raise InvalidInput(
            _("La présence passe par un·e délégué·e de la CAE."), code="not_a_delegate"
        )
    if mode not in AttendanceMode.values:
        raise InvalidInput(_("Mode de présence inconnu."), code="invalid_mode")
    if assembly.status == Assembly.Status.CLOSED:
        raise Conflict(_("L'assemblée est close."), code="assembly_closed")
    try:
        with transaction.atomic():
            attendance = Attendance.objects.create(
                assembly=assembly,
                organisation=organisation,
                delegate=delegate,
                mode=mode,
                checked_in_at=timezone.now(),
                checked_in_by=actor,
            )
            _send_attendance(assembly)
    except IntegrityError:
        raise Conflict(
            _("Cette CAE est déjà enregistrée comme présente."), code="already_checked_in"
        ) from None
    return attendance


def attendance_check_out(*, actor: User, assembly: Assembly, organisation: Organisation) -> None:
    if not rules.can_check_in(actor, organisation):
        raise NotAllowed(_("Vous ne pouvez pas enregistrer le départ de cette CAE."))
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update()
            .filter(assembly=assembly, organisation=organisation, checked_out_at__isnull=True)
            .first()
        )
        if attendance is None:
            raise Conflict(
                _("Cette CAE n'est pas enregistrée comme présente."), code="not_checked_in"
            )
        attendance.checked_out_at = timezone.now()
        attendance.checked_out_by = actor
        attendance.save(update_fields=["checked_out_at", "checked_out_by"])
        _send_attendance(assembly)


# --- Proxies --------------------------------------------------------------------------------


def proxy_grant(*, actor: User, assembly: Assembly, giver: Organisation, holder: User) -> Proxy:
    """A CAE gives its proxy to a delegate of another CAE; the secretariat then validates it.

    Pending and validated proxies both count towards the holder's cap; the assembly row lock
    makes the count and the insert one step."""
    if not rules.can_grant_proxy(actor, giver):
        raise NotAllowed(_("Seul·e un·e délégué·e de la CAE ou le secrétariat peut la donner."))
    if not base_rules.is_delegate(holder) or holder.organisation_id == giver.pk:
        raise InvalidInput(
            _("La procuration va à un·e délégué·e d'une autre CAE."), code="invalid_holder"
        )
    with transaction.atomic():
        assembly = Assembly.objects.select_for_update(no_key=True).get(pk=assembly.pk)
        if assembly.status == Assembly.Status.CLOSED:
            raise Conflict(_("L'assemblée est close."), code="assembly_closed")
        if Attendance.objects.filter(
            assembly=assembly, organisation=giver, checked_out_at__isnull=True
        ).exists():
            raise Conflict(_("Cette CAE est présente : elle vote elle-même."), code="giver_present")
        if Proxy.objects.filter(assembly=assembly, giver=giver, status__in=Proxy.ACTIVE).exists():
            raise Conflict(_("Cette CAE a déjà donné sa procuration."), code="proxy_exists")
        held = Proxy.objects.filter(
            assembly=assembly, holder=holder, status__in=Proxy.ACTIVE
        ).count()
        if held >= assembly.max_proxies_per_delegate:
            raise Conflict(
                _("Cette personne détient déjà %(max)s procurations, le maximum.")
                % {"max": assembly.max_proxies_per_delegate},
                code="proxy_cap_reached",
            )
        return Proxy.objects.create(assembly=assembly, giver=giver, holder=holder, created_by=actor)


def _decide_proxy(*, actor: User, proxy: Proxy, status: str, allowed_from: tuple) -> Proxy:
    with transaction.atomic():
        Assembly.objects.select_for_update(no_key=True).get(pk=proxy.assembly_id)
        proxy = Proxy.objects.select_related("assembly").get(pk=proxy.pk)
        if proxy.status not in allowed_from:
            raise Conflict(_("Cette procuration a déjà été traitée."), code="proxy_already_decided")
        proxy.status = status
        proxy.decided_at = timezone.now()
        proxy.decided_by = actor
        proxy.save(update_fields=["status", "decided_at", "decided_by"])
        _send_attendance(proxy.assembly)
    return proxy


def proxy_validate(*, actor: User, proxy: Proxy) -> Proxy:
    _require_manager(actor)
    return _decide_proxy(
        actor=actor, proxy=proxy, status=Proxy.Status.VALIDATED, allowed_from=("pending",)
    )


def proxy_refuse(*, actor: User, proxy: Proxy) -> Proxy:
    _require_manager(actor)
    return _decide_proxy(
        actor=actor, proxy=proxy, status=Proxy.Status.REFUSED, allowed_from=("pending",)
    )


def proxy_withdraw(*, actor: User, proxy: Proxy) -> Proxy:
    """The giving CAE (or the secretariat) takes its proxy back."""
    if not rules.can_grant_proxy(actor, proxy.giver):
        raise NotAllowed()
    return _decide_proxy(
        actor=actor, proxy=proxy, status=Proxy.Status.WITHDRAWN, allowed_from=Proxy.ACTIVE
    )


# --- Polls ----------------------------------------------------------------------------------


def poll_create(
    *,
    actor: User,
    assembly: Assembly,
    title: str,
    method: str,
    options: list[str | tuple[str, Model | None]] = (),
    threshold: str = "",
    abstentions_count: bool = False,
    secret: bool = False,
    results_hidden: bool | None = None,
    max_choices: int | None = None,
    agenda_item: AgendaItem | None = None,
    target: Model | None = None,
    description: str = "",
) -> Poll:
    """A draft poll. `options` are labels, or (label, linked object) pairs; motions have none.
    `results_hidden` (totals hidden until the close) defaults to `secret`; a secret poll cannot
    show live totals (`secret_results_hidden`): they would tell ballot by ballot who voted what."""
    _require_manager(actor)
    if results_hidden is None:
        results_hidden = secret
    if secret and not results_hidden:
        raise InvalidInput(
            _("Les résultats d'un vote secret restent masqués jusqu'à la clôture."),
            code="secret_results_hidden",
        )
    if method not in Poll.Method.values:
        raise InvalidInput(_("Méthode de vote inconnue."), code="invalid_method")
    options = [o if isinstance(o, tuple) else (o, None) for o in options]
    if method == Poll.Method.MOTION:
        if options:
            raise InvalidInput(_("Une motion n'a pas d'options."), code="invalid_options")
        if threshold not in Poll.Threshold.values:
            raise InvalidInput(_("Choisissez la majorité requise."), code="invalid_threshold")
    else:
        threshold = ""
        if len(options) < 2 or any(not str(label).strip() for label, _t in options):
            raise InvalidInput(
                _("Il faut au moins deux options, chacune avec un libellé."),
                code="invalid_options",
            )
    if method == Poll.Method.APPROVAL:
        if not max_choices or not 1 <= max_choices <= len(options):
            raise InvalidInput(
                _("Le nombre de choix permis va de 1 au nombre d'options."),
                code="invalid_max_choices",
            )
    else:
        max_choices = None
    if agenda_item is not None and agenda_item.assembly_id != assembly.pk:
        raise InvalidInput(_("Ce point n'est pas à cet ordre du jour."), code="invalid_agenda_item")
    if assembly.status == Assembly.Status.CLOSED:
        raise Conflict(_("L'assemblée est close."), code="assembly_closed")
    with transaction.atomic():
        poll = Poll.objects.create(
            assembly=assembly,
            agenda_item=agenda_item,
            target=target,
            title=title,
            description=description,
            method=method,
            max_choices=max_choices,
            threshold=threshold,
            abstentions_count=abstentions_count,
            secret=secret,
            results_hidden=results_hidden,
        )
        PollOption.objects.bulk_create(
            PollOption(poll=poll, position=i, label=str(label).strip(), target=linked)
            for i, (label, linked) in enumerate(options, start=1)
        )
    return poll


def _lock_poll(poll) -> Poll:
    try:
        return (
            Poll.objects.select_for_update(no_key=True).select_related("assembly").get(pk=_pk(poll))
        )
    except Poll.DoesNotExist:
        raise NotFound(_("Ce vote n'existe pas."), code="poll_not_found") from None


def poll_open(*, actor: User, poll: Poll) -> Poll:
    """Open a draft poll: freeze who may vote, for which CAE, with which weight.

    Entitled are the CAEs present (their delegates vote) and the absent ones represented by a
    validated proxy (its holder votes; their own delegates too, should one connect: whichever
    ballot comes first is the CAE's one). Needs the quorum."""
    _require_manager(actor)
    with transaction.atomic():
        poll = _lock_poll(poll)
        assembly = poll.assembly
        if poll.status != Poll.Status.DRAFT:
            raise Conflict(_("Ce vote a déjà été ouvert."), code="poll_already_opened")
        if assembly.status != Assembly.Status.OPEN:
            raise Conflict(_("L'assemblée n'est pas ouverte."), code="assembly_not_open")
        now = selectors.presence(assembly)
        if not now.quorum_reached:
            raise Conflict(
                _("Le quorum n'est pas atteint : le vote ne peut pas s'ouvrir."),
                code="quorum_not_reached",
            )
        entitled = sorted(now.present | now.represented.keys())
        delegates: dict[int, list[int]] = {}
        for user_id, org_id in User.objects.filter(
            organisation_id__in=entitled, is_delegate=True, is_active=True
        ).values_list("id", "organisation_id"):
            delegates.setdefault(org_id, []).append(user_id)
        entitlements = PollEntitlement.objects.bulk_create(
            PollEntitlement(
                poll=poll,
                organisation_id=org_id,
                weight=now.weights[org_id],
                college_id=now.college_of.get(org_id),
                proxy_holder_id=now.represented.get(org_id),
            )
            for org_id in entitled
        )
        through = PollEntitlement.delegates.through
        through.objects.bulk_create(
            through(pollentitlement_id=e.pk, user_id=user_id)
            for e in entitlements
            for user_id in delegates.get(e.organisation_id, [])
        )
        poll.status = Poll.Status.OPEN
        poll.opened_at = timezone.now()
        poll.total_weight = now.total_weight
        poll.weight_present = now.present_weight + now.represented_weight
        poll.save(update_fields=["status", "opened_at", "total_weight", "weight_present"])
        ledger.record_opening(poll, entitlements=entitlements)
        brief = selectors.poll_brief(poll)
        send_event_on_commit(
            assembly.group_name,
            {
                "type": "poll.opened",
                "poll": {**brief, "tally": selectors.poll_tally(poll)},
                "entitled": len(entitlements),
            },
        )
    return poll


def poll_close(*, actor: User, poll: Poll) -> Poll:
    """Close an open poll. Waits for the ballots in flight (they hold the shared ballot lock),
    then seals every ballot and the final tally into the ledger."""
    _require_manager(actor)
    with transaction.atomic():
        ballot_lock(_pk(poll), exclusive=True)
        poll = _lock_poll(poll)
        if poll.status != Poll.Status.OPEN:
            raise Conflict(_("Ce vote n'est pas ouvert."), code="poll_not_open")
        poll.status = Poll.Status.CLOSED
        poll.closed_at = timezone.now()
        poll.save(update_fields=["status", "closed_at"])
        tally = selectors.poll_tally(poll)
        ledger.record_closing(
            poll, option_ids=[o.pk for o in poll.options.all()], totals=tally["totals"]
        )
        send_event_on_commit(
            poll.assembly.group_name, {"type": "poll.closed", "poll": poll.pk, "tally": tally}
        )
    return poll


def poll_publish(*, actor: User, poll: Poll) -> Poll:
    """Publish the results of a closed poll (and, for every voter, the list of receipts)."""
    _require_manager(actor)
    with transaction.atomic():
        poll = _lock_poll(poll)
        if poll.status != Poll.Status.CLOSED:
            raise Conflict(_("Seul un vote clos peut être publié."), code="poll_not_closed")
        poll.status = Poll.Status.PUBLISHED
        poll.published_at = timezone.now()
        poll.save(update_fields=["status", "published_at"])
        send_event_on_commit(
            poll.assembly.group_name,
            {"type": "poll.result", "poll": poll.pk, "result": selectors.poll_result(poll)},
        )
    return poll
