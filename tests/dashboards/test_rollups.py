"""The rollups stay equal to a recomputation from scratch, whatever happens to the tickets."""

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from channels.models import Channel
from desk.dashboards import rollups
from desk.dashboards.metrics import RESPONDED, counters
from desk.dashboards.models import (
    MentionGroupDay,
    MentionHour,
    ResponseBucketDay,
    RollupState,
    TicketAgentDay,
    TicketDay,
    TicketGroupDay,
)
from desk.dashboards.tasks import refresh_rollups
from desk.sla.tasks import sweep_sla
from tests.conftest import mention_payload, post_json, skip_or_fail
from tests.dashboards.helpers import berlin, figures, held_open_elsewhere, rebuild, reply
from tickets.models import Message, Ticket

pytestmark = pytest.mark.usefixtures("default_policy")
Status = Ticket.Status
LANGUAGES = ("de", "en", "fr", "pl", "sv", "")


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        # By repr: the grouping-set rollups hold NULL keys, which do not compare with numbers.
        model.__name__: sorted(
            (tuple(row[1:]) for row in model.objects.values_list(*_columns(model))), key=repr
        )
        for model in (
            TicketDay,
            TicketAgentDay,
            TicketGroupDay,
            ResponseBucketDay,
            MentionHour,
            MentionGroupDay,
        )
    }


def _columns(model: Any) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


class Desk:
    """Random things staff, customers and the SLA sweep do, in time order."""

    def __init__(self, seed: int, api: Client, staff: Client, deliver: Callable[..., Any]) -> None:
        self.rng = random.Random(seed)
        self.api, self.staff, self.deliver = api, staff, deliver
        self.now = berlin(2026, 11, 2, 8, 0)
        self.sequence = 0
        self.monitored = Channel.objects.create(
            kind="webhook",
            name="Monitored",
            service_level=Channel.ServiceLevel.MONITORED,
            credentials={"secret": "s3cret"},
        )
        users = get_user_model().objects
        self.agents = [users.create_user(f"agent{n}") for n in range(3)]

    def step(self) -> None:
        self.now += timedelta(minutes=self.rng.randint(5, 900))
        action = self.rng.choice(
            [
                self.inquiry,
                self.mention,
                self.mention,
                self.customer_reply,
                self.reply,
                self.reply,
                self.move,
                self.move,
                self.assign,
                self.sweep,
                self.monitored_mention,
                self.refresh,
            ]
        )
        with time_machine.travel(self.now, tick=False):
            action()

    def _id(self) -> str:
        self.sequence += 1
        return f"m{self.sequence}"

    def _ticket(self) -> Ticket | None:
        tickets = list(Ticket.objects.order_by("id"))
        return self.rng.choice(tickets) if tickets else None

    def inquiry(self) -> None:
        language = self.rng.choice(["de", "en", "fr"])
        payload = {"text": "Where is my order?", "author": {"name": "Ann"}, "language": language}
        assert post_json(self.api, "/api/v1/inquiries/", payload).status_code == 201

    def mention(self) -> None:
        self.deliver(
            mention_payload(
                self._id(),
                "A question",
                author_id=f"u{self.rng.randint(1, 6)}",
                language=self.rng.choice(LANGUAGES),
            )
        )

    def customer_reply(self) -> None:
        parents = list(
            Message.objects.filter(platform_id__startswith="m").values_list(
                "platform_id", flat=True
            )
        )
        if parents:
            payload = mention_payload(self._id(), "Any news?", parent_id=self.rng.choice(parents))
            self.deliver(payload)

    def reply(self) -> None:
        ticket = self._ticket()
        if ticket is not None and ticket.status != Status.CLOSED:
            data = {"text": "On it.", "voice": "company"}
            if self.rng.random() < 0.3:
                data["holding"] = "1"
            self.staff.post(f"/tickets/{ticket.pk}/reply/", data)

    def move(self) -> None:
        ticket = self._ticket()
        if ticket is None:
            return
        allowed = sorted(Ticket.TRANSITIONS[ticket.status])
        if allowed:
            ticket.set_status(self.rng.choice(allowed))

    def assign(self) -> None:
        ticket = self._ticket()
        if ticket is not None:
            ticket.assignee = self.rng.choice([*self.agents, None])
            ticket.save(update_fields=["assignee", "updated_at"])

    def sweep(self) -> None:
        # Far enough for due times to pass; the sweep flags breaches without touching
        # updated_at, so the refresh must find them through their SLA events.
        self.now += timedelta(days=self.rng.randint(1, 4))
        with time_machine.travel(self.now, tick=False):
            sweep_sla.apply()

    def monitored_mention(self) -> None:
        self.deliver(mention_payload(self._id(), "Seen it", language="en"), self.monitored)

    def refresh(self) -> None:
        refresh_rollups.apply()

    def finish(self) -> datetime:
        self.now += timedelta(minutes=1)
        with time_machine.travel(self.now, tick=False):
            refresh_rollups.apply()
        return self.now


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_equal_a_recomputation_after_random_operations(
    seed: int, api: Client, manager_client: Client, deliver: Callable[..., Any]
) -> None:
    desk = Desk(seed, api, manager_client, deliver)
    with time_machine.travel(desk.now, tick=False):
        refresh_rollups.apply()
    for _ in range(60):
        desk.step()
    when = desk.finish()
    incremental = snapshot()

    with time_machine.travel(when, tick=False):
        rebuild()

    assert incremental == snapshot()
    totals = {
        name: sum(row[4 + n] for row in incremental["TicketDay"])
        for n, name in enumerate(["tickets", "ignored", "sla", "met", "breached"])
    }
    assert totals["tickets"] > 5 and totals["met"] + totals["breached"] > 0


