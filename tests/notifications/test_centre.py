"""The notification centre: every kind reaches the people it should, in the bell and list."""

from typing import Any

from django.contrib.auth.models import User
from django.core import mail
from django.test import Client, TestCase
from django.utils.translation import gettext

from channels import hooks
from channels.models import Channel
from desk.models import Notification, NotificationPreference
from desk.notifications import notify
from desk.notifications.tasks import send_notification_digests
from tests.conftest import StaffClient
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Queue


def unread_count(client: Client) -> int:
    response = client.get("/notifications/bell/")
    assert response.status_code == 200
    return int(response.content.decode().split('data-unread="')[1].split('"')[0])


def seed(user: User, kind: str, key: str, url: str = "/") -> Notification:
    [notification] = notify(users=[user], kind=kind, title=f"{kind} {key}", url=url, dedupe_key=key)
    return notification


def test_the_bell_is_on_every_staff_page_and_counts_only_the_users_unread(
    staff: StaffFactory,
) -> None:
    user, client = staff("manager")
    other, _ = staff("agent")
    seed(user, "crisis", "a")
    seed(user, "sla_breach", "b")
    seed(other, "crisis", "c")

    for page in ("/", "/dashboards/", "/notifications/", "/channels/"):
        assert 'id="notification-bell"' in client.get(page).content.decode(), page
    assert unread_count(client) == 2


def test_the_list_filters_by_what_the_notification_is_about(staff: StaffFactory) -> None:
    user, client = staff()
    for kind in ("sla_breach", "crisis", "flagged", "channel_alert", "delivery_failed"):
        seed(user, kind, kind)

    shown = {
        category: client.get("/notifications/", {"category": category}).content.decode()
        for category in ("sla", "crisis", "flags", "channels", "deliveries")
    }

    assert 'data-kind="sla_breach"' in shown["sla"] and 'data-kind="crisis"' not in shown["sla"]
    assert shown["crisis"].count('data-kind="') == 1
    assert 'data-kind="flagged"' in shown["flags"]
    assert 'data-kind="channel_alert"' in shown["channels"]
    assert 'data-kind="delivery_failed"' in shown["deliveries"]
    assert client.get("/notifications/", {"category": "nope"}).status_code == 400


def test_opening_a_notification_marks_it_read_and_leads_to_its_object(
    staff: StaffFactory,
) -> None:
    user, client = staff()
    other, other_client = staff()
    mine = seed(user, "crisis", "a", url="/desk/incidents/7/")

    foreign = other_client.get(f"/notifications/{mine.pk}/")
    opened = client.get(f"/notifications/{mine.pk}/")

    assert foreign.url == "/notifications/"
    assert opened.status_code == 302 and opened.url == "/desk/incidents/7/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert unread_count(client) == 0


def test_mark_read_and_mark_all_read(staff: StaffFactory) -> None:
    user, client = staff()
    other, other_client = staff()
    first = seed(user, "crisis", "a")
    seed(user, "sla_breach", "b")
    seed(user, "sla_warning", "c")

    assert other_client.post(f"/notifications/{first.pk}/read/").status_code == 400
    client.post(f"/notifications/{first.pk}/read/")
    assert unread_count(client) == 2
    client.post("/notifications/read-all/", {"category": "sla"})
    assert unread_count(client) == 0
    assert Notification.objects.filter(user=other).count() == 0


def test_a_link_to_another_site_is_never_followed(staff: StaffFactory) -> None:
    user, client = staff()
    evil = seed(user, "crisis", "a", url="//evil.example/")

    assert client.get(f"/notifications/{evil.pk}/").url == "/notifications/"


def test_people_with_an_address_get_an_email_at_once_by_default(staff: StaffFactory) -> None:
    user, _ = staff()
    User.objects.filter(pk=user.pk).update(email="ann@example.org")
    user.refresh_from_db()
    nobody, _ = staff()

    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(users=[user, nobody], kind="crisis", title="Crisis!", dedupe_key="k")

    assert [m.to for m in mail.outbox] == [["ann@example.org"]]
    assert Notification.objects.get(user=user).emailed_at is not None


