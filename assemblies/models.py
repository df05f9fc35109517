"""Assemblies and weighted votes.

The vote belongs to the organisation (a CAE), weighted by the rule the assembly sets, carried by
one of its delegates or by the delegate of another CAE holding its proxy. When a poll opens,
who may vote, for which CAE and with which weight is frozen in `PollEntitlement` rows.

Secret polls keep who voted (`VoteRecord`, one per CAE and poll: the database constraint that
forbids a second ballot) apart from what was voted (`Ballot`: no link to the voter, a random
key, no timestamp). Every opening, ballot and closing ends in the poll's hash-chained
`LedgerEntry` rows (see `assemblies/ledger.py`).
"""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alliance.models import Organisation
from assemblies.fields import FractionField


class Assembly(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("prévue")
        OPEN = "open", _("ouverte")
        CLOSED = "closed", _("close")

    class WeightRule(models.TextChoices):
        ONE_PER_ORGANISATION = "one_per_organisation", _("une CAE, une voix")
        PROPORTIONAL_CAPPED = (
            "proportional_capped",
            _("proportionnelle aux entrepreneurs-salariés, plafonnée"),
        )
        COLLEGES = "colleges", _("collèges")

    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    description = models.TextField(_("présentation"), blank=True)
    starts_on = models.DateField(_("premier jour"))
    ends_on = models.DateField(_("dernier jour"))
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    online = models.BooleanField(_("en ligne"), default=False)
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    weight_rule = models.CharField(
        _("règle de pondération"),
        max_length=24,
        choices=WeightRule.choices,
        default=WeightRule.ONE_PER_ORGANISATION,
    )
    cap_share = models.DecimalField(
        _("plafond par CAE (part du total)"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Pour la pondération proportionnelle : 0,1 = aucune CAE au-delà de 10 %."),
    )
    quorum_share = models.DecimalField(
        _("quorum (part du poids total)"), max_digits=5, decimal_places=4, default=0.5
    )
    max_proxies_per_delegate = models.PositiveSmallIntegerField(
        _("procurations par délégué·e au plus"), default=2
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = _("assemblée")
        verbose_name_plural = _("assemblées")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="assembly_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(quorum_share__gte=0, quorum_share__lte=1),
                name="assembly_quorum_share_range",
            ),
            models.CheckConstraint(
                condition=~Q(weight_rule="proportional_capped")
                | Q(cap_share__gt=0, cap_share__lte=1),
                name="assembly_proportional_has_cap",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frontend:assembly", kwargs={"slug": self.slug})

    @property
    def group_name(self) -> str:
        """The channel-layer group of every live event of this assembly."""
        return f"assembly-{self.pk}"


class AssemblySession(models.Model):
    assembly = models.ForeignKey(Assembly, related_name="sessions", on_delete=models.CASCADE)
    title = models.CharField(_("titre"), max_length=200)
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("séance")
        verbose_name_plural = _("séances")


class College(models.Model):
    """A voting college: holds a fixed share of the total weight, split among its CAEs."""

    assembly = models.ForeignKey(Assembly, related_name="colleges", on_delete=models.CASCADE)
    name = models.CharField(_("nom"), max_length=120)
    share = models.DecimalField(_("part"), max_digits=7, decimal_places=4)
    organisations = models.ManyToManyField(
        Organisation, through="CollegeMembership", related_name="colleges"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("collège")
        verbose_name_plural = _("collèges")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "name"], name="college_unique_name"),
            models.CheckConstraint(condition=Q(share__gt=0), name="college_share_positive"),
        ]

    def __str__(self):
        return self.name


class CollegeMembership(models.Model):
    """A CAE sits in at most one college of an assembly (`assembly` repeats the college's)."""

    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="+")
    college = models.ForeignKey(College, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "organisation"], name="college_one_per_organisation"
            )
        ]


