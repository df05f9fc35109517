"""Consensus, spread and counts against cases computed by hand."""

import math

import pytest

from deliberation.synthesis import consensus
from deliberation.synthesis.consensus import OUTSIDE, Counts


def counts(agree=0, disagree=0, passed=0):
    return Counts(agree=agree, disagree=disagree, passed=passed)


# Two networks A and B.
# P: A 3 agree 1 disagree -> (3+1)/(4+2) = 2/3 ; B 1 agree 2 disagree 1 pass -> 2/6 = 1/3.
#    consensus = 2/3 * 1/3 = 2/9 ; spread = 2/3 - 1/3 = 1/3 (>= 0.3: a divergence).
# Q: A 4 agree -> 5/6 ; B 2 agree 1 pass -> 3/5. consensus = 5/6 * 3/5 = 1/2 ;
#    spread = 5/6 - 3/5 = 7/30 (< 0.3: no divergence), every group above 1/2: a convergence.
# R: only A, 1 agree -> 2/3 ; B unseen -> 1/2. consensus = 1/3 ; spread 0 (one group saw it).
P = {"A": counts(3, 1), "B": counts(1, 2, 1)}
Q = {"A": counts(4), "B": counts(2, 0, 1)}
R = {"A": counts(1)}
GROUPS = ["A", "B"]


def test_group_informed_consensus_is_the_product_of_smoothed_agreement():
    assert consensus.consensus(P, GROUPS) == pytest.approx(2 / 9)
    assert consensus.consensus(Q, GROUPS) == pytest.approx(1 / 2)
    assert consensus.consensus(R, GROUPS) == pytest.approx(1 / 3)


def test_spread_is_the_range_of_smoothed_agreement_between_groups_that_reacted():
    assert consensus.spread(P) == pytest.approx(1 / 3)
    assert consensus.spread(Q) == pytest.approx(7 / 30)
    assert consensus.spread(R) == 0.0


def test_convergences_and_divergences_are_classified():
    assert consensus.is_divergence(P) and not consensus.is_convergence(P)
    assert consensus.is_convergence(Q) and not consensus.is_divergence(Q)
    assert consensus.is_convergence(R)
    ranked = sorted(
        [("P", P), ("Q", Q), ("R", R)], key=lambda item: -consensus.consensus(item[1], GROUPS)
    )
    assert [name for name, _ in ranked] == ["Q", "R", "P"]


def test_small_groups_are_flagged_and_rates_are_plain_shares():
    assert counts(2).small and not counts(2, 1).small
    assert counts(3, 1).agreement_rate == 0.75
    assert counts().agreement_rate is None
    assert counts().smoothed_agreement == 0.5


def test_tally_counts_outside_network_cae_in_their_own_group_and_dual_members_in_both():
    # CAE 1 in networks A and B, CAE 2 in A, CAE 3 in no network; None = a person of no CAE.
    networks_of = {1: ["A", "B"], 2: ["A"], 3: []}
    rows = [
        (10, "agree", 1, 2),
        (10, "disagree", 2, 1),
        (10, "pass", 3, 1),
        (10, "agree", None, 4),
        (11, "disagree", 3, 2),
    ]
    tallies = consensus.tally(rows, networks_of)
    ten = tallies[10]
    assert (ten.overall.agree, ten.overall.disagree, ten.overall.passed) == (6, 1, 1)
    assert (ten.by_group["A"].agree, ten.by_group["A"].disagree) == (2, 1)
    assert (ten.by_group["B"].agree, ten.by_group["B"].seen) == (2, 2)
    assert ten.by_group[OUTSIDE].passed == 1
    assert set(ten.by_group) == {"A", "B", OUTSIDE}
    assert ten.by_organisation[1].agree == 2 and set(ten.by_organisation) == {1, 2, 3}
    assert tallies[11].by_group[OUTSIDE].disagree == 2


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        consensus.tally([(1, "maybe", None, 1)], {})


def test_consensus_of_three_groups_by_hand():
    # (2+1)/(2+2) * (0+1)/(1+2) * (1+1)/(1+2) = 3/4 * 1/3 * 2/3 = 1/6
    by_group = {"A": counts(2), "B": counts(0, 1), OUTSIDE: counts(1)}
    assert consensus.consensus(by_group, ["A", "B", OUTSIDE]) == pytest.approx(1 / 6)
    assert math.isclose(consensus.spread(by_group), 3 / 4 - 1 / 3)