def test_a_breach_found_by_the_sla_sweep_reaches_the_rollups(
    api: Client, manager_client: Client, deliver: Callable[..., Any]
) -> None:
    with time_machine.travel(berlin(2026, 11, 23, 10, 0), tick=False):
        refresh_rollups.apply()
        post_json(api, "/api/v1/inquiries/", {"text": "Hello?", "author": {"name": "Ann"}})
    with time_machine.travel(berlin(2026, 11, 23, 12, 0), tick=False):
        refresh_rollups.apply()
    with time_machine.travel(berlin(2026, 11, 27, 10, 0), tick=False):
        sweep_sla.apply()
        refresh_rollups.apply()

    (row,) = TicketDay.objects.all()
    assert (row.sla, row.breached, row.waiting) == (1, 1, 0)


def test_percentiles_follow_the_next_refresh(api: Client, manager_client: Client) -> None:
    first = inquire_at(api, berlin(2026, 11, 23, 10, 0))
    reply(manager_client, first, berlin(2026, 11, 23, 12, 0))
    with time_machine.travel(berlin(2026, 11, 23, 12, 5), tick=False):
        refresh_rollups.apply()
        before = figures(manager_client, **{"from": "2026-11-23", "to": "2026-11-23"})
    assert before["median_business"] == 2.0

    third = inquire_at(api, berlin(2026, 11, 23, 11, 0))
    reply(manager_client, third, berlin(2026, 11, 23, 17, 0))
    with time_machine.travel(berlin(2026, 11, 23, 17, 5), tick=False):
        refresh_rollups.apply()
        after = figures(manager_client, **{"from": "2026-11-23", "to": "2026-11-23"})

    assert after["median_business"] == 4.0