class AgendaItem(models.Model):
    """An ordered point of the agenda, optionally about a proposal or a document."""

    assembly = models.ForeignKey(Assembly, related_name="agenda", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("rang"))
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        ordering = ["assembly", "position"]
        verbose_name = _("point de l'ordre du jour")
        verbose_name_plural = _("ordre du jour")
        constraints = [
            models.UniqueConstraint(fields=["assembly", "position"], name="agenda_unique_position")
        ]


class AttendanceMode(models.TextChoices):
    ROOM = "room", _("dans la salle")
    ONLINE = "online", _("en ligne")


class Attendance(models.Model):
    """A CAE's presence, through one delegate, from check-in to check-out (history is kept)."""

    assembly = models.ForeignKey(Assembly, related_name="attendances", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    mode = models.CharField(_("présence"), max_length=8, choices=AttendanceMode.choices)
    checked_in_at = models.DateTimeField(_("arrivée"))
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    checked_out_at = models.DateTimeField(_("départ"), null=True, blank=True)
    checked_out_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["checked_in_at"]
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "organisation"],
                condition=Q(checked_out_at__isnull=True),
                name="attendance_one_open_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(checked_out_at__isnull=True)
                | Q(checked_out_at__gte=models.F("checked_in_at")),
                name="attendance_out_after_in",
            ),
        ]


