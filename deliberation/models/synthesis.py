"""Synthesis models: points the steering committee pins, opinion groups computed per thread."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deliberation.models.threads import Comment, Thread

__all__ = ["OpinionGroupsResult", "PinKind", "SynthesisPin"]


class PinKind(models.TextChoices):
    CONVERGENCE = "convergence", _("convergence")
    DIVERGENCE = "divergence", _("divergence")
    OTHER = "other", _("autre")


class SynthesisPin(models.Model):
    """A point the steering committee puts into the synthesis, with an editorial summary."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="synthesis_pins")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="synthesis_pins")
    kind = models.CharField(_("type"), max_length=12, choices=PinKind.choices)
    summary = models.TextField(_("résumé (Markdown)"))
    summary_html = models.TextField(editable=False)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="synthesis_pins"
    )
    order = models.PositiveIntegerField(_("ordre"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = _("point épinglé")
        verbose_name_plural = _("points épinglés")
        constraints = [
            models.UniqueConstraint(fields=["thread", "comment"], name="synthesis_pin_once"),
            models.CheckConstraint(
                condition=Q(kind__in=PinKind.values), name="synthesis_pin_kind_valid"
            ),
        ]


class OpinionGroupsResult(models.Model):
    """The latest opinion groups of a thread (recomputed off the request path).

    `groups`: [{"members": [person ids], "centroid": [x, y], "representative":
    [{"point", "direction", "group_rate", "rest_rate", "ratio"}]}], biggest group first.
    `coordinates`: [[person id, x, y, group index or null]] (the 2-D projection).
    """

    thread = models.OneToOneField(Thread, on_delete=models.CASCADE, related_name="opinion_groups")
    computed_at = models.DateTimeField()
    people_count = models.PositiveIntegerField(default=0)
    points_count = models.PositiveIntegerField(default=0)
    reactions_count = models.PositiveIntegerField(
        default=0, help_text=_("Nombre de réactions sur lesquelles le calcul repose.")
    )
    silhouette = models.FloatField(null=True, blank=True)
    groups = models.JSONField(default=list)
    coordinates = models.JSONField(default=list)

    class Meta:
        verbose_name = _("groupes d'opinion")
        verbose_name_plural = _("groupes d'opinion")
