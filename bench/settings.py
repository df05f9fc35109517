"""Benchmark servers: production-like settings (DEBUG off, no query logging) on plain HTTP."""

import os

os.environ.setdefault("ALLIANCE_TESTING", "1")  # dev secret key, finder-served static files

from alliance.test_settings import *  # noqa: F403

DEBUG = False
ROOT_URLCONF = "bench.urls"
ASGI_APPLICATION = "bench.asgi.application"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
