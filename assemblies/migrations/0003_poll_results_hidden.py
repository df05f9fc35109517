"""Polls get `results_hidden` (participation only until the close); it is on for every secret
poll, existing ones included, and a constraint keeps it so."""

from django.db import migrations, models


def hide_secret_results(apps, schema_editor):
    Poll = apps.get_model("assemblies", "Poll")
    Poll.objects.filter(secret=True).update(results_hidden=True)


class Migration(migrations.Migration):
    dependencies = [("assemblies", "0002_ledger_append_only")]

    operations = [
        migrations.AddField(
            model_name="poll",
            name="results_hidden",
            field=models.BooleanField(
                default=False, verbose_name="Résultats masqués jusqu'à la clôture"
            ),
        ),
        migrations.RunPython(hide_secret_results, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="poll",
            constraint=models.CheckConstraint(
                condition=models.Q(("secret", False), ("results_hidden", True), _connector="OR"),
                name="poll_secret_hides_results",
            ),
        ),
    ]
