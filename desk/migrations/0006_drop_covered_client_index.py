import django.db.models.deletion
from django.db import migrations, models

from tickets.migration_ops import drop_covered_fk_index


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0005_notification_texts_in_every_language"),
    ]

    operations = [
        drop_covered_fk_index(
            "inquiry",
            "client",
            models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="inquiries",
                to="desk.apiclient",
            ),
            table="desk_inquiry",
            index="desk_inquiry_client_id_9b72dec5",
        ),
    ]
