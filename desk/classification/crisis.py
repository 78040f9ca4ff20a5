"""Crisis detection: a jump of negative mentions per channel and per tracked term.

Mentions are counted together, the new ones of a batch at once: one counter upsert for all
their scopes; only negative mentions ask more (is an incident open? how many negatives in the
window?), and only a window past the minimum asks for the baseline. The baseline is robust:
the median and the median absolute deviation of the same window at the same time of day over
the last weeks, so one earlier bad day does not hide a new crisis and a daily busy hour does
not raise one.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from channels.terms import matched_terms
from desk.access import crisis_recipients
from desk.classification.models import Incident, MentionCount, NegativeMention
from desk.classification.models.crisis import CHANNEL_SCOPE_PREFIX, TERM_SCOPE_PREFIX
from desk.notifications import notify
from tickets.models import Message, Ticket

BUCKET = timedelta(minutes=10)
# Scale that makes the median absolute deviation comparable to a standard deviation.
MAD_SCALE = 1.4826


@dataclass(frozen=True)
class Scope:
    key: str  # "channel:12", "term:#infopark"
    label: str


def scopes_for(message: Message) -> list[Scope]:
    channel = message.channel
    # A channel's label is its name; Incident.label says "channel" in the reader's language.
    scopes = [Scope(f"{CHANNEL_SCOPE_PREFIX}{channel.pk}", channel.name)]
    scopes += [
        Scope(f"{TERM_SCOPE_PREFIX}{t.lower()}"[:140], t)
        for t in matched_terms(channel, message.text)
    ]
    return scopes


def bucket_of(at: datetime) -> datetime:
    seconds = int(BUCKET.total_seconds())
    return datetime.fromtimestamp(int(at.timestamp()) // seconds * seconds, tz=UTC)


def record_mentions(
    mentions: Sequence[tuple[Message, Ticket | None, str]], *, counted: bool = False
) -> list[Incident]:
    """Count new mentions (message, ticket, sentiment) on their scopes; return the incidents
    they opened. `counted`: the caller ran `count_statement` for them already (with other
    statements in one round trip); only the negative mentions' steps remain.

    A few statements for any number: one counter upsert, and for negative mentions one
    insert, one look for open incidents and an update per incident they join. A scope with no
    open incident is checked for a spike once its negatives are all counted.
    """
    now = timezone.now()
    negatives: dict[str, list[NegativeMention]] = {}
    labels: dict[str, str] = {}
    for message, ticket, sentiment in mentions:
        if sentiment != "negative":
            continue
        at = min(message.created_at, now)
        for scope in scopes_for(message):
            labels.setdefault(scope.key, scope.label)
            negatives.setdefault(scope.key, []).append(
                NegativeMention(scope=scope.key, message=message, ticket=ticket, at=at)
            )
    if not counted:
        _count(_counts(mentions, now))
    if not negatives:
        return []
    # ON CONFLICT DO NOTHING: a redelivered mention is counted once.
    NegativeMention.objects.bulk_create(
        [row for rows in negatives.values() for row in rows], ignore_conflicts=True
    )
    open_incidents = {
        incident.scope: incident
        for incident in Incident.objects.filter(
            scope__in=list(negatives), status=Incident.Status.OPEN
        )
    }
    opened = []
    for key, rows in negatives.items():
        incident = open_incidents.get(key)
        if incident is None:
            incident = _open_on_first_spike(Scope(key, labels[key]), rows)
            if incident is None:
                continue
            opened.append(incident)
        NegativeMention.objects.filter(
            scope=key, message_id__in=[row.message_id for row in rows]
        ).update(incident=incident)
    if fresh := _new_crises(opened):
        _alert(fresh)
    return opened


def _new_crises(opened: list[Incident]) -> list[Incident]:
    """The incidents of `opened` that are not a crisis already alerted on another scope.

    A burst on a tracked term also crowds the channels it comes through, and the term and a
    channel seldom cross their thresholds in the same batch. An incident most of whose
    mentions already belong to an incident opened before is that crisis seen on one more scope:
    the banner lists it, and nobody is e-mailed about it a second time.
    """
    if not opened:
        return []
    ids = [incident.pk for incident in opened]
    # Strictly before: two workers opening incidents of one burst at the same moment would
    # each take the other's for the earlier one, and nobody would be alerted. At worst both
    # alert, as before.
    earlier = NegativeMention.objects.filter(
        incident__status=Incident.Status.OPEN,
        incident__opened_at__lt=min(incident.opened_at for incident in opened),
    )
    mentions = NegativeMention.objects.filter(incident__in=ids)
    totals = dict(mentions.values("incident").annotate(n=Count("id")).values_list("incident", "n"))
    shared = dict(
        mentions.filter(message__in=earlier.values("message"))
        .values("incident")
        .annotate(n=Count("id"))
        .values_list("incident", "n")
    )
    return [i for i in opened if 2 * shared.get(i.pk, 0) <= totals.get(i.pk, 0)]


def _counts(
    mentions: Sequence[tuple[Message, Ticket | None, str]], now: datetime
) -> dict[tuple[str, datetime], list[int]]:
    """(scope, bucket) -> [mentions, negative mentions]."""
    counts: dict[tuple[str, datetime], list[int]] = {}
    for message, _ticket, sentiment in mentions:
        bucket = bucket_of(min(message.created_at, now))
        for scope in scopes_for(message):
            count = counts.setdefault((scope.key, bucket), [0, 0])
            count[0] += 1
            count[1] += int(sentiment == "negative")
    return counts


def _open_on_first_spike(scope: Scope, rows: list[NegativeMention]) -> Incident | None:
    # The window and the baseline depend only on the bucket of the moment.
    moments: dict[datetime, datetime] = {}
    for row in rows:
        moments.setdefault(bucket_of(row.at), row.at)
    for at in moments.values():
        incident = _open_if_spike(scope, at)
        if incident is not None:
            return incident
    return None


_COUNT_SQL = """
    INSERT INTO classification_mentioncount AS c (scope, bucket_start, total, negative)
    SELECT * FROM unnest(%s::text[], %s::timestamptz[], %s::int[], %s::int[])
    ON CONFLICT (scope, bucket_start) DO UPDATE SET
        total = c.total + excluded.total, negative = c.negative + excluded.negative
