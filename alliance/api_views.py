"""Membership API: token login, the current person, and the directory (CAEs, networks,
people)."""

import logging

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.generics import ListAPIView, RetrieveAPIView
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from alliance import rules, selectors, throttling
from alliance.api.fields import OptionalURLField
from alliance.errors import AllianceError
from alliance.models import Network, Region
from alliance.selectors import DirectoryFilters

logger = logging.getLogger(__name__)


class LoginThrottle(AnonRateThrottle):
    """DRF's rate limit of the token endpoint; like alliance/throttling.py, it lets the
    request through when the cache (Redis) is unreachable."""

    scope = "login"

    def get_ident(self, request):
        # DRF's own reads X-Forwarded-For from anyone (NUM_PROXIES unset): the address as
        # alliance/throttling.py resolves it, through TRUSTED_PROXIES only.
        return throttling.client_ip(request) or ""

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("login rate limit: cache unreachable, request allowed")
            return True


class InvalidCredentials(AllianceError):
    status = 400
    default_code = "invalid_credentials"
    default_message = _("Identifiant ou mot de passe incorrect.")


class TokenObtainView(APIView):
    """`POST /api/auth/token/` with username and password returns a token for
    `Authorization: Token ...`."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]

    class InputSerializer(serializers.Serializer):
        username = serializers.CharField(max_length=150)
        password = serializers.CharField(max_length=256, style={"input_type": "password"})

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={200: OutputSerializer}, auth=[])
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        username, ip = data.validated_data["username"], throttling.client_ip(request)
        throttling.login_check(username=username, ip=ip)
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            throttling.login_failed(username=username, ip=ip)
            raise InvalidCredentials()
        throttling.login_succeeded(username=username, ip=ip)
        token, _created = Token.objects.get_or_create(user=user)
        return Response(self.OutputSerializer({"token": token.key}).data)


class MeView(APIView):
    """The signed-in person, their CAE and their roles."""

    permission_classes = [permissions.IsAuthenticated]

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        username = serializers.CharField()
        display_name = serializers.CharField()
        organisation = serializers.IntegerField(source="organisation_id", allow_null=True)
        is_delegate = serializers.BooleanField()
        is_steering_committee = serializers.BooleanField()
        is_secretariat = serializers.BooleanField()
        is_admin = serializers.BooleanField(source="is_superuser")

    @extend_schema(responses={200: OutputSerializer})
    def get(self, request):
        return Response(self.OutputSerializer(request.user).data)


# --- Directory -------------------------------------------------------------------------------


class NetworkRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    acronym = serializers.CharField()


class OrganisationListView(ListAPIView):
    """Active CAEs by name. `?q=` searches name and city; `?network=<slug>`, `?region=<code>`
    and `?outside_network=true` filter."""

    permission_classes = [permissions.AllowAny]

    class FilterSerializer(serializers.Serializer):
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)
        network = serializers.SlugField(required=False, allow_blank=True)
        region = serializers.ChoiceField(choices=Region.choices, required=False, allow_blank=True)
        outside_network = serializers.BooleanField(required=False, default=False)

        def validate_network(self, value):
            if value and not Network.objects.filter(slug=value).exists():
                raise serializers.ValidationError(_("Réseau inconnu."))
            return value

    class OutputSerializer(serializers.Serializer):
        id = serializers.IntegerField()
        slug = serializers.CharField()
        name = serializers.CharField()
        city = serializers.CharField()
        region = serializers.CharField()
        region_label = serializers.CharField(source="get_region_display")
        website = OptionalURLField()
        entrepreneurs_count = serializers.IntegerField()
        networks = NetworkRefSerializer(many=True)

    serializer_class = OutputSerializer

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.organisation_list(filters=DirectoryFilters(**filters.validated_data))


class PersonRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    display_name = serializers.CharField()
    is_delegate = serializers.BooleanField()
    is_steering_committee = serializers.BooleanField()
    is_secretariat = serializers.BooleanField()


class OrganisationDetailView(RetrieveAPIView):
    """One active CAE with its networks. Its people are listed for signed-in readers only;
    anonymous readers get `people: []` and the count."""

    permission_classes = [permissions.AllowAny]

    class OutputSerializer(OrganisationListView.OutputSerializer):
        people_count = serializers.IntegerField()
        people = serializers.SerializerMethodField()

        @extend_schema_field(PersonRefSerializer(many=True))
        def get_people(self, organisation):
            return PersonRefSerializer(getattr(organisation, "listed_people", []), many=True).data

    serializer_class = OutputSerializer

    def get_queryset(self):
        return selectors.organisation_detail(with_people=rules.can_view_people(self.request.user))


class NetworkListView(ListAPIView):
    """The networks, with the number of active CAEs in each."""

    permission_classes = [permissions.AllowAny]

    class OutputSerializer(NetworkRefSerializer):
        website = OptionalURLField()
        organisation_count = serializers.IntegerField()

    serializer_class = OutputSerializer

    def get_queryset(self):
        return selectors.network_list()


class CanViewPeople(permissions.BasePermission):
    def has_permission(self, request, view):
        return rules.can_view_people(request.user)


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()


class PersonListView(ListAPIView):
    """People of the alliance with their CAE and roles, for signed-in readers. `?organisation=`
    (a CAE's id) and `?q=` (name) filter."""

    permission_classes = [CanViewPeople]

    class FilterSerializer(serializers.Serializer):
        organisation = serializers.IntegerField(required=False, min_value=1)
        q = serializers.CharField(required=False, allow_blank=True, max_length=100)

    class OutputSerializer(PersonRefSerializer):
        organisation = OrganisationRefSerializer(allow_null=True)

    serializer_class = OutputSerializer

    @extend_schema(parameters=[FilterSerializer])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return selectors.people_list(
            organisation_id=filters.validated_data.get("organisation"),
            q=filters.validated_data.get("q", ""),
        )
