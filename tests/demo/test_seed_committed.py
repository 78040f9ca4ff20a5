"""The demo seeded and committed as under `make run`: what the counting after each commit does."""

from io import StringIO

from django.core.management import call_command

from desk.classification.models import Incident, MentionCount


def test_the_seed_opens_no_crisis_and_leaves_the_channels_their_usual_volume(
    transactional_db: None,
) -> None:
    # Committed as under `make run`, so the counting after each commit runs.
    call_command("seed_demo", "--mentions", "80", stdout=StringIO())

    # The past's mentions are checked at their own moments; none of them is a crisis.
    assert not Incident.objects.exists()
    channels_with_volume = (
        MentionCount.objects.filter(scope__startswith="channel:", negative__gt=0)
        .values("scope")
        .distinct()
    )
    assert channels_with_volume.count() >= 5