def test_a_daily_digest_collects_what_came_since_and_sends_it_once(staff: StaffFactory) -> None:
    user, client = staff()
    User.objects.filter(pk=user.pk).update(email="ann@example.org")
    client.post("/notifications/preferences/", {"email": "digest"})
    user.refresh_from_db()

    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(users=[user], kind="crisis", title="Crisis on X", dedupe_key="a")
        notify(users=[user], kind="sla_breach", title="SLA breached: #4", dedupe_key="b")
    assert mail.outbox == []

    assert send_notification_digests.apply().get() == 1
    assert send_notification_digests.apply().get() == 0

    [digest] = mail.outbox
    assert digest.to == ["ann@example.org"]
    assert "Crisis on X" in digest.body and "SLA breached: #4" in digest.body
    assert NotificationPreference.objects.get(user=user).last_digest_at is not None


def test_without_an_address_the_preferences_say_the_desk_only(staff: StaffFactory) -> None:
    _user, client = staff()

    page = client.get("/notifications/preferences/").content.decode()

    assert "you see your notifications here in the desk only" in page
    assert client.post("/notifications/preferences/", {"email": "weekly"}).status_code == 400


def test_a_channel_alert_reaches_the_people_who_look_after_channels_only(
    staff: StaffFactory, webhook_channel: Channel, django_user_model: Any
) -> None:
    admin = django_user_model.objects.create_superuser("root", "root@example.org")
    lead = django_user_model.objects.create_user("lead", is_staff=True)
    agent, agent_client = staff()

    for _ in range(2):
        hooks.channel_alert(
            hooks.ChannelAlert(
                channel=webhook_channel,
                code="token_expiring",
                title="The token of channel Partner webhook expires on 2026-12-09",
                dedupe_key="token-expiry:1:2026-12-09",
            )
        )

    alerts = Notification.objects.filter(kind="channel_alert")
    assert sorted(alerts.values_list("user__username", flat=True)) == ["lead", "root"]
    assert alerts.get(user=admin).url == "/channels/"
    assert unread_count(agent_client) == 0
    assert agent.pk not in alerts.values_list("user", flat=True)
    root_client = StaffClient()
    root_client.force_login(admin)
    page = root_client.get("/notifications/", {"category": "channels"}).content.decode()
    assert "expires on 2026-12-09" in page
    assert lead.pk in alerts.values_list("user", flat=True)


def test_a_flag_reaches_communications_and_spokespeople_but_not_the_flagger(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _flagger, client = staff("spokesperson")
    spokesperson, _ = staff("spokesperson")
    press, press_client = staff("agent", queues=("communications",))
    staff("agent")
    ticket = mention("Your product saved my day!")
    assert Queue.objects.get(slug="communications").members.filter(pk=press.pk).exists()

    client.post(f"/tickets/{ticket.pk}/action/", {"action": "flag", "flag_value": "nice"})

    flagged = Notification.objects.filter(kind="flagged")
    assert set(flagged.values_list("user", flat=True)) == {spokesperson.pk, press.pk}
    assert unread_count(press_client) == 1


def test_the_digest_words_what_the_desk_wrote_in_the_reader_s_language_now(
    staff: StaffFactory,
) -> None:
    user, client = staff()
    User.objects.filter(pk=user.pk).update(email="ann@example.org")
    client.post("/notifications/preferences/", {"email": "digest"})
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(users=[user], kind="crisis", title=lambda: gettext("Incidents"), dedupe_key="a")
    client.post("/preferences/", {"language": "sv", "time_zone": "Europe/Berlin"})

    assert send_notification_digests.apply().get() == 1

    [digest] = mail.outbox
    assert "- Incidenter" in digest.body
