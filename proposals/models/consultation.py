"""The national consultation: each CAE ranks a few axes and may answer free questions.

One answer per organisation per consultation (a database constraint). Members (or only
delegates) answer online for their CAE; a facilitator may enter a CAE's answer from a
territorial meeting. Every saved state of an answer is kept as a revision.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = [
    "AnswerChannel",
    "Consultation",
    "ConsultationAnswer",
    "ConsultationAnswerRevision",
    "ConsultationAxis",
    "ConsultationQuestion",
    "ConsultationStatus",
    "Respondents",
    "ResultsVisibility",
    "Weighting",
]


class Respondents(models.TextChoices):
    MEMBERS = "members", _("toute personne membre de la CAE")
    DELEGATES = "delegates", _("les délégué·es de la CAE seulement")


class ResultsVisibility(models.TextChoices):
    ALWAYS = "always", _("toujours visibles")
    AFTER_CLOSE = "after_close", _("masqués jusqu'à la clôture")


class Weighting(models.TextChoices):
    ONE_PER_ORGANISATION = "one_per_organisation", _("une CAE, une voix")
    BY_SIZE = "by_size", _("selon le nombre d'entrepreneurs-salariés, plafonné")


class ConsultationStatus(models.TextChoices):
    UPCOMING = "upcoming", _("à venir")
    OPEN = "open", _("ouverte")
    CLOSED = "closed", _("close")


class Consultation(models.Model):
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    respondents = models.CharField(
        _("qui répond"), max_length=12, choices=Respondents.choices, default=Respondents.MEMBERS
    )
    results_visibility = models.CharField(
        _("résultats"),
        max_length=12,
        choices=ResultsVisibility.choices,
        default=ResultsVisibility.ALWAYS,
    )
    weighting = models.CharField(
        _("pondération"),
        max_length=24,
        choices=Weighting.choices,
        default=Weighting.ONE_PER_ORGANISATION,
    )
    weight_cap_share = models.DecimalField(
        _("part maximale d'une CAE"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.100"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
        help_text=_("Pondération par taille : aucune CAE ne dépasse cette part du total."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "pk"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="consultation_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(respondents__in=Respondents.values),
                name="consultation_respondents_valid",
            ),
            models.CheckConstraint(
                condition=Q(results_visibility__in=ResultsVisibility.values),
                name="consultation_results_visibility_valid",
            ),
            models.CheckConstraint(
                condition=Q(weighting__in=Weighting.values), name="consultation_weighting_valid"
            ),
            models.CheckConstraint(
                condition=Q(weight_cap_share__gt=0) & Q(weight_cap_share__lte=1),
                name="consultation_weight_cap_share_range",
            ),
        ]

    def __str__(self):
        return self.title

    def status_at(self, now=None) -> str:
        now = now or timezone.now()
        if now < self.opens_at:
            return ConsultationStatus.UPCOMING
        if now >= self.closes_at:
            return ConsultationStatus.CLOSED
        return ConsultationStatus.OPEN

    @property
    def status(self) -> str:
        return self.status_at()

    @property
    def status_label(self) -> str:
        return ConsultationStatus(self.status).label

    def results_hidden_at(self, now=None) -> bool:
        return (
            self.results_visibility == ResultsVisibility.AFTER_CLOSE
            and self.status_at(now) != ConsultationStatus.CLOSED
        )


class ConsultationAxis(models.Model):
    """An axis the CAEs rank (représentation, communication...). `position` orders the page."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="axes")
    position = models.PositiveSmallIntegerField(_("ordre"))
    title = models.CharField(_("intitulé"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = _("axe")
        verbose_name_plural = _("axes")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="consultation_axis_position_unique"
            ),
            models.UniqueConstraint(
                fields=["consultation", "title"], name="consultation_axis_title_unique"
            ),
        ]

    def __str__(self):
        return self.title


class ConsultationQuestion(models.Model):
    """An optional free-text question asked beside the ranking."""

    consultation = models.ForeignKey(
        Consultation, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("question"), max_length=500)

    class Meta:
        ordering = ["consultation", "position"]
        verbose_name = _("question libre")
        verbose_name_plural = _("questions libres")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="consultation_question_position_unique"
            )
        ]

    def __str__(self):
        return self.text


class AnswerChannel(models.TextChoices):
    ONLINE = "online", _("en ligne")
    TERRITORIAL = "territorial", _("rencontre territoriale")


class AnswerFields(models.Model):
    """What an answer says; shared by the answer and its revisions.

    `ranking` is the list of axis ids, best first, every axis exactly once (the services check
    it). `free_answers` maps a question id (as a string) to the text.
    """

    ranking = models.JSONField(_("classement"))
    free_answers = models.JSONField(_("réponses libres"), default=dict, blank=True)
    comment = models.TextField(_("commentaire"), blank=True)
    channel = models.CharField(
        _("canal"), max_length=12, choices=AnswerChannel.choices, default=AnswerChannel.ONLINE
    )
    meeting_name = models.CharField(_("rencontre territoriale"), max_length=200, blank=True)
    meeting_date = models.DateField(_("date de la rencontre"), null=True, blank=True)

    class Meta:
        abstract = True


class ConsultationAnswer(AnswerFields):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="answers")
    organisation = models.ForeignKey(
        "alliance.Organisation", on_delete=models.PROTECT, related_name="consultation_answers"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="consultation_answers_entered",
        help_text=_("La personne qui a saisi la réponse (l'animateur·rice pour une rencontre)."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["consultation", "organisation__name"]
        verbose_name = _("réponse à la consultation")
        verbose_name_plural = _("réponses à la consultation")
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "organisation"],
                name="consultation_answer_one_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=AnswerChannel.values),
                name="consultation_answer_channel_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel=AnswerChannel.ONLINE)
                | (~Q(meeting_name="") & Q(meeting_date__isnull=False)),
                name="consultation_answer_territorial_has_meeting",
            ),
        ]

    def __str__(self):
        return f"{self.consultation_id}/{self.organisation_id}"


class ConsultationAnswerRevision(AnswerFields):
    """A snapshot of an answer as saved, the first one included: the answer's history."""

    answer = models.ForeignKey(
        ConsultationAnswer, on_delete=models.CASCADE, related_name="revisions"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["answer", "-created_at", "-pk"]
        verbose_name = _("version d'une réponse")
        verbose_name_plural = _("versions des réponses")

    def __str__(self):
        return f"{self.answer_id}@{self.created_at:%Y-%m-%d %H:%M}"
