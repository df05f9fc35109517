"""Reads of the documents area, shaped for a page or an endpoint."""

import re
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _

from alliance.errors import InvalidInput, NotFound
from alliance.markdown import render_markdown
from deliberation.models import CommentStatus
from documents.anchors import place, split_paragraphs
from documents.models import (
    Attachment,
    Document,
    DocumentStatus,
    DocumentVersion,
    Remark,
)
from documents.rules import can_manage_documents, readable_documents


def documents_for(user) -> QuerySet[Document]:
    """The documents `user` may read, with their number of versions."""
    documents = Document.objects.annotate(version_count=Count("versions"))
    readable = readable_documents(user)
    return documents if readable is None else documents.filter(readable)


def document_by_slug(user, slug: str) -> Document | None:
    return documents_for(user).select_related("target_type").filter(slug=slug).first()


def versions_of(document: Document) -> list[DocumentVersion]:
    return list(document.versions.all())


def latest_version(document: Document) -> DocumentVersion | None:
    return document.versions.order_by("-number").first()


def review_version(document: Document) -> DocumentVersion | None:
    """The version members comment on: the last one fixed for review, while in review."""
    if document.status != DocumentStatus.IN_REVIEW:
        return None
    return document.versions.filter(kind="review").order_by("-number").first()


def attachments_of(document: Document) -> QuerySet[Attachment]:
    return document.attachments.select_related("uploaded_by")


def remarks_of(document: Document) -> QuerySet[Remark]:
    """The document's remarks, for everyone alike: one hidden by the moderation or withdrawn by
    its author is no longer a remark (its tombstone stays in the document's debate)."""
    return (
        Remark.objects.filter(document=document, comment__status=CommentStatus.VISIBLE)
        .select_related(
            "version",
            "comment__author",
            "comment__organisation",
            "answer__by",
        )
        .order_by("version__number", "paragraph_index", "comment__created_at", "pk")
    )


def remarks_on(document: Document, version: DocumentVersion) -> list[dict]:
    """Every remark of the document placed on `version`: where it now stands and how."""
    texts = version.paragraph_texts
    return [
        {"remark": remark, "placement": place(remark.paragraph_text, remark.paragraph_index, texts)}
        for remark in remarks_of(document)
    ]


@dataclass(frozen=True)
class Text:
    """What a reader sees: a fixed version, or (committee only) the working draft."""

    title: str
    body: str
    html: str
    paragraphs: list[dict]
    version: DocumentVersion | None

    @property
    def is_draft(self) -> bool:
        return self.version is None

    @property
    def headings(self) -> list[dict]:
        """The table of contents: every Markdown heading paragraph, with its index."""
        found = []
        for index, paragraph in enumerate(self.paragraphs):
            match = HEADING.match(paragraph["text"])
            if match:
                found.append(
                    {"index": index, "level": len(match[1]), "title": match[2].strip("# ")}
                )
        return found


HEADING = re.compile(r"^(#{1,6})\s+(.+)$")


def text_of_version(version: DocumentVersion) -> Text:
    return Text(version.title, version.body, version.body_html, version.paragraphs, version)


def text_of_draft(document: Document) -> Text:
    paragraphs = [
        {"text": block, "html": render_markdown(block)} for block in split_paragraphs(document.body)
    ]
    return Text(document.title, document.body, render_markdown(document.body), paragraphs, None)


def reading_text(user, document: Document, *, number: int | None = None) -> Text | None:
    """Version `number`, else the latest version; the committee reads a draft's working
    text. None when there is nothing this person may read."""
    if number is not None:
        version = document.versions.filter(number=number).first()
        return text_of_version(version) if version else None
    if document.is_draft and can_manage_documents(user):
        return text_of_draft(document)
    version = latest_version(document)
    return text_of_version(version) if version else None


def parse_number(value) -> int | None:
    """A version number from a query string; None when absent; `invalid_version` otherwise."""
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if number < 1:
        raise InvalidInput(_("Numéro de version invalide."), code="invalid_version")
    return number


def versions_pair(document: Document, old, new) -> tuple[DocumentVersion, DocumentVersion]:
    """Two versions to compare, by number (default: the last two)."""
    versions = {v.number: v for v in document.versions.all()}
    if not versions:
        raise NotFound(_("Ce document n'a pas encore de version."), code="version_not_found")
    numbers = sorted(versions)
    old_number = parse_number(old) or numbers[max(len(numbers) - 2, 0)]
    new_number = parse_number(new) or numbers[-1]
    if old_number not in versions or new_number not in versions:
        raise NotFound(_("Cette version n'existe pas."), code="version_not_found")
    return versions[old_number], versions[new_number]
