import pytest
from django.core.management import call_command

from alliance import demo as alliance_demo
from assemblies import demo, selectors
from assemblies.models import Assembly, Ballot, Poll, VoteRecord

pytestmark = pytest.mark.django_db


def test_the_etats_generaux_demo_goes_through_the_services_and_loads_once():
    alliance_demo.load()
    assert demo.load()["assemblies"] == 1
    assert demo.load() == {"assemblies": 0}
    assembly = Assembly.objects.get(slug=demo.SLUG)
    assert assembly.sessions.count() == 2
    state = selectors.presence(assembly)
    assert len(state.present) == 56 and len(state.represented) == 5 and state.quorum_reached

    judgment, motion, priorities = Poll.objects.filter(assembly=assembly).order_by("pk")
    result = selectors.poll_result(judgment)
    federation = judgment.options.get(position=3)
    assert judgment.status == "published" and result["outcome"]["winners"] == [federation.pk]
    assert selectors.poll_result(motion)["outcome"]["adopted"] is True
    assert VoteRecord.objects.filter(poll=motion, paper=True).exists()
    assert priorities.status == "open"
    assert not VoteRecord.objects.filter(
        poll=priorities, organisation__people__username="delegue"
    ).exists()
    assert Ballot.objects.filter(poll=priorities).count() == 20
    for poll in (judgment, motion, priorities):
        call_command("verify_poll", poll.pk)
