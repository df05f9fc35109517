"""Who may read, write, move and comment documents (pages, API and services ask these)."""

from django.db.models import Exists, OuterRef, Q

from alliance import rules as base
from documents.models import Document, DocumentStatus, DocumentVersion

PUBLIC_STATUSES = {DocumentStatus.PUBLISHED, DocumentStatus.SUPERSEDED}


def can_manage_documents(user) -> bool:
    """Create, edit drafts, move along the workflow, answer remarks, attach files."""
    return base.is_steering_committee(user)


def is_reader(user) -> bool:
    return base.is_member(user) or base.is_facilitator(user)


def can_read_document(user, document: Document, *, has_version: bool | None = None) -> bool:
    """The committee reads everything; members read every document that has a fixed version
    (a draft's working text stays with the committee); anyone reads public publications."""
    if can_manage_documents(user):
        return True
    if document.is_public and document.status in PUBLIC_STATUSES:
        return True
    if not is_reader(user):
        return False
    if document.status != DocumentStatus.DRAFT:
        return True
    return has_version if has_version is not None else document.versions.exists()


def readable_documents(user) -> Q | None:
    """`can_read_document` as a filter over documents (None: every document)."""
    if can_manage_documents(user):
        return None
    public = Q(is_public=True, status__in=PUBLIC_STATUSES)
    if not is_reader(user):
        return public
    has_version = Exists(DocumentVersion.objects.filter(document=OuterRef("pk")))
    return public | ~Q(status=DocumentStatus.DRAFT) | Q(has_version)


def can_read_draft(user, document: Document) -> bool:
    return can_manage_documents(user)


def can_remark(user, document: Document) -> bool:
    return base.is_member(user) and document.status == DocumentStatus.IN_REVIEW
