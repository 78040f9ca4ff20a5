from django.db import migrations, models

# The open tickets' clocks are filled by sla.0004_fill_ticket_sla_state: the SLA engine's
# arithmetic lives above the spine.


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
    ]
