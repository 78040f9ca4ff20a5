"""The demo's channels: one of each real kind, their outbound side pointed at the sandbox."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from channels.models import Channel
from desk.demo import payloads
from desk.demo.sandbox.platform import COMPANY_HANDLE, SMTP_HOST, X_ACCOUNT_ID, url_for

# The sandbox delivers mentions itself, as a platform's webhook or stream would: its
# channels are never polled.
NEVER = datetime(9999, 1, 1, tzinfo=ZoneInfo("UTC"))
TRACKED_TERMS = ["#infopark", "#iico{year}", "#clouddevcamp"]
TRACKING = {"x", "facebook", "instagram", "mastodon", "bluesky", "youtube", "linkedin"}


@dataclass(frozen=True)
class DemoChannel:
    # The sandbox platform's name (and the name of its channel, "Demo <label>").
    platform: str
    label: str
    kind: str
    config: dict[str, Any] = field(default_factory=dict)
    credentials: dict[str, str] = field(default_factory=dict)
    monitored: bool = False

    @property
    def name(self) -> str:
        return f"Demo {self.label}"


def _secret() -> str:
    return secrets.token_urlsafe(16)


def _public_key() -> str:
    """A verification key in the form SendGrid shows one (base64 DER of a P-256 public key)."""
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    return base64.b64encode(
        key.public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    ).decode()


def specs() -> list[DemoChannel]:
    return [
        # A blog's comments feed: followed, not answered (the seed's "monitored" example).
        DemoChannel(
            "feed",
            "Blog comments",
            "feed",
            config={"url": "https://blog.infopark.de/comments/feed/"},
            monitored=True,
        ),
        DemoChannel(
            "x",
            "X",
            "x",
            config={
                "account_id": X_ACCOUNT_ID,
                "handle": COMPANY_HANDLE,
                "api_url": url_for("x"),
                "poll_mentions": False,
            },
            credentials={"consumer_secret": _secret(), "access_token": _secret()},
        ),
        DemoChannel(
            "facebook",
            "Facebook",
            "meta",
            config={"graph_url": url_for("facebook")},
            credentials={
                "app_secret": _secret(),
                "verify_token": _secret(),
                "page_tokens": f"{payloads.FACEBOOK_PAGE}:{_secret()}",
            },
        ),
        DemoChannel(
            "instagram",
            "Instagram",
            "meta",
            config={
                "graph_url": url_for("instagram"),
                "instagram_accounts": f"{payloads.INSTAGRAM_ACCOUNT}:{payloads.INSTAGRAM_PAGE}",
            },
            credentials={
                "app_secret": _secret(),
                "verify_token": _secret(),
                "page_tokens": f"{payloads.INSTAGRAM_PAGE}:{_secret()}",
            },
        ),
        DemoChannel(
            "mastodon",
            "Mastodon",
            "mastodon",
            config={"instance_url": url_for("mastodon")},
            credentials={"access_token": _secret()},
        ),
        DemoChannel(
            "bluesky",
            "Bluesky",
            "bluesky",
            config={"service_url": url_for("bluesky"), "handle": f"{COMPANY_HANDLE}.bsky.social"},
            credentials={"app_password": _secret()},
        ),
        DemoChannel(
            "linkedin",
            "LinkedIn",
            "linkedin",
            config={"organization_id": "2414183", "api_url": url_for("linkedin")},
            credentials={"access_token": _secret()},
        ),
        DemoChannel(
            "youtube",
            "YouTube",
            "youtube",
            config={
                "channel_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw",
                "api_url": url_for("youtube"),
                "client_id": "sandbox",
            },
            credentials={"client_secret": _secret(), "refresh_token": _secret()},
            monitored=True,
        ),
        DemoChannel(
            "email",
            "E-mail",
            "email",
            config={
                "address": payloads.COMPANY_MAILBOX,
                "from_name": "Infopark support",
                "username": payloads.COMPANY_MAILBOX,
                "imap_host": f"imap.{SMTP_HOST[5:]}",
                "smtp_host": SMTP_HOST,
                "smtp_port": 25,
                "smtp_security": "none",
            },
            credentials={"password": _secret()},
        ),
        # Support mail arriving through an inbound-parse service; replies by the sandbox SMTP.
        *(
            DemoChannel(
                kind,
                label,
                kind,
                config={
                    "address": payloads.COMPANY_MAILBOX,
                    "from_name": "Infopark support",
                    "smtp_host": SMTP_HOST,
                    "smtp_port": 25,
                    "smtp_security": "none",
                    **config,
                },
                credentials=credentials,
            )
            for kind, label, config, credentials in (
                ("sendgrid", "e-mail via SendGrid", {"public_key": _public_key()}, {}),
                ("mailgun", "e-mail via Mailgun", {}, {"signing_key": _secret()}),
            )
        ),
        DemoChannel(
            "threads",
            "Threads",
            "threads",
            config={
                "api_url": url_for("threads"),
                "user_id": "17841400000000042",
                "username": "infopark",
            },
            credentials={
                "access_token": _secret(),
                "app_secret": _secret(),
                "verify_token": _secret(),
            },
        ),
        DemoChannel("webform", "web form", "webform", config={"site_name": "Infopark"}),
        DemoChannel("api", "REST API", "api"),
        DemoChannel("webhook", "partner webhook", "webhook", credentials={"secret": _secret()}),
    ]


def ensure_channels() -> dict[str, Channel]:
    """Create the demo channels that do not exist yet; returns them by sandbox platform."""
    found = {}
    for spec in specs():
        channel, _ = Channel.objects.get_or_create(
            name=spec.name,
            defaults={
                "kind": spec.kind,
                "service_level": Channel.ServiceLevel.MONITORED
                if spec.monitored
                else Channel.ServiceLevel.SERVED,
                "config": spec.config,
                "credentials": spec.credentials,
                # The adapters search for them, crisis detection counts per term.
                "tracked_terms": TRACKED_TERMS
                if channel_tracks(spec.kind) or spec.platform in TRACKING
                else [],
                "next_poll_at": NEVER,
            },
        )
        found[spec.platform] = channel
    return found


def channel_tracks(kind: str) -> bool:
    return bool(Channel(kind=kind).adapter().tracks_terms)


def demo_channels() -> dict[str, Channel]:
    names = {spec.name: spec.platform for spec in specs()}
    return {names[c.name]: c for c in Channel.objects.filter(name__in=names)}
