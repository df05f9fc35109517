"""On PostgreSQL, the poll ledger refuses UPDATE and DELETE: rows are only ever appended.

(TRUNCATE, which test teardown uses, fires no row trigger.) A database owner can still disable
the trigger; the hash chain is what then tells (`manage.py verify_poll`)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION assemblies_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the poll ledger is append-only (%% refused)', TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER assemblies_ledger_append_only
    BEFORE UPDATE OR DELETE ON assemblies_ledgerentry
    FOR EACH ROW EXECUTE FUNCTION assemblies_ledger_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS assemblies_ledger_append_only ON assemblies_ledgerentry;
DROP FUNCTION IF EXISTS assemblies_ledger_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("assemblies", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
