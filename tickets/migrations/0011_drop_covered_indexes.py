from django.db import migrations

from tickets.migration_ops import drop_covered_fk_index


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0010_identity_seen_from_its_posts"),
    ]

    operations = [
        drop_covered_fk_index(
            "conversation",
            "channel",
            to="channels.channel",
            related_name="conversations",
            table="tickets_conversation",
            index="tickets_conversation_channel_id_d7816113",
        ),
        drop_covered_fk_index(
            "message",
            "channel",
            to="channels.channel",
            related_name="+",
            table="tickets_message",
            index="tickets_message_channel_id_d1b9c571",
        ),
        drop_covered_fk_index(
            "ticket",
            "queue",
            to="tickets.queue",
            related_name="tickets",
            table="tickets_ticket",
            index="tickets_ticket_queue_id_0d3cb9ef",
        ),
    ]
