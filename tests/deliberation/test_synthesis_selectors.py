"""The synthesis of a thread: groups, rankings, pins, in a constant number of queries."""

import itertools

import pytest

from deliberation.models import Comment, CommentStatus, Reaction
from deliberation.synthesis import selectors, services
from deliberation.synthesis.consensus import OUTSIDE
from tests.deliberation.synthesis_factories import PointFactory, ThreadFactory, react
from tests.factories import NetworkFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def camps():
    """Network A agrees with `shared` and `split`; network B agrees with `shared` and rejects
    `split`; a CAE outside any network passes on `split`."""
    a, b = NetworkFactory(name="Alpha", acronym="A"), NetworkFactory(name="Beta", acronym="B")
    cae_a, cae_b = OrganisationFactory(networks=[a]), OrganisationFactory(networks=[b])
    cae_ab, outside = OrganisationFactory(networks=[a, b]), OrganisationFactory()
    thread = ThreadFactory()
    shared, split = PointFactory(thread=thread), PointFactory(thread=thread)
    react(shared, cae_a, "agree", 3)
    react(shared, cae_b, "agree", 3)
    react(split, cae_a, "agree", 4)
    react(split, cae_b, "disagree", 4)
    react(split, cae_ab, "agree", 1)
    react(split, outside, "pass", 1)
    react(split, None, "agree", 1)  # a person of no CAE: overall only
    return {"thread": thread, "shared": shared, "split": split, "a": a, "b": b}


def test_the_synthesis_ranks_convergences_and_divergences(camps):
    synthesis = selectors.thread_synthesis(thread=camps["thread"])
    assert [c.key for c in synthesis.groups] == [camps["a"].pk, camps["b"].pk, OUTSIDE]
    assert [r.comment for r in synthesis.convergences] == [camps["shared"]]
    assert [r.comment for r in synthesis.divergences] == [camps["split"]]
    split = next(r for r in synthesis.points if r.comment == camps["split"])
    by_key = {column.key: counts for column, counts in split.by_group}
    # A: 4 + the dual-member CAE's 1 = 5 agree -> 6/7 ; B: 1 agree (dual member) 4 disagree
    # -> 2/7 ; outside: 1 pass -> 1/3. Spread = 6/7 - 2/7 = 4/7.
    assert (by_key[camps["a"].pk].agree, by_key[camps["b"].pk].disagree) == (5, 4)
    assert by_key[camps["b"].pk].agree == 1
    assert by_key[OUTSIDE].passed == 1 and by_key[OUTSIDE].small
    assert split.spread == pytest.approx(4 / 7)
    assert split.overall.seen == 11
    assert len(split.by_organisation) == 4


def test_hidden_points_and_plain_comments_stay_out(camps):
    PointFactory(thread=camps["thread"], status=CommentStatus.HIDDEN)
    Comment.objects.filter(pk=camps["shared"].pk).update(is_point=False)
    synthesis = selectors.thread_synthesis(thread=camps["thread"])
    assert [r.comment for r in synthesis.points] == [camps["split"]]


def test_pins_come_with_their_point_and_opinion_groups_with_the_viewer(camps, steering):
    services.synthesis_pin(actor=steering, comment=camps["split"], summary="Partage")
    services.opinion_groups_compute(thread=camps["thread"])
    synthesis = selectors.thread_synthesis(thread=camps["thread"])
    (pin,) = synthesis.pins
    assert pin.row.comment == camps["split"] and pin.row.pin == pin
    assert synthesis.opinion_groups is not None


def test_the_synthesis_uses_constant_queries_for_200_points_and_2000_reactions(
    django_assert_num_queries, steering
):
    networks = [NetworkFactory() for _ in range(5)]
    organisations = [
        OrganisationFactory(networks=networks[i % 6 : i % 6 + (i % 2) + 1]) for i in range(24)
    ]
    people = [UserFactory(organisation=organisations[i % 24]) for i in range(100)]
    thread = ThreadFactory()
    author = people[0]
    points = Comment.objects.bulk_create(
        Comment(
            thread=thread,
            author=author,
            organisation=author.organisation,
            body=f"Point {n}",
            body_html=f"<p>Point {n}</p>",
            is_point=True,
        )
        for n in range(200)
    )
    kinds = itertools.cycle(["agree", "agree", "disagree", "pass", "agree", "disagree", "agree"])
    Reaction.objects.bulk_create(
        Reaction(
            comment=points[n % 200],
            person=people[(n // 200) * 10 + n % 10],
            organisation=people[(n // 200) * 10 + n % 10].organisation,
            kind=next(kinds),
        )
        for n in range(2000)
    )
    for point in points[:3]:
        services.synthesis_pin(actor=steering, comment=point, summary="Résumé")
    services.opinion_groups_compute(thread=thread)
    # points, reactions grouped, organisations, their networks, pins, opinion groups
    with django_assert_num_queries(6):
        synthesis = selectors.thread_synthesis(thread=thread)
        data = selectors.synthesis_data(synthesis)
    assert len(data["points"]) == 200
    assert sum(p["overall"]["seen"] for p in data["points"]) == 2000
    assert len(data["pins"]) == 3
