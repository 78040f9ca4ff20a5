"""The SLA sweep (Celery beat task): warnings and breaches recorded once, then escalated."""

import re
import threading
from collections import Counter
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group, User
from django.core import mail
from django.db import connection, connections
from django.test import Client

from desk.models import Notification
from desk.sla.models import SlaEvent, SlaPolicy
from desk.sla.tasks import sweep_sla
from tests.conftest import skip_or_fail
from tests.desk.sla_helpers import berlin, inquire
from tickets.models import Queue, Ticket

pytestmark = pytest.mark.usefixtures("default_policy")


@pytest.fixture
def manager(db: None) -> User:
    user = User.objects.create_user("mona", email="mona@example.org")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    Queue.objects.get_or_create(slug="inbound", defaults={"name": "Inbound desk"})[0].members.add(
        user
    )
    return user


def sweep_at(when: Any, capture: Any) -> None:
    with time_machine.travel(when, tick=False), capture(execute=True):
        sweep_sla.delay()


def test_a_breach_is_recorded_once_and_escalated_once(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))  # due Thursday 26 November, 10:00

    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)
    sweep_at(berlin(2026, 11, 26, 10, 2), django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    breach = SlaEvent.objects.get(ticket=ticket, kind="breach")
    assert breach.target == "first_response"
    assert breach.due_at == berlin(2026, 11, 26, 10)
    assert Notification.objects.filter(user=manager, kind="sla_breach").count() == 1
    assert [m.to for m in mail.outbox] == [["mona@example.org"]]
    assert ticket.priority == Ticket.Priority.HIGH
    assert ticket.first_response_breached
    assert ticket.next_sla_event_at is None


def test_a_breach_recorded_before_is_not_escalated_again_when_its_ticket_is_swept_anew(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))
    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)
    # As after a recompute that put the ticket's next event back in the past.
    Ticket.objects.update(next_sla_event_at=berlin(2026, 11, 26, 10))

    sweep_at(berlin(2026, 11, 26, 10, 5), django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    assert SlaEvent.objects.filter(ticket=ticket, kind="breach").count() == 1
    assert ticket.events.filter(kind="sla_breach").count() == 1
    assert Notification.objects.filter(user=manager, kind="sla_breach").count() == 1
    assert ticket.priority == Ticket.Priority.HIGH  # raised once, not twice
    assert ticket.next_sla_event_at is None


def test_a_warning_comes_before_the_breach(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))

    sweep_at(berlin(2026, 11, 25, 13, 0), django_capture_on_commit_callbacks)
    assert not SlaEvent.objects.exists()
    sweep_at(berlin(2026, 11, 25, 13, 13), django_capture_on_commit_callbacks)
    sweep_at(berlin(2026, 11, 26, 10, 0), django_capture_on_commit_callbacks)

    kinds = list(SlaEvent.objects.order_by("id").values_list("kind", flat=True))
    assert kinds == ["warning", "breach"]
    assert list(
        Notification.objects.filter(user=manager).order_by("id").values_list("kind", flat=True)
    ) == ["sla_warning", "sla_breach"]


def test_without_queue_managers_the_superusers_are_told(
    api: Client, django_capture_on_commit_callbacks: Any
) -> None:
    admin = User.objects.create_superuser("root", email="root@example.org")
    inquire(api, berlin(2026, 11, 23, 10))

    sweep_at(berlin(2026, 11, 27, 9), django_capture_on_commit_callbacks)

    assert Notification.objects.get().user == admin


