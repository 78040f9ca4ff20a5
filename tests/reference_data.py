"""Rows that data migrations create (queues, roles, the default SLA policy, notices, ...).

Transactional tests (a live server, a real Celery worker) end with a flush of every table,
which removes them too; they are made again so later tests see the database as deployed.
"""

from importlib import import_module

from django.apps import apps as django_apps

# (migration module, function): each function is idempotent (get_or_create).
DATA_MIGRATIONS = (
    ("tickets.migrations.0002_default_queues", "create_queues"),
    ("desk.triage.migrations.0002_roles_and_views", "create_roles"),
    ("desk.sla.migrations.0002_default_calendar", "create_defaults"),
    ("desk.privacy.migrations.0002_default_notices", "create_notices"),
    ("desk.privacy.migrations.0005_default_notices_localized_legal_basis", "localize"),
    ("desk.classification.migrations.0002_default_rules", "create_rules"),
)


def restore_reference_data() -> None:
    for module, function in DATA_MIGRATIONS:
        getattr(import_module(module), function)(django_apps, None)
