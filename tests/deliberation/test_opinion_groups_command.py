"""`manage.py compute_opinion_groups`: stale threads, one thread, bad input."""

import pytest
from django.core.management import CommandError, call_command

from deliberation.models import OpinionGroupsResult
from tests.deliberation.synthesis_factories import ReactionFactory, make_camps_thread

pytestmark = pytest.mark.django_db


def test_the_command_recomputes_stale_threads_only(capsys):
    thread, points, _camps, _n = make_camps_thread()
    call_command("compute_opinion_groups")
    assert OpinionGroupsResult.objects.get(thread=thread).groups
    call_command("compute_opinion_groups")
    assert "0 fil(s) recalculé(s)." in capsys.readouterr().out
    ReactionFactory(comment=points[1])
    call_command("compute_opinion_groups")
    assert "1 fil(s) recalculé(s)." in capsys.readouterr().out
    assert OpinionGroupsResult.objects.get(thread=thread).reactions_count == _n + 1


def test_one_thread_on_request_and_an_unknown_one_refused():
    thread, _points, _camps, _n = make_camps_thread()
    call_command("compute_opinion_groups", thread=thread.pk)
    assert OpinionGroupsResult.objects.filter(thread=thread).exists()
    with pytest.raises(CommandError, match="Aucun fil de discussion n° 999999"):
        call_command("compute_opinion_groups", thread=999999)
