"""Counting methods against hand-computed cases (alliance.counting is pure: no database)."""

import random
from decimal import Decimal
from fractions import Fraction as F

import pytest

from alliance.counting import (
    DEFAULT_GRADE_KEYS,
    CountingError,
    as_fraction,
    exact_sum,
    median_grade,
    tally_approval,
    tally_borda,
    tally_majority_judgment,
    tally_motion,
    tally_schulze,
    tally_single_choice,
    to_decimal,
    validate_approval,
    validate_ranking,
    weights_colleges,
    weights_one_per_organisation,
    weights_proportional_capped,
)

TF, FA, PF, PD, DE, TD = DEFAULT_GRADE_KEYS


def codes(exc_info):
    return exc_info.value.code


# --- numbers -------------------------------------------------------------------------------


def test_weights_are_exact_and_display_is_rounded():
    assert as_fraction("0.1") + as_fraction(Decimal("0.2")) == F(3, 10)
    assert as_fraction(0.1) == F(1, 10)
    assert to_decimal(F(2, 3)) == Decimal("0.67")
    assert to_decimal(F(1, 8), places=1) == Decimal("0.1")
    for bad in (-1, "abc", True, None, Decimal("NaN")):
        with pytest.raises(CountingError) as exc:
            as_fraction(bad)
        assert codes(exc) == "invalid_weight"


# --- weights -------------------------------------------------------------------------------


def test_exact_sum_equals_adding_fractions_one_by_one():
    rng = random.Random(7)
    sizes = {org: rng.randint(0, 400) for org in range(2_000)}
    weights = list(weights_proportional_capped(sizes, F(1, 20)).values())
    assert len({w.denominator for w in weights}) > 1  # several denominators are combined
    assert exact_sum(weights) == sum(weights, F(0)) == len(sizes)
    mixed = [F(1, 3), F(2, 3), F(1, 6), 2, F(-1, 6)]
    assert exact_sum(mixed) == F(3)
    assert exact_sum([]) == 0 and isinstance(exact_sum([]), F)
    assert exact_sum(w for w in [F(1, 4), F(1, 4)]) == F(1, 2)  # any iterable, read once


def test_one_organisation_one_vote():
    assert weights_one_per_organisation([3, 1, 2]) == {3: 1, 1: 1, 2: 1}


def test_capped_weights_redistribute_the_excess_until_stable():
    # Shares 50/30/10/10 %: a is capped at 30 %, then b (0.7 * 30/50 = 42 %) too; c and d
    # share the remaining 40 % by size. e (size 0) weighs 0. Total = 5 organisations.
    weights = weights_proportional_capped({"a": 50, "b": 30, "c": 10, "d": 10, "e": 0}, "0.3")
    assert weights == {"a": F(3, 2), "b": F(3, 2), "c": F(1), "d": F(1), "e": F(0)}
    assert sum(weights.values()) == 5
    assert max(weights.values()) <= F(3, 10) * 5


def test_capped_weights_untouched_when_nobody_exceeds_the_cap():
    assert weights_proportional_capped({"a": 1, "b": 2, "c": 3}, Decimal("0.5")) == {
        "a": F(1, 2),
        "b": F(1),
        "c": F(3, 2),
    }


@pytest.mark.parametrize(
    ("sizes", "cap", "code"),
    [
        ({"a": 1, "b": 1}, "0.4", "cap_infeasible"),  # 2 x 40 % < 100 %
        ({"a": 0}, "1", "cap_infeasible"),
        ({"a": 1}, "0", "invalid_share"),
        ({"a": 1}, "1.5", "invalid_share"),
        ({"a": -1}, "1", "invalid_size"),
    ],
)
def test_capped_weights_refuse_impossible_rules(sizes, cap, code):
    with pytest.raises(CountingError) as exc:
        weights_proportional_capped(sizes, cap)
    assert codes(exc) == code


def test_colleges_share_the_total_and_an_empty_college_gives_its_share_away():
    # X 50, Y 30, W 20 but W is empty: X gets 50/80, Y 30/80 of a total of 5.
    weights = weights_colleges(
        {"a": "X", "b": "X", "c": "Y", "d": "Y", "e": "Y"}, {"X": 50, "Y": 30, "W": 20}
    )
    assert weights == {"a": F(25, 16), "b": F(25, 16), "c": F(5, 8), "d": F(5, 8), "e": F(5, 8)}
    assert sum(weights.values()) == 5
    assert weights["a"] + weights["b"] == F(5) * 5 / 8


