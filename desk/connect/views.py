"""Connecting a channel from the browser: pick a platform, consent there, review, confirm.

Connecting decides which company accounts feed the desk and at what service level, and
hands the desk the company's credentials: it is a policy decision, so it takes the
capability of those who edit policies (managers and administrators), like service levels,
calendars and routing rules; agents and spokespeople see the channels page but cannot
change what is connected.
"""

from __future__ import annotations

from functools import partial
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages as flash
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from channels.errors import AdapterError
from channels.health.checks import granted_scopes, missing_scopes
from channels.models import Channel
from desk.access import policy_editor_required
from desk.connect import oauth, services
from desk.connect.platforms import CONNECTORS, connector_for
from desk.connect.platforms.bluesky import BlueskyConnector
from desk.connect.platforms.mastodon import MastodonConnector
from desk.connect.tasks import subscribe_connected_channel

# Where django.middleware.csp reads a response's own policy (django.views.decorators.csp).
CSP_OVERRIDE = "_csp_config"


def _platforms() -> list[dict[str, object]]:
    return [
        {
            "kind": kind,
            "label": connector.label,
            "oauth": connector.uses_oauth,
            "asks_instance": isinstance(connector, MastodonConnector),
            "configured": connector.configured(),
            "env_names": connector.env_names,
        }
        for kind, cls in CONNECTORS.items()
        for connector in [cls()]
    ]


@policy_editor_required
@require_GET
def connect_index(request: HttpRequest) -> HttpResponse:
    # What each channel needs, as channel health reads it (a Facebook page without an
    # Instagram account needs no Instagram permission); None granted means not known yet.
    channels = [
        {
            "channel": channel,
            "granted": granted,
            "missing": missing_scopes(channel.adapter(), granted),
            "subscription": channel.config.get(services.SUBSCRIPTION_KEY) or {},
            "revocation": channel.config.get("revocation") or {},
        }
        for channel in Channel.objects.filter(kind__in=CONNECTORS).order_by("name")
        for granted in [granted_scopes(channel)]
    ]
    response = render(
        request,
        "connect/index.html",
        {
            "platforms": _platforms(),
            "channels": channels,
            "redirect_base": settings.PUBLIC_BASE_URL,
        },
    )
    # The connect buttons are forms answered by a redirect to the platform's sign-in page,
    # and browsers hold every hop of it to form-action. The platforms are https (a Mastodon
    # instance may be any host), plus the hosts allowed to be private (tests' fakes).
    form_action = ["'self'", "https:"]
    form_action += [f"http://{host}:*" for host in settings.OUTBOUND_ALLOW_PRIVATE_HOSTS]
    setattr(response, CSP_OVERRIDE, {**settings.SECURE_CSP, "form-action": form_action})
    return response


def _instance_url(raw: str) -> str | None:
    """An instance's base URL: https, or http only for hosts allowed to be private (tests)."""
    raw = raw.strip().rstrip("/")
    if raw and "://" not in raw:
        raw = f"https://{raw}"
    parts = urlsplit(raw)
    if not parts.hostname or parts.path or parts.query:
        return None
    if parts.scheme == "https" or (
        parts.scheme == "http" and parts.hostname in settings.OUTBOUND_ALLOW_PRIVATE_HOSTS
    ):
        return f"{parts.scheme}://{parts.netloc}"
    return None


@policy_editor_required
@require_POST
def connect_start(request: HttpRequest, kind: str) -> HttpResponse:
    connector = connector_for(kind)
    if connector is None or not connector.uses_oauth:
        flash.error(request, _("This platform is not connected through its sign-in page."))
        return redirect("connect-index")
    if not connector.configured():
        flash.error(request, _("This platform's application is not configured on the server."))
        return redirect("connect-index")
    context: dict[str, str] = {}
    if isinstance(connector, MastodonConnector):
        instance = _instance_url(request.POST.get("instance_url", ""))
        if instance is None:
            flash.error(request, _("Enter the instance's address, such as mastodon.social."))
            return redirect("connect-index")
        try:
            context = connector.register_app(instance)
        except AdapterError as exc:
            flash.error(request, _("The instance refused to register socialdesk: %s") % exc)
            return redirect("connect-index")
    services.drop_pending(request)
    url = oauth.begin(request, kind=kind, client=connector.client(context), context=context)
    return redirect(url)


