import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def empty_cache():
    """Login failure counts live in the cache (Redis in the PostgreSQL pass): start clean."""
    cache.clear()
    yield
    cache.clear()
