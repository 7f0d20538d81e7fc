from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_outbox_and_shared_cache"),
    ]

    operations = [
        migrations.CreateModel(
            name="HolidayYear",
            fields=[
                ("year", models.PositiveSmallIntegerField(primary_key=True, serialize=False, verbose_name="year")),
                ("holidays", models.JSONField(default=dict, verbose_name="days off")),
                ("workdays", models.JSONField(default=dict, verbose_name="adjusted working days")),
                ("source", models.CharField(blank=True, max_length=300, verbose_name="source")),
                ("loaded_at", models.DateTimeField(auto_now=True, verbose_name="loaded at")),
            ],
            options={
                "verbose_name": "holiday schedule",
                "verbose_name_plural": "holiday schedules",
                "ordering": ["year"],
            },
        ),
    ]
