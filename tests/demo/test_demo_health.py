"""Under `make run` beat runs the channel health checks against the sandbox: its channels
pass, except the Instagram account, which never granted instagram_manage_comments."""

from django.test import Client

from channels.platforms.models import HealthCondition
from channels.tasks import check_channel_health
from desk.demo.channels import ensure_channels


def test_the_demo_channels_pass_the_health_check_but_instagrams_permission(
    spokesperson_client: Client,
) -> None:
    ensure_channels()

    counts = check_channel_health.apply().get()

    assert counts["unreachable"] == 0
    found = HealthCondition.objects.values_list("channel__name", "code")
    assert list(found) == [("Demo Instagram", "missing_permissions")]
    page = spokesperson_client.get("/channels/").content.decode()
    assert "Missing permissions: instagram_manage_comments" in page
    assert "All 6 needed permissions are granted" in page
