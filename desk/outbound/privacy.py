"""What the outbound gate keeps about a person, removed by erasure and retention (a step the
outbound app registers with the privacy app, run inside its transaction).

Kept on purpose: presence rows, saved views and preferences describe staff, not the people
who write to us.
"""

from __future__ import annotations

from django.utils import timezone

from desk.outbound.models import ReplyApproval
from desk.privacy.services.redaction import REDACTED, RedactionScope


def redact_reply_approvals(scope: RedactionScope) -> int:
    """Drafts waiting for (or decided by) a spokesperson: the draft and the decision's note go;
    who drafted, who decided, when and the system's reason for asking stay. A draft still
    waiting is closed, so that no one approves "[removed]" into a public reply."""
    approvals = ReplyApproval.objects.filter(ticket__conversation_id__in=scope.conversation_ids)
    approvals.filter(state=ReplyApproval.State.PENDING).update(
        state=ReplyApproval.State.REJECTED, decided_at=timezone.now()
    )
    return approvals.update(text=REDACTED, decision_note="")
