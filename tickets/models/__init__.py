from tickets.models.contacts import Contact, Identity
from tickets.models.conversations import Conversation, Message
from tickets.models.notes import Note
from tickets.models.queues import Queue
from tickets.models.tags import Tag
from tickets.models.tickets import IllegalTransition, Ticket, TicketEvent, latest_ticket_id

__all__ = [
    "Contact",
    "Conversation",
    "IllegalTransition",
    "Identity",
    "Message",
    "Note",
    "Queue",
    "Tag",
    "Ticket",
    "TicketEvent",
    "latest_ticket_id",
]
