from django.db import migrations, models


def flag_missing_deadlines(apps, schema_editor):
    """Versions imported beyond the holiday calendar before provisional deadlines existed have no publication
    deadline: flagged, so that the next `zilu calendar load` computes and stores it."""
    apps.get_model("convention", "ConventionVersion").objects.filter(publication_deadline=None).update(
        deadline_provisional=True
    )


class Migration(migrations.Migration):
    dependencies = [
        ("convention", "0003_governance_models_move_to_the_governance_app"),
    ]

    operations = [
        migrations.AddField(
            model_name="conventionversion",
            name="deadline_provisional",
            field=models.BooleanField(default=False, verbose_name="deadline provisional"),
        ),
        migrations.RunPython(flag_missing_deadlines, migrations.RunPython.noop, elidable=True),
    ]
