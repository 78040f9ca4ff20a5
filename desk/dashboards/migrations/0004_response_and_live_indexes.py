"""Indexes for the percentiles' two steps and the live figures.

Created here, like 0002, so the dashboards' needs stay in one place. The INCLUDE columns let
PostgreSQL answer from the index alone; other databases get the plain key.
"""

from django.db import migrations

# The tickets of one response-time bucket over a date range, in order of their time.
BUSINESS = (
    "dashboards_ticket_business_response",
    "(first_response_seconds, created_at)",
)
WALL = (
    "dashboards_ticket_wall_response",
    "((first_responded_at - created_at), created_at)",
)
RESPONDED = "WHERE first_response_seconds IS NOT NULL"
KEYS = "INCLUDE (sla_policy_id, status, channel_id, queue_id, assignee_id, language)"
# With first_responded_at at hand, the wall-clock time is computed from the index alone.
WALL_KEYS = KEYS.replace("INCLUDE (", "INCLUDE (first_responded_at, ")
# The percentiles' first step: the buckets of one key (or none) over a range of days; every
# key is tested (for its value or for NULL), so the days of that one key are a single range.
BUCKETS = (
    "response_bucket_day_set",
    "dashboards_responsebucketday",
    "(grouping, channel_id, queue_id, agent_id, language, day)",
)
BUCKET_KEYS = "INCLUDE (measure, bucket, tickets)"
# The live figures: every column their counts test, for the open tickets only.
LIVE = (
    "CREATE INDEX IF NOT EXISTS dashboards_ticket_live ON tickets_ticket (status) INCLUDE "
    "(id, sla_policy_id, priority, created_at, first_response_due_at, first_responded_at, "
    "next_response_started_at, next_response_due_at, resolution_due_at, resolved_at, "
    "channel_id, queue_id, assignee_id, language) "
    "WHERE status IN ('new', 'open', 'pending')"
)


def create(apps, schema_editor):
    execute = schema_editor.execute
    postgres = schema_editor.connection.vendor == "postgresql"
    execute(
        f"CREATE INDEX IF NOT EXISTS {BUSINESS[0]} ON tickets_ticket {BUSINESS[1]} "
        f"{KEYS if postgres else ''} {RESPONDED}"
    )
    name, table, columns = BUCKETS
    execute(
        f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns} {BUCKET_KEYS if postgres else ''}"
    )
    if postgres:
        execute(
            f"CREATE INDEX IF NOT EXISTS {WALL[0]} ON tickets_ticket {WALL[1]} {WALL_KEYS} "
            f"{RESPONDED}"
        )
        execute(LIVE)


def drop(apps, schema_editor):
    for name in (BUSINESS[0], WALL[0], "dashboards_ticket_live", BUCKETS[0]):
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("dashboards", "0003_grouping_sets")]

    operations = [migrations.RunPython(create, drop)]
