from django.db import migrations

# position, name, label, queue slug, netiquette, tags
DEFAULT_RULES = [
    (10, "Netiquette violations get no reply", "netiquette", None, True, "netiquette"),
    (20, "Press inquiries to Communications", "press", "communications", False, "press"),
    (30, "Technical questions to Technical support", "technical", "technical", False, ""),
    (40, "Sales leads to Sales", "sales_lead", "sales", False, "sales-lead"),
]


def create_rules(apps, schema_editor):
    RoutingRule = apps.get_model("classification", "RoutingRule")
    Queue = apps.get_model("tickets", "Queue")
    if RoutingRule.objects.exists():
        return
    for position, name, label, queue_slug, netiquette, tags in DEFAULT_RULES:
        queue = Queue.objects.filter(slug=queue_slug).first() if queue_slug else None
        RoutingRule.objects.create(
            position=position,
            name=name,
            label=label,
            queue=queue,
            mark_netiquette=netiquette,
            # A netiquette violation is decided: nothing after it should route or reply.
            stop_processing=netiquette,
            tags=tags,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("classification", "0001_initial"),
        ("tickets", "0002_default_queues"),
    ]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
