"""The public notice page, and the staff list of conversations without a recorded notice."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from desk.access import public, staff_required
from desk.privacy.models import RetentionNotice
from desk.privacy.services.notices import conversations_without_notice

PAGE_SIZE = 100


@public
def notice(request: HttpRequest, language: str, version: int) -> HttpResponse:
    """Linked from public replies: readable by anyone, without logging in."""
    shown = get_object_or_404(RetentionNotice, language=language, version=version)
    newer = (
        RetentionNotice.objects.filter(language=language, version__gt=version)
        .order_by("-version")
        .first()
    )
    return render(request, "privacy/notice.html", {"notice": shown, "newer": newer})


@staff_required
def unnoticed(request: HttpRequest) -> HttpResponse:
    conversations = conversations_without_notice()
    total = conversations.count()
    return render(
        request,
        "privacy/unnoticed.html",
        {"conversations": conversations[:PAGE_SIZE], "total": total},
    )
