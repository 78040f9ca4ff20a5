"""Under `make run` beat runs the channel health checks against the sandbox: its channels
pass, except the Instagram account, which never granted instagram_manage_comments."""

from django.test import Client

from channels.platforms.models import HealthCondition
from channels.registry import adapter_class
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


def test_every_demo_channel_has_the_settings_its_kind_requires(db: None) -> None:
    # The demo creates its channels directly, past `channel add`'s check of required settings:
    # a Threads channel without its username showed "@None" and took a user named "None"
    # for the company.
    missing = {
        channel.name: [
            f.name
            for f in adapter_class(channel.kind).config_fields
            if f.required
            and f.default is None
            and not (channel.credentials if f.secret else channel.config).get(f.name)
        ]
        for channel in ensure_channels().values()
    }

    assert {name: names for name, names in missing.items() if names} == {}