def test_colleges_refuse_unknown_college_and_null_share():
    with pytest.raises(CountingError) as exc:
        weights_colleges({"a": "X"}, {"Y": 1})
    assert codes(exc) == "unknown_college"
    with pytest.raises(CountingError) as exc:
        weights_colleges({"a": "X"}, {"X": 0})
    assert codes(exc) == "invalid_share"


# --- motions -------------------------------------------------------------------------------

BALLOTS = [(2, "yes"), (1, "yes"), (F(3, 2), "no"), (F(1, 2), "no"), (2, "abstain")]


def test_simple_majority_with_and_without_abstentions():
    without = tally_motion(BALLOTS, rule="simple", abstentions_count=False)
    assert (without.yes, without.no, without.abstain) == (3, 2, 2)
    assert (without.base, without.threshold, without.adopted) == (5, F(5, 2), True)
    counted = tally_motion(BALLOTS, rule="simple", abstentions_count=True)
    assert (counted.base, counted.threshold, counted.adopted) == (7, F(7, 2), False)


def test_simple_majority_tie_is_rejected():
    result = tally_motion([(1, "yes"), (1, "no")], rule="simple", abstentions_count=False)
    assert not result.adopted


def test_two_thirds_reached_exactly_is_adopted_unless_abstentions_count():
    ballots = [(4, "yes"), (2, "no"), (1, "abstain")]
    exact = tally_motion(ballots, rule="two_thirds", abstentions_count=False)
    assert (exact.threshold, exact.strict, exact.adopted) == (4, False, True)
    counted = tally_motion(ballots, rule="two_thirds", abstentions_count=True)
    assert (counted.threshold, counted.adopted) == (F(14, 3), False)


def test_absolute_majority_of_weight_present():
    ballots = [(4, "yes"), (1, "no")]
    assert tally_motion(ballots, rule="absolute", abstentions_count=False, weight_present=7).adopted
    missed = tally_motion(ballots, rule="absolute", abstentions_count=False, weight_present=8)
    assert (missed.threshold, missed.adopted) == (4, False)


@pytest.mark.parametrize(
    ("kwargs", "ballots", "code"),
    [
        ({"rule": "absolute"}, [(1, "yes")], "weight_present_required"),
        ({"rule": "absolute", "weight_present": 1}, [(2, "yes")], "invalid_weight"),
        ({"rule": "unanimity"}, [], "unknown_rule"),
        ({"rule": "simple"}, [(1, "peut-être")], "invalid_choice"),
        ({"rule": "simple"}, [(-1, "yes")], "invalid_weight"),
    ],
)
def test_motion_refuses_bad_input(kwargs, ballots, code):
    with pytest.raises(CountingError) as exc:
        tally_motion(ballots, abstentions_count=False, **kwargs)
    assert codes(exc) == code


def test_empty_motion_is_not_adopted():
    assert not tally_motion([], rule="simple", abstentions_count=True).adopted


# --- single choice and approval ------------------------------------------------------------


def test_single_choice_reports_ties_and_blanks():
    result = tally_single_choice(["a", "b", "c"], [(2, "a"), (1, "b"), (1, "b"), (3, None)])
    assert result.totals == {"a": 2, "b": 2, "c": 0}
    assert (result.winners, result.is_tie, result.blank, result.weight_cast) == (
        ("a", "b"),
        True,
        3,
        7,
    )
    with pytest.raises(CountingError) as exc:
        tally_single_choice(["a"], [(1, "z")])
    assert codes(exc) == "unknown_option"


def test_approval_counts_full_weight_per_approved_option():
    result = tally_approval(
        ["a", "b", "c"], [(2, ["a", "b"]), (F(1, 2), ["b"]), (1, [])], max_choices=2
    )
    assert result.totals == {"a": 2, "b": F(5, 2), "c": 0}
    assert (result.winners, result.blank) == (("b",), 1)


@pytest.mark.parametrize(
    ("choices", "code"),
    [
        (["a", "z"], "unknown_option"),
        (["a", "a"], "duplicate_choice"),
        (["a", "b", "c"], "too_many_choices"),
    ],
)
def test_approval_validation(choices, code):
    with pytest.raises(CountingError) as exc:
        validate_approval(["a", "b", "c"], choices, 2)
    assert codes(exc) == code


