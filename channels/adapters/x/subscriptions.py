"""Registering an X channel's webhook and its X Activity API subscriptions.

https://docs.x.com/x-api/webhooks/introduction (POST /2/webhooks: X sends our URL a CRC
check and registers it only if we answer it) and https://docs.x.com/x-api/activity/quickstart
(POST/GET/DELETE /2/activity/subscriptions, one subscription per event type and user).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext

from channels import http
from channels.adapters.base import AdapterError
from channels.adapters.checks import SubscriptionCheck
from channels.adapters.x.activity import SUBSCRIBED_EVENTS

if TYPE_CHECKING:
    import requests

    from channels.models import Channel


class ActivitySubscriptions:
    """Mixed into XAdapter, whose `_call` sends requests with the account's user token."""

    if TYPE_CHECKING:
        channel: Channel
        config: dict[str, Any]

        def secret(self, name: str) -> str: ...

        def _call(self, method: str, path: str, **kwargs: Any) -> requests.Response: ...

    def register_webhook(self) -> str:
        """Register this channel's URL with X (X answers our CRC first); return its id."""
        token = self.secret("app_bearer_token")
        if not token:
            raise AdapterError(
                "Registering the webhook needs the app-only bearer token "
                "(--set app_bearer_token=...), or set webhook_id to an existing webhook.",
                permanent=True,
            )
        found = http.request(
            "POST",
            f"{self.config['api_url']}/2/webhooks",
            headers={"Authorization": f"Bearer {token}"},
            json_body={"url": self.channel.webhook_url},
        ).json()["data"]
        return str(found["id"])

    def activity_subscriptions(self) -> list[dict[str, Any]]:
        """This account's XAA subscriptions (other accounts of the same app left out)."""
        listed = self._call("GET", "/2/activity/subscriptions").json().get("data") or []
        account_id = str(self.config["account_id"])
        return [s for s in listed if str((s.get("filter") or {}).get("user_id")) == account_id]

    def subscribe_activity(self, *, webhook_id: str) -> list[str]:
        """Subscribe the account to every event type the desk reads, once; return those added.

        Private events (mentions, replies, DMs) need the account's own user token, which is
        why the user access token is used, not the app's.
        """
        present = {s["event_type"] for s in self.activity_subscriptions()}
        added = []
        for event_type in SUBSCRIBED_EVENTS:
            if event_type in present:
                continue
            self._call(
                "POST",
                "/2/activity/subscriptions",
                json_body={
                    "event_type": event_type,
                    "filter": {"user_id": str(self.config["account_id"])},
                    "tag": f"socialdesk:{self.channel.pk}",
                    "webhook_id": webhook_id,
                },
            )
            added.append(event_type)
        return added

    def check_subscriptions(self) -> SubscriptionCheck | None:
        """Which event types the account is subscribed to on this channel's webhook; None
        while the channel has no XAA webhook (it is polled)."""
        webhook_id = str(self.config.get("webhook_id") or "")
        if not webhook_id:
            return None
        present = {
            str(item.get("event_type"))
            for item in self.activity_subscriptions()
            if str(item.get("webhook_id") or "") == webhook_id
        }
        return SubscriptionCheck(
            wanted=tuple(SUBSCRIBED_EVENTS),
            present=tuple(event for event in SUBSCRIBED_EVENTS if event in present),
        )

    def health_details(self) -> dict[str, str]:
        if not self.config.get("webhook_id"):
            return {}
        return {gettext("X Activity webhook"): str(self.config["webhook_id"])}
