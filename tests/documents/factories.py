"""Documents in a given state, built through the real services."""

from datetime import timedelta

from django.utils import timezone

from documents import services

BODY_V1 = """# Projet économique

Les CAE mutualisent leurs moyens pour financer l'alliance.

La cotisation de chaque CAE dépend du nombre d'entrepreneurs-salariés.

## Calendrier

Le modèle est voté en assemblée."""


def draft(actor, *, title="Modèle économique", body=BODY_V1, **kwargs):
    return services.document_create(actor=actor, title=title, body=body, **kwargs)


def in_review(actor, *, days=7, **kwargs):
    document = draft(actor, **kwargs)
    services.document_transition(
        actor=actor,
        document=document,
        to="in_review",
        deadline=timezone.now() + timedelta(days=days),
    )
    document.refresh_from_db()
    return document


def published(actor, **kwargs):
    document = draft(actor, **kwargs)
    services.document_transition(actor=actor, document=document, to="published")
    document.refresh_from_db()
    return document