# --- majority judgment ---------------------------------------------------------------------


def grade_ballots(columns, weights=None):
    """columns: {option: [grade per voter]} -> [(weight, {option: grade})]."""
    voters = len(next(iter(columns.values())))
    weights = weights or [1] * voters
    return [(weights[i], {o: g[i] for o, g in columns.items()}) for i in range(voters)]


def test_median_is_the_lower_median():
    assert median_grade([F(1), F(1), F(1), F(1)]) == 2  # 4 voters A B C D -> C
    assert median_grade([F(1), F(1), F(1)]) == 1
    assert median_grade([F(0), F(3), F(0), F(3)]) == 3  # half favorable, half worse -> worse


def test_majority_judgment_same_median_ordered_by_the_gauge():
    # All three have median "plutôt favorable".
    # X: F F PF PF D   -> p=2 > q=1: "PF+" with p=2
    # Z: F PF PF PF PD -> p=1 = q=1: "PF-" with q=1
    # Y: TF PF PF TD TD -> p=1 < q=2: "PF-" with q=2 (its "très favorable" does not help)
    result = tally_majority_judgment(
        ["Y", "Z", "X"],
        grade_ballots(
            {
                "X": [FA, FA, PF, PF, DE],
                "Y": [TF, PF, PF, TD, TD],
                "Z": [FA, PF, PF, PF, PD],
            }
        ),
    )
    assert result.order == (("X",), ("Z",), ("Y",))
    by_option = {entry.option: entry for entry in result.ranking}
    assert {o: e.median for o, e in by_option.items()} == {"X": PF, "Y": PF, "Z": PF}
    assert [(e.p, e.q, e.sign) for e in result.ranking] == [(2, 1, "+"), (1, 1, "-"), (1, 2, "-")]
    assert by_option["Y"].distribution[TD] == 2
    assert [e.rank for e in result.ranking] == [1, 2, 3]


def test_majority_judgment_equal_gauges_iterate_on_the_majority_value():
    # A: F PF PF PF D and B: TF PF PF PF TD have the same gauge (PF, p=1, q=1). Removing the
    # median vote one at a time: PF, PF, PF for both, then D (A) against TD (B): A wins.
    result = tally_majority_judgment(
        ["B", "A", "C"],
        grade_ballots(
            {"A": [FA, PF, PF, PF, DE], "B": [TF, PF, PF, PF, TD], "C": [FA, PF, PF, PF, DE]}
        ),
    )
    assert result.order == (("A", "C"), ("B",))
    assert [e.rank for e in result.ranking] == [1, 1, 3]


def test_majority_judgment_better_median_wins_and_weights_count():
    # One voter of weight 3 against two of weight 1: the heavy voter holds the median.
    ballots = grade_ballots({"A": [TF, TD, TD], "B": [DE, TF, TF]}, weights=[3, 1, 1])
    result = tally_majority_judgment(["A", "B"], ballots)
    assert result.order == (("A",), ("B",))
    assert [e.median for e in result.ranking] == [TF, DE]
    assert result.weight_cast == 5


def test_majority_judgment_fractional_weights_equal_whole_votes():
    columns = {"A": [FA, PF, PF, PF, DE], "B": [TF, PF, PF, PF, TD]}
    halves = tally_majority_judgment(["A", "B"], grade_ballots(columns, [F(1, 2)] * 5))
    whole = tally_majority_judgment(["A", "B"], grade_ballots(columns))
    assert halves.order == whole.order == (("A",), ("B",))
    doubled = tally_majority_judgment(["A", "B"], grade_ballots(columns, [2] * 5))
    assert doubled.order == whole.order


def test_majority_judgment_without_ballots_has_no_winner():
    result = tally_majority_judgment(["A", "B"], [])
    assert (result.order, result.winners, result.ballots) == ((), (), 0)


@pytest.mark.parametrize(
    ("ballot", "code"),
    [
        ({"A": TF}, "missing_grade"),
        ({"A": TF, "B": "bof"}, "unknown_grade"),
        ({"A": TF, "B": TF, "Z": TF}, "unknown_option"),
    ],
)
def test_majority_judgment_validation(ballot, code):
    with pytest.raises(CountingError) as exc:
        tally_majority_judgment(["A", "B"], [(1, ballot)])
    assert codes(exc) == code


# --- ranking: Borda and Schulze ------------------------------------------------------------


