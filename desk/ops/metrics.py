"""Prometheus-style figures read straight from the database and the broker on each scrape.

Ingestion lag, the stored-but-unprocessed backlog, parked events, the Celery queue's depth and
first responses overdue. Cheap queries over indexed columns; a scrape every 15 s costs little.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone

from channels.models import InboundEvent
from tickets.models import Ticket


def broker_status() -> str:
    if not settings.REDIS_URL:
        return "eager"  # tasks run inline: there is no broker to be down
    try:
        return "ok" if _redis().ping() else "error"
    except Exception as exc:  # noqa: BLE001 - any failure means the broker is not usable
        return f"error: {type(exc).__name__}"


def queue_depth() -> int | None:
    if not settings.REDIS_URL:
        return None
    try:
        return int(_redis().llen(settings.CELERY_TASK_DEFAULT_QUEUE))
    except Exception:  # noqa: BLE001 - reported as missing rather than failing the scrape
        return None


def render() -> str:
    return "".join(f"{line}\n" for line in _lines())


def _lines() -> Iterator[str]:
    now = timezone.now()
    pending = InboundEvent.objects.filter(state=InboundEvent.State.PENDING)
    backlog = pending.aggregate(n=Count("id"), oldest=Min("received_at"))
    lag = (now - backlog["oldest"]).total_seconds() if backlog["oldest"] else 0.0
    yield from _metric(
        "socialdesk_inbound_events_pending",
        "gauge",
        "Stored inbound events not yet processed.",
        backlog["n"],
    )
    yield from _metric(
        "socialdesk_ingestion_lag_seconds",
        "gauge",
        "Age of the oldest unprocessed inbound event.",
        round(lag, 3),
    )
    parked = InboundEvent.objects.filter(state=InboundEvent.State.FAILED).count()
    yield from _metric(
        "socialdesk_inbound_events_parked",
        "gauge",
        "Inbound events parked as failed after their retries.",
        parked,
    )
    depth = queue_depth()
    if depth is not None:
        yield from _metric(
            "socialdesk_task_queue_depth", "gauge", "Tasks waiting in the Celery queue.", depth
        )
    overdue = Ticket.objects.filter(
        status__in=Ticket.ACTIVE_STATUSES,
        first_responded_at__isnull=True,
        first_response_due_at__lt=now,
    ).count()
    yield from _metric(
        "socialdesk_first_response_overdue_tickets",
        "gauge",
        "Active tickets past their first-response due time (SLA breaches in progress).",
        overdue,
    )


def _metric(name: str, kind: str, help_text: str, value: float) -> Iterator[str]:
    yield f"# HELP {name} {help_text}"
    yield f"# TYPE {name} {kind}"
    yield f"{name} {value}"


def _redis():
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