def test_a_policy_can_reassign_breached_tickets(
    api: Client, manager: User, default_policy: SlaPolicy, django_capture_on_commit_callbacks: Any
) -> None:
    lead = User.objects.create_user("lead")
    default_policy.escalate_to = lead
    default_policy.raise_priority_on_breach = False
    default_policy.save()
    inquire(api, berlin(2026, 11, 23, 10))

    sweep_at(berlin(2026, 11, 27, 9), django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    assert ticket.assignee == lead
    assert ticket.priority == Ticket.Priority.NORMAL
    assert set(Notification.objects.values_list("user__username", flat=True)) == {"mona", "lead"}


@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_record_each_breach_and_notification_once(
    api: Client, manager: User
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("row locks need PostgreSQL (DATABASE_URL)")
    for n in range(12):
        inquire(api, berlin(2026, 11, 23, 10), text=f"Question {n}")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def run() -> None:
        try:
            start.wait()
            # apply(), not an eager delay(): Celery's eager delay() toggles a process-wide
            # "joining would block" flag that two threads can leave set, failing every later
            # result.get() in the suite (tests/test_fault_drills.py).
            sweep_sla.apply()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    with time_machine.travel(berlin(2026, 11, 27, 9), tick=False):
        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert errors == []
    assert SlaEvent.objects.filter(kind="breach").count() == 12
    # Each sweep tells of the breaches it recorded, one by one or several in one notification
    # ("SLA breached on 7 tickets"): together they tell of each breach once.
    titles = Notification.objects.filter(user=manager, kind="sla_breach").values_list(
        "title", flat=True
    )
    told = [re.fullmatch(r"SLA breached(?:: #\d+ .*| on (\d+) tickets)", t) for t in titles]
    assert all(told), titles
    assert sum(int(m[1] or 1) for m in told if m) == 12
    assert set(Ticket.objects.values_list("priority", flat=True)) == {Ticket.Priority.HIGH}


def test_a_mail_server_that_is_down_does_not_undo_the_escalation(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any, settings: Any
) -> None:
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    inquire(api, berlin(2026, 11, 23, 10))

    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)

    assert Notification.objects.filter(user=manager, kind="sla_breach").count() == 1
    assert SlaEvent.objects.filter(kind="breach").count() == 1


@pytest.fixture
def swedish(manager: User) -> User:
    """A second manager of the inbound queue, who reads the desk in Swedish."""
    user = User.objects.create_user("sven", email="sven@example.org")
    user.groups.add(Group.objects.get(name="manager"))
    Queue.objects.get(slug="inbound").members.add(user)
    return user


def test_each_manager_reads_the_breach_in_their_own_language(
    api: Client, manager: User, swedish: User, django_capture_on_commit_callbacks: Any
) -> None:
    for user, language in ((manager, "de"), (swedish, "sv")):
        client = Client()
        client.force_login(user)
        client.post("/preferences/", {"language": language, "time_zone": "Europe/Berlin"})
    inquire(api, berlin(2026, 11, 23, 10))

    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)

    ticket = Ticket.objects.get()
    german = Notification.objects.get(user=manager, kind="sla_breach")
    assert german.title.startswith(f"SLA verletzt: #{ticket.pk}")
    assert "Fällig" in german.body
    assert Notification.objects.get(user=swedish).title.startswith("SLA överskridet")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["sven@example.org"].startswith("[socialdesk] SLA överskridet")


def test_a_manager_who_chose_no_language_is_notified_in_the_one_their_pages_show(
    api: Client, manager: User, swedish: User, django_capture_on_commit_callbacks: Any
) -> None:
    german_browser = Client(HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    german_browser.force_login(manager)
    assert 'lang="de"' in german_browser.get("/").content.decode()
    # Sven chose Swedish, and his browser asks for German: his choice wins.
    swedish_choice = Client(HTTP_ACCEPT_LANGUAGE="de")
    swedish_choice.force_login(swedish)
    swedish_choice.post("/preferences/", {"language": "sv", "time_zone": "Europe/Berlin"})
    swedish_choice.get("/")
    inquire(api, berlin(2026, 11, 23, 10))

    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)

    assert Notification.objects.get(user=manager).title.startswith("SLA verletzt")
    assert Notification.objects.get(user=swedish).title.startswith("SLA överskridet")
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects["mona@example.org"].startswith("[socialdesk] SLA verletzt")