def test_borda_with_weights_ties_and_partial_ballots():
    # 3 options, n(n-1)/2 = 3 points per ballot.
    # weight 2: A > {B, C}   -> A 2, B 1/2, C 1/2  (x2: 4, 1, 1)
    # weight 1: C (partial)  -> C 2, A 1/2, B 1/2
    # weight 1: B > C > A    -> B 2, C 1, A 0
    result = tally_borda(
        ["A", "B", "C"], [(2, ["A", {"B", "C"}]), (1, ["C"]), (1, ["B", "C", "A"])]
    )
    assert result.scores == {"A": F(9, 2), "B": F(7, 2), "C": F(4)}
    assert sum(result.scores.values()) == 3 * 4
    assert result.order == (("A",), ("C",), ("B",))
    tie = tally_borda(["A", "B"], [(1, ["A"]), (1, ["B"])])
    assert tie.order == (("A", "B"),) and tie.winners == ("A", "B")


def wikipedia_ballots():
    groups = [
        (5, "ACBED"),
        (5, "ADECB"),
        (8, "BEDAC"),
        (3, "CABED"),
        (7, "CAEBD"),
        (2, "CBADE"),
        (7, "DCEBA"),
        (8, "EBADC"),
    ]
    return [(count, list(order)) for count, order in groups]


def test_schulze_wikipedia_example_with_a_condorcet_cycle():
    result = tally_schulze(list("ABCDE"), wikipedia_ballots())
    assert result.pairwise["A"]["B"] == 20 and result.pairwise["B"]["A"] == 25
    assert result.pairwise["C"]["B"] == 29 and result.pairwise["E"]["D"] == 31
    assert result.condorcet_winner is None
    assert result.strongest["E"]["A"] == 25 and result.strongest["A"]["E"] == 24
    assert result.winners == ("E",)
    assert result.order == (("E",), ("A",), ("C",), ("B",), ("D",))
    assert result.ballots == 8 and result.weight_cast == 45


def test_schulze_weights_act_as_voter_counts():
    # Each group as a single ballot weighted by its size gives the same matrix as 45 voters.
    expanded = [(1, order) for count, order in wikipedia_ballots() for _ in range(count)]
    assert (
        tally_schulze(list("ABCDE"), expanded).strongest
        == tally_schulze(list("ABCDE"), wikipedia_ballots()).strongest
    )


def test_schulze_reports_ties():
    result = tally_schulze(["A", "B", "C"], [(1, ["A", "B"]), (1, ["B", "A"])])
    assert result.winners == ("A", "B")
    assert result.order == (("A", "B"), ("C",))


@pytest.mark.parametrize(
    ("ranking", "code"),
    [
        (["A", "A"], "duplicate_choice"),
        (["A", {"A", "B"}], "duplicate_choice"),
        (["Z"], "unknown_option"),
        ([set()], "empty_group"),
    ],
)
def test_ranking_validation(ranking, code):
    with pytest.raises(CountingError) as exc:
        validate_ranking(["A", "B", "C"], ranking)
    assert codes(exc) == code


def test_partial_ranking_puts_unranked_options_last_together():
    assert validate_ranking(["A", "B", "C"], ["B"]) == (frozenset("B"), frozenset("AC"))


def majority_value(grades):
    """Balinski–Laraki by hand: remove the lower median vote one at a time (grade indexes)."""
    remaining, value = sorted(grades), []
    while remaining:
        value.append(remaining.pop(len(remaining) // 2))
    return value


def test_majority_judgment_matches_the_one_vote_at_a_time_definition():
    rng = random.Random(6)
    for _ in range(300):
        voters, options = rng.randint(1, 9), ["A", "B", "C"]
        columns = {o: [rng.choice(DEFAULT_GRADE_KEYS[:4]) for _ in range(voters)] for o in options}
        weights = [rng.randint(1, 3) for _ in range(voters)]
        result = tally_majority_judgment(options, grade_ballots(columns, weights))
        expanded = {
            o: [
                DEFAULT_GRADE_KEYS.index(g)
                for g, w in zip(c, weights, strict=True)
                for _ in range(w)
            ]
            for o, c in columns.items()
        }
        expected: dict[tuple, list[str]] = {}
        for o in options:
            expected.setdefault(tuple(majority_value(expanded[o])), []).append(o)
        assert result.order == tuple(tuple(group) for _, group in sorted(expected.items()))
