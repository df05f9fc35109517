"""Alliance scenarios: proposals with immutable versions, amendments, workshop notes and
network positions.

A proposal belongs to a process (the États généraux, say). Its text changes only through
`proposals.scenarios.services`, and every change leaves a numbered `ProposalVersion` behind.
Contributions come from CAEs: the person who wrote them is kept, and so is the CAE they acted
for at the time.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

__all__ = [
    "Amendment",
    "AmendmentStatus",
    "NetworkPosition",
    "NoteEndorsement",
    "NoteKind",
    "Position",
    "Process",
    "Proposal",
    "ProposalStatus",
    "ProposalVersion",
    "WorkshopNote",
]


class Process(models.Model):
    """A deliberative process that proposals belong to (e.g. the États généraux 2018)."""

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("processus")
        verbose_name_plural = _("processus")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(ends_on__gte=F("starts_on")),
                name="process_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("brouillon")
    OPEN = "open", _("ouverte aux commentaires")
    VOTING = "voting", _("au vote")
    ADOPTED = "adopted", _("adoptée")
    REJECTED = "rejected", _("rejetée")
    WITHDRAWN = "withdrawn", _("retirée")


class Proposal(models.Model):
    """A proposal (an alliance scenario). `body`/`body_html` mirror the current version."""

    process = models.ForeignKey(
        Process,
        verbose_name=_("processus"),
        related_name="proposals",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    summary = models.TextField(_("résumé"), max_length=1000, blank=True)
    body = models.TextField(_("texte"))
    body_html = models.TextField(editable=False)
    status = models.CharField(
        _("statut"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur·rice"),
        related_name="proposals",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    author_organisation = models.ForeignKey(
        "alliance.Organisation",
        verbose_name=_("CAE autrice"),
        related_name="proposals",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    by_steering_committee = models.BooleanField(_("proposée par le comité de pilotage"))
    current_version = models.PositiveIntegerField(_("version en vigueur"), default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ProposalStatus.values), name="proposal_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(by_steering_committee=True) | Q(author_organisation__isnull=False),
                name="proposal_has_an_author",
                violation_error_message=_(
                    "Une proposition vient d'une CAE ou du comité de pilotage."
                ),
            ),
            models.CheckConstraint(
                condition=Q(current_version__gte=1), name="proposal_version_positive"
            ),
        ]
        indexes = [models.Index(fields=["status"], name="proposal_status_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frontend:proposal", kwargs={"slug": self.slug})

    @property
    def is_open_for_comment(self) -> bool:
        return self.status == ProposalStatus.OPEN

    @property
    def is_final(self) -> bool:
        return self.status in (
            ProposalStatus.ADOPTED,
            ProposalStatus.REJECTED,
            ProposalStatus.WITHDRAWN,
        )


class ProposalVersion(models.Model):
    """An immutable snapshot of a proposal's text. Number 1 is the text as first written."""

    proposal = models.ForeignKey(Proposal, related_name="versions", on_delete=models.CASCADE)
    number = models.PositiveIntegerField(_("numéro"))
    title = models.CharField(_("titre"), max_length=200)
    summary = models.TextField(_("résumé"), blank=True)
    body = models.TextField(_("texte"))
    body_html = models.TextField(editable=False)
    note = models.CharField(_("note de version"), max_length=300, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="proposal_versions",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    amendment = models.OneToOneField(
        "proposals.Amendment",
        verbose_name=_("amendement intégré"),
        related_name="resulting_version",
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["proposal", "number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "number"], name="proposalversion_unique_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="proposalversion_number_gte_1"),
        ]

    def __str__(self):
        return f"{self.proposal_id} v{self.number}"


class AmendmentStatus(models.TextChoices):
    PENDING = "pending", _("en attente")
    ACCEPTED = "accepted", _("accepté")
    REJECTED = "rejected", _("rejeté")
    WITHDRAWN = "withdrawn", _("retiré")


class Amendment(models.Model):
    """Replacement text for one paragraph (blocks separated by a blank line in the base
    version) or, with no paragraph index, for the whole body. Polls of the assemblies app
    may point to an amendment to put it to the vote."""

    proposal = models.ForeignKey(Proposal, related_name="amendments", on_delete=models.CASCADE)
    base_version = models.ForeignKey(
        ProposalVersion,
        verbose_name=_("version de base"),
        related_name="amendments",
        on_delete=models.RESTRICT,
    )
    paragraph_index = models.PositiveIntegerField(
        _("paragraphe"), null=True, blank=True, help_text=_("Vide : tout le texte.")
    )
    original_text = models.TextField(_("texte d'origine"))
    replacement_text = models.TextField(_("texte proposé"))
    rationale = models.TextField(_("exposé des motifs"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="amendments", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "alliance.Organisation",
        verbose_name=_("CAE"),
        related_name="amendments",
        on_delete=models.PROTECT,
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AmendmentStatus.choices,
        default=AmendmentStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="amendments_decided",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("amendement")
        verbose_name_plural = _("amendements")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=AmendmentStatus.values), name="amendment_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=AmendmentStatus.REJECTED) | ~Q(decision_reason=""),
                name="amendment_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[AmendmentStatus.PENDING, AmendmentStatus.WITHDRAWN])
                | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="amendment_decision_recorded",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "status"], name="amendment_status_idx")]

    def __str__(self):
        return f"{self.proposal_id} #{self.pk}"

    def get_absolute_url(self):
        return reverse("frontend:amendment", kwargs={"slug": self.proposal.slug, "pk": self.pk})

    @property
    def is_whole_body(self) -> bool:
        return self.paragraph_index is None