"""


def count_statement(
    mentions: Sequence[tuple[Message, Ticket | None, str]],
) -> tuple[str, list[Any]]:
    """The counting of record_mentions as one PostgreSQL statement (its text the same for any
    number), to run alone or with other statements in one round trip."""
    return _count_statement(_counts(mentions, timezone.now()))


def _count_statement(counts: dict[tuple[str, datetime], list[int]]) -> tuple[str, list[Any]]:
    # In key order: two workers counting the same scopes lock their rows in the same order.
    keys = sorted(counts)
    return _COUNT_SQL, [
        [scope for scope, _ in keys],
        [bucket for _, bucket in keys],
        [counts[key][0] for key in keys],
        [counts[key][1] for key in keys],
    ]


def _count(counts: dict[tuple[str, datetime], list[int]]) -> None:
    if not counts:
        return
    if connection.vendor == "postgresql":  # one upsert, no savepoint
        with connection.cursor() as cursor:
            cursor.execute(*_count_statement(counts))
        return
    for (scope, bucket), (total, negative) in sorted(counts.items()):
        changes = {"total": F("total") + total, "negative": F("negative") + negative}
        if MentionCount.objects.filter(scope=scope, bucket_start=bucket).update(**changes):
            continue
        try:
            with transaction.atomic():
                MentionCount.objects.create(
                    scope=scope, bucket_start=bucket, total=total, negative=negative
                )
        except IntegrityError:
            MentionCount.objects.filter(scope=scope, bucket_start=bucket).update(**changes)


def _window_buckets(at: datetime) -> list[datetime]:
    last = bucket_of(at)
    count = max(1, int(timedelta(minutes=settings.CRISIS_WINDOW_MINUTES) / BUCKET))
    return [last - BUCKET * n for n in range(count)]


def window_negatives(scope: str, at: datetime) -> int:
    total = MentionCount.objects.filter(
        scope=scope, bucket_start__in=_window_buckets(at)
    ).aggregate(n=Sum("negative"))["n"]
    return total or 0


def baseline(scope: str, at: datetime) -> tuple[float, float]:
    """Median and MAD of the window's negatives at this time of day over the past days."""
    window = _window_buckets(at)
    days = range(1, settings.CRISIS_BASELINE_DAYS + 1)
    wanted = {bucket - timedelta(days=d): d for d in days for bucket in window}
    per_day = dict.fromkeys(days, 0)
    for bucket, negatives in MentionCount.objects.filter(
        scope=scope, bucket_start__in=list(wanted)
    ).values_list("bucket_start", "negative"):
        per_day[wanted[bucket]] += negatives
    values = list(per_day.values())
    median = statistics.median(values)
    mad = statistics.median(abs(v - median) for v in values)
    return float(median), float(mad)


