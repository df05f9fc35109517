"""Factories for the synthesis tests: threads, comments and reactions created directly."""

import factory

from alliance.models import Organisation
from deliberation.models import Comment, Reaction, Thread
from tests.factories import OrganisationFactory, UserFactory


class ThreadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Thread

    target = factory.SubFactory(OrganisationFactory)  # any object can carry a thread
    title = factory.Sequence(lambda n: f"Scénario {n}")


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    thread = factory.SubFactory(ThreadFactory)
    author = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda o: o.author.organisation)
    body = factory.Sequence(lambda n: f"Point numéro {n}")
    body_html = factory.LazyAttribute(lambda o: f"<p>{o.body}</p>")


class PointFactory(CommentFactory):
    is_point = True


class ReactionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reaction

    comment = factory.SubFactory(PointFactory)
    person = factory.SubFactory(UserFactory)
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    kind = "agree"


def react(point, organisation: Organisation | None, kind: str, times: int = 1):
    """`times` people of `organisation` (or of no CAE) react `kind` to `point`."""
    return [
        ReactionFactory(comment=point, person=UserFactory(organisation=organisation), kind=kind)
        for _ in range(times)
    ]
