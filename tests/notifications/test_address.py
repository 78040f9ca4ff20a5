"""A staff member sets the address their notifications go to, once the address confirms."""

import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django.utils import timezone

from desk.models import Notification
from desk.notifications import notify
from desk.privacy.models import AuditEntry
from tests.triage.conftest import StaffFactory


@pytest.fixture(autouse=True)
def fresh_allowance() -> None:
    """Each test's staff start with the hour's allowance of confirmation e-mails."""
    cache.clear()


def link_in(message: Any) -> str:
    [path] = re.findall(
        r"https?://[^/\s]+(/notifications/preferences/address/[^\s]+/)", message.body
    )
    return str(path)


def test_an_address_counts_once_the_link_mailed_to_it_is_confirmed(staff: StaffFactory) -> None:
    user, client = staff()
    page = client.get("/notifications/preferences/").content.decode()
    assert "you see your notifications here in the desk only" in page
    assert "Add an e-mail address" in page

    answer = client.post(
        "/notifications/preferences/address/", {"email": "ann@example.org"}, follow=True
    )

    assert "We sent a link to \u2068ann@example.org\u2069" in answer.content.decode()
    user.refresh_from_db()
    assert user.email == ""  # not before the address answered
    [message] = mail.outbox
    assert message.to == ["ann@example.org"]
    assert message.subject == "[socialdesk] Confirm your e-mail address"
    link = link_in(message)
    asked = client.get(link).content.decode()
    assert "Receive your notifications at <bdi>ann@example.org</bdi>?" in asked
    user.refresh_from_db()
    assert user.email == ""  # opening the link (or a mail scanner doing so) changes nothing

    done = client.post(link, follow=True).content.decode()

    assert "Your notifications now go to \u2068ann@example.org\u2069." in done
    assert "Your notifications are e-mailed to <bdi>ann@example.org</bdi>." in done
    user.refresh_from_db()
    assert user.email == "ann@example.org"
    # What the address was for: the next notification is e-mailed there.
    with TestCase.captureOnCommitCallbacks(execute=True):
        notify(users=[user], kind="crisis", title="Crisis on X", dedupe_key="k")
    assert mail.outbox[-1].to == ["ann@example.org"]
    assert Notification.objects.get(user=user).emailed_at is not None


def test_a_link_holds_only_for_its_user_for_a_day_and_until_the_address_changes(
    staff: StaffFactory,
) -> None:
    user, client = staff()
    client.post("/notifications/preferences/address/", {"email": "first@example.org"})
    client.post("/notifications/preferences/address/", {"email": "second@example.org"})
    first, second = (link_in(m) for m in mail.outbox)
    _other, stranger = staff()

    # Someone else who gets hold of the link cannot use it, on their account or on this one.
    assert stranger.post(second).status_code == 400
    assert User.objects.get(pk=user.pk).email == ""
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=25)):
        expired = client.get(second)
    assert expired.status_code == 400
    assert "no longer valid" in expired.content.decode()

    client.post(second)
    # The earlier link was for the address before; it no longer changes anything.
    assert client.post(first).status_code == 400
    assert User.objects.get(pk=user.pk).email == "second@example.org"
    assert client.post(f"{second[:-6]}xx/").status_code == 400


def test_an_address_that_is_not_one_is_refused_with_a_reason(staff: StaffFactory) -> None:
    _user, client = staff()
    client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    answer = client.post("/notifications/preferences/address/", {"email": "ann at example"})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Neue E-Mail-Adresse" in page and "gültige E-Mail Adresse" in page
    assert mail.outbox == []


def test_the_confirmation_reads_in_the_staff_members_language(staff: StaffFactory) -> None:
    _user, client = staff()
    client.post("/preferences/", {"language": "sv", "time_zone": "Europe/Berlin"})

    client.post("/notifications/preferences/address/", {"email": "sven@example.org"})

    [message] = mail.outbox
    assert message.subject == "[socialdesk] Bekräfta din e-postadress"


def test_on_the_demo_the_link_can_be_opened_from_the_log(
    staff: StaffFactory, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    # Without SMTP (make run) staff mail is written to the log: the link has to come out whole,
    # not cut into quoted-printable lines.
    settings.MAILERS = {"default": {"BACKEND": "desk.config.mail.ConsoleBackend"}}
    user, client = staff()

    client.post("/notifications/preferences/address/", {"email": "ann@example.org"})

    log = capsys.readouterr().out
    assert "To: ann@example.org\n" in log
    [link] = re.findall(r"^http://\S+(/notifications/preferences/address/\S+/)$", log, re.M)
    client.post(link)
    user.refresh_from_db()
    assert user.email == "ann@example.org"


def test_a_change_is_told_to_the_old_address_and_recorded_on_the_audit_log(
    staff: StaffFactory,
) -> None:
    user, client = staff()
    User.objects.filter(pk=user.pk).update(email="old@example.org")
    client.post("/notifications/preferences/address/", {"email": "new@example.org"})

    client.post(link_in(mail.outbox[-1]))

    told = mail.outbox[-1]
    assert told.to == ["old@example.org"]
    assert told.subject == "[socialdesk] Your e-mail address was changed"
    assert "now go to \u2068new@example.org\u2069" in told.body
    entry = AuditEntry.objects.get(action="staff.address_changed")
    assert (entry.actor_id, entry.target_id) == (user.pk, str(user.pk))
    assert entry.summary == "old@example.org → new@example.org"
    _manager, boss = staff("manager")
    shown = boss.get("/privacy/audit/?action=staff.").content.decode()
    assert "old@example.org → new@example.org" in shown


def test_past_the_hour_s_allowance_no_more_confirmations_are_sent(staff: StaffFactory) -> None:
    _user, client = staff()
    for n in range(5):
        client.post("/notifications/preferences/address/", {"email": f"a{n}@example.org"})
    assert len(mail.outbox) == 5

    refused = client.post("/notifications/preferences/address/", {"email": "a5@example.org"})

    assert refused.status_code == 429
    assert "too many confirmation e-mails" in refused.content.decode()
    assert len(mail.outbox) == 5
    # The allowance is each person's own.
    _other, colleague = staff()
    theirs = colleague.post("/notifications/preferences/address/", {"email": "b@example.org"})
    assert theirs.status_code == 302 and mail.outbox[-1].to == ["b@example.org"]
