"""Governance becomes an app of its own (``zilu.governance``): its models leave the convention app's state here and
enter the governance app's in ``governance.0001``. State only: the tables, their rows and constraints stay as they
are, and the governance models keep using them (``Meta.db_table``)."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('convention', '0002_amendments_votes_annexes_interpretations'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # those that point at others first
                migrations.DeleteModel(name='Ballot'),
                migrations.DeleteModel(name='CoSignature'),
                migrations.DeleteModel(name='Vote'),
                migrations.DeleteModel(name='Acknowledgement'),
                migrations.DeleteModel(name='Interpretation'),
                migrations.DeleteModel(name='Amendment'),
                migrations.DeleteModel(name='Annex'),
            ],
            database_operations=[],
        ),
    ]