class NoteKind(models.TextChoices):
    BRAKE = "brake", _("frein")
    FEAR = "fear", _("crainte")
    LEVER = "lever", _("levier")
    STRENGTH = "strength", _("force")


class WorkshopNote(models.Model):
    """A brake, fear, lever or strength of a scenario. Entered by a facilitator for a named
    workshop session (no organisation), or by a member for their CAE."""

    proposal = models.ForeignKey(Proposal, related_name="workshop_notes", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=10, choices=NoteKind.choices)
    text = models.TextField(_("texte"), max_length=1000)
    session = models.CharField(_("atelier"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="workshop_notes", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        "alliance.Organisation",
        verbose_name=_("CAE"),
        related_name="workshop_notes",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("note d'atelier")
        verbose_name_plural = _("notes d'atelier")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=NoteKind.values), name="workshopnote_kind_valid"
            ),
            models.CheckConstraint(
                condition=~Q(session="") | Q(organisation__isnull=False),
                name="workshopnote_session_or_organisation",
            ),
        ]
        indexes = [models.Index(fields=["proposal", "kind"], name="workshopnote_kind_idx")]

    def __str__(self):
        return self.text[:60]


class NoteEndorsement(models.Model):
    """A CAE's +1 on a workshop note: one per organisation."""

    note = models.ForeignKey(WorkshopNote, related_name="endorsements", on_delete=models.CASCADE)
    organisation = models.ForeignKey(
        "alliance.Organisation", related_name="note_endorsements", on_delete=models.CASCADE
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="note_endorsements", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["note", "organisation"], name="noteendorsement_once_per_organisation"
            )
        ]


class Position(models.TextChoices):
    SUPPORTS = "supports", _("favorable")
    CONDITIONAL = "conditional", _("favorable sous conditions")
    OPPOSES = "opposes", _("défavorable")
    UNDECIDED = "undecided", _("indécis")


class NetworkPosition(models.Model):
    """A network's stated position on a proposal. The latest is current; earlier ones stay
    as history."""

    proposal = models.ForeignKey(
        Proposal, related_name="network_positions", on_delete=models.CASCADE
    )
    network = models.ForeignKey(
        "alliance.Network", related_name="positions", on_delete=models.PROTECT
    )
    position = models.CharField(_("position"), max_length=12, choices=Position.choices)
    statement = models.TextField(_("déclaration"), max_length=10000, blank=True)
    statement_html = models.TextField(editable=False, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="network_positions", on_delete=models.PROTECT
    )
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("position de réseau")
        verbose_name_plural = _("positions de réseau")
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "network"],
                condition=Q(is_current=True),
                name="networkposition_one_current",
            ),
            models.CheckConstraint(
                condition=Q(position__in=Position.values), name="networkposition_position_valid"
            ),
        ]
