from typing import Any

from django.core.management.base import BaseCommand

from desk.dashboards import rollups
from desk.dashboards.models import (
    MentionGroupDay,
    MentionHour,
    ResponseBucketDay,
    TicketAgentDay,
    TicketDay,
    TicketGroupDay,
)


class Command(BaseCommand):
    help = "Recompute the dashboard rollups from the tickets and messages, from scratch."

    def handle(self, *args: Any, **options: Any) -> None:
        rollups.rebuild()
        if options["verbosity"] == 0:
            return
        self.stdout.write(
            f"Rebuilt {TicketDay.objects.count()} ticket-day, "
            f"{TicketAgentDay.objects.count()} agent-day, "
            f"{TicketGroupDay.objects.count()} grouping-set, "
            f"{ResponseBucketDay.objects.count()} response-bucket, "
            f"{MentionHour.objects.count()} mention-hour and "
            f"{MentionGroupDay.objects.count()} mention grouping-set rows."
        )
