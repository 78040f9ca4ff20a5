from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "desk"
    verbose_name = "Inbound desk"

    def ready(self) -> None:
        # What the channels layer reports reaches people through the notification centre;
        # imported here because models are ready only now.
        from channels.hooks import channel_alert, reply_failed
        from desk.receivers import on_channel_alert, on_reply_failed

        reply_failed.connect(on_reply_failed)
        channel_alert.connect(on_channel_alert)
        _watch_configuration()
        _translated_blank_choice()


def _translated_blank_choice() -> None:
    """Django 6.1's empty choice of a select, new in that release, has no German, Polish or
    Swedish in Django's own catalogues yet; ours carry it (Django lets ready() set it)."""
    from django.db.models import fields
    from django.utils.translation import gettext_lazy

    fields.BLANK_CHOICE_LABEL = gettext_lazy("- Select an option -")


def _watch_configuration() -> None:
    """What desk.config_snapshot keeps per process, and when every process reads it again."""
    from celery.signals import task_prerun
    from django.core.signals import request_started

    from channels.models import Channel
    from desk import config_snapshot
    from desk.classification.models import ClassifierVersion, ReplyTemplate, RoutingRule
    from desk.models import ApiClient
    from desk.privacy.models import ChannelNoticeConfig
    from desk.sla.models import Calendar, CalendarDay, SlaPolicy, SlaTarget
    from tickets.models import Queue

    config_snapshot.watch(
        ApiClient,
        Channel,
        ChannelNoticeConfig,
        ClassifierVersion,
        RoutingRule,
        ReplyTemplate,
        Queue,
        SlaPolicy,
        SlaTarget,
        Calendar,
        CalendarDay,
    )
    request_started.connect(config_snapshot.recheck, dispatch_uid="config-snapshot:request")
    task_prerun.connect(config_snapshot.recheck, dispatch_uid="config-snapshot:task", weak=False)
