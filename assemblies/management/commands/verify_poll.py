from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from assemblies import ledger
from assemblies.models import Poll


class Command(BaseCommand):
    help = _(
        "Vérifie la chaîne du registre d'un vote, ses règles, options et poids face à l'entrée "
        "d'ouverture, et recalcule son résultat depuis le registre et depuis les bulletins."
    )

    def add_arguments(self, parser):
        parser.add_argument("poll_id", type=int)
        parser.add_argument(
            "--head",
            help=_(
                "Empreinte publiée (page des résultats, procès-verbal, API) : le registre "
                "doit se terminer par elle."
            ),
        )

    def handle(self, *args, poll_id, head=None, **options):
        poll = Poll.objects.select_related("assembly").filter(pk=poll_id).first()
        if poll is None:
            raise CommandError(_("Le vote %(id)s n'existe pas.") % {"id": poll_id})
        report = ledger.verify(poll, head=head)
        for note in report.notes:
            self.stdout.write(note)
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(problem)
            raise CommandError(
                _("Registre du vote %(id)s invalide : %(count)s problème(s).")
                % {"id": poll_id, "count": len(report.problems)}
            )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "Registre du vote %(id)s intègre : %(entries)s entrées, dernière empreinte %(hash)s."
                )
                % {"id": poll_id, "entries": report.entries, "hash": report.last_hash}
            )
        )
