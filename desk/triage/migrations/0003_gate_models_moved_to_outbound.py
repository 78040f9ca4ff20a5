# ConfidentialTerm and ReplyApproval now belong to desk.outbound (same tables).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0002_roles_and_views"),
        ("outbound", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="ReplyApproval"),
                migrations.DeleteModel(name="ConfidentialTerm"),
            ],
        ),
    ]
