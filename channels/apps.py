from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ChannelsConfig(AppConfig):
    name = "channels"
    label = "channels"
    verbose_name = "Channels"

    def ready(self) -> None:
        from channels.models import Channel

        # A saved or deleted channel is forgotten by the webhook path's cache at once (every
        # process shares it); `Channel.objects.update` forgets in the queryset itself.
        post_save.connect(_forget_cached_channel, sender=Channel, dispatch_uid="channel-cache")
        post_delete.connect(_forget_cached_channel, sender=Channel, dispatch_uid="channel-cache")


def _forget_cached_channel(sender: type, instance: Any, **kwargs: Any) -> None:
    from channels import channel_cache

    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not channel_cache.ACK_COLUMNS.intersection(update_fields):
        return
    channel_cache.forget([instance.webhook_token])
