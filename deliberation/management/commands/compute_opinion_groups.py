from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alliance.events import group_send_now
from deliberation.models import Thread
from deliberation.services import thread_group
from deliberation.synthesis import selectors, services


class Command(BaseCommand):
    help = _(
        "Recalcule les groupes d'opinion des débats dont les réactions ont changé (pour les "
        "déploiements à plusieurs processus, depuis cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--thread", type=int, help=_("Seulement ce fil (recalculé même à jour).")
        )

    def handle(self, *args, thread=None, **options):
        if thread is not None:
            found = Thread.objects.filter(pk=thread).first()
            if found is None:
                raise CommandError(_("Aucun fil de discussion n° %(id)s.") % {"id": thread})
            threads = [found]
        else:
            threads = [
                t
                for t in Thread.objects.filter(comments__is_point=True).distinct().order_by("pk")
                if services.opinion_groups_stale(t)
            ]
        for item in threads:
            result = services.opinion_groups_compute(thread=item)
            group_send_now(thread_group(item.pk), selectors.opinion_groups_message(result))
            self.stdout.write(
                _("Fil %(id)s : %(groups)s groupes, %(people)s personnes, %(points)s points.")
                % {
                    "id": item.pk,
                    "groups": len(result.groups),
                    "people": result.people_count,
                    "points": result.points_count,
                }
            )
        self.stdout.write(_("%(n)s fil(s) recalculé(s).") % {"n": len(threads)})