class Proxy(models.Model):
    """A CAE (the giver) entrusts its vote to a delegate of another CAE (the holder)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("en attente")
        VALIDATED = "validated", _("validée")
        REFUSED = "refused", _("refusée")
        WITHDRAWN = "withdrawn", _("retirée")

    ACTIVE = (Status.PENDING, Status.VALIDATED)

    assembly = models.ForeignKey(Assembly, related_name="proxies", on_delete=models.CASCADE)
    giver = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="proxies_held", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("état"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("procuration")
        verbose_name_plural = _("procurations")
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "giver"],
                condition=Q(status__in=["pending", "validated"]),
                name="proxy_one_active_per_giver",
            )
        ]


class Poll(models.Model):
    class Method(models.TextChoices):
        MOTION = "motion", _("pour / contre / abstention")
        SINGLE = "single", _("choix unique")
        APPROVAL = "approval", _("choix multiple (approbation)")
        JUDGMENT = "judgment", _("jugement majoritaire")
        RANKING = "ranking", _("classement (Borda et Schulze)")

    class Threshold(models.TextChoices):
        SIMPLE = "simple", _("majorité simple des suffrages exprimés")
        ABSOLUTE = "absolute", _("majorité absolue du poids présent ou représenté")
        TWO_THIRDS = "two_thirds", _("deux tiers des suffrages exprimés")

    class Status(models.TextChoices):
        DRAFT = "draft", _("brouillon")
        OPEN = "open", _("ouvert")
        CLOSED = "closed", _("clos")
        PUBLISHED = "published", _("résultats publiés")

    assembly = models.ForeignKey(Assembly, related_name="polls", on_delete=models.CASCADE)
    agenda_item = models.ForeignKey(
        AgendaItem, related_name="polls", on_delete=models.SET_NULL, null=True, blank=True
    )
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(_("question"), max_length=300)
    description = models.TextField(_("précisions"), blank=True)
    method = models.CharField(_("méthode"), max_length=10, choices=Method.choices)
    max_choices = models.PositiveSmallIntegerField(
        _("choix au plus"), null=True, blank=True, help_text=_("Pour l'approbation.")
    )
    threshold = models.CharField(
        _("majorité requise"), max_length=12, choices=Threshold.choices, blank=True
    )
    abstentions_count = models.BooleanField(_("les abstentions comptent"), default=False)
    secret = models.BooleanField(_("vote secret"), default=False)
    # While the poll is open its tallies carry participation only (no totals): always for a
    # secret poll (live totals would tell ballot by ballot who voted what), optional for a named
    # one (against the bandwagon effect). See docs/ASSEMBLIES.md.
    results_hidden = models.BooleanField(_("Résultats masqués jusqu'à la clôture"), default=False)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default="draft")
    created_at = models.DateTimeField(auto_now_add=True)
    opened_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Frozen at opening, from the entitlements: the bases of quorum and absolute majority.
    total_weight = FractionField(null=True, blank=True)
    weight_present = FractionField(null=True, blank=True)

    class Meta:
        ordering = ["assembly", "created_at", "id"]
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.CheckConstraint(
                condition=~Q(method="motion") | ~Q(threshold=""),
                name="poll_motion_has_threshold",
            ),
            models.CheckConstraint(
                condition=~Q(method="approval") | Q(max_choices__gte=1),
                name="poll_approval_has_max_choices",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(opened_at__isnull=False),
                name="poll_opened_has_date",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open"]) | Q(closed_at__isnull=False),
                name="poll_closed_has_date",
            ),
            models.CheckConstraint(
                condition=Q(secret=False) | Q(results_hidden=True),
                name="poll_secret_hides_results",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("frontend:poll", kwargs={"pk": self.pk})

    @property
    def totals_hidden(self) -> bool:
        """Whether its tallies carry participation only right now (results hidden, not closed)."""
        return self.results_hidden and self.status in (self.Status.DRAFT, self.Status.OPEN)


class PollOption(models.Model):
    """An option of a poll (motions have none: yes / no / abstain are fixed)."""

    poll = models.ForeignKey(Poll, related_name="options", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("rang"))
    label = models.CharField(_("libellé"), max_length=200)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")

    class Meta:
        ordering = ["poll", "position"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "position"], name="poll_option_unique_position")
        ]

    def __str__(self):
        return self.label


class PollEntitlement(models.Model):
    """Frozen when the poll opens: a CAE present or represented, its weight, its college, and
    who may cast its ballot (its delegates, and the holder of its validated proxy when the CAE
    itself was absent)."""

    poll = models.ForeignKey(Poll, related_name="entitlements", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    weight = FractionField()
    college = models.ForeignKey(
        College, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )
    delegates = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True)
    proxy_holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "organisation"], name="entitlement_one_per_organisation"
            )
        ]


class VoteRecord(models.Model):
    """Who voted: one row per CAE and poll, the constraint that forbids a second ballot."""

    poll = models.ForeignKey(Poll, related_name="vote_records", on_delete=models.CASCADE)
    organisation = models.ForeignKey(Organisation, related_name="+", on_delete=models.PROTECT)
    cast_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.PROTECT
    )
    via_proxy = models.BooleanField(default=False)
    paper = models.BooleanField(_("bulletin papier"), default=False)
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "organisation"], name="vote_record_one_per_organisation"
            )
        ]


class Ballot(models.Model):
    """What was voted, with its frozen weight. A random key and no timestamp, so neither the
    order of the rows nor their time links a secret ballot to its `VoteRecord`. `organisation`
    is set only on named polls. `receipt_hash` is the SHA-256 of the voter's receipt."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    poll = models.ForeignKey(Poll, related_name="ballots", on_delete=models.CASCADE)
    choice = models.JSONField(null=True)  # null: a blank single-choice ballot
    weight = FractionField()
    receipt_hash = models.CharField(max_length=64, unique=True)
    organisation = models.ForeignKey(
        Organisation, related_name="+", on_delete=models.PROTECT, null=True, blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["poll", "organisation"],
                condition=Q(organisation__isnull=False),
                name="ballot_named_one_per_organisation",
            )
        ]


class LedgerEntry(models.Model):
    """Append-only, hash-chained record of a poll: opening, ballots, closing."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("ouverture")
        BALLOT = "ballot", _("bulletin")
        CLOSED = "closed", _("clôture")

    poll = models.ForeignKey(Poll, related_name="ledger", on_delete=models.PROTECT)
    index = models.PositiveIntegerField()
    kind = models.CharField(max_length=8, choices=Kind.choices)
    payload = models.JSONField()
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["poll", "index"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "index"], name="ledger_unique_index")
        ]
