"""Halls that existed before skills keep calling as they did: their staff settings start with skills not
enforced (a manager turns it on once the clerks' skills are recorded). New halls get the default: on."""

from django.db import migrations


def forwards(apps, schema_editor):
    Hall = apps.get_model("core", "Hall")
    StaffSettings = apps.get_model("staff", "StaffSettings")
    existing = set(StaffSettings.objects.values_list("hall_id", flat=True))
    StaffSettings.objects.bulk_create(
        StaffSettings(hall_id=pk, enforce_skills=False)
        for pk in Hall.objects.exclude(pk__in=existing).values_list("pk", flat=True)
    )


class Migration(migrations.Migration):
    dependencies = [("staff", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
