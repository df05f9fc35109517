from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

# Each app contributes a `demo.load(stdout=...)`, in this order (later ones use earlier data).
DEMO_LOADERS = [
    "alliance.demo",
    "proposals.scenarios.demo",
    "proposals.consultation.demo",
    "deliberation.demo",
    "deliberation.synthesis.demo",
    "documents.demo",
    "assemblies.demo",
]


class Command(BaseCommand):
    help = "Charge les données de démonstration des États généraux 2018 (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si la base contient déjà des CAE.",
        )

    def handle(self, *args, if_empty=False, **options):
        from alliance.models import Organisation

        if if_empty and Organisation.objects.exists():
            self.stdout.write(_("La base contient déjà des données : démo non chargée."))
            return
        with transaction.atomic():
            for module_name in DEMO_LOADERS:
                summary = import_module(module_name).load(stdout=self.stdout)
                self.stdout.write(f"{module_name}: {summary}")
        self.stdout.write(
            self.style.SUCCESS(_("Démo chargée. Mot de passe de chaque compte : demo"))
        )
        self.stdout.write(
            _(
                "Comptes : admin (administration), secretariat (secrétariat), copil (comité de "
                "pilotage), delegue (délégué·e d'une CAE), membre (membre d'une CAE)."
            )
        )
