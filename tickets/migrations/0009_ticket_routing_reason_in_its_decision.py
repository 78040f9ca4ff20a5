"""Why a ticket went to its queue lives in its decision (desk.classification), which copies
any reason it lacks first (that app's migration 0008 runs before this one)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("tickets", "0008_follow_up_clock")]

    operations = [migrations.RemoveField(model_name="ticket", name="routing_reason")]