def test_a_notification_written_before_the_reader_chose_a_language_reads_in_the_new_one(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    inquire(api, berlin(2026, 11, 23, 10))
    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)
    assert Notification.objects.get(user=manager).title.startswith("SLA breached")  # as sent

    client = Client()
    client.force_login(manager)
    client.post("/preferences/", {"language": "fr", "time_zone": "Europe/Berlin"})
    centre = client.get("/notifications/").content.decode()

    ticket = Ticket.objects.get()
    assert f"SLA dépassé : #{ticket.pk}" in centre
    assert "SLA breached" not in centre


def test_a_subject_that_turns_text_around_stays_inside_its_own_run_in_the_notification(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    # A closing isolate and a right-to-left override: unchecked, "Due ..." after the subject
    # would read backwards, in the centre and in the e-mail alike.
    inquire(api, berlin(2026, 11, 23, 10), text="\u2069\u202eexe.gpj photo of my order")
    sweep_at(berlin(2026, 11, 26, 10, 1), django_capture_on_commit_callbacks)

    isolated_subject = "\u2068exe.gpj photo of my order\u2069"
    [message] = mail.outbox
    assert message.body.startswith(isolated_subject + "\nDue 11/26/2026 10 a.m. CET.")
    client = Client(HTTP_ACCEPT_LANGUAGE="de")
    client.force_login(manager)
    centre = client.get("/notifications/").content.decode()
    assert f'<p class="body"><bdi>{isolated_subject}<br>Fällig 26.11.2026 10:00 CET.</bdi></p>' in (
        centre
    )
    assert "\u202e" not in centre


def test_a_sweep_over_a_backlog_tells_each_manager_once_and_lists_the_tickets(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    # The first sweep after a quiet weekend: a dozen tickets are past due at once.
    for n in range(12):
        inquire(api, berlin(2026, 11, 23, 10), text=f"Question {n}")
    sweep_at(berlin(2026, 11, 27, 9), django_capture_on_commit_callbacks)

    [told] = Notification.objects.filter(user=manager)
    assert told.kind == "sla_breach" and told.title == "SLA breached on 12 tickets"
    oldest = Ticket.objects.order_by("pk")
    assert told.body.startswith(
        f"#{oldest[0].pk} First response due 11/26/2026 10 a.m. CET · \u2068Question 0\u2069\n"
    )
    assert told.body.count("First response due") == 10
    assert told.body.endswith("and 2 more tickets")
    [email] = mail.outbox
    assert email.to == ["mona@example.org"]
    assert email.subject == "[socialdesk] SLA breached on 12 tickets"
    # All twelve are breached all the same, each in its own audit trail.
    assert SlaEvent.objects.filter(kind="breach").count() == 12

    client = Client(HTTP_ACCEPT_LANGUAGE="pl")
    client.force_login(manager)
    centre = client.get("/notifications/").content.decode()
    assert "SLA przekroczone w 12 zgłoszeniach" in centre
    inbox = client.get(f"/notifications/{told.pk}/", follow=True)
    assert inbox.redirect_chain[-1][0] == "/?sla=breached"
    listed = {int(pk) for pk in re.findall(r"/tickets/(\d+)/", inbox.content.decode())}
    assert listed == set(Ticket.objects.values_list("pk", flat=True))


def test_a_few_breaches_are_still_told_one_by_one(
    api: Client, manager: User, django_capture_on_commit_callbacks: Any
) -> None:
    for n in range(3):
        inquire(api, berlin(2026, 11, 23, 10), text=f"Question {n}")
    sweep_at(berlin(2026, 11, 27, 9), django_capture_on_commit_callbacks)

    titles = Counter(Notification.objects.filter(user=manager).values_list("title", flat=True))
    assert titles == Counter(
        f"SLA breached: #{pk} First response" for pk in Ticket.objects.values_list("pk", flat=True)
    )
    assert len(mail.outbox) == 3
