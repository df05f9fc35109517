"""Reactions on one comment from many threads at once: PostgreSQL row locks keep one reaction
per person and counts that add up."""

import threading

import pytest
from django.db import connection

from deliberation import services
from deliberation.models import Reaction
from tests.deliberation.factories import a_thread
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_parallel(functions):
    barrier = threading.Barrier(len(functions))
    errors = []

    def run(function):
        try:
            barrier.wait()
            function()
        except Exception as error:  # collected, asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f,)) for f in functions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return errors


def test_simultaneous_reactions_keep_one_per_person(member, monkeypatch):
    monkeypatch.setattr("deliberation.synthesis.hooks.reactions_changed", lambda **kw: None)
    comment = services.comment_create(author=member, thread=a_thread(), body="Vite !")
    person = UserFactory()
    others = [UserFactory() for _ in range(6)]
    kinds = ["agree", "disagree", "pass", "agree"]
    errors = in_parallel(
        [
            *(
                lambda k=k: services.reaction_set(person=person, comment=comment, kind=k)
                for k in kinds
            ),
            *(
                lambda o=o: services.reaction_set(person=o, comment=comment, kind="agree")
                for o in others
            ),
        ]
    )
    assert errors == []
    assert Reaction.objects.filter(person=person).count() == 1
    assert Reaction.objects.filter(comment=comment).count() == 1 + len(others)
