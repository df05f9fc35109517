"""Factories and planted-camp data for the synthesis tests (threads, points, reactions)."""

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


def planted_camps(camp_points: list[set[int]], people_per_camp: int, points: int):
    """Each camp agrees with its own points and disagrees with every other point. A few
    reactions are left out or turned into passes, deterministically, so that the matrix has
    unseen cells to impute and is not a perfect copy per camp."""
    reactions, camps = [], []
    person = 100
    for camp, agreed in enumerate(camp_points):
        members = set()
        for i in range(people_per_camp):
            person += 1
            members.add(person)
            for point in range(1, points + 1):
                if (i + point) % 7 == 0:
                    continue  # unseen
                kind = "agree" if point in agreed else "disagree"
                if ((i + 1) * point + camp) % 11 == 0:
                    kind = "pass"
                reactions.append((person, point, kind))
        camps.append(members)
    return reactions, camps


def make_camps_thread():
    """A thread whose six points split its 16 people into two camps."""
    thread = ThreadFactory()
    points = {n: PointFactory(thread=thread) for n in range(1, 7)}
    reactions, camps = planted_camps([{1, 2, 3}, {4, 5, 6}], people_per_camp=8, points=6)
    people = {}
    organisation = OrganisationFactory()
    for person, _point, _kind in reactions:
        if person not in people:
            people[person] = UserFactory(organisation=organisation)
    Reaction.objects.bulk_create(
        Reaction(
            comment=points[point],
            person=people[person],
            organisation=organisation,
            kind=kind,
        )
        for person, point, kind in reactions
    )
    camps_by_user = [{people[p].pk for p in camp} for camp in camps]
    return thread, points, camps_by_user, len(reactions)
