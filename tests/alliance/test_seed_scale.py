"""`manage.py seed_scale`: bench data made quickly, and the planner told about it."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from alliance.models import User
from deliberation.models import Comment

pytestmark = pytest.mark.django_db(transaction=True)  # PostgreSQL's VACUUM needs autocommit


def planner_statistics_of_comments():
    """When PostgreSQL last vacuumed and analysed the comment table by hand (autovacuum is
    counted apart); on SQLite, how many statistics rows `ANALYZE` left on it."""
    table = Comment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = %s",
                [table],
            )
            return cursor.fetchone()
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return 0
        cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = %s", [table])
        return cursor.fetchone()[0]


def test_seed_scale_creates_the_data_with_a_progress_bar_and_analyses_it():
    out, err = io.StringIO(), io.StringIO()
    before = planner_statistics_of_comments()
    call_command("seed_scale", organisations=6, comments=40, stdout=out, stderr=err)
    assert User.objects.filter(auth_token__isnull=False).count() >= 6
    assert Comment.objects.count() == 40
    assert "commentaires" in err.getvalue() and "40/40" in err.getvalue()
    after = planner_statistics_of_comments()
    if connection.vendor == "postgresql":
        assert None not in after and (before[0] is None or after[0] > before[0]), after
    else:
        assert after > 0
        with connection.cursor() as cursor:  # a later run starts without them
            cursor.execute("DELETE FROM sqlite_stat1")


def test_seed_scale_refuses_sizes_below_one_and_creates_nothing():
    with pytest.raises(CommandError, match="--organisations"):
        call_command("seed_scale", organisations=0, stdout=io.StringIO(), stderr=io.StringIO())
    assert not User.objects.exists() and not Comment.objects.exists()
