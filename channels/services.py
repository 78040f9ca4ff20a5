"""Creating and changing channels: the writes behind `manage.py channel` and seed_demo."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from channels.adapters.base import ConfigField
from channels.models import Channel
from channels.registry import ADAPTERS, adapter_class
from channels.terms import check_term

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off"}


class ChannelConfigError(ValueError):
    """A channel setting that cannot be used; the message says which and why."""


def read_value(config_field: ConfigField, raw: str) -> Any:
    """Turn a `--set name=value` string into the field's type."""
    raw = raw.strip()
    if config_field.type == "int":
        try:
            return int(raw)
        except ValueError:
            raise ChannelConfigError(f"{config_field.name} must be a whole number.") from None
    if config_field.type == "bool":
        if raw.lower() in TRUE_WORDS:
            return True
        if raw.lower() in FALSE_WORDS:
            return False
        raise ChannelConfigError(f"{config_field.name} must be true or false.")
    if config_field.choices and raw not in config_field.choices:
        raise ChannelConfigError(
            f"{config_field.name} must be one of {', '.join(config_field.choices)}."
        )
    if config_field.type in ("url", "exact_url") and not raw.startswith(("https://", "http://")):
        raise ChannelConfigError(f"{config_field.name} must be an http(s) URL.")
    # An API base loses its trailing slash; an exact URL (a feed's) is kept as given.
    return raw.rstrip("/") if config_field.type == "url" else raw


def split_settings(
    kind: str, values: dict[str, str], *, require_all: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split `name=value` settings into (config, credentials) by the adapter's fields."""
    adapter = adapter_class(kind)
    fields = {f.name: f for f in adapter.config_fields}
    unknown = sorted(set(values) - set(fields))
    if unknown:
        known = ", ".join(fields) or "none"
        raise ChannelConfigError(
            f"{adapter.label} channels have no setting {', '.join(unknown)}; known: {known}."
        )
    config: dict[str, Any] = {}
    credentials: dict[str, Any] = {}
    for name, raw in values.items():
        target = credentials if fields[name].secret else config
        target[name] = read_value(fields[name], raw)
    if require_all:
        missing = [
            f.name
            for f in adapter.config_fields
            if f.required and f.default is None and f.name not in values
        ]
        if missing:
            raise ChannelConfigError(
                f"{adapter.label} channels need {', '.join(missing)} (--set {missing[0]}=...)."
            )
    return config, credentials


def clean_terms(terms: list[str]) -> list[str]:
    try:
        return [check_term(term) for term in terms if term.strip()]
    except ValueError as exc:
        raise ChannelConfigError(str(exc)) from None


def create_channel(
    *,
    kind: str,
    name: str,
    values: dict[str, str],
    tracked_terms: list[str] | None = None,
    service_level: str | None = None,
    poll_interval_seconds: int | None = None,
) -> Channel:
    """Create a channel; service_level None means the kind's default (served, or monitored
    for kinds such as feeds that are followed rather than answered)."""
    if kind not in ADAPTERS:
        raise ChannelConfigError(f"Unknown channel kind {kind!r}; known: {', '.join(ADAPTERS)}.")
    if service_level is None:
        service_level = (
            Channel.ServiceLevel.MONITORED
            if adapter_class(kind).monitored_by_default
            else Channel.ServiceLevel.SERVED
        )
    name = name.strip()
    if not name:
        raise ChannelConfigError("A channel needs a name.")
    if service_level not in Channel.ServiceLevel.values:
        raise ChannelConfigError(f"Service level must be one of {Channel.ServiceLevel.values}.")
    if poll_interval_seconds is not None and poll_interval_seconds < 10:
        raise ChannelConfigError("Polling more often than every 10 seconds is not allowed.")
    config, credentials = split_settings(kind, values, require_all=True)
    terms = clean_terms(tracked_terms or [])
    try:
        with transaction.atomic():
            return Channel.objects.create(
                kind=kind,
                name=name,
                service_level=service_level,
                config=config,
                credentials=credentials,
                tracked_terms=terms,
                poll_interval_seconds=poll_interval_seconds,
            )
    except IntegrityError:
        raise ChannelConfigError(f"A channel named {name!r} exists already.") from None


def update_channel(
    *,
    channel: Channel,
    values: dict[str, str] | None = None,
    tracked_terms: list[str] | None = None,
) -> Channel:
    """Change settings or terms; None leaves them unchanged."""
    if values:
        config, credentials = split_settings(channel.kind, values, require_all=False)
        channel.config = {**channel.config, **config}
        channel.credentials = {**channel.credentials, **credentials}
    if tracked_terms is not None:
        channel.tracked_terms = clean_terms(tracked_terms)
    channel.save(update_fields=["config", "credentials", "tracked_terms"])
    return channel


def enable_channel(*, channel: Channel) -> Channel:
    """Switch a channel back on after its credentials were fixed; it is polled at once."""
    channel.is_active = True
    channel.disabled_reason = ""
    channel.disabled_reason_params = {}
    channel.consecutive_failures = 0
    channel.next_poll_at = timezone.now()
    channel.save(
        update_fields=[
            "is_active",
            "disabled_reason",
            "disabled_reason_params",
            "consecutive_failures",
            "next_poll_at",
        ]
    )
    return channel
