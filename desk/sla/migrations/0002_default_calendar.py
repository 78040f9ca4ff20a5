import datetime

from django.db import migrations

OFFICE = [["09:00", "17:00"]]
WEEKLY = {
    "mon": OFFICE, "tue": OFFICE, "wed": OFFICE, "thu": OFFICE, "fri": OFFICE, "sat": [], "sun": [],
}


def create_defaults(apps, schema_editor):
    """The promise of the source documents: 24 hours, Berlin working days, 09:00-17:00."""
    Calendar = apps.get_model("sla", "Calendar")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    SlaPolicy = apps.get_model("sla", "SlaPolicy")
    calendar, created = Calendar.objects.get_or_create(
        name="Berlin office hours",
        defaults={
            "timezone": "Europe/Berlin",
            "weekly_hours": WEEKLY,
            "holiday_country": "DE",
            "holiday_subdivision": "BE",
        },
    )
    if created:
        for day, name in ((24, "Christmas Eve"), (31, "New Year's Eve")):
            CalendarDay.objects.create(
                calendar=calendar,
                date=datetime.date(2000, 12, day),
                kind="closed",
                every_year=True,
                name=name,
            )
    SlaPolicy.objects.get_or_create(
        name="Default",
        defaults={
            "calendar": calendar,
            "first_response_minutes": 24 * 60,
            "next_response_minutes": 24 * 60,
            "warning_percent": 80,
            "warning_minutes_left": 60,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
