import io

import pytest

from alliance import demo as cast
from deliberation import demo
from deliberation.models import Comment, Reaction, Stance
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def targets():
    cast.load()
    return {slug: OrganisationFactory(name=f"Cible {slug}") for slug in demo.SCENARIOS}


def agreement(comment, network_slug) -> float:
    reactions = Reaction.objects.filter(
        comment=comment, organisation__networks__slug=network_slug
    ).exclude(kind="pass")
    agree = reactions.filter(kind="agree").count()
    return agree / reactions.count()


def test_demo_debates_show_every_stance_network_and_a_divergence(targets):
    summary = demo.load(targets=targets)
    assert summary["comments"] == Comment.objects.count() > 15
    assert set(Comment.objects.values_list("stance", flat=True)) == set(Stance.values)
    networks = set(Comment.objects.values_list("organisation__networks__slug", flat=True))
    assert {"cpe", "copea", "cgscop", "bigre", "scop-btp", None} <= networks
    assert Comment.objects.filter(parent__isnull=False).exists()
    assert Comment.objects.filter(is_point=True).count() >= 9

    autonomy = Comment.objects.get(body__startswith="Sans structure juridique, chaque réseau")
    assert agreement(autonomy, "cpe") > 0.55
    assert agreement(autonomy, "cgscop") < 0.2
    observatory = Comment.objects.get(body__contains="observatoire des CAE")
    assert all(agreement(observatory, slug) > 0.6 for slug in ["cpe", "cgscop", "bigre"])

    people_reacting = Reaction.objects.values("person").distinct().count()
    assert people_reacting > 0.8 * cast.User.objects.filter(organisation__isnull=False).count()


def test_demo_is_deterministic_and_idempotent(targets):
    demo.load(targets=targets)
    first = list(
        Reaction.objects.order_by("comment__body", "person__username").values_list(
            "comment__body", "person__username", "kind"
        )
    )
    assert demo.load(targets=targets) == {"comments": 0, "reactions": 0}
    assert Reaction.objects.count() == len(first)
    Reaction.objects.all().delete()
    Comment.objects.update(parent=None)
    Comment.objects.all().delete()
    demo.load(targets=targets)
    again = list(
        Reaction.objects.order_by("comment__body", "person__username").values_list(
            "comment__body", "person__username", "kind"
        )
    )
    assert again == first


def test_without_scenario_proposals_the_loader_says_it_skipped(db):
    out = io.StringIO()
    assert demo.load(stdout=out) == {"skipped": True}
    assert "deliberation.demo" in out.getvalue()
