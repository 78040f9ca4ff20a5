"""Indexes on other apps' tables that the dashboards read.

They are created here, not on those models, so the dashboards' needs stay in one place and the
tickets and SLA migration graphs stay untouched. Plain SQL that SQLite and PostgreSQL share;
the covering index for exact percentiles is PostgreSQL-only (INCLUDE).
"""

from django.db import migrations

SHARED = [
    # refresh: tickets changed since the last run, breaches recorded since, new mentions.
    ("dashboards_ticket_updated", "tickets_ticket", "(updated_at)"),
    ("dashboards_slaevent_created", "sla_slaevent", "(created_at)"),
    ("dashboards_message_received", "tickets_message", "(received_at)"),
]
# Median and p90 of first-response times straight from the tickets, exact, by an index-only
# scan over the date range: every column the query filters on or orders by is in the index.
PERCENTILES = (
    "CREATE INDEX IF NOT EXISTS dashboards_ticket_first_response ON tickets_ticket "
    "(created_at) INCLUDE (first_response_seconds, first_responded_at, status, sla_policy_id, "
    "channel_id, queue_id, assignee_id, language) WHERE first_response_seconds IS NOT NULL"
)


def create(apps, schema_editor):
    execute = schema_editor.execute
    for name, table, columns in SHARED:
        execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}")
    if schema_editor.connection.vendor == "postgresql":
        execute(PERCENTILES)


def drop(apps, schema_editor):
    for name, _, _ in SHARED:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP INDEX IF EXISTS dashboards_ticket_first_response")


class Migration(migrations.Migration):
    dependencies = [
        ("dashboards", "0001_initial"),
        ("tickets", "0005_sla_fields"),
        ("sla", "0002_default_calendar"),
    ]

    operations = [migrations.RunPython(create, drop)]
