"""The vote-to-every-screen measure gives up on a baseline that loses every tally, and only
on such a baseline."""

import asyncio

from bench import measure


class Screen:
    def __init__(self, sees: bool):
        self.sees = sees

    async def tally_at_least(self, poll, seq):
        if not self.sees:
            await asyncio.sleep(3600)
        return asyncio.get_running_loop().time()


async def cast(i):
    return 1, i + 1


async def test_a_baseline_that_loses_every_tally_is_given_up_after_a_few_votes(monkeypatch):
    monkeypatch.setattr(measure, "TALLY_TIMEOUT", 0.05)
    screens = [Screen(sees=True), Screen(sees=False)]
    result = await measure.vote_to_every_screen(screens, 30, cast, give_up_after=3)
    assert (result["votes"], result["votes_not_seen_by_every_screen"]) == (3, 3)
    assert result["p99_ms"] is None


async def test_votes_that_reach_every_screen_are_all_measured(monkeypatch):
    monkeypatch.setattr(measure, "TALLY_TIMEOUT", 0.05)
    screens = [Screen(sees=True), Screen(sees=True)]
    result = await measure.vote_to_every_screen(screens, 5, cast, give_up_after=3)
    assert (result["votes"], result["votes_not_seen_by_every_screen"]) == (5, 0)
    assert result["p99_ms"] is not None
    without = await measure.vote_to_every_screen([Screen(sees=False)], 4, cast)
    assert (without["votes"], without["votes_not_seen_by_every_screen"]) == (4, 4)


def test_the_steady_rate_leaves_out_the_warm_up_and_the_tail_after_the_last_send():
    # 10 sends a second for 20 s; each acknowledged 2 s later: the end-to-end rate is
    # 200 / 22 s, but from 5 s to the last send (19.9 s) the server acknowledges 10 a second.
    sends = [k / 10 for k in range(200)]
    rate = measure.steady_ack_rate([(s, s + 2.0) for s in sends], warm_up=5.0)
    assert abs(rate - 10.0) < 0.2
    # A server falling behind shows it: each ack later than the one before.
    behind = measure.steady_ack_rate([(s, s * 1.5) for s in sends], warm_up=5.0)
    assert behind < 7.5
