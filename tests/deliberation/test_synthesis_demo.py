"""The synthesis demo: nothing without debates; with one, opinion groups and pins."""

import pytest

from alliance import demo as alliance_demo
from alliance.models import Network, User
from deliberation.models import Comment, OpinionGroupsResult, Reaction, SynthesisPin
from deliberation.synthesis import demo
from tests.deliberation.synthesis_factories import ThreadFactory

pytestmark = pytest.mark.django_db


def test_without_debates_the_demo_does_nothing_and_says_so():
    class Out:
        text = ""

        def write(self, text):
            self.text += text

    out = Out()
    assert demo.load(stdout=out) == {"threads": 0}
    assert "aucun débat" in out.text


def test_the_demo_marks_points_computes_groups_and_pins_idempotently():
    alliance_demo.load()
    copil = User.objects.get(username="copil")
    thread = ThreadFactory()
    cpe = Network.objects.get(slug="cpe")
    comments = [
        Comment.objects.create(
            thread=thread,
            author=copil,
            body=f"Idée {n}",
            body_html=f"<p>Idée {n}</p>",
            stance="convergence" if n < 3 else "divergence",
        )
        for n in range(5)
    ]
    people = list(
        User.objects.filter(organisation__isnull=False).prefetch_related("organisation__networks")
    )
    for person in people:
        in_cpe = any(n.pk == cpe.pk for n in person.organisation.networks.all())
        for n, comment in enumerate(comments):
            kind = "agree" if n < 3 or in_cpe else "disagree"
            Reaction.objects.create(
                comment=comment, person=person, organisation=person.organisation, kind=kind
            )
    summary = demo.load()
    assert summary["threads"] == 1 and 2 <= summary["pins"] <= 3
    assert Comment.objects.filter(thread=thread, is_point=True).count() == 5
    assert OpinionGroupsResult.objects.get(thread=thread).groups
    kinds = set(SynthesisPin.objects.values_list("kind", flat=True))
    assert kinds == {"convergence", "divergence"}
    assert demo.load()["pins"] == 0  # already pinned: nothing more
    assert SynthesisPin.objects.count() == summary["pins"]
