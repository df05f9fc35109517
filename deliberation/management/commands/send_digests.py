from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from deliberation.digests import send_digests


class Command(BaseCommand):
    help = _("Envoie le résumé quotidien des notifications (idempotent).")

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(_("Résumés envoyés : %(count)d") % {"count": sent})
