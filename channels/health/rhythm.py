"""How often a channel's deliveries usually arrive, learnt from its recent inbound events,
and whether its present silence is unusual.

The usual interval is the median gap between consecutive webhook or stream deliveries over
the last HEALTH_RHYTHM_DAYS days. A silence is unusual only when it is longer than
HEALTH_QUIET_FACTOR usual intervals, longer than every gap in those days (a desk that is
quiet every night or weekend is not warned every night), and at least
HEALTH_QUIET_MIN_MINUTES long; a channel with fewer than MIN_DELIVERIES recent deliveries
has no usual rhythm yet.

Learning reads every recent delivery (two to three seconds for 400,000), so the periodic
check learns at most every RELEARN_SECONDS and stores the result (LearnedRhythm); the page
and the quiet check read it, and only the time of the last delivery live.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from channels.models import Channel, InboundEvent
from channels.platforms.models import LearnedRhythm

# Deliveries pushed to us: their silence means something. Polled events arrive when we ask.
PUSHED = (InboundEvent.Source.WEBHOOK.value, InboundEvent.Source.STREAM.value)
MIN_DELIVERIES = 20
RELEARN_SECONDS = 3600


@dataclass(frozen=True)
class DeliveryRhythm:
    last_at: datetime | None
    # Deliveries in the learning window, the median and the longest gap between them.
    deliveries: int = 0
    usual_seconds: float | None = None
    longest_seconds: float | None = None

    @property
    def known(self) -> bool:
        return self.deliveries >= MIN_DELIVERIES and self.usual_seconds is not None

    def silence(self, now: datetime) -> timedelta | None:
        return now - self.last_at if self.last_at else None

    def quiet_after_seconds(self) -> float | None:
        """How long a silence may last before it is unusual; None without a usual rhythm."""
        if not self.known or self.usual_seconds is None:
            return None
        return max(
            settings.HEALTH_QUIET_FACTOR * self.usual_seconds,
            self.longest_seconds or 0.0,
            settings.HEALTH_QUIET_MIN_MINUTES * 60.0,
        )

    def is_quiet(self, now: datetime) -> bool:
        silence, limit = self.silence(now), self.quiet_after_seconds()
        return silence is not None and limit is not None and silence.total_seconds() > limit


def delivery_rhythms(channel_ids: Iterable[int]) -> dict[int, DeliveryRhythm]:
    """Every given channel's rhythm as last learnt, with its last delivery now: two queries
    whatever the number of channels."""
    ids = list(channel_ids)
    if not ids:
        return {}
    last = dict(
        Channel.objects.filter(pk__in=ids)
        .annotate(
            last_at=Subquery(
                InboundEvent.objects.filter(channel=OuterRef("pk"), source__in=PUSHED)
                .order_by("-received_at")
                .values("received_at")[:1]
            )
        )
        .values_list("pk", "last_at")
    )
    learnt = {row.channel_id: row for row in LearnedRhythm.objects.filter(channel__in=ids)}
    rhythms = {}
    for channel_id in ids:
        row = learnt.get(channel_id)
        rhythms[channel_id] = DeliveryRhythm(
            last_at=last.get(channel_id),
            deliveries=row.deliveries if row else 0,
            usual_seconds=row.usual_seconds if row else None,
            longest_seconds=row.longest_seconds if row else None,
        )
    return rhythms


def learn_rhythms(
    channel_ids: Iterable[int], *, now: datetime | None = None, force: bool = False
) -> int:
    """Learn the rhythm of the channels whose learning is older than RELEARN_SECONDS (or all
    with force) from their last HEALTH_RHYTHM_DAYS days; returns how many were learnt."""
    now = now or timezone.now()
    ids = set(channel_ids)
    if not force:
        fresh = LearnedRhythm.objects.filter(
            channel__in=ids, learnt_at__gt=now - timedelta(seconds=RELEARN_SECONDS)
        ).values_list("channel_id", flat=True)
        ids -= set(fresh)
    if not ids:
        return 0
    since = now - timedelta(days=settings.HEALTH_RHYTHM_DAYS)
    for channel_id in sorted(ids):
        count, gaps = _gaps(channel_id, since=since, until=now)
        LearnedRhythm.objects.update_or_create(
            channel_id=channel_id,
            defaults={
                "learnt_at": now,
                "deliveries": count,
                "usual_seconds": median(gaps) if gaps else None,
                "longest_seconds": max(gaps) if gaps else None,
            },
        )
    return len(ids)


def _gaps(channel_id: int, *, since: datetime, until: datetime) -> tuple[int, list[float]]:
    """How many deliveries the channel had in the window, and the gaps between them, in
    seconds. Read in Python, streamed in time order, so that it runs on every database the
    desk runs on (the demo's SQLite too)."""
    times = (
        InboundEvent.objects.filter(
            channel_id=channel_id, source__in=PUSHED, received_at__gte=since, received_at__lte=until
        )
        .order_by("received_at")
        .values_list("received_at", flat=True)
        .iterator(chunk_size=5000)
    )
    count, gaps, previous = 0, [], None
    for moment in times:
        count += 1
        if previous is not None:
            gaps.append((moment - previous).total_seconds())
        previous = moment
    return count, gaps
