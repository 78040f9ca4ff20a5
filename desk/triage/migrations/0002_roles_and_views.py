"""Roles as groups with the desk's permissions, and the built-in saved inbox views."""

from django.db import migrations

# Frozen here: later changes to the roles need a migration of their own.
ROLE_CAPABILITIES = {
    "agent": ["work_tickets"],
    "spokesperson": [
        "work_tickets", "post_company_voice", "answer_negative_posts", "approve_replies"
    ],
    "manager": ["work_tickets", "view_dashboards", "edit_policies"],
    "admin": [
        "work_tickets", "post_company_voice", "answer_negative_posts", "approve_replies",
        "view_dashboards", "edit_policies",
    ],
}
ADMIN_MANAGED_MODELS = (("triage", "confidentialterm"), ("triage", "cannedreply"))
CAPABILITY_NAMES = {
    "work_tickets": "Work tickets: read, note, flag, route, reply on private channels",
    "post_company_voice": "Post in the company's voice on public channels",
    "answer_negative_posts": "Answer negative public posts",
    "approve_replies": "Approve public replies drafted by others",
    "view_dashboards": "See the SLA dashboards",
    "edit_policies": "Edit calendars, SLA policies and routing rules",
}
MODEL_NAMES = {"confidentialterm": "confidential term", "cannedreply": "canned reply"}
BUILTIN_VIEWS = [
    ("My open", {"assignee": ["me"]}),
    ("Unassigned technical", {"assignee": ["unassigned"], "queue": ["technical"]}),
    ("At risk", {"sla": ["at_risk"]}),
]


def create_roles(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    SavedView = apps.get_model("triage", "SavedView")

    # Permissions are normally created after all migrations ran; the roles need them now.
    capability_type, _ = ContentType.objects.get_or_create(app_label="triage", model="deskcapability")
    capabilities = {
        codename: Permission.objects.get_or_create(
            content_type=capability_type, codename=codename, defaults={"name": name}
        )[0]
        for codename, name in CAPABILITY_NAMES.items()
    }
    admin_permissions = []
    for app_label, model in ADMIN_MANAGED_MODELS:
        content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
        for action in ("add", "change", "delete", "view"):
            admin_permissions.append(
                Permission.objects.get_or_create(
                    content_type=content_type,
                    codename=f"{action}_{model}",
                    defaults={"name": f"Can {action} {MODEL_NAMES[model]}"},
                )[0]
            )
    for role, granted in ROLE_CAPABILITIES.items():
        group, _ = Group.objects.get_or_create(name=role)
        group.permissions.add(*(capabilities[c] for c in granted))
        if role == "admin":
            group.permissions.add(*admin_permissions)

    for position, (name, query) in enumerate(BUILTIN_VIEWS):
        SavedView.objects.get_or_create(
            name=name, owner=None, defaults={"query": query, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("triage", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
