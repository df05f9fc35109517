"""`notify()`: the one way any app tells people something happened.

It writes in-app notifications in the caller's transaction; people who chose immediate
e-mails get one once the transaction commits. Daily digests are sent by
`manage.py send_digests`.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone

from deliberation import visibility
from deliberation.models import Notification, NotificationFrequency


def followers_of(target):
    from alliance.models import User

    content_type = ContentType.objects.get_for_model(target)
    return User.objects.filter(
        is_active=True,
        follows__content_type=content_type,
        follows__object_id=target.pk,
    )


def _who_may_see(ids, about) -> set[int]:
    """The recipients who may see `about` (one query for the people, the rule per person)."""
    from alliance.models import User

    people = User.objects.filter(pk__in=ids).select_related("organisation")
    return {person.pk for person in people if visibility.may_see(person, about)}


def _immediate_recipient_ids(recipient_ids) -> set[int]:
    from alliance.models import User

    return set(
        User.objects.filter(pk__in=recipient_ids, email__gt="")
        .filter(notification_preference__email_frequency=NotificationFrequency.IMMEDIATE)
        .values_list("pk", flat=True)
    )


def notify(
    *, recipients, kind: str, title: str, url: str, body: str = "", exclude=None, about=None
) -> int:
    """Notify each recipient once (a queryset or iterable of users); returns how many.

    `about` is the object the notification is about: nobody who may not see it is told (its
    app's rule, `deliberation.visibility`), and the notification is kept out of sight of a
    recipient who may no longer see it."""
    exclude_id = getattr(exclude, "pk", None)
    ids = {getattr(r, "pk", r) for r in recipients} - {exclude_id}
    content_type = None
    if about is not None and ids:
        ids = _who_may_see(ids, about)
        content_type = ContentType.objects.get_for_model(about)
    if not ids:
        return 0
    created = Notification.objects.bulk_create(
        Notification(
            recipient_id=pk,
            kind=kind,
            title=str(title),
            url=url,
            body=str(body),
            content_type=content_type,
            object_id=about.pk if about is not None else None,
        )
        for pk in sorted(ids)
    )
    immediate = _immediate_recipient_ids(ids)
    if immediate:
        notification_ids = [n.pk for n in created if n.recipient_id in immediate]
        transaction.on_commit(lambda: send_immediate_emails(notification_ids))
    return len(created)


def send_immediate_emails(notification_ids) -> int:
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    messages = [
        (n.title, f"{n.body}\n\n{n.url}".strip(), settings.DEFAULT_FROM_EMAIL, [n.recipient.email])
        for n in pending
    ]
    sent = send_mass_mail(messages, fail_silently=True)
    pending.update(emailed_at=timezone.now())
    return sent
