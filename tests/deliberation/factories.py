"""Debate test data: threads on any object, comments written in bulk for query-count tests."""

from deliberation.models import Comment
from deliberation.services import thread_for
from deliberation.text import render_comment
from tests.factories import NetworkFactory, OrganisationFactory, UserFactory


def a_thread(title: str = "Scénario de test"):
    """A thread on an organisation: any model can carry one."""
    return thread_for(OrganisationFactory(), title=title)


def some_authors(count: int = 3):
    network = NetworkFactory()
    return [UserFactory(organisation=OrganisationFactory(networks=[network])) for _ in range(count)]


def bulk_comments(thread, count: int, *, authors=None, reply_every: int = 0) -> list[Comment]:
    """`count` comments, without events or notifications; with `reply_every`, every such
    comment answers the one before it (so replies nest deeper and deeper)."""
    authors = authors or some_authors()
    comments = []
    for n in range(count):
        author = authors[n % len(authors)]
        parent = comments[-1] if reply_every and n and n % reply_every == 0 else None
        comments.append(
            Comment(
                thread=thread,
                author=author,
                organisation=author.organisation,
                parent=parent,
                depth=parent.depth + 1 if parent else 0,
                body=f"Commentaire {n}",
                body_html=render_comment(f"Commentaire {n}"),
            )
        )
    if not reply_every:
        return Comment.objects.bulk_create(comments)
    for comment in comments:  # in order: each parent is saved before its replies
        comment.save()
    return comments