def spike_threshold(median: float, mad: float) -> float:
    return max(
        float(settings.CRISIS_MIN_NEGATIVE),
        median + max(1.0, settings.CRISIS_MAD_FACTOR * MAD_SCALE * mad),
    )


def _open_if_spike(scope: Scope, at: datetime) -> Incident | None:
    current = window_negatives(scope.key, at)
    if current < settings.CRISIS_MIN_NEGATIVE:
        return None
    median, mad = baseline(scope.key, at)
    threshold = spike_threshold(median, mad)
    if current < threshold:
        return None
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                scope=scope.key,
                scope_label=scope.label[:200],
                opened_at=timezone.now(),
                window_negative=current,
                window_minutes=settings.CRISIS_WINDOW_MINUTES,
                baseline_median=median,
                baseline_mad=mad,
                baseline_days=settings.CRISIS_BASELINE_DAYS,
                threshold=threshold,
            )
    except IntegrityError:
        # Another worker opened it a moment ago: one incident per scope, one alert (theirs); this
        # mention joins theirs.
        existing = Incident.objects.filter(scope=scope.key, status=Incident.Status.OPEN).first()
        if existing is not None:
            _attach_window(existing, at)
        return None
    _attach_window(incident, at)
    return incident


def _alert(incidents: list[Incident]) -> None:
    """One alert for the incidents that the same mentions opened: a burst on a tracked term
    also crowds the channels it comes through, and each of those is one incident of one crisis.
    Their managers get one notification (and one e-mail), as the desk shows them one banner."""
    first = incidents[0]
    notify(
        users=crisis_recipients(),
        kind="crisis",
        title=lambda: (
            _("Crisis: negative mentions jump on %(scope)s")
            % {"scope": ", ".join(incident.label for incident in incidents)}
        ),
        body=lambda: "\n".join(incident.reason for incident in incidents),
        url=(
            reverse("classification:incident", args=[first.pk])
            if len(incidents) == 1
            else reverse("classification:incidents")
        ),
        dedupe_key="incident:" + "+".join(str(incident.pk) for incident in incidents),
    )


def _attach_window(incident: Incident, at: datetime) -> None:
    NegativeMention.objects.filter(
        scope=incident.scope, incident__isnull=True, at__gte=min(_window_buckets(at))
    ).update(incident=incident)


def prune(*, now: datetime) -> tuple[int, int]:
    """Forget counters older than the baseline needs, and negatives that joined no incident."""
    keep_counts = now - timedelta(days=settings.CRISIS_BASELINE_DAYS + 1)
    keep_negatives = now - 2 * timedelta(minutes=settings.CRISIS_WINDOW_MINUTES)
    counts, _ = MentionCount.objects.filter(bucket_start__lt=keep_counts).delete()
    negatives, _ = NegativeMention.objects.filter(
        incident__isnull=True, at__lt=keep_negatives
    ).delete()
    return counts, negatives


def close_incident(*, incident: Incident, actor: Any) -> Incident:
    if incident.status == Incident.Status.CLOSED:
        return incident
    incident.status = Incident.Status.CLOSED
    incident.closed_at = timezone.now()
    incident.closed_by = actor if getattr(actor, "is_authenticated", False) else None
    incident.save(update_fields=["status", "closed_at", "closed_by"])
    return incident


class StatementError(ValueError):
    """A holding statement that cannot be pinned."""


def pin_statement(*, incident: Incident, text: str, approved_by: object) -> Incident:
    """Pin the approved holding statement staff use while the incident lasts."""
    text = text.strip()
    if not text:
        raise StatementError("The statement is empty.")
    if len(text) > 2000:
        raise StatementError("The statement is longer than 2,000 characters.")
    incident.holding_statement = text
    incident.statement_approved_by = approved_by  # type: ignore[assignment]
    incident.statement_pinned_at = timezone.now()
    incident.save(
        update_fields=["holding_statement", "statement_approved_by", "statement_pinned_at"]
    )
    return incident
