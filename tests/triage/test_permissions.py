from django.contrib.auth.models import Group, Permission

from desk.outbound.models import ReplyApproval
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Message, Ticket


def test_the_four_roles_exist_with_their_permissions(db: None) -> None:
    def codenames(role: str) -> set[str]:
        return set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))

    assert codenames("agent") == {"work_tickets"}
    assert {"post_company_voice", "answer_negative_posts", "approve_replies"} <= codenames(
        "spokesperson"
    )
    assert "post_company_voice" not in codenames("manager")
    assert {"view_dashboards", "edit_policies"} <= codenames("manager")
    assert {"add_confidentialterm", "edit_policies", "approve_replies"} <= codenames("admin")
    assert Permission.objects.filter(codename="work_tickets").count() == 1


def test_a_user_without_a_role_is_refused_the_desk(staff: StaffFactory) -> None:
    _user, client = staff(role="")
    assert client.get("/").status_code == 403


def test_the_inbox_shows_only_the_users_queues(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    technical = mention("Login error 500 since the update")
    inbound = mention("Do you ship to Austria?")
    _user, client = staff(queues=("inbound",))

    ids = [t.pk for t in client.get("/").context["tickets"]]

    assert ids == [inbound.pk]
    assert technical.queue.slug == "technical"


def test_another_queues_ticket_is_not_found_on_any_staff_endpoint(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ticket = mention("Login error 500 since the update")  # technical support
    _user, client = staff(queues=("inbound",))
    base = f"/tickets/{ticket.pk}"

    assert client.get(f"{base}/").status_code == 404
    assert client.post(f"{base}/reply/", {"text": "hi", "voice": "company"}).status_code == 404
    assert client.post(f"{base}/note/", {"text": "hi"}).status_code == 404
    assert client.post(f"{base}/action/", {"action": "resolve"}).status_code == 404
    assert client.post(f"{base}/presence/").status_code == 404
    assert client.get(f"{base}/replies/1/delivery/").status_code == 404
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW
    assert not Message.objects.filter(direction="out").exists()
    assert not ticket.notes.exists()


def test_bulk_actions_skip_tickets_outside_the_users_queues(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    foreign = mention("Login error 500 since the update")
    own = mention("Do you ship to Austria?")
    _user, client = staff(queues=("inbound",))

    response = client.post(
        "/inbox/bulk/", {"action": "resolve", "ids": [foreign.pk, own.pk]}, follow=True
    )

    assert "1 ticket is not in your queues." in response.content.decode()
    assert Ticket.objects.get(pk=own.pk).status == Ticket.Status.RESOLVED
    assert Ticket.objects.get(pk=foreign.pk).status == Ticket.Status.NEW


def test_only_spokespeople_reach_the_approval_queue(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _agent, agent = staff("agent")
    _manager, manager = staff("manager")
    _spokesperson, spokesperson = staff("spokesperson")

    assert agent.get("/approvals/").status_code == 403
    assert manager.get("/approvals/").status_code == 403
    assert spokesperson.get("/approvals/").status_code == 200


def test_an_agent_cannot_approve_a_draft_by_posting_to_the_approval_endpoint(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ticket = mention("Your product is terrible", sentiment="negative")
    agent_user, agent = staff("agent")
    agent.post(f"/tickets/{ticket.pk}/reply/", {"text": "Sorry!", "voice": "company"})
    approval = ReplyApproval.objects.get()

    response = agent.post(f"/approvals/{approval.pk}/", {"decision": "approve"})

    assert response.status_code == 403
    approval.refresh_from_db()
    assert approval.state == ReplyApproval.State.PENDING
    assert approval.drafted_by == agent_user
