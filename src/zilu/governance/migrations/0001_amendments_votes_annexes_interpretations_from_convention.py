"""Governance becomes an app of its own: amendments, co-signatures, votes, ballots, annexes, interpretations and
acknowledgements move here from the convention app (``convention.0003`` removes them from its state).

Nothing in the database changes: each model keeps its table (``convention_amendment``, ...), its rows, its
constraints and the foreign keys that point at it. Only the content types are relabelled, so that permissions and
other references to them follow the models.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["amendment", "annex", "interpretation", "vote", "ballot", "acknowledgement", "cosignature"]


def _relabel(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MODELS:
        if not types.filter(app_label=target, model=model).exists():
            types.filter(app_label=source, model=model).update(app_label=target)


def relabel_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "convention", "governance")


def restore_content_types(apps, schema_editor):
    _relabel(apps, schema_editor, "governance", "convention")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('convention', '0003_governance_models_move_to_the_governance_app'),
        ('members', '0002_membership_workflow'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Amendment',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(unique=True, verbose_name='amendment number')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('reasons', models.TextField(verbose_name='reasons')),
                        ('status', models.CharField(choices=[('collecting', 'Collecting co-signatures'), ('proposed', 'Proposed'), ('voting', 'Voting'), ('adopted', 'Adopted'), ('rejected', 'Not adopted'), ('withdrawn', 'Withdrawn')], max_length=20, verbose_name='status')),
                        ('text', models.TextField(verbose_name='amended text')),
                        ('structure', models.JSONField(verbose_name='parsed structure')),
                        ('threshold_checked_at', models.DateTimeField(blank=True, null=True, verbose_name='threshold checked at')),
                        ('threshold_denominator', models.PositiveIntegerField(blank=True, null=True, verbose_name='member units at the check')),
                        ('threshold_count', models.PositiveIntegerField(blank=True, null=True, verbose_name='co-signatures at the check')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('base_version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='convention.conventionversion')),
                        ('new_version', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='amendment', to='convention.conventionversion')),
                        ('proposed_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('proposer_member', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='amendments', to='members.member')),
                    ],
                    options={
                        'db_table': 'convention_amendment',
                        'verbose_name': 'amendment',
                        'verbose_name_plural': 'amendments',
                        'ordering': ['-number'],
                    },
                ),
                migrations.CreateModel(
                    name='Annex',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(unique=True, verbose_name='annex number')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('sector', models.CharField(max_length=100, verbose_name='sub-sector')),
                        ('text', models.TextField(verbose_name='text')),
                        ('status', models.CharField(choices=[('proposed', 'Proposed'), ('voting', 'Voting'), ('adopted', 'Adopted'), ('rejected', 'Not adopted')], default='proposed', max_length=20, verbose_name='status')),
                        ('published_on', models.DateField(blank=True, null=True, verbose_name='published on')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('proposed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('proposer_member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                    ],
                    options={
                        'db_table': 'convention_annex',
                        'verbose_name': 'annex',
                        'verbose_name_plural': 'annexes',
                        'ordering': ['number'],
                    },
                ),
                migrations.CreateModel(
                    name='Interpretation',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('number', models.PositiveIntegerField(unique=True, verbose_name='interpretation number')),
                        ('article', models.PositiveSmallIntegerField(verbose_name='article')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('text', models.TextField(verbose_name='text')),
                        ('published_on', models.DateField(verbose_name='published on')),
                        ('published_by', models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'convention_interpretation',
                        'verbose_name': 'interpretation',
                        'verbose_name_plural': 'interpretations',
                        'ordering': ['article', 'number'],
                    },
                ),
                migrations.CreateModel(
                    name='Vote',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('status', models.CharField(choices=[('open', 'Open'), ('closed', 'Closed')], default='open', max_length=10, verbose_name='status')),
                        ('opens_at', models.DateTimeField(verbose_name='opens at')),
                        ('closes_at', models.DateTimeField(verbose_name='closes at')),
                        ('electorate', models.JSONField(verbose_name='electorate (member ids)')),
                        ('electorate_hash', models.CharField(max_length=64, verbose_name='SHA-256 of the electorate')),
                        ('rule_numerator', models.PositiveSmallIntegerField(default=2)),
                        ('rule_denominator', models.PositiveSmallIntegerField(default=3)),
                        ('result', models.JSONField(blank=True, null=True, verbose_name='result')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='closed at')),
                        ('amendment', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='vote', to='governance.amendment')),
                        ('annex', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='vote', to='governance.annex')),
                    ],
                    options={
                        'db_table': 'convention_vote',
                        'verbose_name': 'vote',
                        'verbose_name_plural': 'votes',
                    },
                ),
                migrations.CreateModel(
                    name='Ballot',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('choice', models.CharField(choices=[('agree', 'Agree'), ('disagree', 'Disagree'), ('abstain', 'Abstain')], max_length=10, verbose_name='choice')),
                        ('cast_at', models.DateTimeField(verbose_name='cast at')),
                        ('cast_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                        ('vote', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ballots', to='governance.vote')),
                    ],
                    options={
                        'db_table': 'convention_ballot',
                    },
                ),
                migrations.CreateModel(
                    name='Acknowledgement',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('acknowledged_at', models.DateTimeField(auto_now_add=True)),
                        ('acknowledged_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                        ('version', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='convention.conventionversion')),
                    ],
                    options={
                        'db_table': 'convention_acknowledgement',
                        'constraints': [models.UniqueConstraint(fields=('member', 'version'), name='convention_one_ack_per_version')],
                    },
                ),
                migrations.CreateModel(
                    name='CoSignature',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('amendment', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='cosignatures', to='governance.amendment')),
                        ('member', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='members.member')),
                        ('signed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'convention_cosignature',
                        'constraints': [models.UniqueConstraint(fields=('amendment', 'member'), name='convention_one_cosign_per_unit')],
                    },
                ),
                migrations.AddConstraint(
                    model_name='vote',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('amendment__isnull', False), ('annex__isnull', True)), models.Q(('amendment__isnull', True), ('annex__isnull', False)), _connector='OR'), name='convention_vote_on_one_thing'),
                ),
                migrations.AddConstraint(
                    model_name='ballot',
                    constraint=models.UniqueConstraint(fields=('vote', 'member'), name='convention_one_ballot_per_unit'),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, restore_content_types),
    ]
