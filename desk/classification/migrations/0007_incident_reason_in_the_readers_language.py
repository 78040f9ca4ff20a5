"""An incident's reason is said in the reader's language from the figures it was opened on,
instead of a text stored in English; a channel incident's label holds the channel's name,
and "channel" is added in the reader's language."""

import re

from django.db import migrations, models

# The stored English reason, as desk.classification.crisis wrote it.
_REASON = re.compile(
    r"last (?P<minutes>\d+) minutes .*median of (?P<days>\d+) days, .* alert at (?P<threshold>\S+)$"
)


def figures_from_reasons(apps, schema_editor):
    Incident = apps.get_model("classification", "Incident")
    for incident in Incident.objects.all():
        found = _REASON.search(incident.reason or "")
        if found:
            incident.window_minutes = int(found["minutes"])
            incident.baseline_days = int(found["days"])
            incident.threshold = float(found["threshold"])
        if incident.scope.startswith("channel:") and incident.scope_label.startswith("channel "):
            incident.scope_label = incident.scope_label.removeprefix("channel ")
        incident.save(update_fields=["window_minutes", "baseline_days", "threshold", "scope_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0006_training_example_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="incident",
            name="baseline_days",
            field=models.PositiveIntegerField(default=28),
        ),
        migrations.AddField(
            model_name="incident",
            name="threshold",
            field=models.FloatField(default=0),
        ),
        migrations.AddField(
            model_name="incident",
            name="window_minutes",
            field=models.PositiveIntegerField(default=60),
        ),
        migrations.RunPython(figures_from_reasons, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="incident",
            name="reason",
        ),
    ]
