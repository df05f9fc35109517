"""A PostgreSQL backup restores: scripts/backup_restore_check.sh dumps the test database,
restores it into a scratch database and runs a management command on the copy."""

import subprocess

import pytest
from django.db import connection

from alliance import demo
from alliance.models import Network, Organisation, User
from tests.conftest import PROJECT_ROOT, database_url_for_subprocess

pytestmark = pytest.mark.postgres

COUNT = (
    "from alliance.models import Network, Organisation, User; "
    "print('COUNTS', Network.objects.count(), Organisation.objects.count(), "
    "User.objects.count(), sorted(User.objects.values_list('username', flat=True))[:3])"
)


def run_check(*command):
    return subprocess.run(
        ["scripts/backup_restore_check.sh", database_url_for_subprocess(), *command],
        cwd=PROJECT_ROOT,
        env={
            "PATH": "/usr/bin:/bin:/usr/local/bin",
            "DJANGO_SETTINGS_MODULE": "alliance.test_settings",
            "HOME": str(PROJECT_ROOT),
        },
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_membership_data_survives_a_dump_and_restore(transactional_db):
    assert connection.vendor == "postgresql"
    demo.load()
    expected = (
        Network.objects.count(),
        Organisation.objects.count(),
        User.objects.count(),
        sorted(User.objects.values_list("username", flat=True))[:3],
    )
    result = run_check("shell", "-c", COUNT)
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("COUNTS"))
    assert line == "COUNTS {} {} {} {}".format(*expected)
    assert expected[1] == demo.ORGANISATION_COUNT
    with connection.cursor() as cursor:  # the scratch copy is gone
        cursor.execute("SELECT count(*) FROM pg_database WHERE datname LIKE 'restore_check_%%'")
        assert cursor.fetchone()[0] == 0


def test_a_failing_command_fails_the_check(transactional_db):
    result = run_check("shell", "-c", "raise SystemExit(3)")
    assert result.returncode == 3


VERIFY_EVERY_POLL = (
    "from django.core.management import call_command; from assemblies.models import Poll; "
    "ids = list(Poll.objects.order_by('pk').values_list('pk', flat=True)); "
    "[call_command('verify_poll', pk) for pk in ids]; print('VERIFIED', len(ids))"
)


def test_after_a_restore_verify_poll_passes_for_every_poll(transactional_db):
    from io import StringIO

    from django.core.management import call_command

    from assemblies.models import Poll

    call_command("load_demo", stdout=StringIO())
    polls = Poll.objects.count()
    assert polls > 0
    result = run_check("shell", "-c", VERIFY_EVERY_POLL)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"VERIFIED {polls}" in result.stdout
    assert result.stdout.count("intègre") == polls
