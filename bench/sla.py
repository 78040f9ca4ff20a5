"""The SLA engine: business-time arithmetic, recomputing 100,000 open tickets' due times, and
the first sweep over a backlog of overdue tickets.

python bench/sla.py [--tickets 100000] [--seconds 3] [--overdue 20000]

1. add_business_time calls per second, 24 business hours on the Berlin calendar (public
   holidays DE-BE, 24/31 December closed), one core, starts spread over a year.
2. Seconds to recompute the due times of N open tickets after a holiday is added to their
   calendar (PostgreSQL at BENCH_DATABASE_URL), through the service the background task runs.
3. Seconds for the sweep (the periodic task's service) to record the breaches of N overdue
   tickets in one queue, and how many notifications its manager gets for them (grouped per
   batch, so not one per ticket).
"""

import argparse
import time
import uuid
from datetime import UTC, date, datetime, timedelta

from common import bench_env, create_database, setup_django


def arithmetic_rate(seconds: float) -> tuple[float, int]:
    import holidays

    from desk.sla.business_hours import BusinessCalendar

    years = range(2021, 2037)
    closed = {*holidays.country_holidays("DE", subdiv="BE", years=years)}
    closed |= {date(year, 12, day) for year in years for day in (24, 31)}
    office = [["09:00", "17:00"]]
    calendar = BusinessCalendar.from_spec(
        {
            "timezone": "Europe/Berlin",
            "weekly": {day: office for day in ("mon", "tue", "wed", "thu", "fri")},
            "holidays": sorted(closed),
        }
    )
    base = datetime(2026, 1, 1, tzinfo=UTC)
    starts = [base + timedelta(minutes=53 * n) for n in range(10_000)]
    delta = timedelta(hours=24)
    add = calendar.add_business_time
    add(starts[0], delta)  # builds the interval table once
    calls = 0
    began = time.perf_counter()
    deadline = began + seconds
    while time.perf_counter() < deadline:
        for start in starts:
            add(start, delta)
        calls += len(starts)
    return calls / (time.perf_counter() - began), calls


