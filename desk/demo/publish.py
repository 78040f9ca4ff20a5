"""A customer posts on the sandbox platform, and the platform delivers it to the desk."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import transaction

from channels.inbound import store_event
from channels.models import Channel, InboundEvent
from desk.demo import payloads
from desk.demo.models import SandboxPost
from desk.demo.personas import Persona
from desk.demo.sandbox.platform import new_id
from desk.webform.notices import form_notice

SOURCES = {"webform": InboundEvent.Source.FORM}


def new_platform_id(platform: str, persona: Persona) -> str:
    if platform == "bluesky":
        return f"at://{persona.bluesky_did}/app.bsky.feed.post/{secrets.token_hex(7)}"
    if platform == "email":
        return f"{secrets.token_hex(8)}@{persona.email.split('@')[1]}"
    if platform == "webform":
        return f"form-{secrets.token_hex(8)}"
    return new_id()


def publish(
    *,
    platform: str,
    channel: Channel,
    persona: Persona,
    text: str,
    at: datetime,
    parent_id: str = "",
) -> InboundEvent | None:
    """Put the post on the sandbox's timeline and store its delivery for the desk."""
    post = payloads.Post(new_platform_id(platform, persona), persona, text, at, parent_id)
    if platform == "webform":
        delivery = payloads.webform(post, form_notice(persona.language))
    else:
        delivery = payloads.BUILDERS[platform](post)
    with transaction.atomic():
        SandboxPost.objects.create(
            platform=platform,
            posted_by=SandboxPost.Author.CUSTOMER,
            platform_id=delivery.mention_id,
            in_reply_to=parent_id,
            author=persona.handle,
            text=text,
            created_at=at,
        )
        return store_event(
            channel=channel,
            source=SOURCES.get(platform, InboundEvent.Source.WEBHOOK),
            body=delivery.body,
            delivery_id=f"demo:{delivery.mention_id}",
            content_type=delivery.content_type,
            received_at=at,
        )
