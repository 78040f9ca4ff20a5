from django.db import migrations

from tickets.migration_ops import drop_covered_fk_index


class Migration(migrations.Migration):
    dependencies = [
        ("desk", "0005_notification_texts_in_every_language"),
    ]

    operations = [
        drop_covered_fk_index(
            "inquiry",
            "client",
            to="desk.apiclient",
            related_name="inquiries",
            table="desk_inquiry",
            index="desk_inquiry_client_id_9b72dec5",
        ),
    ]
