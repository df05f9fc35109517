"""The login throttle counts in the cache (Redis when scaled out). With the cache unreachable,
signing in still works at both doors, unthrottled (the real outage:
tests/faults/test_redis_outage.py)."""

from unittest import mock

import pytest
from django.core.cache import cache

from tests.security.test_login_throttle import api_login, page_login

pytestmark = pytest.mark.django_db


@pytest.fixture
def cache_down():
    error = ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
    with (
        mock.patch.object(cache, "get_many", side_effect=error),
        mock.patch.object(cache, "get", side_effect=error),
        mock.patch.object(cache, "add", side_effect=error),
        mock.patch.object(cache, "set", side_effect=error),
        mock.patch.object(cache, "incr", side_effect=error),
        mock.patch.object(cache, "delete", side_effect=error),
    ):
        yield


def test_the_token_api_signs_in_without_the_cache(api_client, member, cache_down):
    assert api_login(api_client, member.username, "wrong").status_code == 400
    response = api_login(api_client, member.username, "demo")
    assert response.status_code == 200
    assert response.json()["token"]


def test_the_login_page_signs_in_without_the_cache(client, member, cache_down):
    assert page_login(client, member.username, "wrong").status_code == 200  # the form again
    response = page_login(client, member.username, "demo")
    assert response.status_code == 302
