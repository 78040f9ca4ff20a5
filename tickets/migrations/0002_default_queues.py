from django.db import migrations

DEFAULT_QUEUES = [
    ("inbound", "Inbound desk", "Every inquiry arrives here first and is triaged."),
    ("technical", "Technical support", "Technical questions; also reachable directly."),
    ("communications", "Communications / press", "Press inquiries and public statements."),
    ("sales", "Sales", "Sales leads found on social media."),
]


def create_queues(apps, schema_editor):
    Queue = apps.get_model("tickets", "Queue")
    for slug, name, description in DEFAULT_QUEUES:
        Queue.objects.get_or_create(slug=slug, defaults={"name": name, "description": description})


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]

    operations = [migrations.RunPython(create_queues, migrations.RunPython.noop)]
