"""Schulze on real ballots: the Debian leader elections published by PrefLib (data set 00002).

The files are copied into tests/data/preflib-debian/ so the suite never depends on a path
outside the repository.
"""

from fractions import Fraction
from pathlib import Path

import pytest

from alliance.counting import CountingError, parse_preflib, tally_borda, tally_schulze

DATA = Path(__file__).resolve().parents[1] / "data" / "preflib-debian"

# Published winners (see the README beside the files).
PUBLISHED = {
    "00002-00000001.soi": (3, "Bdale Garbee"),
    "00002-00000006.toc": (1, "Stefano Zacchiroli"),
    "00002-00000007.toc": (3, "Stefano Zacchiroli"),
}


def election(name):
    return parse_preflib((DATA / name).read_text(encoding="utf-8"))


@pytest.mark.parametrize(("name", "published"), PUBLISHED.items())
def test_schulze_finds_the_published_debian_winner(name, published):
    number, person = published
    data = election(name)
    assert data.alternatives[number] == person
    result = tally_schulze(data.options, data.ballots)
    assert result.winners == (number,)


def test_parser_reads_header_ties_and_counts():
    data = election("00002-00000007.toc")
    assert data.title == "Debian 2012 Leader"
    assert data.options == (1, 2, 3, 4)
    assert sum(count for count, _ in data.ballots) == 403
    assert (23, (3, frozenset({1, 2, 4}))) in data.ballots
    # .soi ballots may be partial: "40: 3,1,2" leaves option 4 unranked.
    assert (40, (3, 1, 2)) in election("00002-00000001.soi").ballots


def test_parser_refuses_a_malformed_line():
    with pytest.raises(CountingError) as exc:
        parse_preflib("# TITLE: x\nthree: 1,2\n")
    assert exc.value.code == "invalid_file"


def test_scaling_every_weight_changes_nothing():
    # Multiplying all weights by the same factor multiplies every pairwise count by it, so
    # every comparison, path and the whole order stay the same.
    data = election("00002-00000006.toc")
    plain = tally_schulze(data.options, data.ballots)
    scaled = tally_schulze(data.options, [(count * Fraction(7, 3), r) for count, r in data.ballots])
    assert scaled.order == plain.order
    assert (
        tally_borda(data.options, data.ballots).order
        == tally_borda(
            data.options, [(count * Fraction(7, 3), r) for count, r in data.ballots]
        ).order
    )


def test_a_heavy_enough_bloc_decides():
    # 2012: give every ballot ranking Wouter Verhelst (1) alone first a weight of 1000. Those
    # ballots rank 1 strictly above every other option and now outweigh all the others
    # together, so 1 wins every duel: the Condorcet, hence Schulze, winner changes to 1.
    data = election("00002-00000007.toc")
    bloc = [(count * (1000 if ranking[0] == 1 else 1), ranking) for count, ranking in data.ballots]
    bloc_weight = sum(w for w, r in bloc if r[0] == 1)
    assert bloc_weight * 2 > sum(w for w, _ in bloc)
    result = tally_schulze(data.options, bloc)
    assert result.condorcet_winner == 1
    assert result.winners == (1,)
