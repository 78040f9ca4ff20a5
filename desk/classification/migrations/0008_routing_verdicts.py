"""A decision keeps its routing verdicts, for pages to word in the reader's language; the
ticket's own copy of the reason (its first 300 characters) goes, and a ticket that had a reason
but no decision keeps it in one."""

from django.db import migrations, models


def reasons_into_decisions(apps, schema_editor):
    Ticket = apps.get_model("tickets", "Ticket")
    TicketDecision = apps.get_model("classification", "TicketDecision")
    orphans = Ticket.objects.exclude(routing_reason="").filter(decision__isnull=True)
    TicketDecision.objects.bulk_create(
        [
            TicketDecision(ticket_id=pk, language=language, routing_reason=reason)
            for pk, language, reason in orphans.values_list("pk", "language", "routing_reason")
        ],
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0007_incident_reason_in_the_readers_language"),
        ("tickets", "0008_follow_up_clock"),
    ]
    # The copy reads the ticket's column before the tickets app drops it.
    run_before = [("tickets", "0009_ticket_routing_reason_in_its_decision")]

    operations = [
        migrations.AddField(
            model_name="ticketdecision",
            name="routing_why",
            field=models.JSONField(blank=True, null=True),
        ),
        migrations.RunPython(reasons_into_decisions, migrations.RunPython.noop),
    ]
