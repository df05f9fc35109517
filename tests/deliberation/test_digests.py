import io

import pytest
from django.core import mail
from django.core.management import call_command

from deliberation import services
from deliberation.models import Notification
from deliberation.notifications import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run() -> str:
    out = io.StringIO()
    call_command("send_digests", stdout=out)
    return out.getvalue()


def test_one_digest_per_daily_person_then_nothing(django_capture_on_commit_callbacks):
    daily, default, off, immediate = (UserFactory() for _ in range(4))
    services.notification_preference_set(person=daily, email_frequency="daily")
    services.notification_preference_set(person=off, email_frequency="off")
    services.notification_preference_set(person=immediate, email_frequency="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        for title in ["Première", "Seconde"]:
            notify(
                recipients=[daily, default, off, immediate], kind="comment", title=title, url="/d/"
            )
    assert [m.to for m in mail.outbox] == [[immediate.email], [immediate.email]]
    mail.outbox.clear()

    assert "2" in run()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([daily.email, default.email])
    digest = next(m for m in mail.outbox if m.to == [daily.email])
    assert "Première" in digest.body and "Seconde" in digest.body
    assert not Notification.objects.filter(recipient=daily, emailed_at=None).exists()
    assert Notification.objects.filter(recipient=off, emailed_at=None).count() == 2

    mail.outbox.clear()
    run()
    assert mail.outbox == []


def test_people_without_an_address_get_no_digest():
    person = UserFactory(email="")
    notify(recipients=[person], kind="comment", title="Un", url="/")
    run()
    assert mail.outbox == []
