"""One BankState row per bank, at version 0."""

from django.db import migrations

BANKS = ("terms", "allow", "domains", "rumors", "hashes")


def create_states(apps, schema_editor):
    BankState = apps.get_model("banks", "BankState")
    for bank in BANKS:
        BankState.objects.get_or_create(bank=bank)


class Migration(migrations.Migration):
    dependencies = [("banks", "0001_signal_banks")]

    operations = [migrations.RunPython(create_states, migrations.RunPython.noop)]
