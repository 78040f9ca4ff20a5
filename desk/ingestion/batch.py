"""Many stored events ingested together: the common case of a spike in a few statements.

Most mentions of a spike are new posts, each starting a conversation and its ticket. For
those the batch inserts the rows `ingest` would insert one mention at a time, and takes the
same steps in the same order, with a statement per kind of work for all of them: one look for
messages already stored (redeliveries, parents), one upsert of the authors' identities, one
INSERT each for conversations, messages, tickets, their audit and decisions; after the commit,
one counter, index and tally upsert for all (desk.classification.observers).

Any other event is left to the caller, to be ingested one at a time after these: an event
that edits or removes earlier posts, a mention already stored or echoed from us, a reply to a
message we have, a reply in a thread where its author already has a conversation, and an event
whose outcome could depend on an earlier one of the batch that is left to the caller too, or
on another of the batch at all (the same post twice, a reply to a post of the batch, two new
authors with one e-mail address). If anything fails, nothing done here is kept (one savepoint)
and every event is left to the caller, where a poison event fails alone.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model, Q

from channels.adapters.base import Mention, ParsedEvent
from channels.models import InboundEvent
from desk.classification.observers import NewMessage
from desk.classification.types import Classification
from desk.ingestion.counting import count_after_commit
from desk.ingestion.identities import upsert_identities
from desk.ingestion.pipeline import NewMention, record_new_message, rows_of_new_conversation
from tickets.models import Conversation, Message

log = logging.getLogger(__name__)

# Each plan leaves out more events than the last; past this many, all go one at a time.
_MAX_PLANS = 3

Key = tuple[int, str]  # (channel id, platform id)


@dataclass(frozen=True)
class ParsedItem:
    event: InboundEvent
    parsed: ParsedEvent
    # One per mention, in order (none for an ignored or unsupported event).
    classifications: Sequence[Classification]


def ingest_together(items: Sequence[ParsedItem]) -> dict[int, tuple[str, str]]:
    """Ingest what can be ingested together; return the state and note of each event done, by
    its key. The events not in the answer are the caller's to ingest, in their order."""
    states: dict[int, tuple[str, str]] = {}
    ingestible = []
    for item in items:
        if item.parsed.unsupported_because:
            states[item.event.pk] = (
                InboundEvent.State.UNSUPPORTED,
                item.parsed.unsupported_because,
            )
        elif item.parsed.ignored_because:
            states[item.event.pk] = (InboundEvent.State.IGNORED, item.parsed.ignored_because)
        else:
            ingestible.append(item)
    left_out: set[int] = set()
    for _ in range(_MAX_PLANS):
        try:
            with transaction.atomic():
                done = _ingest(ingestible, left_out)
        except _LeaveOut as replan:
            left_out |= replan.events
            continue
        except Exception as exc:  # noqa: BLE001 - the caller ingests each event on its own
            log.info("%d events go one at a time: %s", len(ingestible), exc, exc_info=exc)
            return states
        states.update((pk, (InboundEvent.State.DONE, "")) for pk in done)
        return states
    return states


class _LeaveOut(Exception):  # noqa: N818 - not an error: the plan changes
    """Found out after writing: these events must be left to the caller after all."""

    def __init__(self, events: set[int]) -> None:
        super().__init__(f"{len(events)} more events left out")
        self.events = events


def _ingest(items: Sequence[ParsedItem], left_out: set[int]) -> set[int]:
    together = _Plan(items, left_out, _stored(items)).together
    if not together:
        return set()
    mentions = [(item, mention) for item in together for mention in item.parsed.mentions]
    identities = upsert_identities(
        [(m.author.kind or item.event.channel.kind, m.author) for item, m in mentions]
    )
    _leave_out_known_threads(mentions, [identity.contact_id for identity in identities])
    classifications = [c for item in together for c in item.classifications]
    new = [
        rows_of_new_conversation(
            channel=item.event.channel,
            mention=mention,
            inbound_event=item.event,
            identity=identity,
            classification=classification,
        )
        for (item, mention), identity, classification in zip(
            mentions, identities, classifications, strict=True
        )
    ]
    _insert([row for one in new for row in one.new.rows])
    _follow_up(new, [mention for _, mention in mentions])
    counted: list[NewMessage] = [
        (one.message, one.ticket, classification)
        for one, classification in zip(new, classifications, strict=True)
    ]
    count_after_commit(counted)
    return {item.event.pk for item in together}


def _follow_up(new: list[NewMention], mentions: list[Mention]) -> None:
    for one, mention in zip(new, mentions, strict=True):
        for step in one.new.then:
            step()
        record_new_message(message=one.message, mention=mention)


def _parents(item: ParsedItem, mention: Mention) -> list[Key]:
    ids = (mention.parent_platform_id, *mention.thread_platform_ids)
    return [(item.event.channel_id, pid) for pid in ids if pid]


