"""The hall's calendar table moves from appointments to core (the queue, deadlines and bookings all read
it). The table already exists: take over its state, then rename it to core's name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("appointments", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CalendarDay",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("date", models.DateField(verbose_name="date")),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("holiday", "Public holiday (closed)"),
                                    ("workday", "Make-up working day (open)"),
                                    ("closed", "Hall closed"),
                                ],
                                max_length=10,
                                verbose_name="kind",
                            ),
                        ),
                        ("name", models.CharField(blank=True, max_length=60, verbose_name="name")),
                        (
                            "hall",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="calendar_days",
                                to="core.hall",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "calendar day",
                        "verbose_name_plural": "calendar days",
                        "ordering": ["hall", "date"],
                        "constraints": [
                            models.UniqueConstraint(fields=("hall", "date"), name="calendar_day_unique")
                        ],
                        "db_table": "appointments_calendarday",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="calendarday", table=None),
    ]
