"""Membership API: token login and the current person."""

from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from alliance.errors import AllianceError


class LoginThrottle(AnonRateThrottle):
    scope = "login"


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
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            raise InvalidCredentials()
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
