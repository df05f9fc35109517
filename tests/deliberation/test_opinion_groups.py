"""Opinion groups: planted camps are found again; representative points; too few people."""

import numpy as np

from deliberation.synthesis import opinion_groups
from deliberation.synthesis.opinion_groups import compute
from tests.deliberation.synthesis_factories import planted_camps


def test_two_planted_camps_are_exactly_the_two_groups():
    reactions, camps = planted_camps([{1, 2, 3}, {4, 5, 6}], people_per_camp=9, points=6)
    found = compute(reactions)
    assert found.k == 2  # chosen by silhouette among k = 2..5
    assert sorted(map(set, (g.members for g in found.groups)), key=min) == sorted(camps, key=min)
    assert found.silhouette > 0.5
    assert len(found.coordinates) == len(found.people) == 18


def test_k_two_has_the_best_silhouette_for_two_camps():
    reactions, _camps = planted_camps([{1, 2, 3}, {4, 5, 6}], people_per_camp=9, points=6)
    _people, _points, matrix = opinion_groups.reaction_matrix(reactions)
    x = opinion_groups.project_2d(opinion_groups.impute_column_means(matrix))
    distances = opinion_groups.pairwise_distances(x)
    scores = {
        k: opinion_groups.silhouette(distances, opinion_groups.kmeans(x, k)[0]) for k in (2, 3, 4)
    }
    assert max(scores, key=scores.get) == 2


def test_three_planted_camps_give_three_groups():
    reactions, camps = planted_camps([{1, 2, 3}, {4, 5, 6}, {7, 8, 9}], 8, points=9)
    found = compute(reactions)
    assert found.k == 3
    assert sorted(map(set, (g.members for g in found.groups)), key=min) == sorted(camps, key=min)


def test_representative_points_are_where_the_camp_differs_from_the_rest():
    reactions, camps = planted_camps([{1, 2, 3}, {4, 5, 6}], people_per_camp=9, points=6)
    found = compute(reactions)
    for group in found.groups:
        agreed = {1, 2, 3} if set(group.members) == camps[0] else {4, 5, 6}
        assert len(group.representative) == opinion_groups.REPRESENTATIVE_COUNT
        for representative in group.representative:
            expected = "agree" if representative.point in agreed else "disagree"
            assert representative.direction == expected
            assert representative.ratio > 1 and representative.group_rate > 0.5


def test_representative_ratio_by_hand():
    # Group: 3 people agree with point 1 -> (3+1)/(3+2) = 0.8. Rest: 1 agree of 3 seen ->
    # (1+1)/(3+2) = 0.4. Ratio 2. Disagree: group (0+1)/5 = 0.2 < 0.5, not representative.
    matrix = np.array([[1.0], [1.0], [1.0], [1.0], [-1.0], [-1.0]])
    in_group = np.array([True, True, True, False, False, False])
    (found,) = opinion_groups.representative_points(matrix, in_group, [1])
    assert (found.point, found.direction) == (1, "agree")
    assert found.group_rate == 0.8 and found.rest_rate == 0.4 and found.ratio == 2.0


def test_unseen_cells_take_the_column_mean():
    matrix = np.array([[1.0, np.nan], [-1.0, 1.0], [1.0, 1.0], [np.nan, -1.0]])
    imputed = opinion_groups.impute_column_means(matrix)
    assert imputed[3, 0] == 1 / 3 and imputed[0, 1] == 1 / 3


def test_too_few_people_make_no_groups():
    reactions = [(p, point, "agree") for p in (1, 2, 3) for point in (1, 2)]
    found = compute(reactions)
    assert found.groups == [] and found.silhouette is None


def test_people_with_a_single_reaction_are_not_placed():
    reactions, _ = planted_camps([{1, 2}, {3, 4}], people_per_camp=4, points=4)
    reactions.append((999, 1, "agree"))
    assert 999 not in compute(reactions).people


def test_unanimity_makes_no_groups():
    reactions = [(p, point, "agree") for p in range(1, 9) for point in (1, 2, 3)]
    assert compute(reactions).groups == []


def test_the_result_is_reproducible():
    reactions, _ = planted_camps([{1, 2, 3}, {4, 5, 6}], people_per_camp=9, points=6)
    first, second = compute(reactions), compute(list(reversed(reactions)))
    assert [g.members for g in first.groups] == [g.members for g in second.groups]
    assert first.coordinates == second.coordinates
