"""The ranking math of the consultation against cases counted by hand."""

from decimal import Decimal
from fractions import Fraction

import pytest

from alliance.errors import NotAllowed
from proposals.consultation.results import organisation_weights, rank_axes, ranks_from_order
from proposals.consultation.selectors import consultation_results
from proposals.models.consultation import ResultsVisibility, Weighting
from tests.factories import NetworkFactory, OrganisationFactory
from tests.proposals.consultation_factories import (
    ConsultationFactory,
    answer,
    axis_ids,
    closed,
)

A, B, C = "A", "B", "C"


def test_borda_gives_each_axis_the_weight_of_the_axes_ranked_below_it():
    # weights 1.5 and 0.5: A = 1.5*2 = 3; B = 1.5*1 + 0.5*1 = 2; C = 0.5*2 = 1
    ranking = rank_axes([A, B, C], [(Fraction(3, 2), [A, B, C]), (Fraction(1, 2), [C, B, A])])
    assert ranking.borda_scores == {A: 3, B: 2, C: 1}
    assert ranking.borda_ranks == {A: 1, B: 2, C: 3}
    assert ranking.weight_cast == 2


def test_borda_ties_share_a_rank_and_the_next_rank_is_skipped():
    ranking = rank_axes([A, B, C], [(1, [A, B, C]), (1, [B, A, C])])
    assert ranking.borda_scores == {A: 3, B: 3, C: 0}
    assert ranking.borda_ranks == {A: 1, B: 1, C: 3}
    assert ranking.borda_order == [A, B, C]


def test_schulze_resolves_a_condorcet_cycle_by_strongest_paths():
    # 4 x A>B>C, 3 x B>C>A, 2 x C>A>B: A beats B 6-3, B beats C 7-2, C beats A 5-4 (a cycle).
    ballots = [(1, [A, B, C])] * 4 + [(1, [B, C, A])] * 3 + [(1, [C, A, B])] * 2
    ranking = rank_axes([A, B, C], ballots)
    assert ranking.pairwise[A][B] == 6 and ranking.pairwise[B][A] == 3
    assert ranking.pairwise[B][C] == 7 and ranking.pairwise[C][B] == 2
    assert ranking.pairwise[C][A] == 5 and ranking.pairwise[A][C] == 4
    assert ranking.condorcet_winner is None
    # Strongest paths: A->C via B is min(6, 7) = 6 > C->A = 5; B->A via C is min(7, 5) = 5 < 6.
    assert ranking.strongest[A][C] == 6
    assert ranking.strongest[B][A] == 5
    assert ranking.schulze_order == ((A,), (B,), (C,))
    # Borda ties A and B here (10 each, C 7): the two methods can differ.
    assert ranking.borda_scores == {A: 10, B: 10, C: 7}


def test_schulze_with_weights_counts_weights_not_heads():
    # One heavy CAE (weight 3) against two light ones (weight 1 each) preferring B.
    ranking = rank_axes([A, B], [(3, [A, B]), (1, [B, A]), (1, [B, A])])
    assert ranking.pairwise[A][B] == 3
    assert ranking.schulze_order == ((A,), (B,))
    assert ranking.condorcet_winner == A


def test_ranks_from_order_uses_competition_ranking():
    assert ranks_from_order([(A, B), (C,)]) == {A: 1, B: 1, C: 3}


def test_one_cae_one_vote_weighs_every_answer_one():
    assert organisation_weights(Weighting.ONE_PER_ORGANISATION, {1: 900, 2: 5}, Decimal("0.1")) == {
        1: 1,
        2: 1,
    }


def test_weight_by_size_is_capped_and_sums_to_the_number_of_cae():
    # 90, 5, 5 with a 50 % cap: the big CAE holds half of 3 = 1.5, the others 0.75 each.
    weights = organisation_weights(Weighting.BY_SIZE, {1: 90, 2: 5, 3: 5}, Decimal("0.5"))
    assert weights == {1: Fraction(3, 2), 2: Fraction(3, 4), 3: Fraction(3, 4)}