def seed_open_tickets(count: int) -> tuple[int, int]:
    """A calendar, a policy and `count` open tickets on it, inserted by one SQL statement."""
    from django.db import connection
    from django.utils import timezone

    from channels.models import Channel
    from desk.sla.models import Calendar, SlaPolicy, default_weekly_hours
    from tickets.models import Contact, Conversation, Queue, Ticket

    run = uuid.uuid4().hex[:8]
    calendar = Calendar.objects.create(
        name=f"bench-{run}",
        timezone="Europe/Berlin",
        weekly_hours=default_weekly_hours(),
        holiday_country="DE",
        holiday_subdivision="BE",
    )
    policy = SlaPolicy.objects.create(
        name=f"bench-{run}", calendar=calendar, resolution_minutes=5 * 8 * 60
    )
    channel = Channel.objects.create(kind="webhook", name=f"bench-sla-{run}")
    contact = Contact.objects.create(display_name="Bench")
    now = timezone.now()
    conversation = Conversation.objects.create(
        channel=channel, contact=contact, root_platform_id=run, last_activity_at=now
    )
    queue, _ = Queue.objects.get_or_create(slug="inbound", defaults={"name": "Inbound desk"})
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {Ticket._meta.db_table} (
                conversation_id, channel_id, contact_id, queue_id, priority, status, subject,
                language, sentiment, created_at, updated_at, reopened_count,
                sla_policy_id, first_response_due_at, sla_round, sla_paused_seconds,
                response_paused_seconds, first_response_breached, next_response_breached,
                resolution_breached, follow_up_breached, resolution_due_at, next_sla_event_at)
            SELECT %s, %s, %s, %s, 1 + n %% 4, 'open', 'bench ' || n, 'en', '',
                   %s - n * interval '7 seconds', %s, 0, %s, %s, 0, 0, 0, false, false, false,
                   false, %s, %s
            FROM generate_series(1, %s) AS n
            """,  # noqa: S608 - table name from the model
            [
                conversation.pk,
                channel.pk,
                contact.pk,
                queue.pk,
                now,
                now,
                policy.pk,
                now,
                now,
                now,
                count,
            ],
        )
    return calendar.pk, policy.pk


def remove_seed(calendar_id: int, policy_id: int) -> None:
    from channels.models import Channel
    from desk.sla.models import Calendar, SlaPolicy
    from tickets.models import Conversation, Ticket

    ticket = Ticket.objects.filter(sla_policy_id=policy_id).first()
    Ticket.objects.filter(sla_policy_id=policy_id).delete()
    if ticket is not None:
        Conversation.objects.filter(pk=ticket.conversation_id).delete()
        Channel.objects.filter(pk=ticket.channel_id).delete()
    SlaPolicy.objects.filter(pk=policy_id).delete()
    Calendar.objects.filter(pk=calendar_id).delete()


def recompute_time(count: int) -> tuple[float, float, int, int]:
    from django.utils import timezone

    from desk.sla.models import Calendar, CalendarDay
    from desk.sla.recompute import recompute_due_times
    from desk.sla.services import calendar_changed
    from tickets.models import Ticket

    seeding = time.perf_counter()
    calendar_id, policy_id = seed_open_tickets(count)
    seeded = time.perf_counter() - seeding
    try:
        recompute_due_times(calendar_id=calendar_id)  # the due times before the holiday
        before = dict(
            Ticket.objects.filter(sla_policy_id=policy_id).values_list(
                "id", "first_response_due_at"
            )
        )
        calendar = Calendar.objects.get(pk=calendar_id)
        holiday = timezone.localdate() + timedelta(days=1)
        while holiday.weekday() >= 5:  # a working day, so the holiday moves due times
            holiday += timedelta(days=1)
        CalendarDay.objects.create(calendar=calendar, date=holiday, name="bench holiday")
        calendar_changed(calendar=calendar)
        began = time.perf_counter()
        updated = recompute_due_times(calendar_id=calendar_id)
        elapsed = time.perf_counter() - began
        after = Ticket.objects.filter(sla_policy_id=policy_id).values_list(
            "id", "first_response_due_at"
        )
        moved = sum(1 for pk, due in after if due != before[pk])
    finally:
        remove_seed(calendar_id, policy_id)
    return seeded, elapsed, updated, moved


def sweep_time(count: int) -> tuple[float, int, int, int]:
    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from desk.models import Notification
    from desk.sla.models import SlaEvent
    from desk.sla.sweep import sweep
    from tickets.models import Queue, Ticket

    calendar_id, policy_id = seed_open_tickets(count)
    manager = User.objects.create_user(f"bench-manager-{uuid.uuid4().hex[:8]}")
    manager.groups.add(Group.objects.get_or_create(name="manager")[0])
    Queue.objects.get(slug="inbound").members.add(manager)
    now = timezone.now()
    overdue = Ticket.objects.filter(sla_policy_id=policy_id)
    overdue.update(
        first_response_due_at=now - timedelta(hours=1), next_sla_event_at=now - timedelta(hours=1)
    )
    try:
        began = time.perf_counter()
        swept = 0
        while evaluated := sweep(now=now):
            swept += evaluated
        elapsed = time.perf_counter() - began
        breaches = SlaEvent.objects.filter(ticket__sla_policy_id=policy_id, kind="breach").count()
        notifications = Notification.objects.filter(user=manager).count()
    finally:
        Notification.objects.filter(user=manager).delete()
        SlaEvent.objects.filter(ticket__sla_policy_id=policy_id).delete()
        manager.delete()
        remove_seed(calendar_id, policy_id)
    return elapsed, swept, breaches, notifications


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--overdue", type=int, default=20_000)
    args = parser.parse_args()
    create_database(bench_env())
    setup_django()

    rate, calls = arithmetic_rate(args.seconds)
    print(f"add_business_time: {rate:12,.0f} calls/s (24 business hours, Berlin, {calls:,} calls)")
    seeded, elapsed, updated, moved = recompute_time(args.tickets)
    print(f"seed:              {seeded:8.2f} s for {args.tickets:,} open tickets (one INSERT)")
    print(
        f"recompute:         {elapsed:8.2f} s for {updated:,} open tickets after a holiday "
        f"was added ({moved:,} due times moved)"
    )

    elapsed, swept, breaches, notifications = sweep_time(args.overdue)
    print(
        f"sweep:             {elapsed:8.2f} s for {swept:,} overdue tickets "
        f"({swept / elapsed:,.0f} tickets/s), {breaches:,} breaches recorded, "
        f"{notifications:,} notifications to their queue's manager"
    )


if __name__ == "__main__":
    main()
