"""Daily digests: one e-mail per person who chose them, listing what they have not been sent."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deliberation.models import Notification, NotificationFrequency


def digest_recipients():
    """People with the daily preference (the default) and at least one unsent notification."""
    from alliance.models import User

    wants_daily = Q(notification_preference__email_frequency=NotificationFrequency.DAILY) | Q(
        notification_preference__isnull=True
    )
    return (
        User.objects.filter(wants_daily, is_active=True, email__gt="")
        .filter(notifications__emailed_at=None)
        .distinct()
        .order_by("pk")
    )


def _digest_body(notifications) -> str:
    lines = [
        ngettext(
            "%(count)d notification depuis le dernier résumé :",
            "%(count)d notifications depuis le dernier résumé :",
            len(notifications),
        )
        % {"count": len(notifications)},
        "",
    ]
    for notification in notifications:
        lines.append(f"- {notification.title}")
        lines.append(f"  {notification.url}")
    return "\n".join(lines)


def send_digest(person) -> bool:
    """Send one person's digest and mark its notifications sent, atomically: a rerun (or a
    second process) finds nothing left to send."""
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=person, emailed_at=None)
            .order_by("created_at", "pk")
        )
        if not pending:
            return False
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
        message = EmailMessage(
            subject=_("Alliance des CAE : votre résumé quotidien"),
            body=_digest_body(pending),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[person.email],
        )
        message.send()  # inside the transaction: a failed send leaves them unsent for next time
    return True


def send_digests() -> int:
    return sum(send_digest(person) for person in digest_recipients())
