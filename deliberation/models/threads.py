"""Threads, comments, revisions and reactions.

A thread hangs on any object (a proposal, an amendment, a document) through a generic
relation, one thread per object. A comment is written by a person *for* their CAE: the
organisation is recorded at writing time, so the comment stays the CAE's if the person moves.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Comment",
    "CommentRevision",
    "CommentStatus",
    "Reaction",
    "ReactionKind",
    "Stance",
    "Thread",
]


class Thread(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    title = models.CharField(_("titre"), max_length=300, blank=True)
    is_open = models.BooleanField(_("ouvert aux commentaires"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fil de discussion")
        verbose_name_plural = _("fils de discussion")
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="thread_one_per_target"
            )
        ]

    def __str__(self):
        return self.title or f"{self.content_type.model} {self.object_id}"


class Stance(models.TextChoices):
    NONE = "none", _("sans position")
    CONVERGENCE = "convergence", _("convergence")
    DIVERGENCE = "divergence", _("divergence")
    QUESTION = "question", _("question")
    SUGGESTION = "suggestion", _("suggestion")


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("visible")
    HIDDEN = "hidden", _("masqué par la modération")
    DELETED = "deleted", _("supprimé")


class CommentQuerySet(models.QuerySet):
    def with_reaction_counts(self):
        """Annotate `agree_count`, `disagree_count`, `pass_count`: correlated subqueries, so a
        page of 50 comments costs one query whatever the size of the thread."""
        annotations = {}
        for kind in ReactionKind.values:
            counted = (
                Reaction.objects.filter(comment=OuterRef("pk"), kind=kind)
                .order_by()
                .values("comment")
                .annotate(n=Count("pk"))
                .values("n")
            )
            annotations[f"{kind}_count"] = Coalesce(Subquery(counted), 0)
        return self.annotate(**annotations)

    def for_display(self):
        """Everything a comment shows: author, CAE and its networks, parent's author, counts."""
        return (
            self.select_related("author", "organisation", "parent__author")
            .prefetch_related("organisation__networks")
            .with_reaction_counts()
        )


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replies"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    organisation = models.ForeignKey(
        "alliance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="comments",
        help_text=_("La CAE pour laquelle la personne écrivait."),
    )
    body = models.TextField(_("texte (Markdown)"))
    body_html = models.TextField(editable=False, help_text=_("Rendu HTML nettoyé du texte."))
    stance = models.CharField(
        _("position"), max_length=12, choices=Stance.choices, default=Stance.NONE
    )
    is_point = models.BooleanField(_("point de synthèse"), default=False)
    status = models.CharField(
        _("état"), max_length=8, choices=CommentStatus.choices, default=CommentStatus.VISIBLE
    )
    moderation_reason = models.TextField(_("motif de modération"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(null=True, blank=True)
    changed_at = models.DateTimeField(
        auto_now=True, help_text=_("Dernier changement visible (texte, état) : sert au rattrapage.")
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        indexes = [
            # the order of a thread's pages (deliberation/comment_pages.py), whole: no sort
            models.Index(fields=["thread", "created_at", "id"], name="comment_thread_page_idx"),
            models.Index(
                fields=["thread"], condition=Q(is_point=True), name="comment_thread_points_idx"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=CommentStatus.values), name="comment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(stance__in=Stance.values), name="comment_stance_valid"
            ),
        ]

    def __str__(self):
        return f"#{self.pk} ({self.author_id})"

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.VISIBLE

    @property
    def reaction_counts(self) -> dict:
        """Counts annotated by `with_reaction_counts()`."""
        return {kind: getattr(self, f"{kind}_count", 0) for kind in ReactionKind.values}


class CommentRevision(models.Model):
    """The text of a comment before an edit: editing keeps history."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    stance = models.CharField(max_length=12, choices=Stance.choices)
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]


class ReactionKind(models.TextChoices):
    AGREE = "agree", _("d'accord")
    DISAGREE = "disagree", _("pas d'accord")
    PASS = "pass", _("passe")


class Reaction(models.Model):
    """One reaction per person per comment; changing it updates the row."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    organisation = models.ForeignKey(
        "alliance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reactions",
    )
    kind = models.CharField(_("réaction"), max_length=8, choices=ReactionKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réaction")
        verbose_name_plural = _("réactions")
        constraints = [
            models.UniqueConstraint(fields=["comment", "person"], name="reaction_one_per_person"),
            models.CheckConstraint(
                condition=Q(kind__in=ReactionKind.values), name="reaction_kind_valid"
            ),
        ]
