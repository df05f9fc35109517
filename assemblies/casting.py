"""Casting ballots, one or many at once.

`ballots_cast(requests)` checks and writes any number of ballots in one transaction with a
fixed number of statements (about ten, whatever the number of ballots), and answers each
request on its own: its `CastResult`, or the `AllianceError` that refused it. A refused
request writes nothing and does not stop the others.

Why many at once: Channels runs every ORM call of a server process on one thread, and a ballot
costs that thread about 6 ms when cast alone, mostly the ORM building its queries. Live votes
arriving while a batch is being written wait for it and are cast together by the next one
(`assemblies/vote_queue.py`), so the cost per ballot falls as the flow rises
(docs/PERFORMANCE.md). `ballot_cast` (one ballot) is the same code with one request.

Locks (see `assemblies/services.py`): each poll's ballot lock is taken in shared mode, so a
batch and `poll_close` meet as a single ballot and the close do. One ballot per CAE and poll
is the `VoteRecord` unique constraint: the records are inserted with `ON CONFLICT DO NOTHING`,
and a request whose record was not inserted (another process, or an earlier request of the
same batch, was first) answers `already_voted`.

Who may cast is read live, in the batch's transaction; what a ballot weighs stays frozen at
the opening (`PollEntitlement`). A person casts for a CAE entitled to the poll if, now, their
account is active and they are a delegate of that CAE, or they are the proxy holder named at
the opening and that proxy is still validated (a withdrawal answers `mandate_withdrawn`, and
the CAE's own delegates may then cast). The proxy rows read are locked in share mode, so a
withdrawal (`services.proxy_withdraw`, which locks the assembly row, then updates the proxy)
waits for the ballots in flight that rely on it, and the later ones see it withdrawn: every
ballot of the former holder is committed before the withdrawal or refused. No lock cycle:
ballots never lock the assembly row.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, NamedTuple

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.errors import AllianceError, Conflict, NotAllowed, NotFound
from alliance.models import User
from assemblies import rules, tally_publisher, tallying
from assemblies.ids import pk_of
from assemblies.models import Ballot, Poll, PollEntitlement, PollOption, Proxy, VoteRecord

# Ballots and the close of a poll meet on a PostgreSQL advisory lock keyed by the poll: shared
# for ballots (voters never wait for each other), exclusive for the close. Unlike a row's share
# lock, PostgreSQL queues new shared requests behind a waiting exclusive one, so a steady flow
# of voters cannot starve the close. SQLite runs one writing transaction at a time anyway.
BALLOT_LOCK_NAMESPACE = 0x61737365  # "asse"


@dataclass(frozen=True)
class CastResult:
    """What a voter gets back. `receipt` is shown once (only its hash is stored); `seq` is the
    first tally sequence number whose snapshot includes this ballot."""

    poll: int
    organisation: int
    receipt: str
    seq: int
    paper: bool
    request_id: str | None = None


@dataclass(frozen=True)
class BallotRequest:
    """One ballot to cast. `assembly`, when given, is the assembly the poll must belong to
    (a live connection belongs to one assembly)."""

    poll: Any
    organisation: Any
    actor: User
    choice: Any
    paper: bool = False
    request_id: str | None = None
    assembly: int | None = None


def receipt_hash(receipt: str) -> str:
    return hashlib.sha256(receipt.encode()).hexdigest()


def ballot_lock(poll_id: int, *, exclusive: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [BALLOT_LOCK_NAMESPACE, poll_id % 2**31])


def ballot_cast(
    *,
    poll,
    organisation,
    actor: User,
    choice,
    paper: bool = False,
    request_id: str | None = None,
) -> CastResult:
    """Cast `organisation`'s ballot in `poll`, by one of its entitled delegates or its proxy
    holder, or (`paper=True`) by a teller of the secretariat entering a paper ballot.

    Errors: `poll_not_found` (404), `poll_not_open` / `poll_closed` (409), `not_entitled` /
    `not_allowed` (403), `invalid_choice` (400), `already_voted` (409). Nothing is written on
    error. The tally publisher is told after the commit.

    `seq` is the number of the poll's ballots counted after this ballot committed. Ballots are
    never deleted, so every snapshot taken before this commit counted fewer; any tally whose
    seq is at least this number was read after the commit and includes the ballot."""
    request = BallotRequest(poll, organisation, actor, choice, paper, request_id)
    (outcome,) = ballots_cast([request])
    if isinstance(outcome, AllianceError):
        raise outcome
    return outcome


def ballots_cast(requests: list[BallotRequest]) -> list[CastResult | AllianceError]:
    """Cast every request that passes its checks, in one transaction; one outcome per request,
    in order. Errors other than a request's own (the database gone) propagate: then nothing
    of the batch is written."""
    outcomes: list[CastResult | AllianceError | None] = [None] * len(requests)
    keys: list[tuple[int, int] | None] = [None] * len(requests)
    for index, request in enumerate(requests):
        try:
            keys[index] = (pk_of(request.poll), pk_of(request.organisation))
        except AllianceError as error:
            outcomes[index] = error
    receipts: dict[int, str] = {}
    with transaction.atomic():
        poll_ids = sorted({key[0] for key in keys if key})
        for poll_id in poll_ids:
            ballot_lock(poll_id, exclusive=False)
        checks = _Checks.read(poll_ids, keys, requests)
        accepted = []  # (index, record row, stored choice, weight)
        claimed = set()  # the same CAE twice in one batch: the first one counts
        now = timezone.now()
        for index, (request, key) in enumerate(zip(requests, keys, strict=True)):
            if key is None:
                continue
            try:
                entitlement, via_proxy, stored = checks.verify(request, key)
                if key in claimed:
                    raise _already_voted()
            except AllianceError as error:
                outcomes[index] = error
                continue
            claimed.add(key)
            row = (*key, request.actor.pk, via_proxy, request.paper, now)
            accepted.append((index, row, stored, entitlement.weight))
        # Sorted: two processes inserting overlapping batches then wait in the same order
        # and cannot deadlock.
        inserted = _insert_vote_records(sorted(row for _index, row, _c, _w in accepted))
        written: list[tuple[int, Ballot]] = []
        for index, (poll_id, organisation_id, *_rest), stored, weight in accepted:
            if (poll_id, organisation_id) not in inserted:
                outcomes[index] = _already_voted()
                continue
            receipts[index] = secrets.token_urlsafe(18)
            ballot = Ballot(
                poll_id=poll_id,
                choice=stored,
                weight=weight,
                receipt_hash=receipt_hash(receipts[index]),
                organisation_id=None if checks.secret(poll_id) else organisation_id,
            )
            written.append((index, ballot))
        Ballot.objects.bulk_create([ballot for _index, ballot in written])
        written_polls = sorted({ballot.poll_id for _index, ballot in written})
        for poll_id in written_polls:
            # robust: the ballots are committed whatever happens to the live update.
            transaction.on_commit(
                lambda poll_id=poll_id: tally_publisher.ballot_committed(poll_id), robust=True
            )
    counts = dict(
        Ballot.objects.filter(poll_id__in=written_polls)
        .values_list("poll_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for index, ballot in written:
        request = requests[index]
        outcomes[index] = CastResult(
            poll=ballot.poll_id,
            organisation=keys[index][1],
            receipt=receipts[index],
            seq=counts[ballot.poll_id],
            paper=request.paper,
            request_id=request.request_id,
        )
    return outcomes


def _already_voted() -> Conflict:
    return Conflict(_("Cette CAE a déjà voté dans ce vote."), code="already_voted")


class _Entitlement(NamedTuple):
    """The fields of a `PollEntitlement` the checks use (rows, not model instances: building
    200 instances a batch was 5 % of the server's time during a sustained vote)."""

    pk: int
    weight: Fraction
    proxy_holder_id: int | None


class _Checks:
    """What the checks of a batch need, read in five queries: the polls, the entitlements,
    the actors' live roles, their live proxies, and the options."""

    def __init__(self, polls, entitlements, voters, proxies, options):
        self.polls = polls  # poll id: (status, secret, method, max_choices, assembly id)
        self.entitlements = entitlements  # (poll id, organisation id): _Entitlement
        self.voters = voters  # user id: organisation id, for active delegates of active CAEs
        self.proxies = proxies  # {(assembly id, giver id, holder id)} validated now
        self.options = options  # poll id: [option ids in order]

    @classmethod
    def read(cls, poll_ids, keys, requests) -> _Checks:
        polls = {
            row[0]: row[1:]
            for row in Poll.objects.filter(pk__in=poll_ids).values_list(
                "id", "status", "secret", "method", "max_choices", "assembly_id"
            )
        }
        organisation_ids = {key[1] for key in keys if key}
        entitlements = {
            (poll_id, organisation_id): _Entitlement(pk, weight, proxy_holder_id)
            for poll_id, organisation_id, pk, weight, proxy_holder_id in (
                PollEntitlement.objects.filter(
                    poll_id__in=poll_ids, organisation_id__in=organisation_ids
                ).values_list("poll_id", "organisation_id", "id", "weight", "proxy_holder_id")
            )
        }
        # Read again, not taken from `request.actor`: a live connection holds the person it
        # authenticated, who may since have been deactivated or lost the delegate role.
        voters = dict(
            User.objects.filter(
                pk__in={request.actor.pk for request in requests},
                is_active=True,
                is_delegate=True,
                organisation__active=True,
            ).values_list("id", "organisation_id")
        )
        proxies = _live_proxies(
            assembly_ids={poll[4] for poll in polls.values()},
            giver_ids=organisation_ids,
            holder_ids=set(voters),
        )
        options: dict[int, list[int]] = {poll_id: [] for poll_id in poll_ids}
        for poll_id, option_id in (
            PollOption.objects.filter(poll_id__in=poll_ids)
            .order_by("poll_id", "position")
            .values_list("poll_id", "id")
        ):
            options[poll_id].append(option_id)
        return cls(polls, entitlements, voters, proxies, options)

    def secret(self, poll_id: int) -> bool:
        return self.polls[poll_id][1]

    def verify(self, request: BallotRequest, key: tuple[int, int]):
        """(entitlement, via_proxy, stored choice), or the request's `AllianceError`."""
        poll_id = key[0]
        poll = self.polls.get(poll_id)
        if poll is None:
            raise NotFound(_("Ce vote n'existe pas."), code="poll_not_found")
        if request.assembly is not None and poll[4] != request.assembly:
            raise NotFound(_("Ce vote n'existe pas dans cette assemblée."), code="poll_not_found")
        status, _secret, method, max_choices, _assembly = poll
        if status == Poll.Status.DRAFT:
            raise Conflict(_("Ce vote n'est pas encore ouvert."), code="poll_not_open")
        if status != Poll.Status.OPEN:
            raise Conflict(_("Ce vote est clos."), code="poll_closed")
        entitlement = self.entitlements.get(key)
        actor = request.actor
        if request.paper:
            if not rules.can_enter_paper_ballots(actor):
                raise NotAllowed(_("Seul le secrétariat saisit les bulletins papier."))
            if entitlement is None:
                raise NotAllowed(
                    _("Cette CAE n'est ni présente ni représentée dans ce vote."),
                    code="not_entitled",
                )
            via_proxy = False
        else:
            via_proxy = self.may_cast(request, key, entitlement)
        stored = tallying.validate_choice(
            method, self.options[poll_id], request.choice, max_choices=max_choices
        )
        return entitlement, via_proxy, stored

    def may_cast(self, request: BallotRequest, key: tuple[int, int], entitlement) -> bool:
        """Whether the actor casts through a proxy; raises if they may not cast at all."""
        poll_id, organisation_id = key
        actor_id = request.actor.pk
        if entitlement is not None and self.voters.get(actor_id) == organisation_id:
            return False  # a delegate of the CAE, now
        if entitlement is not None and entitlement.proxy_holder_id == actor_id:
            if (self.polls[poll_id][4], organisation_id, actor_id) in self.proxies:
                return True
            raise NotAllowed(
                _(
                    "Votre procuration pour cette CAE a été retirée ou refusée, ou vous n'êtes "
                    "plus délégué·e : vous ne pouvez plus voter pour elle."
                ),
                code="mandate_withdrawn",
            )
        raise NotAllowed(
            _("Vous ne pouvez pas voter pour cette CAE dans ce vote."), code="not_entitled"
        )


def _live_proxies(*, assembly_ids, giver_ids, holder_ids) -> set[tuple[int, int, int]]:
    """The validated proxies among these, locked in share mode on PostgreSQL until the batch
    commits (the ORM has no `FOR SHARE`; a withdrawal's update waits for it)."""
    if not (assembly_ids and giver_ids and holder_ids):
        return set()
    query = Proxy.objects.filter(
        assembly_id__in=assembly_ids,
        giver_id__in=giver_ids,
        holder_id__in=holder_ids,
        status=Proxy.Status.VALIDATED,
    ).values_list("assembly_id", "giver_id", "holder_id")
    if connection.vendor != "postgresql":
        return set(query)
    sql, params = query.order_by("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"{sql} FOR SHARE", params)
        return {tuple(row) for row in cursor.fetchall()}


def _insert_vote_records(rows: list[tuple]) -> set[tuple[int, int]]:
    """Insert the `VoteRecord` rows `(poll, organisation, cast_by, via_proxy, paper,
    voted_at)`, skipping any whose CAE has already voted; the (poll, organisation) pairs
    inserted. One statement: `INSERT ... ON CONFLICT DO NOTHING RETURNING` (PostgreSQL, and
    SQLite since 3.35), which the ORM's `bulk_create` cannot express."""
    if not rows:
        return set()
    quote = connection.ops.quote_name
    names = ("poll", "organisation", "cast_by", "via_proxy", "paper", "voted_at")
    fields = [VoteRecord._meta.get_field(name) for name in names]
    poll_column, organisation_column = quote(fields[0].column), quote(fields[1].column)
    row_placeholder = "(" + ", ".join(["%s"] * len(fields)) + ")"
    table = quote(VoteRecord._meta.db_table)
    columns = ", ".join(quote(field.column) for field in fields)
    values = ", ".join([row_placeholder] * len(rows))
    key = f"{poll_column}, {organisation_column}"
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {values} "  # noqa: S608 (names from the model)
        f"ON CONFLICT ({key}) DO NOTHING RETURNING {key}"
    )
    params = [
        field.get_db_prep_save(value, connection)
        for row in rows
        for field, value in zip(fields, row, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(poll_id, organisation_id) for poll_id, organisation_id in cursor.fetchall()}
