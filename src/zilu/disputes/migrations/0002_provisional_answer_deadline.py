from django.db import migrations, models


def flag_missing_deadlines(apps, schema_editor):
    """Disputes filed beyond the holiday calendar before provisional deadlines existed have no day to answer by:
    flagged, so that the next `zilu calendar load` computes it."""
    apps.get_model("disputes", "Dispute").objects.filter(answer_due_on=None).update(deadline_provisional=True)


class Migration(migrations.Migration):
    dependencies = [
        ("disputes", "0001_disputes_parties_messages_sessions"),
    ]

    operations = [
        migrations.AddField(
            model_name="dispute",
            name="deadline_provisional",
            field=models.BooleanField(default=False, verbose_name="deadline provisional"),
        ),
        migrations.RunPython(flag_missing_deadlines, migrations.RunPython.noop, elidable=True),
    ]
