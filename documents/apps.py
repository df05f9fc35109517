from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents du comité de pilotage")

    def ready(self):
        from deliberation import visibility
        from documents import rules
        from documents.models import Document

        visibility.register(
            Document, may_see=rules.can_read_document, visible=rules.readable_documents
        )
