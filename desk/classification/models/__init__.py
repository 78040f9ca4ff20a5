from desk.classification.models.contacts import ContactBadge, EngagementTally
from desk.classification.models.crisis import Incident, MentionCount, NegativeMention
from desk.classification.models.decisions import TicketDecision
from desk.classification.models.learning import ClassifierVersion, TrainingExample
from desk.classification.models.rules import ReplyTemplate, RoutingRule
from desk.classification.models.search import ConversationDocument

__all__ = [
    "ClassifierVersion",
    "ContactBadge",
    "ConversationDocument",
    "EngagementTally",
    "Incident",
    "MentionCount",
    "NegativeMention",
    "ReplyTemplate",
    "RoutingRule",
    "TicketDecision",
    "TrainingExample",
]
