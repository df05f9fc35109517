"""The membership domain: networks, organisations (CAEs), people and their roles.

In an alliance the member is the organisation: a person acts *for* one CAE. Platform roles
(steering committee, secretariat) sit on the person; being a delegate is acting for one's CAE
in assemblies.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class Region(models.TextChoices):
    AUVERGNE_RHONE_ALPES = "ARA", "Auvergne-Rhône-Alpes"
    BOURGOGNE_FRANCHE_COMTE = "BFC", "Bourgogne-Franche-Comté"
    BRETAGNE = "BRE", "Bretagne"
    CENTRE_VAL_DE_LOIRE = "CVL", "Centre-Val de Loire"
    CORSE = "COR", "Corse"
    GRAND_EST = "GES", "Grand Est"
    HAUTS_DE_FRANCE = "HDF", "Hauts-de-France"
    ILE_DE_FRANCE = "IDF", "Île-de-France"
    NORMANDIE = "NOR", "Normandie"
    NOUVELLE_AQUITAINE = "NAQ", "Nouvelle-Aquitaine"
    OCCITANIE = "OCC", "Occitanie"
    PAYS_DE_LA_LOIRE = "PDL", "Pays de la Loire"
    PROVENCE_ALPES_COTE_D_AZUR = "PAC", "Provence-Alpes-Côte d'Azur"
    OUTRE_MER = "OM", "Outre-mer"


class Network(models.Model):
    """A network head (tête de réseau): CPE, Copéa, CGSCOP, BIGRE..."""

    name = models.CharField(_("nom"), max_length=200, unique=True)
    acronym = models.CharField(_("sigle"), max_length=40, blank=True)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("site web"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")

    def __str__(self):
        return self.acronym or self.name

    @property
    def label(self) -> str:
        return self.acronym or self.name


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def for_directory(self):
        return self.active().prefetch_related("networks").order_by("name")


class Organisation(models.Model):
    """A member CAE. It comments, answers and votes as one member, through its people."""

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant"), max_length=220, unique=True)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.CharField(_("région"), max_length=3, choices=Region.choices, blank=True)
    website = models.URLField(_("site web"), blank=True)
    entrepreneurs_count = models.PositiveIntegerField(
        _("entrepreneurs-salariés"),
        default=0,
        help_text=_("Nombre d'entrepreneurs-salariés ; sert aux pondérations par taille."),
    )
    networks = models.ManyToManyField(
        Network, verbose_name=_("réseaux"), related_name="organisations", blank=True
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("CAE")
        verbose_name_plural = _("CAE")
        indexes = [models.Index(fields=["region"], name="organisation_region_idx")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("frontend:organisation", kwargs={"slug": self.slug})


class User(AbstractUser):
    """A person. Belongs to at most one CAE, for which they act; may hold platform roles."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("CAE"),
        related_name="people",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    is_delegate = models.BooleanField(
        _("délégué·e"), default=False, help_text=_("Vote pour sa CAE en assemblée.")
    )
    is_steering_committee = models.BooleanField(_("comité de pilotage"), default=False)
    is_secretariat = models.BooleanField(_("secrétariat"), default=False)
    is_referent = models.BooleanField(
        _("référent·e de la CAE"),
        default=False,
        help_text=_("Gère les personnes de sa CAE : invite, retire, désigne ses délégué·es."),
    )
    language = models.CharField(
        _("langue"),
        max_length=8,
        choices=[("fr", "Français"), ("en", "English")],
        default="fr",
        help_text=_("Langue des pages et des courriels de la personne."),
    )

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_delegate=False) | Q(organisation__isnull=False),
                name="user_delegate_has_organisation",
                violation_error_message=_("Un·e délégué·e doit appartenir à une CAE."),
            ),
            models.CheckConstraint(
                condition=Q(is_referent=False) | Q(organisation__isnull=False),
                name="user_referent_has_organisation",
                violation_error_message=_("Un·e référent·e doit appartenir à une CAE."),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


# The flags a role change may touch, in the order pages show them.
ROLE_FLAGS = ("is_delegate", "is_referent", "is_steering_committee", "is_secretariat")


class RoleChange(models.Model):
    """One change of one role of one person: who changed it, when, from what to what.

    Written by `alliance.services.person_roles_set` only; never edited. `actor` is null when a
    command (an import, the demo) made the change."""

    person = models.ForeignKey(
        User, verbose_name=_("personne"), related_name="role_changes", on_delete=models.CASCADE
    )
    actor = models.ForeignKey(
        User,
        verbose_name=_("par"),
        related_name="role_changes_made",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    role = models.CharField(_("rôle"), max_length=32, choices=[(f, f) for f in ROLE_FLAGS])
    granted = models.BooleanField(_("accordé"))
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("CAE"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("La CAE de la personne au moment du changement."),
    )
    at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("changement de rôle")
        verbose_name_plural = _("changements de rôle")

    def __str__(self):
        return f"{self.person_id} {self.role} {'+' if self.granted else '-'}"
