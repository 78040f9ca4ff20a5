from django.db import migrations, models


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
        ('sla', '0002_default_calendar'),
        ('tickets', '0006_triage_desk'),
    ]

    operations = [
        migrations.AddField(
            model_name='ticket',
            name='sla_due_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='ticket',
            name='sla_warning_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('status__in', ['new', 'open', 'pending'])), fields=['sla_due_at', 'id'], name='ticket_active_sla_due'),
        ),
        migrations.AddIndex(
            model_name='ticket',
            index=models.Index(condition=models.Q(('sla_warning_at__isnull', False), ('status__in', ['new', 'open'])), fields=['sla_warning_at'], name='ticket_running_sla_warning'),
        ),
        migrations.RunPython(fill_sla_state_fields, migrations.RunPython.noop),
    ]
