import pytest

from tickets.models import IllegalTransition, Ticket, TicketEvent
from tickets.models.tickets import AppendOnlyError


@pytest.fixture
def ticket(api, webhook_channel) -> Ticket:  # type: ignore[no-untyped-def]
    from tests.conftest import post_json

    post_json(api, "/api/v1/inquiries/", {"text": "hi", "author": {"name": "Ann"}})
    return Ticket.objects.get()


@pytest.mark.parametrize(
    ("path", "refused"),
    [
        (["resolved", "closed"], "open"),
        (["ignored"], "resolved"),
        (["resolved"], "pending"),
        ([], "closed"),
    ],
)
def test_illegal_moves_are_refused_and_leave_no_trace(
    ticket: Ticket, path: list[str], refused: str
) -> None:
    for status in path:
        ticket.set_status(status)
    events_before = ticket.events.count()

    with pytest.raises(IllegalTransition):
        ticket.set_status(refused)

    ticket.refresh_from_db()
    assert ticket.status == (path[-1] if path else "new")
    assert ticket.events.count() == events_before


def test_every_status_change_is_audited(ticket: Ticket) -> None:
    ticket.set_status("open")
    ticket.set_status("resolved")
    ticket.set_status("open", note="customer came back")

    changes = list(ticket.events.filter(kind="status").values_list("old_value", "new_value"))
    assert changes == [("new", "open"), ("open", "resolved"), ("resolved", "open")]
    ticket.refresh_from_db()
    assert ticket.reopened_count == 1


def test_audit_events_cannot_be_changed_or_deleted(ticket: Ticket) -> None:
    event = TicketEvent.objects.first()
    assert event is not None
    event.note = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
