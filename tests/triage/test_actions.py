from django.contrib.auth.models import User

from desk.models import Notification
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Queue, Ticket


def bulk(client, action: str, tickets: list[Ticket], **values: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/inbox/bulk/", {"action": action, "ids": [t.pk for t in tickets], **values}, follow=True
    )


def test_bulk_assign_to_me_is_audited_per_ticket(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff()
    tickets = [mention("one"), mention("two")]

    response = bulk(client, "assign_me", tickets)

    assert "2 tickets updated." in response.content.decode()
    for ticket in tickets:
        ticket.refresh_from_db()
        assert ticket.assignee == user
        assert ticket.events.filter(kind="assignee", actor=user, new_value=user.username).exists()


def test_bulk_assign_to_someone_outside_the_queue_is_refused(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    outsider = User.objects.create_user("outsider")
    ticket = mention("one")

    response = bulk(client, "assign", [ticket], assign_value=str(outsider.pk))

    assert "outsider is not a member of Inbound desk." in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.assignee is None


def test_bulk_move_priority_and_tag_are_audited(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff()
    ticket = mention("one")
    sales = Queue.objects.get(slug="sales")

    bulk(client, "priority", [ticket], priority_value="4")
    bulk(client, "tag", [ticket], tag_value="Sales-Lead")
    bulk(client, "move", [ticket], move_value=str(sales.pk))

    ticket.refresh_from_db()
    assert ticket.priority == Ticket.Priority.URGENT
    assert ticket.queue == sales
    assert list(ticket.tags.values_list("name", flat=True)) == ["sales-lead"]
    kinds = list(ticket.events.filter(actor=user).values_list("kind", "new_value"))
    assert kinds == [("priority", "4"), ("tag", "sales-lead"), ("queue", "sales")]


def test_bulk_resolve_and_netiquette_move_status_through_the_transition_table(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff()
    # Staff judge this one; the classifier does not mark it on arrival.
    resolved, rude = mention("thanks"), mention("lol, whatever, meh")

    bulk(client, "resolve", [resolved])
    bulk(client, "netiquette", [rude])

    assert Ticket.objects.get(pk=resolved.pk).status == Ticket.Status.RESOLVED
    rude.refresh_from_db()
    assert rude.status == Ticket.Status.IGNORED
    event = rude.events.get(kind="status", actor=user)
    assert (event.old_value, event.new_value) == ("new", "ignored")
    assert "netiquette" in event.note


def test_an_illegal_status_move_is_refused_with_a_message(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    ticket = mention("thanks")
    bulk(client, "netiquette", [ticket])

    response = bulk(client, "resolve", [ticket])

    assert "cannot move to" in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).status == Ticket.Status.IGNORED


def test_flagging_tells_the_communications_team(
    staff: StaffFactory, mention: MentionFactory, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    press, _press_client = staff("agent", queues=("communications",))
    user, client = staff()
    ticket = mention("Great talk at #clouddevcamp!")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/tickets/{ticket.pk}/action/", {"action": "flag", "flag_value": "good PR"})

    assert ticket.events.filter(kind="flagged", actor=user).exists()
    assert Notification.objects.get(user=press).url == f"/tickets/{ticket.pk}/"
    assert "flagged-to-communications" in ticket.tags.values_list("name", flat=True)


def test_a_flag_notification_keeps_the_post_and_the_note_each_in_its_own_run(
    staff: StaffFactory, mention: MentionFactory, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    press, press_client = staff("agent", queues=("communications",))
    _user, client = staff()
    ticket = mention("\u202egreat talk")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/tickets/{ticket.pk}/action/", {"action": "flag", "flag_value": "\u2069good PR"}
        )

    notification = Notification.objects.get(user=press)
    assert notification.title == (
        f"Flagged for communications: #{ticket.pk} \u2068great talk\u2069"
    )
    assert notification.body == "\u2068good PR\u2069"
    centre = press_client.get("/notifications/").content.decode()
    assert f"<bdi>Flagged for communications: #{ticket.pk} \u2068great talk\u2069</bdi>" in centre


def test_an_unknown_action_changes_nothing(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff()
    ticket = mention("one")

    response = client.post(f"/tickets/{ticket.pk}/action/", {"action": "explode"}, follow=True)

    assert "Choose an action." in response.content.decode()
    assert list(ticket.events.values_list("kind", flat=True)) == ["created"]