def inquire_at(api: Client, when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        response = post_json(api, "/api/v1/inquiries/", {"text": "Hi", "author": {"name": "Cy"}})
    return response.json()["ticket"]["id"]


def plain_figures(**keys: Any) -> dict[str, Any]:
    """Summary figures recomputed from the tickets alone, without any rollup."""
    tickets = Ticket.objects.filter(**keys)
    predicates = counters(timezone.now())
    found: dict[str, Any] = {
        name: tickets.filter(predicates[name]).count()
        for name in ("tickets", "sla", "met", "breached", "waiting", "ignored", "reopened")
    }
    responded = list(
        tickets.filter(RESPONDED).values_list(
            "first_response_seconds", "first_responded_at", "created_at"
        )
    )
    business = sorted(float(seconds) for seconds, _, _ in responded)
    wall = sorted((answered - created).total_seconds() for _, answered, created in responded)
    for name, fraction in (("median", 0.5), ("p90", 0.9)):
        found[f"{name}_business"] = _hours(_percentile(business, fraction))
        found[f"{name}_wall"] = _hours(_percentile(wall, fraction))
    return found


def _percentile(ordered: list[float], fraction: float) -> float | None:
    if not ordered:
        return None
    position = fraction * (len(ordered) - 1)
    lower, upper = int(position), min(int(position) + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def _hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


@pytest.mark.parametrize("seed", [4, 5])
def test_every_single_filter_reads_figures_equal_to_a_plain_recomputation(
    seed: int, api: Client, manager: Any, manager_client: Client, deliver: Callable[..., Any]
) -> None:
    desk = Desk(seed, api, manager_client, deliver)
    with time_machine.travel(desk.now, tick=False):
        refresh_rollups.apply()
    for _ in range(60):
        desk.step()
    when = desk.finish()
    ticket = Ticket.objects.order_by("id").first()
    assert ticket is not None
    views: list[tuple[dict[str, str], dict[str, Any]]] = [
        ({}, {}),
        ({"channel": str(ticket.channel_id)}, {"channel_id": ticket.channel_id}),
        ({"queue": str(ticket.queue_id)}, {"queue_id": ticket.queue_id}),
        ({"agent": str(desk.agents[0].pk)}, {"assignee": desk.agents[0]}),
        ({"agent": "none"}, {"assignee__isnull": True}),
        ({"language": "de"}, {"language": "de"}),
    ]

    with time_machine.travel(when, tick=False):
        # A session of its own: the desk's weeks of replies outlived the first one.
        reader = Client()
        reader.force_login(manager)
        for params, keys in views:
            found = figures(reader, **{"from": "2026-10-01", "to": "2027-03-01"}, **params)
            expected = plain_figures(**keys)
            assert {name: found[name] for name in expected} == expected, params


def _days_taken_in(when: datetime) -> int:
    with time_machine.travel(when, tick=False):
        return refresh_rollups.apply().get()


def test_a_change_to_many_days_is_taken_in_once_not_again_each_minute(
    transactional_db: None, api: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): elsewhere the whole overlap is read")
    monkeypatch.setattr(rollups, "REBUILD_ABOVE_DAYS", 2)
    for day in (2, 9, 16):
        inquire_at(api, berlin(2026, 11, day, 10, 0))
    _days_taken_in(berlin(2026, 11, 20, 10, 0))  # the first run rebuilds
    # One bulk change across three days: more than a day-by-day recomputation is worth.
    Ticket.objects.update(priority=1, updated_at=berlin(2026, 11, 20, 10, 1))

    assert _days_taken_in(berlin(2026, 11, 20, 10, 2)) == 3
    assert RollupState.objects.get(pk=1).rebuilt_at == berlin(2026, 11, 20, 10, 2)
    # Within the overlap the same change is not taken in again (it was rebuilt every minute).
    assert _days_taken_in(berlin(2026, 11, 20, 10, 3)) == 0
    assert RollupState.objects.get(pk=1).rebuilt_at == berlin(2026, 11, 20, 10, 2)


def test_a_change_that_commits_after_a_refresh_began_is_taken_in_by_the_next(
    transactional_db: None, api: Client
) -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("needs PostgreSQL (DATABASE_URL): SQLite has one writer at a time")
    ticket = inquire_at(api, berlin(2026, 11, 2, 10, 0))
    _days_taken_in(berlin(2026, 11, 20, 10, 0))

    def resolve() -> None:  # stamped 10:01, committed after the 10:02 refresh
        Ticket.objects.filter(pk=ticket).update(
            status=Status.IGNORED, updated_at=berlin(2026, 11, 20, 10, 1)
        )

    with held_open_elsewhere(resolve):
        assert _days_taken_in(berlin(2026, 11, 20, 10, 2)) == 0  # not committed yet

    assert _days_taken_in(berlin(2026, 11, 20, 10, 3)) == 1
    (row,) = TicketDay.objects.all()
    assert (row.tickets, row.ignored) == (1, 1)
