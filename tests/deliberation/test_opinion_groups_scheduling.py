"""Recomputation off the request path: debounced per thread, in a worker thread."""

import threading
import time

import pytest

from deliberation.models import OpinionGroupsResult
from deliberation.synthesis import hooks


def wait_for(condition, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def test_a_burst_of_calls_runs_the_action_once_per_thread_after_the_last():
    calls, done = [], threading.Event()

    def action(key):
        calls.append((key, threading.current_thread() is not threading.main_thread()))
        if len(calls) == 2:
            done.set()

    debouncer = hooks.Debouncer(action)
    for _ in range(5):
        debouncer.schedule(1, 0.1)
    debouncer.schedule(2, 0.1)
    assert calls == []  # nothing ran on the caller's path
    assert done.wait(3)
    time.sleep(0.2)
    assert sorted(calls) == [(1, True), (2, True)]
    assert debouncer.pending() == 0


def test_a_failing_action_leaves_the_scheduler_usable():
    calls = []

    def action(key):
        calls.append(key)
        if len(calls) == 1:
            raise RuntimeError("boom")

    debouncer = hooks.Debouncer(action)
    debouncer.schedule(7, 0.01)
    assert wait_for(lambda: len(calls) == 1)
    debouncer.schedule(7, 0.01)
    assert wait_for(lambda: len(calls) == 2)


@pytest.mark.postgres
def test_reactions_changed_recomputes_in_the_background_and_stores(transactional_db, settings):
    from tests.deliberation.synthesis_factories import make_camps_thread

    settings.SYNTHESIS_RECOMPUTE_DELAY = 0.2
    thread, _points, camps, _n = make_camps_thread()
    for _ in range(4):
        hooks.reactions_changed(thread_id=thread.pk)
    assert not OpinionGroupsResult.objects.filter(thread=thread).exists()
    assert wait_for(lambda: OpinionGroupsResult.objects.filter(thread=thread).exists())
    result = OpinionGroupsResult.objects.get(thread=thread)
    assert sorted((set(g["members"]) for g in result.groups), key=min) == sorted(camps, key=min)
    assert wait_for(lambda: hooks.scheduler.pending() == 0)
