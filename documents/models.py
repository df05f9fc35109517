"""Steering committee documents: drafts, revisions, numbered versions, review remarks.

A document's draft body is edited with optimistic concurrency (`revision`); each review
opening and each publication fixes a numbered `DocumentVersion` whose paragraphs are what
remarks are anchored to. A remark is a comment of the document's debate thread.
"""

from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    PROJECT = "project", _("projet")
    ECONOMIC_MODEL = "economic_model", _("modèle économique")
    GOVERNANCE = "governance", _("gouvernance")
    MINUTES = "minutes", _("compte rendu")
    OTHER = "other", _("autre")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    IN_REVIEW = "in_review", _("en relecture")
    PUBLISHED = "published", _("publié")
    SUPERSEDED = "superseded", _("remplacé")
    ARCHIVED = "archived", _("archivé")


class Document(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(
        _("nature"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    # The proposal it belongs to (the proposals app is not a dependency: generic relation).
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    is_public = models.BooleanField(
        _("public"), default=False, help_text=_("Une fois publié, lisible par tout le monde.")
    )
    status = models.CharField(
        _("état"), max_length=12, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT
    )
    review_deadline = models.DateTimeField(_("fin de la relecture"), null=True, blank=True)
    body = models.TextField(_("texte du brouillon (Markdown)"), blank=True)
    revision = models.PositiveIntegerField(
        default=1, help_text=_("Numéro de la dernière révision du brouillon.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="documents_created"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "pk"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DocumentStatus.values), name="document_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=DocumentKind.values), name="document_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=DocumentStatus.IN_REVIEW) | Q(review_deadline__isnull=False),
                name="document_review_has_deadline",
            ),
            models.CheckConstraint(
                condition=Q(target_type__isnull=True, target_id__isnull=True)
                | Q(target_type__isnull=False, target_id__isnull=False),
                name="document_target_whole",
            ),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="document_target_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frontend:document", args=[self.slug])

    @property
    def target_reference(self) -> str | None:
        """`"app_label.model"` of what the document belongs to, as the API names it."""
        if self.target_type_id is None:
            return None
        return f"{self.target_type.app_label}.{self.target_type.model}"

    @property
    def is_draft(self) -> bool:
        return self.status == DocumentStatus.DRAFT

    @property
    def is_in_review(self) -> bool:
        return self.status == DocumentStatus.IN_REVIEW


class DocumentRevision(models.Model):
    """Every saved edit of a draft; a stale save is kept too, marked `conflicted`."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField(
        help_text=_("Révision obtenue ; pour un conflit, celle dont l'auteur était parti.")
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    conflicted = models.BooleanField(default=False)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                condition=Q(conflicted=False),
                name="document_revision_number_unique",
            )
        ]


class VersionKind(models.TextChoices):
    REVIEW = "review", _("relecture")
    PUBLICATION = "publication", _("publication")


class DocumentVersion(models.Model):
    """A fixed, numbered text: at each review opening and each publication.

    `paragraphs` is a list of `{"text", "hash", "html"}`, the units remarks are anchored to.
    """

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=12, choices=VersionKind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField()
    body_html = models.TextField()
    paragraphs = models.JSONField(default=list)
    review_deadline = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="document_version_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=VersionKind.values), name="document_version_kind_valid"
            ),
        ]

    def __str__(self):
        return f"{self.document_id} v{self.number}"

    @property
    def paragraph_texts(self) -> list[str]:
        return [p["text"] for p in self.paragraphs]


class DocumentTransition(models.Model):
    """Every move of a document along its workflow."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=12, choices=DocumentStatus.choices)
    to_status = models.CharField(max_length=12, choices=DocumentStatus.choices)
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=models.F("to_status")), name="document_transition_moves"
            )
        ]


class PrivateStorage(FileSystemStorage):
    """Files with no URL at all: only a view that checks the reader serves them."""

    def url(self, name):
        raise ValueError("private file: served by the download view only")


def private_storage():
    """`PRIVATE_MEDIA_ROOT` if set (keep it out of what the proxy serves), else
    MEDIA_ROOT/private."""
    root = getattr(settings, "PRIVATE_MEDIA_ROOT", None) or Path(settings.MEDIA_ROOT) / "private"
    return PrivateStorage(location=root)


class Attachment(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="documents/%Y/%m/", storage=private_storage, max_length=300)
    name = models.CharField(_("nom"), max_length=200)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")


class Remark(models.Model):
    """A comment of the document's thread, anchored to a paragraph of a fixed version."""

    comment = models.OneToOneField(
        "deliberation.Comment", on_delete=models.CASCADE, related_name="document_remark"
    )
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="remarks")
    version = models.ForeignKey(DocumentVersion, on_delete=models.PROTECT, related_name="remarks")
    paragraph_index = models.PositiveIntegerField()
    paragraph_text = models.TextField()
    paragraph_hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["version__number", "paragraph_index", "pk"]
        verbose_name = _("remarque")
        verbose_name_plural = _("remarques")
        indexes = [models.Index(fields=["document", "version"], name="remark_document_idx")]


class AnswerStatus(models.TextChoices):
    TAKEN_INTO_ACCOUNT = "taken_into_account", _("prise en compte")
    ANSWERED = "answered", _("réponse apportée")
    DECLINED = "declined", _("non retenue")


class RemarkAnswer(models.Model):
    """The steering committee's answer to a remark; answering again replaces it."""

    remark = models.OneToOneField(Remark, on_delete=models.CASCADE, related_name="answer")
    status = models.CharField(_("suite donnée"), max_length=20, choices=AnswerStatus.choices)
    reply = models.TextField(_("réponse"), blank=True)
    reply_html = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réponse à une remarque")
        verbose_name_plural = _("réponses aux remarques")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AnswerStatus.values), name="remark_answer_status_valid"
            )
        ]
