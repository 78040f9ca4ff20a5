from django.db import migrations

from tickets.migration_ops import drop_covered_fk_index


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0006_disabled_reason_params"),
    ]

    operations = [
        drop_covered_fk_index(
            "inboundevent",
            "channel",
            to="channels.channel",
            related_name="inbound_events",
            table="channels_inboundevent",
            index="channels_inboundevent_channel_id_1d48c05b",
        ),
    ]
