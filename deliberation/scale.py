"""Benchmark data for the debate: one thread with many comments, in bulk."""

from __future__ import annotations

from django.db import transaction

from alliance.markdown import render_markdown
from deliberation.models import Comment, Stance
from deliberation.services import thread_for

BATCH = 2000
BODY = (
    "Une **fédération** au sein de la CGSCOP donnerait aux CAE une voix nationale ; "
    "reste à définir son modèle économique et sa gouvernance."
)


@transaction.atomic
def seed_comments(*, target, count: int, authors: list, progress=None) -> dict:
    """Give `target` a thread of `count` comments (a reply every fifth), written by `authors`
    (users with their CAE) in turn. The HTML is rendered once: every comment has the same
    text, which changes nothing to what the pages and the API do with it."""
    thread = thread_for(target)
    html = render_markdown(BODY)
    stances = Stance.values
    created = thread.comments.count()
    while created < count:
        size = min(BATCH, count - created)
        batch = []
        for i in range(created, created + size):
            author = authors[i % len(authors)]
            batch.append(
                Comment(
                    thread=thread,
                    author_id=author.pk,
                    organisation_id=author.organisation_id,
                    body=BODY,
                    body_html=html,
                    stance=stances[i % len(stances)],
                )
            )
        Comment.objects.bulk_create(batch)
        created += size
        if progress:
            progress(created, count)
    # Every fifth comment answers the one before it, so the thread has nested replies.
    ids = list(thread.comments.order_by("pk").values_list("pk", flat=True))
    replies = [Comment(pk=ids[i], parent_id=ids[i - 1], depth=1) for i in range(4, len(ids), 5)]
    Comment.objects.bulk_update(replies, ["parent", "depth"], batch_size=BATCH)
    return {"thread": thread.pk, "comments": len(ids)}
