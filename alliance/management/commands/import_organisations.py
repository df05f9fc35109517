from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alliance.errors import InvalidInput
from alliance.importing import COLUMNS, import_organisations, parse_organisations
from alliance.progress import ProgressBar


class Command(BaseCommand):
    help = (
        "Importe ou met à jour des CAE depuis un fichier CSV (UTF-8, séparateur virgule ou "
        "point-virgule). Colonnes : " + ", ".join(COLUMNS) + ". Un fichier avec une seule "
        "erreur n'importe rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("Fichier CSV des CAE"))
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help=_("Vérifier le fichier sans rien écrire."),
        )

    def handle(self, *args, file, dry_run=False, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Impossible de lire %(path)s : %(error)s") % {"path": path, "error": exc.strerror}
            ) from exc
        try:
            rows = parse_organisations(data)
        except InvalidInput as exc:
            for error in exc.details["errors"]:
                self.stderr.write(
                    _("ligne %(line)s : %(message)s [%(code)s]")
                    % {"line": error["line"], "message": error["message"], "code": error["code"]}
                )
            raise CommandError(str(exc.message)) from exc
        if dry_run:
            self.stdout.write(
                _("Fichier valide : %(count)s CAE. Rien n'a été écrit (--dry-run).")
                % {"count": len(rows)}
            )
            return
        report = import_organisations(rows, progress=ProgressBar(self.stderr._out))
        self.stdout.write(
            self.style.SUCCESS(
                _("%(created)s CAE créées, %(updated)s mises à jour, %(unchanged)s inchangées.")
                % {
                    "created": report.created,
                    "updated": report.updated,
                    "unchanged": report.unchanged,
                }
            )
        )
