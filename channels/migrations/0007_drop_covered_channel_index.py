import django.db.models.deletion
from django.db import migrations, models

from tickets.migration_ops import drop_covered_fk_index


class Migration(migrations.Migration):
    dependencies = [
        ("channels", "0006_disabled_reason_params"),
    ]

    operations = [
        drop_covered_fk_index(
            "inboundevent",
            "channel",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inbound_events",
                to="channels.channel",
            ),
            table="channels_inboundevent",
            index="channels_inboundevent_channel_id_1d48c05b",
        ),
    ]
