import pytest
from django.core.management import CommandError, call_command

from channels.models import Channel
from channels.registry import ADAPTERS
from tests.channels.conftest import run_command


def test_add_prints_the_webhook_url_of_a_webhook_channel(db: None) -> None:
    output = run_command("channel", "add", "webhook", "--name", "Partner", "--set", "secret=s3")

    channel = Channel.objects.get()
    assert f"webhook: http://127.0.0.1:8000/hooks/{channel.webhook_token}/" in output
    assert channel.credentials == {"secret": "s3"}


def test_add_prints_the_address_and_embed_code_of_a_web_form(db: None) -> None:
    output = run_command("channel", "add", "webform", "--name", "Contact")

    token = Channel.objects.get().webhook_token
    assert f"form: http://127.0.0.1:8000/form/{token}/" in output
    assert "<iframe" in output


def test_add_reads_typed_settings_terms_and_service_level(db: None) -> None:
    run_command(
        "channel",
        "add",
        "mastodon",
        "--name",
        "M",
        "--monitored",
        "--interval",
        "300",
        "--set",
        "instance_url=https://mastodon.social/",
        "--set",
        "access_token=t",
        "--set",
        "notifications=no",
        "--terms",
        "#iico{year}, infopark",
    )

    channel = Channel.objects.get()
    assert channel.config == {"instance_url": "https://mastodon.social", "notifications": False}
    assert channel.credentials == {"access_token": "t"}
    assert channel.tracked_terms == ["#iico{year}", "infopark"]
    assert (channel.service_level, channel.effective_poll_interval) == ("monitored", 300)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["mastodon", "--name", "M", "--set", "access_token=t"], "need instance_url"),
        (
            ["webhook", "--name", "W", "--set", "secret=s", "--set", "colour=red"],
            "no setting colour",
        ),
        (
            ["mastodon", "--name", "M", "--set", "instance_url=ftp://x", "--set", "access_token=t"],
            r"http\(s\) URL",
        ),
        (["email", "--name", "E", "--set", "imap_port=abc"], "whole number"),
        (["webform", "--name", "F", "--terms", "#two words"], "one word"),
    ],
)
def test_add_refuses_bad_settings_with_a_message(db: None, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("channel", "add", *args)
    assert not Channel.objects.exists()


def test_list_shows_health_errors_and_expanded_terms(db: None) -> None:
    run_command("channel", "add", "webform", "--name", "Contact")
    run_command(
        "channel",
        "add",
        "mastodon",
        "--name",
        "Masto",
        "--terms",
        "#iico{year}",
        "--set",
        "instance_url=https://mastodon.example",
        "--set",
        "access_token=t",
    )
    Channel.objects.filter(name="Masto").update(
        is_active=False, disabled_reason="401 token revoked"
    )

    output = run_command("channel", "list")

    assert "Contact" in output and "new" in output
    assert "disabled" in output and "401 token revoked" in output
    assert "#iico20" in output


def test_enable_switches_a_disabled_channel_back_on(db: None) -> None:
    run_command("channel", "add", "webform", "--name", "Contact")
    Channel.objects.update(is_active=False, disabled_reason="x")

    run_command("channel", "enable", "Contact")

    assert Channel.objects.get().is_active


def test_seed_demo_creates_one_channel_of_each_kind_talking_to_the_sandbox(db: None) -> None:
    run_command("seed_demo", "--mentions", "5")

    kinds = dict(Channel.objects.values_list("kind", "config"))
    assert set(kinds) == set(ADAPTERS)
    # The demo's outbound side reaches the built-in sandbox platform, never the internet.
    assert kinds["mastodon"]["instance_url"] == "http://sandbox.socialdesk.invalid/mastodon"
    assert kinds["email"]["smtp_host"] == "smtp.sandbox.socialdesk.invalid"
    # The sandbox delivers mentions itself: the channels work, and are never polled.
    bluesky = Channel.objects.get(kind="bluesky")
    assert bluesky.is_active and bluesky.next_poll_at.year == 9999
    assert Channel.objects.get(kind="webform").is_active
