"""API token authentication: DRF's, with a cheaper lookup on the path every request takes."""

from rest_framework import authentication
from rest_framework.authtoken.models import Token

from alliance.models import User

# Table names come from the models; the key is a bound parameter.
_USER, _TOKEN = User._meta.db_table, Token._meta.db_table
_ACTIVE_USER_OF_TOKEN = (
    f"SELECT u.* FROM {_USER} u JOIN {_TOKEN} t ON t.user_id = u.id "  # noqa: S608
    "WHERE t.key = %s AND u.is_active"
)


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF compiles `Token.objects.select_related("user").get(key=...)` through the ORM on every
    request (a tenth of an API page's time under daphne, docs/PERFORMANCE.md); this reads the
    token's active user with one raw statement. A key that finds nobody (an unknown token, an
    inactive user) goes DRF's own way, so the refusals and their messages are DRF's."""

    def authenticate_credentials(self, key):
        for user in User.objects.raw(_ACTIVE_USER_OF_TOKEN, [key]):
            return user, Token(key=key, user=user)
        return super().authenticate_credentials(key)
