from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from alliance.progress import ProgressBar
from alliance.scale import PREFIX, refresh_planner_statistics, seed_organisations


class Command(BaseCommand):
    help = (
        "Crée rapidement des données de mesure : des CAE, leurs délégué·es avec jeton d'API, "
        "une assemblée ouverte avec des motions ouvertes, un fil de commentaires sur une "
        "proposition. Relancer la commande complète sans doubler."
    )

    def add_arguments(self, parser):
        parser.add_argument("--organisations", type=int, default=100)
        parser.add_argument(
            "--delegates", type=int, default=None, help=_("par défaut : une par CAE")
        )
        parser.add_argument("--comments", type=int, default=0)
        parser.add_argument("--polls", type=int, default=1, help=_("motions ouvertes"))

    def handle(self, *args, organisations, delegates, comments, polls, **options):
        delegates = organisations if delegates is None else delegates
        for name, value in (("organisations", organisations), ("delegates", delegates)):
            if value < 1:
                raise CommandError(_("--%(name)s doit être au moins 1.") % {"name": name})
        if comments < 0 or polls < 0:
            raise CommandError(_("--comments et --polls ne peuvent pas être négatifs."))
        err = self.stderr._out
        summary = seed_organisations(
            count=organisations,
            delegates=delegates,
            progress=ProgressBar(err, label=_("CAE et délégué·es")),
        )
        if polls:
            from assemblies.scale import seed_open_assembly

            summary |= seed_open_assembly(organisation_prefix=f"{PREFIX}-", polls=polls)
        if comments:
            summary |= self.seed_debate(comments, err)
        refresh_planner_statistics()
        self.stdout.write(str(summary))

    def seed_debate(self, comments: int, err) -> dict:
        from alliance.models import User
        from deliberation.scale import seed_comments
        from proposals.scale import bench_proposal

        proposal = bench_proposal()
        authors = list(User.objects.filter(username__startswith=f"{PREFIX}-d").order_by("pk")[:200])
        result = seed_comments(
            target=proposal,
            count=comments,
            authors=authors,
            progress=ProgressBar(err, label=_("commentaires")),
        )
        return {"proposal": proposal.slug, **result}
