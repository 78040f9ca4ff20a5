"""Downloading a customer's attachment: never rendered inline, so an HTML file cannot run."""

from django.http import FileResponse, Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from channels.models import Attachment
from desk.access import staff_required, visible_tickets


@staff_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Staff download an attachment of a ticket in their queues; never rendered inline, so an
    HTML file cannot run."""
    attachment = get_object_or_404(
        Attachment.objects.filter(
            message__conversation__tickets__in=visible_tickets(request.user)
        ).distinct(),
        pk=pk,
    )
    if not attachment.file:
        raise Http404("The platform keeps this file; open it from the original post.")
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.name,
        content_type="application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
