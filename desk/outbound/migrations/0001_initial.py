# The gate's models moved here from the triage app. Their tables stay as they are (db_table);
# only Django's state and the content types (so permissions follow) change.
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def move_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("confidentialterm", "replyapproval"):
        if not ContentType.objects.filter(app_label="outbound", model=model).exists():
            ContentType.objects.filter(app_label="triage", model=model).update(
                app_label="outbound"
            )


def restore_content_types(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("confidentialterm", "replyapproval"):
        ContentType.objects.filter(app_label="outbound", model=model).update(app_label="triage")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("tickets", "0007_sla_state_fields"),
        ("triage", "0002_roles_and_views"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ConfidentialTerm",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("term", models.CharField(max_length=200, unique=True)),
                        ("reason", models.CharField(blank=True, max_length=300)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                    ],
                    options={"ordering": ["term"], "db_table": "triage_confidentialterm"},
                ),
                migrations.CreateModel(
                    name="ReplyApproval",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("text", models.TextField()),
                        ("voice", models.CharField(max_length=10)),
                        ("is_holding", models.BooleanField(default=False)),
                        ("reason", models.CharField(max_length=300)),
                        ("state", models.CharField(choices=[("pending", "Pending"), ("approved", "Approved"), ("rejected", "Rejected")], default="pending", max_length=10)),
                        ("decided_at", models.DateTimeField(blank=True, null=True)),
                        ("decision_note", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("decided_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("drafted_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                        ("message", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="tickets.message")),
                        ("ticket", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="tickets.ticket")),
                    ],
                    options={
                        "ordering": ["created_at", "id"],
                        "db_table": "triage_replyapproval",
                        "indexes": [models.Index(condition=models.Q(("state", "pending")), fields=["created_at"], name="approval_pending")],
                    },
                ),
            ],
        ),
        migrations.RunPython(move_content_types, restore_content_types),
    ]
