from django.db import migrations


def fill_sla_state_fields(apps, schema_editor):
    # The open tickets' running clock is worked out by the SLA engine (business-time
    # arithmetic), which historical models cannot do. A fresh database has no such tickets,
    # so the current models are only touched where there is something to fill.
    Ticket = apps.get_model("tickets", "Ticket")
    if not Ticket.objects.filter(sla_policy__isnull=False, status__in=["new", "open"]).exists():
        return
    from desk.sla.recompute import recompute_due_times

    recompute_due_times()


class Migration(migrations.Migration):
    dependencies = [
        # After every field the SLA engine writes exists (it runs with the current models).
        ("sla", "0003_follow_up"),
        ("tickets", "0008_follow_up_clock"),
    ]

    operations = [
        migrations.RunPython(fill_sla_state_fields, migrations.RunPython.noop),
    ]
