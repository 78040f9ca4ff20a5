"""Every channel kind, mapped to the class that speaks its platform.

Adapters are imported lazily, so a platform's dependencies load only when it is used; the
Channel model's kind choices derive from this table.
"""

from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.utils.functional import Promise

    from channels.adapters.base import Adapter

ADAPTERS: dict[str, str] = {
    "api": "channels.adapters.api.ApiAdapter",
    "webhook": "channels.adapters.generic_webhook.GenericWebhookAdapter",
    "email": "channels.adapters.mail.EmailAdapter",
    "sendgrid": "channels.adapters.mail.routes.sendgrid.SendGridAdapter",
    "mailgun": "channels.adapters.mail.routes.mailgun.MailgunAdapter",
    "webform": "channels.adapters.webform.WebFormAdapter",
    "mastodon": "channels.adapters.mastodon.MastodonAdapter",
    "bluesky": "channels.adapters.bluesky.BlueskyAdapter",
    "meta": "channels.adapters.meta.MetaAdapter",
    "threads": "channels.adapters.threads.ThreadsAdapter",
    "x": "channels.adapters.x.XAdapter",
    "youtube": "channels.adapters.youtube.YouTubeAdapter",
    "linkedin": "channels.adapters.linkedin.LinkedInAdapter",
    "feed": "channels.adapters.feed.FeedAdapter",
}


class UnknownKind(LookupError):
    pass


@cache
def adapter_class(kind: str) -> type["Adapter"]:
    try:
        module_path, _, class_name = ADAPTERS[kind].rpartition(".")
    except KeyError:
        raise UnknownKind(f"No adapter for channel kind {kind!r}.") from None
    return getattr(import_module(module_path), class_name)


def kind_choices() -> list[tuple[str, "str | Promise"]]:
    return [(kind, adapter_class(kind).label) for kind in ADAPTERS]
