"""Moderation: reports by anyone, acts by the secretariat, every act traced."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

__all__ = ["ModerationAction", "ModerationActionKind", "Report"]


class Report(models.Model):
    """A person flags a comment with a reason; open until a moderator acts on the comment."""

    comment = models.ForeignKey(
        "deliberation.Comment", on_delete=models.CASCADE, related_name="reports"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comment_reports"
    )
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter"],
                condition=Q(resolved_at__isnull=True),
                name="report_one_open_per_person",
            )
        ]


class ModerationActionKind(models.TextChoices):
    HIDE = "hide", _("masqué")
    UNHIDE = "unhide", _("rétabli")
    DISMISS = "dismiss", _("signalements classés")


class ModerationAction(models.Model):
    """Append-only log of what moderators did, to which comment, and why."""

    comment = models.ForeignKey(
        "deliberation.Comment", on_delete=models.CASCADE, related_name="moderation_actions"
    )
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="moderation_actions"
    )
    kind = models.CharField(max_length=8, choices=ModerationActionKind.choices)
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("acte de modération")
        verbose_name_plural = _("actes de modération")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ModerationActionKind.values), name="moderation_kind_valid"
            )
        ]
