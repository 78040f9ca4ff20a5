"""The one webhook endpoint: verify, store the raw event, enqueue, answer. Nothing else."""

import logging

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels.adapters.base import InvalidPayload, SignatureError
from channels.models import Attachment, Channel, InboundEvent
from desk.processing import enqueue_on_commit

log = logging.getLogger(__name__)

# Headers worth keeping with the raw body: enough to re-verify and to debug a delivery.
KEPT_HEADERS = ("Content-Type", "User-Agent", "X-Request-Id")


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def channel_webhook(request: HttpRequest, token: str) -> HttpResponse:
    channel = Channel.objects.filter(webhook_token=token, is_active=True).first()
    if channel is None:
        return _error(404, "unknown_channel", "No active channel has this webhook address.")
    adapter = channel.adapter()
    if not adapter.receives_webhooks:
        return _error(404, "no_webhooks", f"{adapter.label} channels do not receive webhooks.")
    handshake = adapter.handshake(request)
    if handshake is not None:
        return handshake
    if request.method != "POST":
        return _error(405, "method_not_allowed", "Deliveries must be POSTed.")
    try:
        adapter.verify_webhook(request)
    except SignatureError as exc:
        Channel.objects.filter(pk=channel.pk).update(
            rejected_deliveries=F("rejected_deliveries") + 1
        )
        log.warning("rejected webhook delivery for channel %s: %s", channel.pk, exc)
        return _error(403, "bad_signature", str(exc))
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit:
        return _error(413, "payload_too_large", f"Deliveries are limited to {limit} bytes.")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "payload_too_large", f"Deliveries are limited to {limit} bytes.")
    try:
        adapter.check_payload(body)
    except InvalidPayload as exc:
        return _error(400, "invalid_payload", str(exc))
    delivery_id = adapter.delivery_id(request)
    kept = KEPT_HEADERS + adapter.kept_headers
    headers = {name: request.headers[name] for name in kept if name in request.headers}
    try:
        with transaction.atomic():
            event = InboundEvent.objects.create(
                channel=channel,
                source=InboundEvent.Source.WEBHOOK,
                delivery_id=delivery_id,
                body=body,
                content_type=request.content_type or "",
                headers=headers,
            )
            Channel.objects.filter(pk=channel.pk).update(last_success_at=timezone.now())
            enqueue_on_commit(event.pk)
    except IntegrityError:
        # The platform replayed a delivery we already hold: acknowledge, store nothing new.
        return JsonResponse({"status": "duplicate"})
    return JsonResponse({"status": "stored", "event": event.pk})


@login_required
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff download an attachment; never rendered inline, so an HTML file cannot run."""
    attachment = get_object_or_404(Attachment, pk=pk)
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
