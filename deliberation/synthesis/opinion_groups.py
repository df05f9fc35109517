"""Opinion groups from the reaction matrix, as Pol.is does it, with NumPy only. No Django.

1. Matrix people x points: agree = +1, disagree = -1, pass = 0. A point a person has not seen
   is imputed with the mean of that point's column over the people who saw it (a neutral guess
   that does not pull anyone towards 0 on points few people reached). People with fewer than
   `MIN_REACTIONS_PER_PERSON` reactions are left out: too little is known to place them.
2. PCA to 2 components: SVD of the column-centred matrix; coordinates = U * S.
3. k-means on those coordinates (k-means++ initialisation with a fixed seed, several starts,
   the lowest inertia kept) for k = 2..5, and the k with the best mean silhouette wins (ties
   go to the smaller k). Fewer than `MIN_PEOPLE` people: no groups. A k whose best run leaves
   a cluster empty is skipped.
4. Representative points of a group (Pol.is' "repness", simplified): for each point and each
   direction (agree, disagree), the group's smoothed rate (n_dir + 1) / (seen + 2) divided by
   the same rate among everybody else. A point represents the group when that ratio is above
   1 and the group's own rate above 1/2; the `REPRESENTATIVE_COUNT` highest ratios are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

MIN_PEOPLE = 4
MIN_REACTIONS_PER_PERSON = 2
K_RANGE = range(2, 6)
N_STARTS = 10
MAX_ITERATIONS = 100
REPRESENTATIVE_COUNT = 3
SILHOUETTE_SAMPLE = 2000
VALUES = {"agree": 1.0, "disagree": -1.0, "pass": 0.0}


@dataclass
class Representative:
    point: int
    direction: str  # "agree" or "disagree"
    group_rate: float
    rest_rate: float
    ratio: float


@dataclass
class Group:
    members: list[int]
    centroid: tuple[float, float]
    representative: list[Representative] = field(default_factory=list)


@dataclass
class OpinionGroups:
    people: list[int]  # the people placed, in the order of `coordinates`
    points: list[int]
    coordinates: list[tuple[float, float]]
    labels: list[int]  # group index of each person placed
    groups: list[Group]
    silhouette: float | None

    @property
    def k(self) -> int:
        return len(self.groups)


def reaction_matrix(
    reactions: Iterable[tuple[int, int, str]],
) -> tuple[list[int], list[int], np.ndarray]:
    """(person, point, kind) triples to (people, points, matrix) with NaN for unseen."""
    cells: dict[tuple[int, int], float] = {}
    for person, point, kind in reactions:
        cells[person, point] = VALUES[kind]
    per_person: dict[int, int] = {}
    for person, _point in cells:
        per_person[person] = per_person.get(person, 0) + 1
    people = sorted(p for p, n in per_person.items() if n >= MIN_REACTIONS_PER_PERSON)
    points = sorted({point for person, point in cells if person in per_person})
    row = {p: i for i, p in enumerate(people)}
    column = {p: j for j, p in enumerate(points)}
    matrix = np.full((len(people), len(points)), np.nan)
    for (person, point), value in cells.items():
        if person in row:
            matrix[row[person], column[point]] = value
    return people, points, matrix


def impute_column_means(matrix: np.ndarray) -> np.ndarray:
    seen = ~np.isnan(matrix)
    sums = np.where(seen, matrix, 0.0).sum(axis=0)
    counts = seen.sum(axis=0)
    means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
    return np.where(seen, matrix, means)


def project_2d(matrix: np.ndarray) -> np.ndarray:
    """The first two principal components of the rows (zeros where there are fewer)."""
    centred = matrix - matrix.mean(axis=0)
    u, s, _vt = np.linalg.svd(centred, full_matrices=False)
    coordinates = np.zeros((matrix.shape[0], 2))
    n = min(2, len(s))
    coordinates[:, :n] = u[:, :n] * s[:n]
    return coordinates


def _plus_plus_init(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    centres = [x[rng.integers(len(x))]]
    for _ in range(1, k):
        d2 = np.min(((x[:, None, :] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
        total = d2.sum()
        index = rng.choice(len(x), p=d2 / total) if total > 0 else rng.integers(len(x))
        centres.append(x[index])
    return np.array(centres)


def kmeans(x: np.ndarray, k: int, *, seed: int = 0) -> tuple[np.ndarray, float]:
    """Labels and inertia of the best of `N_STARTS` k-means++ runs (seeded: reproducible)."""
    rng = np.random.default_rng(seed)
    best_labels, best_inertia = None, np.inf
    for _ in range(N_STARTS):
        centres = _plus_plus_init(x, k, rng)
        for _ in range(MAX_ITERATIONS):
            labels = ((x[:, None, :] - centres[None]) ** 2).sum(-1).argmin(axis=1)
            moved = np.array(
                [
                    x[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                    for j in range(k)
                ]
            )
            if np.allclose(moved, centres):
                break
            centres = moved
        inertia = float(((x - centres[labels]) ** 2).sum())
        if inertia < best_inertia - 1e-12:
            best_labels, best_inertia = labels, inertia
    return best_labels, best_inertia


def pairwise_distances(x: np.ndarray) -> np.ndarray:
    squares = (x**2).sum(axis=1)
    d2 = squares[:, None] + squares[None, :] - 2 * x @ x.T
    return np.sqrt(np.maximum(d2, 0.0))


def silhouette(distances: np.ndarray, labels: np.ndarray) -> float:
    """Mean silhouette coefficient; a point alone in its cluster scores 0 (Rousseeuw)."""
    clusters = np.unique(labels)
    if len(clusters) < 2:
        return -1.0
    one_hot = (labels[:, None] == clusters[None, :]).astype(float)
    sizes = one_hot.sum(axis=0)
    sums = distances @ one_hot  # distance of each point to every cluster, summed
    own = np.searchsorted(clusters, labels)
    rows = np.arange(len(labels))
    own_size = sizes[own]
    a = np.divide(sums[rows, own], own_size - 1, out=np.zeros(len(labels)), where=own_size > 1)
    means = sums / sizes
    means[rows, own] = np.inf
    b = means.min(axis=1)
    denominator = np.maximum(a, b)
    scores = np.divide(b - a, denominator, out=np.zeros(len(labels)), where=denominator > 0)
    scores[own_size <= 1] = 0.0
    return float(scores.mean())


def representative_points(
    matrix: np.ndarray, in_group: np.ndarray, points: list[int]
) -> list[Representative]:
    """Points where the group's smoothed agree (or disagree) rate most exceeds the others'."""
    found = []
    seen = ~np.isnan(matrix)
    for j, point in enumerate(points):
        best = None
        for direction, value in (("agree", 1.0), ("disagree", -1.0)):
            hits = seen[:, j] & (matrix[:, j] == value)
            group_rate = (hits[in_group].sum() + 1) / (seen[in_group, j].sum() + 2)
            rest_rate = (hits[~in_group].sum() + 1) / (seen[~in_group, j].sum() + 2)
            ratio = group_rate / rest_rate
            if group_rate > 0.5 and ratio > 1 and (best is None or ratio > best.ratio):
                best = Representative(
                    point, direction, float(group_rate), float(rest_rate), float(ratio)
                )
        if best is not None:
            found.append(best)
    found.sort(key=lambda r: (-r.ratio, r.point))
    return found[:REPRESENTATIVE_COUNT]


def compute(reactions: Iterable[tuple[int, int, str]], *, seed: int = 0) -> OpinionGroups:
    """Opinion groups from (person, point, kind) triples."""
    people, points, matrix = reaction_matrix(reactions)
    if len(people) < MIN_PEOPLE or not points:
        return OpinionGroups(people, points, [], [], [], None)
    x = project_2d(impute_column_means(matrix))
    # The silhouette needs all pairwise distances: above a few thousand people, a fixed
    # sample of them scores each k (as scikit-learn's `sample_size` does).
    sample = np.arange(len(x))
    if len(x) > SILHOUETTE_SAMPLE:
        sample = np.sort(
            np.random.default_rng(seed).choice(len(x), SILHOUETTE_SAMPLE, replace=False)
        )
    distances = pairwise_distances(x[sample])
    best_labels, best_score = None, -np.inf
    for k in K_RANGE:
        if k >= len(people):
            break
        labels, _inertia = kmeans(x, k, seed=seed)
        if len(np.unique(labels)) < k:
            continue
        score = silhouette(distances, labels[sample])
        if score > best_score + 1e-9:
            best_labels, best_score = labels, score
    if best_labels is None:  # everybody at the same place: one opinion, no groups
        return OpinionGroups(people, points, [tuple(map(float, c)) for c in x], [], [], None)
    # Stable numbering: biggest group first, then by its smallest member id.
    order = sorted(
        np.unique(best_labels),
        key=lambda c: (
            -(best_labels == c).sum(),
            min(people[i] for i in np.where(best_labels == c)[0]),
        ),
    )
    renumber = {old: new for new, old in enumerate(order)}
    labels = [renumber[c] for c in best_labels]
    label_array = np.array(labels)
    groups = []
    for index in range(len(order)):
        in_group = label_array == index
        centroid = x[in_group].mean(axis=0)
        groups.append(
            Group(
                members=[people[i] for i in np.where(in_group)[0]],
                centroid=(float(centroid[0]), float(centroid[1])),
                representative=representative_points(matrix, in_group, points),
            )
        )
    return OpinionGroups(
        people, points, [tuple(map(float, c)) for c in x], labels, groups, float(best_score)
    )
