from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Propositions et consultation")

    def ready(self):
        from deliberation import visibility
        from proposals.models import Amendment, Proposal
        from proposals.scenarios import rules

        visibility.register(
            Proposal, may_see=rules.can_view_proposal, visible=rules.visible_proposals
        )
        visibility.register(
            Amendment, may_see=rules.can_view_amendment, visible=rules.visible_amendments
        )
