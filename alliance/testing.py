"""Support for the test suite's real server processes (used by alliance/test_settings.py only).

The browser and live tests run a daphne process on the test database, and the suite flushes
that database between tests, which recreates the content types under new ids. A server process
would keep serving the old ids from Django's per-process ContentType cache (a generic relation
then points nowhere), so each request starts with that cache cleared.
"""

from django.contrib.contenttypes.models import ContentType


class FreshContentTypesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ContentType.objects.clear_cache()
        return self.get_response(request)
