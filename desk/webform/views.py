"""The public contact form: show it with the privacy notice, take a submission, thank.

Spam is kept out without third parties: a hidden honeypot field, a signed form token
(a submission comes from a form we served, not sooner than a person could type), and a
per-address rate limit. A submission is stored as an InboundEvent like any delivery; the
token carries a submission id, so sending the form twice stores it once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from channels.adapters.webform import MAX_MESSAGE_LENGTH, WebFormAdapter
from channels.inbound import store_event
from channels.models import Channel, InboundEvent
from desk.access import public
from desk.ratelimit import count_in_window
from desk.webform.notices import form_notice
from desk.webform.tasks import send_form_confirmation
from desk.webform.words import LANGUAGE_NAMES, LANGUAGES, form_words
from tickets.text import is_blank

log = logging.getLogger(__name__)

TOKEN_SALT = "socialdesk.webform"  # noqa: S105  # nosec B105 - a signing namespace, not a secret
TOKEN_MAX_AGE = 6 * 60 * 60
HONEYPOT = "website"
MAX_NAME_LENGTH = 200


def _language(request: HttpRequest) -> str:
    asked = (request.POST.get("language") or request.GET.get("lang") or "").lower()
    if asked in LANGUAGES:
        return asked
    for part in request.headers.get("Accept-Language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "en"


def _token(channel: Channel, notice: dict[str, Any]) -> str:
    return signing.dumps(
        {"c": channel.pk, "s": uuid.uuid4().hex, "t": time.time(), "n": notice},
        salt=TOKEN_SALT,
        compress=True,
    )


def _client_key(request: HttpRequest, channel: Channel) -> str:
    # Only a digest of the address is kept, and only for an hour, in the cache.
    address = request.META.get("REMOTE_ADDR", "")
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{address}".encode()).hexdigest()[:24]
    return f"webform-rate:{channel.pk}:{digest}"


def _over_rate_limit(request: HttpRequest, channel: Channel) -> bool:
    return count_in_window(_client_key(request, channel), 3600) > (
        settings.WEBFORM_RATE_LIMIT_PER_HOUR
    )


def _page(
    request: HttpRequest,
    adapter: WebFormAdapter,
    language: str,
    words: dict[str, str],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    notice = form_notice(language)
    response = render(
        request,
        "webform/form.html",
        {
            "words": words,
            "language": language,
            "languages": [(code, LANGUAGE_NAMES[code]) for code in LANGUAGES],
            "notice": notice,
            "token": _token(adapter.channel, notice),
            "values": values or {},
            "errors": errors or {},
            "action": adapter.form_path,
            "site_name": adapter.config["site_name"],
            "max_length": MAX_MESSAGE_LENGTH,
        },
        status=status,
    )
    return _embeddable(response, adapter)


def _embeddable(response: HttpResponse, adapter: WebFormAdapter) -> HttpResponse:
    response["Content-Security-Policy"] = (
        f"default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
        f"frame-ancestors {adapter.config['embed_origins'] or 'none'}"
    )
    response["Referrer-Policy"] = "no-referrer"
    return response


def _validate(post: Any, words: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    values = {name: str(post.get(name, "")).strip() for name in ("name", "email", "message")}
    errors: dict[str, str] = {}
    for name in values:
        if not values[name]:
            errors[name] = words["required"]
        elif "\x00" in values[name]:
            errors[name] = words["required"]
        elif is_blank(values[name]):
            errors[name] = words["blank"]
    if len(values["name"]) > MAX_NAME_LENGTH:
        errors["name"] = words["too_long"] % {"limit": MAX_NAME_LENGTH}
    if len(values["message"]) > MAX_MESSAGE_LENGTH:
        errors["message"] = words["too_long"] % {"limit": MAX_MESSAGE_LENGTH}
    if "email" not in errors:
        try:
            validate_email(values["email"])
        except ValidationError:
            errors["email"] = words["bad_email"]
    return values, errors


@public
@csrf_exempt  # embedded in other sites' pages; the signed form token stands in for CSRF
@xframe_options_exempt
@require_http_methods(["GET", "POST"])
def webform(request: HttpRequest, token: str) -> HttpResponse:
    channel = WebFormAdapter.channel_for_token(token)
    if channel is None:
        raise Http404(_("No active web form has this address."))
    adapter = channel.adapter()
    language = _language(request)
    words = form_words(language)
    if request.method == "GET":
        return _page(request, adapter, language, words)
    if _over_rate_limit(request, channel):
        return _page(
            request, adapter, language, words, errors={"form": words["rate_limited"]}, status=429
        )
    values, errors = _validate(request.POST, words)
    try:
        signed = signing.loads(
            request.POST.get("token", ""), salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE
        )
    except signing.BadSignature:
        signed = None
    if signed is None or signed.get("c") != channel.pk:
        errors["form"] = words["expired"]
    if errors:
        return _page(request, adapter, language, words, values=values, errors=errors, status=400)
    if request.POST.get(HONEYPOT) or time.time() - signed["t"] < settings.WEBFORM_MIN_SECONDS:
        # A bot: thank it like a person, store nothing, count it.
        Channel.objects.filter(pk=channel.pk).update(
            rejected_deliveries=F("rejected_deliveries") + 1
        )
        log.info("web form %s: submission refused as spam", channel.pk)
        return _thanks(request, adapter, language, words)
    _store(channel, signed, values, language)
    return _thanks(request, adapter, language, words)


def _store(channel: Channel, signed: dict[str, Any], values: dict[str, str], language: str) -> None:
    now = timezone.now()
    body = {
        "submission_id": f"form-{signed['s']}",
        **values,
        "language": language,
        "submitted_at": now.isoformat(),
        # The notice exactly as the form showed it, and when the form was served.
        "notice": {
            **signed["n"],
            "shown_at": datetime.fromtimestamp(signed["t"], tz=UTC).isoformat(),
        },
    }
    with transaction.atomic():
        event = store_event(
            channel=channel,
            source=InboundEvent.Source.FORM,
            delivery_id=str(body["submission_id"]),
            body=json.dumps(body, ensure_ascii=False).encode(),
        )
        if event is None:
            return  # the same form sent twice (a double click): stored once already
        event_id = event.pk
        transaction.on_commit(lambda: _enqueue_confirmation(send_form_confirmation, event_id))


def _enqueue_confirmation(task: Any, event_id: int) -> None:
    try:
        task.apply_async((event_id,))
    except Exception:  # noqa: BLE001 - the submission is stored; only the receipt is lost
        log.warning("could not enqueue the confirmation for event %s", event_id, exc_info=True)


def _thanks(
    request: HttpRequest, adapter: WebFormAdapter, language: str, words: dict[str, str]
) -> HttpResponse:
    response = render(
        request,
        "webform/thanks.html",
        {
            "words": words,
            "language": language,
            "site_name": adapter.config["site_name"],
        },
    )
    return _embeddable(response, adapter)