@policy_editor_required
@require_GET
def connect_callback(request: HttpRequest, kind: str) -> HttpResponse:
    connector = connector_for(kind)
    if connector is None or not connector.uses_oauth:
        return render(
            request, "connect/failed.html", {"reason": _("Unknown platform.")}, status=404
        )
    try:
        callback = oauth.finish(request, kind=kind)
        client = connector.client(callback.context)
        tokens = oauth.exchange_code(kind=kind, client=client, callback=callback)
        tokens = connector.exchange(client=client, tokens=tokens)
        grant = connector.grant(tokens=tokens, context=callback.context)
    except oauth.FlowRefused as exc:
        return render(request, "connect/failed.html", {"reason": str(exc)}, status=400)
    except AdapterError as exc:
        return render(request, "connect/failed.html", {"reason": str(exc)}, status=502)
    services.keep_pending(request, kind=kind, grant=grant)
    return redirect("connect-review")


@policy_editor_required
@require_http_methods(["GET", "POST"])
def connect_review(request: HttpRequest) -> HttpResponse:
    held = services.pending(request)
    if held is None:
        flash.error(request, _("Nothing is waiting to be connected: start again."))
        return redirect("connect-index")
    kind, grant = held
    connector = connector_for(kind)
    if connector is None:
        services.drop_pending(request)
        return redirect("connect-index")
    if request.method == "POST":
        chosen = request.POST.getlist("account") if grant.choose else [a.id for a in grant.accounts]
        if not chosen:
            flash.error(request, _("Choose at least one account."))
            return redirect("connect-review")
        made = services.connect_accounts(
            kind=kind, grant=grant, account_ids=chosen, actor=request.user
        )
        services.drop_pending(request)
        for channel in made:
            if channel.is_active:
                # Registering webhooks calls the platform (which may call us back): not in
                # this request, and only once the channel is committed.
                transaction.on_commit(partial(subscribe_connected_channel.delay, channel.pk))
                flash.success(request, _("Channel %(name)s connected.") % {"name": channel.name})
            else:
                flash.warning(
                    request,
                    _("Channel %(name)s connected but not active: %(reason)s")
                    % {"name": channel.name, "reason": channel.why_disabled},
                )
        return redirect("connect-index")
    granted = set(grant.granted)
    scopes = [
        {"name": name, "why": why, "granted": name in granted}
        for name, why in connector.needed_scopes.items()
    ]
    extra = sorted(granted - set(connector.needed_scopes))
    return render(
        request,
        "connect/review.html",
        {
            "label": connector.label,
            "grant": grant,
            "scopes": scopes,
            "extra": extra,
            "missing": [s["name"] for s in scopes if not s["granted"]],
        },
    )


@policy_editor_required
@require_http_methods(["GET", "POST"])
def connect_bluesky(request: HttpRequest) -> HttpResponse:
    values = {"service_url": "https://bsky.social", "handle": ""}
    if request.method == "POST":
        values = {
            "service_url": request.POST.get("service_url", "").strip() or "https://bsky.social",
            "handle": request.POST.get("handle", "").strip().lstrip("@"),
        }
        service = _instance_url(values["service_url"])
        password = request.POST.get("app_password", "").strip()
        if service is None or not values["handle"] or not password:
            flash.error(request, _("Enter the PDS address, the handle and an app password."))
        else:
            try:
                grant = BlueskyConnector().verify(
                    service_url=service, handle=values["handle"], app_password=password
                )
            except AdapterError as exc:
                flash.error(request, _("Bluesky refused the app password: %s") % exc)
            else:
                services.keep_pending(request, kind="bluesky", grant=grant)
                return redirect("connect-review")
    return render(request, "connect/bluesky.html", {"values": values})


@policy_editor_required
@require_POST
def connect_remove(request: HttpRequest, pk: int) -> HttpResponse:
    channel = get_object_or_404(Channel, pk=pk, kind__in=CONNECTORS)
    state = services.disconnect(channel=channel, actor=request.user)
    if state == "revoked":
        flash.success(
            request, _("Channel %s removed; the platform's grant was revoked.") % channel.name
        )
    else:
        flash.warning(
            request,
            _("Channel %s removed, but revoking the grant failed: revoke it on the platform.")
            % channel.name,
        )
    return redirect("connect-index")
