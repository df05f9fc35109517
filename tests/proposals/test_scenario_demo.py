import pytest
from django.core.management import call_command

from alliance import demo as alliance_demo
from proposals.models import (
    Amendment,
    AmendmentStatus,
    NetworkPosition,
    NoteKind,
    Position,
    Proposal,
    ProposalVersion,
    WorkshopNote,
)
from proposals.scenarios import demo

pytestmark = pytest.mark.django_db

SLUGS = ["scenario-informel", "scenario-inter-reseaux", "scenario-federation-cgscop"]


def counts():
    return (
        Proposal.objects.count(),
        ProposalVersion.objects.count(),
        Amendment.objects.count(),
        WorkshopNote.objects.count(),
        NetworkPosition.objects.count(),
    )


def test_demo_loads_the_three_scenarios_idempotently():
    alliance_demo.load()
    demo.load()
    first = counts()
    demo.load()
    assert counts() == first

    proposals = {p.slug: p for p in Proposal.objects.all()}
    assert set(proposals) == set(SLUGS)
    assert proposals["scenario-federation-cgscop"].title == (
        "Une structure fédérale au sein de la CGSCOP"
    )
    for proposal in proposals.values():
        assert proposal.process.slug == "etats-generaux-2018"
        assert proposal.versions.count() >= 2
        assert set(proposal.workshop_notes.values_list("kind", flat=True)) == set(NoteKind.values)
        statuses = set(proposal.amendments.values_list("status", flat=True))
        assert {AmendmentStatus.ACCEPTED, AmendmentStatus.PENDING} <= statuses
        assert proposal.network_positions.filter(is_current=True).count() == 5


def test_the_federation_inside_the_cgscop_gets_the_most_support():
    alliance_demo.load()
    demo.load()

    def support(slug):
        return NetworkPosition.objects.filter(
            proposal__slug=slug, is_current=True, position=Position.SUPPORTS
        ).count()

    assert support("scenario-federation-cgscop") > max(
        support("scenario-informel"), support("scenario-inter-reseaux")
    )


def test_load_demo_command_runs_twice(capsys):
    call_command("load_demo")
    call_command("load_demo")
    assert Proposal.objects.count() == 3
