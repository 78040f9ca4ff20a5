"""The one webhook endpoint: verify, store the raw event, enqueue, answer. Nothing else."""

import logging
from contextlib import nullcontext

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels.adapters.base import InvalidPayload, SignatureError
from channels.inbound import store_event
from channels.models import Channel, InboundEvent

log = logging.getLogger(__name__)

# Headers worth keeping with the raw body: enough to re-verify and to debug a delivery.
KEPT_HEADERS = ("Content-Type", "User-Agent", "X-Request-Id")
MAX_DELIVERY_ID_LENGTH = InboundEvent._meta.get_field("delivery_id").max_length or 255


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message}}, status=status)


# Open to anyone on purpose: platforms call it; the adapter verifies each request's signature.
# (The desk's access declarations, desk.access, read this attribute.)
@csrf_exempt
@require_http_methods(["GET", "POST"])
def channel_webhook(request: HttpRequest, token: str) -> HttpResponse:
    channel = Channel.objects.for_webhook(token)
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
    if request.content_type not in adapter.webhook_content_types:
        return _error(
            415,
            "unsupported_media_type",
            f"Deliveries must be sent as {' or '.join(adapter.webhook_content_types)}.",
        )
    limit = adapter.max_delivery_bytes()
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit():
        return _error(400, "bad_content_length", "The Content-Length header is not a number.")
    if int(declared) > limit:
        return _error(413, "payload_too_large", f"Deliveries are limited to {limit} bytes.")
    try:
        body = request.body
    except RequestDataTooBig:
        return _error(413, "payload_too_large", f"Deliveries are limited to {limit} bytes.")
    try:
        adapter.verify_webhook(request)
    except SignatureError as exc:
        Channel.objects.filter(pk=channel.pk).update(
            rejected_deliveries=F("rejected_deliveries") + 1
        )
        log.warning("rejected webhook delivery for channel %s: %s", channel.pk, exc)
        return _error(403, "bad_signature", str(exc))
    try:
        adapter.check_payload(body)
    except InvalidPayload as exc:
        return _error(400, "invalid_payload", str(exc))
    delivery_id = adapter.delivery_id(request)
    if delivery_id is not None and len(delivery_id) > MAX_DELIVERY_ID_LENGTH:
        return _error(400, "invalid_delivery_id", "The delivery id is longer than 255 characters.")
    kept = KEPT_HEADERS + adapter.kept_headers
    headers = {name: request.headers[name] for name in kept if name in request.headers}
    stored = []
    parts = adapter.route(body, delivery_id)
    # Several parts are stored all or none, as the platform retries a failed delivery whole;
    # one part alone stays a single autocommit INSERT (see channels.inbound).
    with transaction.atomic() if len(parts) > 1 else nullcontext():
        for part in parts:
            event = store_event(
                channel=part.channel,
                source=InboundEvent.Source.WEBHOOK,
                delivery_id=part.delivery_id,
                body=part.body,
                content_type=request.content_type or "",
                headers=headers,
            )
            if event is not None:
                stored.append(event)
    if not stored:
        # The platform replayed a delivery we already hold: acknowledge, store nothing new.
        return JsonResponse({"status": "duplicate"})
    return JsonResponse({"status": "stored", "event": stored[0].pk})


channel_webhook.access_rule = "public"  # type: ignore[attr-defined]
