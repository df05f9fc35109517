"""A thread's comments for the API, page by page: the hot path of a large debate.

A page of 50 out of 10,000 comments is one SQL statement (the page, its reaction counts and
the thread's total) and one for the networks of its CAEs, written out by hand. Through the
ORM the same page cost 10 ms of Python for 2 ms of SQL: building a query with four
subqueries, then three model instances per comment. `docs/PERFORMANCE.md` has the profile;
`tests/deliberation/test_api_comment_pages.py` keeps every row equal to what
`deliberation.api.CommentOutput` makes of the same comment.

The page is chosen on the bare index (`thread_id, created_at, id`) before anything is
counted: counting first would count the reactions of every row the offset skips.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from alliance.models import Network, Organisation, User
from deliberation.models import Comment, CommentStatus, Reaction, ReactionKind

_KINDS = (ReactionKind.AGREE, ReactionKind.DISAGREE, ReactionKind.PASS)

# Table names come from the models; every value is a bound parameter.
_TABLES = {
    "comment": Comment._meta.db_table,
    "reaction": Reaction._meta.db_table,
    "user": User._meta.db_table,
    "organisation": Organisation._meta.db_table,
    "membership": Organisation.networks.through._meta.db_table,
    "network": Network._meta.db_table,
}

_PAGE_SQL = """
SELECT c.id, c.thread_id, c.parent_id, c.depth, c.author_id, u.username, u.first_name,
       u.last_name, c.organisation_id, o.name, c.stance, c.is_point, c.status, c.body,
       c.body_html, c.moderation_reason, c.created_at, c.edited_at,
       (SELECT COUNT(*) FROM {reaction} r WHERE r.comment_id = c.id AND r.kind = %s),
       (SELECT COUNT(*) FROM {reaction} r WHERE r.comment_id = c.id AND r.kind = %s),
       (SELECT COUNT(*) FROM {reaction} r WHERE r.comment_id = c.id AND r.kind = %s),
       (SELECT COUNT(*) FROM {comment} t WHERE t.thread_id = %s)
FROM {comment} c
JOIN {user} u ON u.id = c.author_id
LEFT JOIN {organisation} o ON o.id = c.organisation_id
WHERE c.id IN (
    SELECT p.id FROM {comment} p WHERE p.thread_id = %s
    ORDER BY p.created_at, p.id LIMIT %s OFFSET %s
)
ORDER BY c.created_at, c.id
""".format(**_TABLES)  # noqa: S608

_NETWORKS_SQL = """
SELECT m.organisation_id, n.id, n.name, n.acronym
FROM {membership} m JOIN {network} n ON n.id = m.network_id
WHERE m.organisation_id IN ({{ids}})
ORDER BY n.name, n.id
""".format(**_TABLES)


@dataclass(frozen=True)
class ThreadCommentPages:
    """The source of `alliance.api.pagination.OneQueryPagination`: `fetch` gives a page of
    comments in the API's shape together with the thread's total."""

    thread_id: int

    def count(self) -> int:
        return Comment.objects.filter(thread_id=self.thread_id).count()

    def fetch(self, offset: int, limit: int) -> tuple[list[dict], int]:
        with connection.cursor() as cursor:
            cursor.execute(_PAGE_SQL, [*_KINDS, self.thread_id, self.thread_id, limit, offset])
            rows = cursor.fetchall()
        if not rows:
            return [], self.count()
        networks = _networks_of({row[8] for row in rows if row[8] is not None})
        zone = timezone.get_current_timezone()  # once: each lookup costs 30 µs
        return [_comment(row, networks, zone) for row in rows], rows[0][-1]


def _networks_of(organisation_ids: set[int]) -> dict[int, list[dict]]:
    found: dict[int, list[dict]] = {pk: [] for pk in organisation_ids}
    if not organisation_ids:
        return found
    placeholders = ", ".join(["%s"] * len(organisation_ids))
    with connection.cursor() as cursor:
        cursor.execute(_NETWORKS_SQL.format(ids=placeholders), list(organisation_ids))
        for organisation_id, pk, name, acronym in cursor.fetchall():
            found[organisation_id].append({"id": pk, "label": acronym or name})  # Network.label
    return found


def _comment(row: tuple, networks: dict[int, list[dict]], zone) -> dict:
    (pk, thread_id, parent_id, depth, author_id, username, first_name, last_name) = row[:8]
    (organisation_id, organisation_name, stance, is_point, status, body, body_html) = row[8:15]
    (moderation_reason, created_at, edited_at, agree, disagree, pass_) = row[15:21]
    visible = status == CommentStatus.VISIBLE
    return {
        "id": pk,
        "thread": thread_id,
        "parent": parent_id,
        "depth": depth,
        # User.display_name: the full name, else the username
        "author": {
            "id": author_id,
            "display_name": f"{first_name} {last_name}".strip() or username,
        },
        "organisation": None
        if organisation_id is None
        else {
            "id": organisation_id,
            "name": organisation_name,
            "networks": networks[organisation_id],
        },
        "stance": stance,
        "is_point": bool(is_point),
        "status": status,
        "body": body if visible else None,
        "body_html": body_html if visible else None,
        "moderation_reason": moderation_reason or None,
        "created_at": _iso(created_at, zone),
        "edited_at": _iso(edited_at, zone) if edited_at else None,
        "reactions": {"agree": agree, "disagree": disagree, "pass": pass_},
    }


def _iso(value, zone) -> str:
    """DRF's `DateTimeField` output (ISO 8601 in the current time zone, `Z` for UTC) of what
    the database hands back: text in UTC from SQLite, an aware datetime from PostgreSQL."""
    if isinstance(value, str):
        value = parse_datetime(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    text = value.astimezone(zone).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text
