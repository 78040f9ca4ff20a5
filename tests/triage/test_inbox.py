from datetime import timedelta

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from desk.triage.models import SavedView
from tests.desk.sla_helpers import berlin
from tests.triage.conftest import MentionFactory, StaffFactory
from tests.triage.sla_scenes import Desk
from tickets.models import Tag, Ticket


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.content.decode()[:500]
    return [t.pk for t in response.context["tickets"]]


def test_the_inbox_is_sorted_by_sla_due_time(staff: StaffFactory, mention: MentionFactory) -> None:
    _user, client = staff("spokesperson")
    desk = Desk(mention, client)
    late = desk.new(berlin(2026, 11, 23, 11), "a")  # due Thursday 11:00
    soon = desk.new(berlin(2026, 11, 23, 9, 30), "b")  # due Thursday 09:30
    later = desk.new(berlin(2026, 11, 23, 13), "c")  # due Thursday 13:00

    with time_machine.travel(berlin(2026, 11, 23, 14), tick=False):
        assert ids(client.get("/")) == [soon.pk, late.pk, later.pk]


def test_the_due_time_is_that_of_the_clock_the_badge_shows(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff("spokesperson")
    desk = Desk(mention, client)
    answered = desk.new(berlin(2026, 11, 16, 9), "first")  # first response due Thu 19 09:00
    desk.reply(answered, berlin(2026, 11, 16, 10))
    desk.customer_writes(answered, berlin(2026, 11, 23, 12))  # next response due Thu 26 12:00
    waiting = desk.new(berlin(2026, 11, 23, 10), "second")  # first response due Thu 26 10:00

    with time_machine.travel(berlin(2026, 11, 23, 14), tick=False):
        assert ids(client.get("/")) == [waiting.pk, answered.pk]


def test_keyset_pages_by_due_time_cover_every_ticket_once(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    tickets = [mention(f"question {n}") for n in range(7)]
    tickets[3].set_status(Ticket.Status.PENDING)  # paused: no clock runs, no due time
    _user, client = staff()

    seen: list[int] = []
    cursor = ""
    for _ in range(5):
        response = client.get("/", {"per_page": 25, "after": cursor} if cursor else {})
        seen += ids(response)
        cursor = response.context["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(t.pk for t in tickets)
    assert seen[-1] == tickets[3].pk  # without a due time: last


def test_a_cursor_we_did_not_write_gets_400(staff: StaffFactory) -> None:
    _user, client = staff()
    response = client.get("/", {"after": "due~yesterday~1"})
    assert response.status_code == 400
    assert "not valid" in response.content.decode()


def test_an_unknown_filter_value_gets_400_with_a_message(staff: StaffFactory) -> None:
    _user, client = staff()
    response = client.get("/", {"status": "exploded"})
    assert response.status_code == 400
    assert "exploded" in response.content.decode()


def test_filters_by_queue_status_assignee_language_and_sentiment(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff()
    technical = mention("Login error 500", language="de")
    negative = mention("This is bad", sentiment="negative", language="en")
    mine = mention("Hello")
    Ticket.objects.filter(pk=mine.pk).update(assignee=user)
    resolved = mention("Thanks")
    resolved.set_status(Ticket.Status.RESOLVED)

    assert ids(client.get("/", {"queue": "technical"})) == [technical.pk]
    assert ids(client.get("/", {"language": "de"})) == [technical.pk]
    assert ids(client.get("/", {"sentiment": "negative"})) == [negative.pk]
    assert ids(client.get("/", {"assignee": "me"})) == [mine.pk]
    assert mine.pk not in ids(client.get("/", {"assignee": "unassigned"}))
    assert ids(client.get("/", {"status": "resolved"})) == [resolved.pk]
    assert resolved.pk not in ids(client.get("/"))


def test_filters_by_tag_and_creation_date(staff: StaffFactory, mention: MentionFactory) -> None:
    tagged, old = mention("one"), mention("two")
    tagged.tags.add(Tag.objects.create(name="sales-lead"))
    Ticket.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=10))
    _user, client = staff()
    today = timezone.localdate().isoformat()

    assert ids(client.get("/", {"tag": "Sales-Lead"})) == [tagged.pk]
    assert ids(client.get("/", {"created_from": today})) == [tagged.pk]
    assert set(ids(client.get("/", {"created_to": today}))) == {tagged.pk, old.pk}


def test_search_finds_words_of_the_post_and_the_authors_name(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    parcel = mention("My parcel never arrived", name="Bob Builder")
    invoice = mention("Invoice is wrong", name="Carla Jones")
    _user, client = staff()

    assert ids(client.get("/", {"q": "parcel"})) == [parcel.pk]
    assert ids(client.get("/", {"q": "Carla Jones"})) == [invoice.pk]


def test_the_built_in_saved_views_filter_the_inbox(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    user, client = staff()
    desk = Desk(mention, client)
    # On Saturday noon the first two are on track; the third, due Monday 10:00, is at risk.
    mine = desk.new(berlin(2026, 11, 20, 9), "hello")
    Ticket.objects.filter(pk=mine.pk).update(assignee=user)
    unassigned_technical = desk.new(berlin(2026, 11, 20, 9), "Login error 500")
    at_risk = desk.new(berlin(2026, 11, 18, 10), "soon")
    views = {v.name: v for v in SavedView.objects.filter(owner=None)}

    assert set(views) == {"My open", "Unassigned technical", "At risk"}
    with time_machine.travel(berlin(2026, 11, 21, 12), tick=False):
        assert ids(client.get(f"/?{views['My open'].query_string}")) == [mine.pk]
        assert ids(client.get(f"/?{views['Unassigned technical'].query_string}")) == [
            unassigned_technical.pk
        ]
        assert ids(client.get(f"/?{views['At risk'].query_string}")) == [at_risk.pk]


def test_a_user_saves_the_current_filters_as_a_view(staff: StaffFactory) -> None:
    user, client = staff()
    response = client.post(
        "/inbox/views/", {"name": "German tech", "query": "language=de&queue=technical"}
    )

    view = SavedView.objects.get(owner=user)
    assert view.query == {"queue": ["technical"], "language": ["de"]}
    assert response.status_code == 302
    assert "German tech" in client.get("/").content.decode()


def test_the_sidebar_counts_open_tickets_per_queue(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    mention("Login error 500")
    mention("hello")
    mention("hi")
    _user, client = staff()

    counts = client.get("/").context["counts"]
    by_slug = {q.slug: counts.get(q.pk, 0) for q in client.get("/").context["queues"]}
    assert by_slug == {"inbound": 2, "technical": 1}


def test_a_page_costs_the_same_queries_whatever_its_size(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    for n in range(20):
        ticket = mention(f"question {n}")
        ticket.tags.add(Tag.objects.get_or_create(name=f"t{n % 3}")[0])
    _user, client = staff()
    client.get("/")  # sessions and permission caches warm

    def queries(per_page: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/", {"per_page": per_page}).status_code == 200
        return len(captured.captured_queries)

    assert queries(25) == queries(100)
    # 14 before the badges came from the SLA engine; +1 for the policies' targets.
    assert queries(100) <= 15


def test_new_mentions_are_announced_without_reloading_the_list(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    _user, client = staff()
    page = client.get("/")
    since = page.context["rendered_at"]
    assert client.get("/inbox/new/", {"since": since}).content.decode().strip() == ""

    mention("fresh one")
    mention("and another")
    fragment = client.get("/inbox/new/", {"since": since}).content.decode()

    assert "2 new mentions" in fragment
    assert "<table" not in fragment


def test_the_new_mention_poll_refuses_a_missing_time(staff: StaffFactory) -> None:
    _user, client = staff()
    assert client.get("/inbox/new/").status_code == 400
