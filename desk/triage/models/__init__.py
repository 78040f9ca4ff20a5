from desk.triage.models.capabilities import DeskCapability
from desk.triage.models.preferences import UserPreference
from desk.triage.models.presence import TicketPresence
from desk.triage.models.replies import CannedReply
from desk.triage.models.saved_views import SavedView

__all__ = [
    "CannedReply",
    "DeskCapability",
    "SavedView",
    "TicketPresence",
    "UserPreference",
]
