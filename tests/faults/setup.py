"""Django work of the fault harness, run as `python -m tests.faults.setup COMMAND ...` against
the private services (the test process itself never opens the private database). Each command
prints one JSON document on its last line."""

from __future__ import annotations

import datetime
import json
import sys

import django


def migrate() -> dict:
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    return {"ok": True}


def seed(slug: str, delegates: int) -> dict:
    """An open assembly `slug` where `delegates` CAEs are present online (one delegate each,
    with an API token) and one open motion."""
    from django.db import transaction
    from django.test import Client
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from alliance.models import User
    from alliance.scale import bench_tokens, seed_organisations
    from assemblies import services
    from assemblies.models import Attendance, AttendanceMode, Poll

    seed_organisations(count=delegates, delegates=delegates)
    people = bench_tokens(delegates)
    secretariat, _ = User.objects.get_or_create(
        username="faults-secretariat", defaults={"is_secretariat": True, "last_name": "Greffe"}
    )
    with transaction.atomic():
        today = timezone.localdate()
        assembly = services.assembly_create(
            actor=secretariat,
            title=f"Assemblée {slug}",
            slug=slug,
            starts_on=today,
            ends_on=today + datetime.timedelta(days=1),
            online=True,
        )
        services.assembly_open(actor=secretariat, assembly=assembly)
        now = timezone.now()
        Attendance.objects.bulk_create(
            Attendance(
                assembly=assembly,
                organisation_id=organisation_id,
                delegate_id=user_id,
                mode=AttendanceMode.ONLINE,
                checked_in_at=now,
                checked_in_by=secretariat,
            )
            for user_id, organisation_id, _token in people
        )
        poll = services.poll_create(
            actor=secretariat,
            assembly=assembly,
            title=f"Motion {slug}",
            method=Poll.Method.MOTION,
            threshold=Poll.Threshold.SIMPLE,
        )
        services.poll_open(actor=secretariat, poll=poll)
    client = Client()
    client.force_login(secretariat)
    return {
        "assembly": assembly.pk,
        "poll": poll.pk,
        "delegates": [
            {"user": user, "organisation": organisation, "token": token}
            for user, organisation, token in people
        ],
        "secretariat_token": Token.objects.get_or_create(user=secretariat)[0].key,
        "secretariat_session": client.cookies["sessionid"].value,
    }


def truth(poll_id: int, *, close: bool) -> dict:
    """What the database holds for the poll: its tally, its ballots and its records of who
    voted; with `close`, the poll is closed first and its ledger verified."""
    from alliance.models import User
    from assemblies import ledger, services
    from assemblies.models import Ballot, Poll, VoteRecord
    from assemblies.selectors import poll_tally

    poll = Poll.objects.get(pk=poll_id)
    report = None
    if close:
        if poll.status == Poll.Status.OPEN:
            poll = services.poll_close(
                actor=User.objects.get(username="faults-secretariat"), poll=poll
            )
        verification = ledger.verify(poll)
        report = {
            "ok": verification.ok,
            "problems": verification.problems,
            "entries": verification.entries,
        }
        closing = poll.ledger.filter(kind="closed").values_list("payload", flat=True).first()
    return {
        "tally": poll_tally(poll),
        "ballots": [
            {
                "organisation": organisation,
                "receipt_hash": receipt_hash,
                "choice": choice,
                "weight": str(weight),
            }
            for organisation, receipt_hash, choice, weight in Ballot.objects.filter(
                poll=poll
            ).values_list("organisation_id", "receipt_hash", "choice", "weight")
        ],
        "records": list(
            VoteRecord.objects.filter(poll=poll).values_list("organisation_id", flat=True)
        ),
        "verification": report,
        "closing_totals": closing["totals"] if close and closing else None,
    }


def main(argv: list[str]) -> None:
    django.setup()
    command, *args = argv
    if command == "migrate":
        result = migrate()
    elif command == "seed":
        result = seed(args[0], int(args[1]))
    elif command == "truth":
        result = truth(int(args[0]), close=False)
    elif command == "close":
        result = truth(int(args[0]), close=True)
    else:
        raise SystemExit(f"unknown command {command}")
    print(json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
