"""Benchmark data for votes: an open assembly where every benchmark CAE is present, and open
yes/no polls ready to vote on. Attendance rows go in with `bulk_create`; polls open through
the real service, which snapshots the entitlements."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from alliance.models import Organisation, User
from assemblies import services
from assemblies.models import Assembly, Attendance, AttendanceMode, Poll

SLUG = "bench-assembly"


def _secretariat() -> User:
    user, _created = User.objects.get_or_create(
        username="bench-secretariat",
        defaults={"is_secretariat": True, "first_name": "Banc", "last_name": "d'essai"},
    )
    return user


@transaction.atomic
def seed_open_assembly(*, organisation_prefix: str, polls: int) -> dict:
    actor = _secretariat()
    Assembly.objects.filter(slug=SLUG).delete()
    today = timezone.localdate()
    assembly = services.assembly_create(
        actor=actor,
        title="Assemblée de mesure",
        slug=SLUG,
        starts_on=today,
        ends_on=today + datetime.timedelta(days=1),
        online=True,
    )
    services.assembly_open(actor=actor, assembly=assembly)
    delegates = dict(
        User.objects.filter(organisation__slug__startswith=organisation_prefix, is_delegate=True)
        .order_by("organisation_id", "pk")
        .values_list("organisation_id", "pk")
    )
    now = timezone.now()
    Attendance.objects.bulk_create(
        Attendance(
            assembly=assembly,
            organisation_id=organisation_id,
            delegate_id=delegate_id,
            mode=AttendanceMode.ONLINE,
            checked_in_at=now,
            checked_in_by=actor,
        )
        for organisation_id, delegate_id in delegates.items()
    )
    poll_ids = []
    for number in range(1, polls + 1):
        poll = services.poll_create(
            actor=actor,
            assembly=assembly,
            title=f"Motion de mesure {number}",
            method=Poll.Method.MOTION,
            threshold=Poll.Threshold.SIMPLE,
        )
        services.poll_open(actor=actor, poll=poll)
        poll_ids.append(poll.pk)
    return {
        "assembly": assembly.pk,
        "polls": poll_ids,
        "present": len(delegates),
        "organisations": Organisation.objects.filter(slug__startswith=organisation_prefix).count(),
    }
