"""Who asked for a retraining gets a field of its own; it was written into the note after a
fixed English prefix."""

from django.db import migrations, models

_PREFIX = "requested by "


def names_out_of_notes(apps, schema_editor):
    ClassifierVersion = apps.get_model("classification", "ClassifierVersion")
    for version in ClassifierVersion.objects.filter(note__startswith=_PREFIX):
        version.requested_by = version.note.removeprefix(_PREFIX)[:150]
        version.note = "retrained"  # what the task notes a retraining as (gettext_noop)
        version.save(update_fields=["requested_by", "note"])


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0008_routing_verdicts"),
    ]

    operations = [
        migrations.AddField(
            model_name="classifierversion",
            name="requested_by",
            field=models.CharField(blank=True, max_length=150),
        ),
        migrations.RunPython(names_out_of_notes, migrations.RunPython.noop),
    ]
