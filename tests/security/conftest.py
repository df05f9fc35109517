import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Login failure counts live in the cache (Redis in the PostgreSQL pass): start clean."""
    cache.clear()
    yield
    cache.clear()


# Role -> demo account (alliance/demo.py KNOWN_ACCOUNTS); None is the anonymous visitor.
DEMO_ROLES = {
    "anonymous": None,
    "member": "membre",
    "delegate": "delegue",
    "steering committee": "copil",
    "secretariat": "secretariat",
    "admin": "admin",
}


@pytest.fixture
def demo(db):
    """The demo of every app (`load_demo`), so that every kind of page has objects to show."""
    from io import StringIO

    from django.core.management import call_command

    call_command("load_demo", stdout=StringIO())


@pytest.fixture
def client_as(demo):
    """`client_as(role, enforce_csrf_checks=False)`: a Django test client signed in as the
    demo account of that role."""
    from django.test import Client

    from alliance.models import User

    def make(role, *, enforce_csrf_checks=False):
        client = Client(enforce_csrf_checks=enforce_csrf_checks)
        username = DEMO_ROLES[role]
        if username is not None:
            client.force_login(User.objects.get(username=username))
        return client

    return make
