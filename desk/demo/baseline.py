"""The demo's usual volume, as crisis detection measures it.

Crisis detection compares the last hour's negative mentions on a channel with the same hour on
the past days. A fresh demo has no past, and its live traffic posts a mention every
DEMO_TRAFFIC_SECONDS, many of them complaints: against an empty past every channel was "in
crisis" within minutes, each with its alert, and the one crisis the demo stages (a burst of
complaints on its hashtag) was lost among them. The seed therefore writes the counters that the
live traffic would have left on each channel over the baseline's days. Tracked terms get no
usual volume: a burst on the hashtag stays the spike it is meant to be.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from django.conf import settings

from channels.models import Channel
from desk.classification.classifier import classify_text
from desk.classification.crisis import BUCKET, bucket_of
from desk.classification.models import MentionCount
from desk.classification.models.crisis import CHANNEL_SCOPE_PREFIX
from desk.demo.data import MENTIONS
from desk.demo.personas import PERSONAS


def seed_usual_volume(*, channels: dict[str, Channel], rng: random.Random, now: datetime) -> int:
    """Counters for every channel and 10-minute bucket of the baseline's days before `now`, at
    the live traffic's rate. Buckets that hold counts already keep them. Returns the rows."""
    usual = usual_per_bucket()
    first = bucket_of(now - timedelta(days=settings.CRISIS_BASELINE_DAYS))
    last = bucket_of(now) - BUCKET  # the current bucket is the live traffic's own
    rows = []
    bucket = first
    while bucket <= last:
        for platform, (total, negative) in usual.items():
            if platform not in channels:
                continue
            count = _around(rng, total)
            rows.append(
                MentionCount(
                    scope=f"{CHANNEL_SCOPE_PREFIX}{channels[platform].pk}",
                    bucket_start=bucket,
                    total=count,
                    negative=min(count, _around(rng, negative)),
                )
            )
        bucket += BUCKET
    MentionCount.objects.bulk_create(rows, batch_size=2000, ignore_conflicts=True)
    return len(rows)


def usual_per_bucket() -> dict[str, tuple[float, float]]:
    """Platform -> mentions and negative mentions the live traffic posts there per bucket.

    The stream picks a persona, one of their platforms and a category, then a text in the
    persona's language; whether a text is negative is what the classifier says of it."""
    steps = BUCKET.total_seconds() / settings.DEMO_TRAFFIC_SECONDS
    negative_share = {
        (category, language): _negative_share(texts)
        for category, by_language in MENTIONS.items()
        for language, texts in by_language.items()
    }
    usual: dict[str, tuple[float, float]] = {}
    for persona in PERSONAS:
        share = steps / len(PERSONAS) / len(persona.platforms)
        negative = sum(
            negative_share.get((category, persona.language), negative_share[(category, "en")])
            for category in MENTIONS
        ) / len(MENTIONS)
        for platform in persona.platforms:
            total_before, negative_before = usual.get(platform, (0.0, 0.0))
            usual[platform] = (total_before + share, negative_before + share * negative)
    return usual


def _negative_share(texts: list[str]) -> float:
    return sum(classify_text(text).sentiment == "negative" for text in texts) / len(texts)


def _around(rng: random.Random, expected: float) -> int:
    """A count near `expected`, varying as counts of independent events do."""
    return max(0, round(rng.gauss(expected, expected**0.5)))
