from desk.privacy.models.audit import AuditEntry
from desk.privacy.models.holds import LegalHold
from desk.privacy.models.notices import (
    ChannelNoticeConfig,
    ConversationNotice,
    NoticeInTransit,
    NoticeInUse,
    NoticeMethod,
    RetentionNotice,
)
from desk.privacy.models.requests import ConversationRedaction, DataSubjectRequest

__all__ = [
    "AuditEntry",
    "ChannelNoticeConfig",
    "ConversationNotice",
    "ConversationRedaction",
    "DataSubjectRequest",
    "LegalHold",
    "NoticeInTransit",
    "NoticeInUse",
    "NoticeMethod",
    "RetentionNotice",
]
