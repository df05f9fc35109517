"""Bulk creation of benchmark data: many CAEs, their delegates with API tokens.

Rows go in with `bulk_create` in batches; every delegate shares one password hash, so that
creating thousands of people takes seconds, not minutes.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from rest_framework.authtoken.models import Token

from alliance.models import Organisation, User

BATCH = 1000
PREFIX = "bench"


def _batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


@transaction.atomic
def seed_organisations(*, count: int, delegates: int, progress=None) -> dict:
    """Create `count` CAEs named `bench-00001...` and `delegates` delegates spread over them
    (at least one per CAE while there are enough), each with an API token."""
    existing = set(
        Organisation.objects.filter(slug__startswith=f"{PREFIX}-").values_list("slug", flat=True)
    )
    new = [
        Organisation(
            name=f"CAE de test {i:05d}",
            slug=f"{PREFIX}-{i:05d}",
            city="Lyon",
            region="ARA",
            entrepreneurs_count=5 + (i * 37) % 400,
        )
        for i in range(1, count + 1)
        if f"{PREFIX}-{i:05d}" not in existing
    ]
    for done, batch in enumerate(_batches(new), start=1):
        Organisation.objects.bulk_create(batch)
        if progress:
            progress(min(done * BATCH, len(new)), len(new) + delegates)
    organisation_ids = list(
        Organisation.objects.filter(slug__startswith=f"{PREFIX}-")
        .order_by("slug")
        .values_list("pk", flat=True)[:count]
    )
    password = make_password("demo")
    known = set(
        User.objects.filter(username__startswith=f"{PREFIX}-d").values_list("username", flat=True)
    )
    people = [
        User(
            username=f"{PREFIX}-d{i:05d}",
            first_name="Délégué·e",
            last_name=f"{i:05d}",
            organisation_id=organisation_ids[(i - 1) % len(organisation_ids)],
            is_delegate=True,
            password=password,
        )
        for i in range(1, delegates + 1)
        if f"{PREFIX}-d{i:05d}" not in known
    ]
    for done, batch in enumerate(_batches(people), start=1):
        User.objects.bulk_create(batch)
        if progress:
            progress(len(new) + min(done * BATCH, len(people)), len(new) + delegates)
    users = list(
        User.objects.filter(
            username__startswith=f"{PREFIX}-d", auth_token__isnull=True
        ).values_list("pk", flat=True)
    )
    for batch in _batches(users):
        Token.objects.bulk_create(Token(key=secrets.token_hex(20), user_id=pk) for pk in batch)
    if progress:
        progress(len(new) + delegates, len(new) + delegates)
    return {"organisations": len(organisation_ids), "delegates": delegates}


def bench_tokens(limit: int) -> list[tuple[int, int, str]]:
    """(user id, organisation id, token) of the benchmark delegates, in a stable order."""
    return list(
        User.objects.filter(username__startswith=f"{PREFIX}-d")
        .order_by("username")
        .values_list("pk", "organisation_id", "auth_token__key")[:limit]
    )


def refresh_planner_statistics() -> None:
    """What autovacuum does to a live database, done at once after a bulk load: right after
    one the planner's estimates are stale (PostgreSQL took a 10,000-comment thread for 96 rows
    and sorted it to serve one page), and PostgreSQL's visibility map is empty (no index-only
    scans). Not inside a transaction: PostgreSQL's VACUUM refuses to run in one."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
