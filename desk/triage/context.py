"""What every staff page's frame needs: the user's capabilities and pending approvals."""

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from desk.access import Capability, can, visible_queue_ids
from desk.outbound.models import ReplyApproval


def desk(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def pending_approvals() -> int:
        if not can(user, Capability.APPROVE_REPLIES):
            return 0
        return ReplyApproval.objects.filter(
            state=ReplyApproval.State.PENDING, ticket__queue__in=visible_queue_ids(user)
        ).count()

    return {
        "desk_can": SimpleLazyObject(lambda: {c.value: can(user, c) for c in Capability}),
        "desk_pending_approvals": SimpleLazyObject(pending_approvals),
    }
