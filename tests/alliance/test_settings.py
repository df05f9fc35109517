"""Settings come from the environment; production values pass Django's deploy check.

Each case runs in a fresh interpreter so the real `alliance.settings` reads the variables."""

import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "deploy-check-" + "k" * 60,
    "ALLOWED_HOSTS": "alliance.example.org",
    "CSRF_TRUSTED_ORIGINS": "https://alliance.example.org",
    "DATABASE_URL": "postgres://alliance:secret@db:5432/alliance",
    "REDIS_URL": "redis://redis:6379/0",
}


def clean_env(**overrides) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DATABASE_CONN_MAX_AGE",
            "DATABASE_POOL_SIZE",
            "LIVE_TALLY_WRITE_SHARE",
            "REDIS_URL",
            "DEBUG",
            "SECRET_KEY",
            "ALLIANCE_TESTING",
        }
        and not key.startswith("DJANGO_")
    }
    return {**env, "DJANGO_SETTINGS_MODULE": "alliance.settings", **overrides}


def read_settings(**env) -> dict:
    code = (
        "import json; from django.conf import settings as s; "
        "print(json.dumps({'db': s.DATABASES['default'], 'layer': s.CHANNEL_LAYERS['default'], "
        "'debug': s.DEBUG, 'hosts': s.ALLOWED_HOSTS, 'email': s.EMAIL_BACKEND, "
        "'write_share': s.LIVE_TALLY_WRITE_SHARE}, default=str))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_deploy_check_passes_with_production_values():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_ROOT,
        env=clean_env(**PRODUCTION_ENV),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = subprocess.run(
        [sys.executable, "-c", "import alliance.asgi"],
        cwd=PROJECT_ROOT,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_commands_that_need_no_key_run_with_no_environment_at_all():
    result = subprocess.run(
        [sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"],
        cwd=PROJECT_ROOT,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_defaults_are_sqlite_and_the_in_memory_layer():
    read = read_settings(DEBUG="1")
    assert read["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert read["db"]["NAME"].endswith("db.sqlite3")
    assert read["layer"]["BACKEND"] == "alliance.layers.InMemoryChannelLayer"
    assert read["email"] == "django.core.mail.backends.console.EmailBackend"


def test_database_url_and_redis_url_select_postgresql_and_the_redis_layer():
    read = read_settings(**PRODUCTION_ENV)
    db = read["db"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["NAME"], db["USER"], db["PASSWORD"], db["HOST"], db["PORT"]) == (
        "alliance",
        "alliance",
        "secret",
        "db",
        5432,
    )
    assert read["layer"]["BACKEND"] == "alliance.layers.RedisChannelLayer"
    assert read["layer"]["CONFIG"]["hosts"] == ["redis://redis:6379/0"]
    assert read["debug"] is False
    assert read["hosts"] == ["alliance.example.org"]


def test_postgresql_connections_come_from_a_checked_pool_unless_told_otherwise():
    pooled = read_settings(**PRODUCTION_ENV)["db"]
    assert (pooled["CONN_MAX_AGE"], pooled["CONN_HEALTH_CHECKS"]) == (0, True)
    assert pooled["OPTIONS"]["pool"] == {
        "min_size": 2,
        "max_size": 10,
        "timeout": 2,
        "reconnect_timeout": 2,
    }
    sized = read_settings(**PRODUCTION_ENV, DATABASE_POOL_SIZE="40")["db"]
    assert sized["OPTIONS"]["pool"]["max_size"] == 40
    kept = read_settings(**PRODUCTION_ENV, DATABASE_POOL_SIZE="0")["db"]
    assert "pool" not in kept["OPTIONS"]
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (60, True)
    per_request = read_settings(
        **PRODUCTION_ENV, DATABASE_POOL_SIZE="0", DATABASE_CONN_MAX_AGE="0"
    )["db"]
    assert (per_request["CONN_MAX_AGE"], per_request["CONN_HEALTH_CHECKS"]) == (0, True)


def test_sqlite_connections_are_kept_and_checked_unless_told_otherwise():
    kept = read_settings()["db"]
    assert kept["ENGINE"] == "django.db.backends.sqlite3"
    assert (kept["CONN_MAX_AGE"], kept["CONN_HEALTH_CHECKS"]) == (60, True)
    assert "pool" not in kept["OPTIONS"]
    per_request = read_settings(DATABASE_CONN_MAX_AGE="0")["db"]
    assert per_request["CONN_MAX_AGE"] == 0


def test_the_tally_write_share_is_a_setting_and_refuses_nonsense():
    assert read_settings()["write_share"] == 0.25
    assert read_settings(LIVE_TALLY_WRITE_SHARE="0.5")["write_share"] == 0.5
    for wrong in ("0", "-0.1", "1.5"):
        result = subprocess.run(
            [sys.executable, "-c", "from django.conf import settings; settings.DEBUG"],
            cwd=PROJECT_ROOT,
            env=clean_env(LIVE_TALLY_WRITE_SHARE=wrong),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert "LIVE_TALLY_WRITE_SHARE must be above 0 and at most 1" in result.stderr
