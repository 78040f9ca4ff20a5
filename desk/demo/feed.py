"""Demo comments on the demo feed channel, so the monitored stream has something to show."""

from __future__ import annotations

from datetime import timedelta
from email.utils import format_datetime

from django.utils import timezone

from channels.adapters.feed.documents import read_document
from channels.inbound import store_event
from channels.models import Channel, InboundEvent
from desk.ingestion.processing import process_event

COMMENTS = [
    ("Jonas Weber", "Warum ist die Anmeldung zum #iico seit gestern kaputt? Bitte prüfen!"),
    ("Marie Dubois", "Merci pour le programme, est-ce que les sessions seront enregistrées ?"),
    ("Sam Carter", "Great talk on scaling the CMS, are the slides online somewhere?"),
    ("Kasia Nowak", "Dziękuję za webinar, czy będzie nagranie?"),
]


def seed_feed_mentions(channel: Channel) -> int:
    """Store the demo comments as the feed poller does and process them at once, like the
    rest of the demo (the event_stored hook's task then finds them done); returns how many."""
    now = timezone.now()
    items = "".join(
        f"<item><guid isPermaLink='false'>demo-comment-{n}</guid>"
        f"<title>Comment on Cloud Dev Camp by {name}</title>"
        f"<link>https://blog.infopark.de/cloud-dev-camp/#comment-{n}</link>"
        f"<pubDate>{format_datetime(now - timedelta(hours=3 * n + 1))}</pubDate>"
        f"<author>{name}</author><description>{text}</description></item>"
        for n, (name, text) in enumerate(COMMENTS)
    )
    document = read_document(
        f'<rss version="2.0"><channel><title>Comments for Infopark Blog</title>{items}'
        "</channel></rss>".encode(),
        content_type="application/rss+xml",
        url=channel.config.get("url", "https://blog.infopark.de/comments/feed/"),
    )
    stored = 0
    for raw in channel.adapter().events_of(document):
        event = store_event(
            channel=channel,
            source=InboundEvent.Source.POLL,
            delivery_id=raw.delivery_id,
            body=raw.body,
            content_type=raw.content_type,
        )
        if event is not None:
            process_event(event.pk)
            stored += 1
    return stored
