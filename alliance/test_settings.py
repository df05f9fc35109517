"""Settings for the test suite (and the daphne processes it starts): the real settings, with
fast password hashing and plain HTTP."""

import os

os.environ.setdefault("ALLIANCE_TESTING", "1")

from alliance.settings import *  # noqa: F403

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = BASE_DIR / ".test-media"  # noqa: F405
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"login": "1000/min"}}  # noqa: F405
# The suite flushes the database under the daphne processes it starts (alliance/testing.py);
# only those processes need it, the in-process client shares the suite's own cache.
if os.environ.get("ALLIANCE_LIVE_SERVER"):
    MIDDLEWARE = ["alliance.testing.FreshContentTypesMiddleware", *MIDDLEWARE]  # noqa: F405
