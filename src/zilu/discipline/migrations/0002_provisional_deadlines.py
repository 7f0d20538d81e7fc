from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone


def flag_missing_deadlines(apps, schema_editor):
    """Rows computed beyond the holiday calendar before provisional deadlines existed have no day: flagged, so that
    the next `zilu calendar load` computes it. A round's review started on the day its results were computed, which
    only its audit entry remembers."""
    Case = apps.get_model("discipline", "Case")
    Case.objects.filter(
        Q(proposed_at__isnull=False, response_due=None) | Q(decided_on__isnull=False, appeal_due=None)
    ).update(deadline_provisional=True)
    EvaluationRound = apps.get_model("discipline", "EvaluationRound")
    AuditEntry = apps.get_model("core", "AuditEntry")
    for evaluation in EvaluationRound.objects.exclude(status="open"):
        entry = (
            AuditEntry.objects.filter(
                action="discipline.evaluation.compute",
                object_type="discipline.evaluationround",
                object_id=str(evaluation.pk),
            )
            .order_by("-seq")
            .first()
        )
        if entry is None:
            continue
        evaluation.results_computed_on = timezone.localdate(entry.created_at)
        evaluation.deadline_provisional = evaluation.review_until is None
        evaluation.save(update_fields=["results_computed_on", "deadline_provisional"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("discipline", "0001_cases_notices_evaluations_nominations"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="deadline_provisional",
            field=models.BooleanField(default=False, verbose_name="deadline provisional"),
        ),
        migrations.AddField(
            model_name="evaluationround",
            name="deadline_provisional",
            field=models.BooleanField(default=False, verbose_name="deadline provisional"),
        ),
        migrations.AddField(
            model_name="evaluationround",
            name="results_computed_on",
            field=models.DateField(blank=True, null=True, verbose_name="results computed on"),
        ),
        migrations.AddField(
            model_name="notice",
            name="deadline_provisional",
            field=models.BooleanField(default=False, verbose_name="deadline provisional"),
        ),
        migrations.RunPython(flag_missing_deadlines, migrations.RunPython.noop, elidable=True),
    ]
