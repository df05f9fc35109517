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