def _stored(items: Sequence[ParsedItem]) -> set[Key]:
    """Which of the batch's mentions, and of the posts they reply to, are stored messages."""
    wanted: dict[int, set[str]] = {}
    for item in items:
        for mention in item.parsed.mentions:
            own = (item.event.channel_id, mention.platform_id)
            for channel_id, pid in [own, *_parents(item, mention)]:
                wanted.setdefault(channel_id, set()).add(pid)
    if not wanted:
        return set()
    where = Q()
    for channel_id, pids in wanted.items():
        where |= Q(channel_id=channel_id, platform_id__in=sorted(pids))
    found = Message.objects.filter(where).values_list("channel_id", "platform_id")
    return {(channel_id, pid) for channel_id, pid in found if pid is not None}


@dataclass
class _Plan:
    """Which events go together: a forward pass over the batch in its order."""

    items: Sequence[ParsedItem]
    left_out: set[int]
    stored: set[Key]
    together: list[ParsedItem] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.in_batch = Counter(
            (item.event.channel_id, m.platform_id)
            for item in self.items
            for m in item.parsed.mentions
        )
        # What an event left to the caller may still change for a later one: its authors'
        # identities and the threads it starts.
        self.later_authors: set[tuple[str, str]] = set()
        self.later_threads: set[Key] = set()
        self.email_of: dict[str, tuple[str, str]] = {}  # the first author of an address
        for item in self.items:
            alone = self._goes_together(item)
            if alone:
                self.together.append(item)
            else:
                self.later_authors.update(self._author(item, m) for m in item.parsed.mentions)
                self.later_threads.update(self._threads(item))

    def _goes_together(self, item: ParsedItem) -> bool:
        mentions = item.parsed.mentions
        authors = [self._author(item, m) for m in mentions]
        threads = self._threads(item)
        shares_address = False
        for mention, author in zip(mentions, authors, strict=True):
            email = mention.author.email.strip().lower()
            if email and self.email_of.setdefault(email, author) != author:
                shares_address = True
        return not (
            item.event.pk in self.left_out
            or item.parsed.changes
            or shares_address
            or any(m.is_own for m in mentions)
            or any(self._known_or_twice((item.event.channel_id, m.platform_id)) for m in mentions)
            or any(self._in_batch_or_stored(p) for m in mentions for p in _parents(item, m))
            or self.later_authors.intersection(authors)
            or self.later_threads.intersection(threads)
            or len(set(threads)) < len(threads)
        )

    def _known_or_twice(self, key: Key) -> bool:
        return key in self.stored or self.in_batch[key] > 1

    def _in_batch_or_stored(self, key: Key) -> bool:
        return key in self.stored or key in self.in_batch

    @staticmethod
    def _author(item: ParsedItem, mention: Mention) -> tuple[str, str]:
        return (mention.author.kind or item.event.channel.kind, mention.author.platform_user_id)

    @staticmethod
    def _threads(item: ParsedItem) -> list[Key]:
        """The threads of posts we never saw that its mentions reply to (their roots)."""
        channel_id = item.event.channel_id
        return [
            (channel_id, m.parent_platform_id) for m in item.parsed.mentions if m.parent_platform_id
        ]


def _leave_out_known_threads(
    mentions: list[tuple[ParsedItem, Mention]], contacts: list[int]
) -> None:
    """A reply to a post we never saw joins its author's conversation under that post, when
    there is one: such an event, and a second one of the batch by the same person in the same
    thread, are left to the caller (which the plan could only tell once it knew the contacts)."""
    threads = [
        (item, (item.event.channel_id, mention.parent_platform_id, contact))
        for (item, mention), contact in zip(mentions, contacts, strict=True)
        if mention.parent_platform_id
    ]
    if not threads:
        return
    where = Q()
    for _, (channel_id, root, contact) in threads:
        where |= Q(channel_id=channel_id, root_platform_id=root, contact_id=contact)
    known = set(
        Conversation.objects.filter(where).values_list(
            "channel_id", "root_platform_id", "contact_id"
        )
    )
    seen: set[tuple[int, str, int]] = set()
    leave_out = set()
    for item, thread in threads:
        if thread in known or thread in seen:
            leave_out.add(item.event.pk)
        seen.add(thread)
    if leave_out:
        raise _LeaveOut(leave_out)


def _insert(rows: Iterable[Model]) -> None:
    """Insert the rows, a statement per model. Each mention's rows are in the order their
    foreign keys need (conversation, message, ticket, its audit), and so is the first
    appearance of each model: a model's rows go in before those of the models after it."""
    by_model: dict[type[Model], list[Model]] = {}
    for row in rows:
        by_model.setdefault(type(row), []).append(row)
    for model, group in by_model.items():
        if connection.features.can_return_rows_from_bulk_insert:
            model._default_manager.bulk_create(group)
        else:
            for row in group:
                row.save(force_insert=True)
