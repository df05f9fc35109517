"""Where a person's right to stay connected ends outside a service: sign-out (Django's
`user_logged_out`), and `is_active` or `is_delegate` switched off by any save of the account
(the admin's form included). Each closes the person's open sockets
(`services.person_sessions_revoke`)."""

from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

from alliance import services
from alliance.models import User

WATCHED = {"is_active": "deactivated", "is_delegate": "delegate_role_withdrawn"}


@receiver(user_logged_out)
def revoke_on_logout(sender, request, user, **kwargs):
    if user is not None and user.pk is not None:
        services.person_sessions_revoke(user=user, reason="logout")


@receiver(pre_save, sender=User)
def remember_rights(sender, instance, raw=False, update_fields=None, **kwargs):
    """The watched flags as stored, read only when this save may switch one off."""
    instance._rights_before = None
    if raw or instance._state.adding or instance.pk is None:
        return
    if update_fields is not None and not WATCHED.keys() & set(update_fields):
        return  # e.g. `last_login` at sign-in: no extra query
    instance._rights_before = User.objects.filter(pk=instance.pk).values(*WATCHED).first()


@receiver(post_save, sender=User)
def revoke_on_lost_rights(sender, instance, created=False, raw=False, **kwargs):
    before = getattr(instance, "_rights_before", None)
    instance._rights_before = None
    if created or raw or not before:
        return
    for field, reason in WATCHED.items():
        if before[field] and not getattr(instance, field):
            services.person_sessions_revoke(user=instance, reason=reason)
            return  # one close is enough
