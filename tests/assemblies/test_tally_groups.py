"""The live tally reads identical ballots as one group (`selectors.poll_tally`): for every
method its figures equal those counted ballot by ballot, with unequal weights."""

from decimal import Decimal

import pytest

from assemblies import selectors, tallying
from assemblies.models import Assembly, Ballot
from tests.assemblies.factories import AssemblyFactory, cast, open_poll, seat

pytestmark = pytest.mark.django_db

# Twelve CAEs of four sizes: proportional weights, capped, give unequal Fractions.
SIZES = [40, 40, 40, 12, 12, 12, 7, 7, 7, 3, 3, 1]


def choices_for(method, options):
    a, b, c = options or (None, None, None)
    cycle = {
        "motion": ["yes", "yes", "no", "abstain"],
        "single": [a, a, b, None],
        "approval": [[a, b], [a, b], [c], []],
        "judgment": [
            {str(a): "favorable", str(b): "defavorable", str(c): "tres_favorable"},
            {str(a): "favorable", str(b): "defavorable", str(c): "tres_favorable"},
            {str(a): "plutot_favorable", str(b): "tres_favorable", str(c): "defavorable"},
        ],
        "ranking": [[a, b, c], [a, b, c], [[b, c], a], [c]],
    }[method]
    return [cycle[i % len(cycle)] for i in range(len(SIZES))]


@pytest.mark.parametrize("method", ["motion", "single", "approval", "judgment", "ranking"])
def test_grouped_tally_equals_the_tally_counted_ballot_by_ballot(method):
    assembly = AssemblyFactory(
        weight_rule=Assembly.WeightRule.PROPORTIONAL_CAPPED, cap_share=Decimal("0.2")
    )
    delegates = seat(assembly, len(SIZES), sizes=SIZES)
    names = [] if method == "motion" else ["Informel", "Inter-réseaux", "Fédération"]
    extra = {"max_choices": 2} if method == "approval" else {}
    poll = open_poll(assembly, method=method, options=names, **extra)
    options = [o.pk for o in poll.options.all()]
    for delegate, choice in zip(delegates, choices_for(method, options), strict=True):
        cast(poll, delegate, choice)

    one_by_one = list(Ballot.objects.filter(poll=poll).values_list("weight", "choice"))
    assert len({weight for weight, _choice in one_by_one}) >= 3  # the weights differ
    rules = {"max_choices": 2} if method == "approval" else {}
    tally = selectors.poll_tally(poll)
    assert tally["ballots"] == tally["seq"] == len(SIZES)
    assert tally["weight_cast"] == tallying.decimal(sum(w for w, _c in one_by_one))
    assert tally["totals"] == tallying.totals(method, options, one_by_one, **rules)