def test_weight_by_size_gives_a_cae_without_declared_size_a_voice():
    weights = organisation_weights(Weighting.BY_SIZE, {1: 0, 2: 9}, Decimal("1"))
    assert weights[1] > 0


@pytest.mark.django_db
def test_results_apply_the_capped_size_weights_to_borda():
    consultation = ConsultationFactory(
        axes=[A, B, C], weighting=Weighting.BY_SIZE, weight_cap_share=Decimal("0.5")
    )
    a, b, c = axis_ids(consultation)
    answer(consultation, [a, b, c], organisation=OrganisationFactory(entrepreneurs_count=90))
    answer(consultation, [b, c, a], organisation=OrganisationFactory(entrepreneurs_count=5))
    answer(consultation, [c, b, a], organisation=OrganisationFactory(entrepreneurs_count=5))
    results = consultation_results(consultation=consultation)
    # A = 1.5*2 = 3; B = 1.5 + 0.75*2 + 0.75 = 3.75; C = 0.75 + 0.75*2 = 2.25
    scores = {row.axis.title: row.borda_score for row in results.axes}
    assert scores == {A: Decimal("3.00"), B: Decimal("3.75"), C: Decimal("2.25")}
    assert [row.axis.title for row in results.axes] == [B, A, C]
    assert results.weight_cast == Decimal("3.00")


@pytest.mark.django_db
def test_results_count_participation_and_break_down_by_network_and_channel():
    consultation = ConsultationFactory(axes=[A, B, C])
    a, b, c = axis_ids(consultation)
    cpe, copea = NetworkFactory(name="CPE"), NetworkFactory(name="Copéa")
    answer(consultation, [a, b, c], organisation=OrganisationFactory(networks=[cpe]))
    answer(consultation, [a, c, b], organisation=OrganisationFactory(networks=[cpe, copea]))
    answer(consultation, [c, b, a], organisation=OrganisationFactory(), channel="territorial")
    OrganisationFactory()  # did not answer
    OrganisationFactory(active=False)  # not counted as eligible
    results = consultation_results(consultation=consultation)
    assert (results.answered, results.eligible) == (3, 4)
    assert results.participation_percent == 75
    groups = {g.key: g for g in results.by_network}
    assert {k: g.answers for k, g in groups.items()} == {cpe.slug: 2, copea.slug: 1, "none": 1}
    assert [g.key for g in results.by_network][-1] == "none"  # CAEs outside any network last
    assert [r.axis.title for r in groups["none"].borda_order] == [C, B, A]
    assert {g.key: g.answers for g in results.by_channel} == {"online": 2, "territorial": 1}
    assert results.axes[0].first_places == 2
    assert [[x.title for x in group] for group in results.schulze_order] == [[A], [C], [B]]
    matrix = {row.axis.title: [cell.votes for cell in row.cells] for row in results.pairwise}
    assert matrix[A] == [None, Decimal("2.00"), Decimal("2.00")]
    assert results.pairwise[0].cells[1].wins


@pytest.mark.django_db
def test_results_hidden_until_closing_when_configured():
    consultation = ConsultationFactory(results_visibility=ResultsVisibility.AFTER_CLOSE)
    with pytest.raises(NotAllowed) as refused:
        consultation_results(consultation=consultation)
    assert refused.value.code == "results_hidden"
    finished = closed(results_visibility=ResultsVisibility.AFTER_CLOSE)
    assert consultation_results(consultation=finished).answered == 0


@pytest.mark.django_db
def test_results_with_no_answer_rank_every_axis_first():
    results = consultation_results(consultation=ConsultationFactory(axes=[A, B]))
    assert results.answered == 0
    assert {row.borda_rank for row in results.axes} == {1}
