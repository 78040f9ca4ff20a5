from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.classification import ambassadors, crisis
from desk.classification.learning.versions import train_version
from desk.classification.models import ClassifierVersion, TrainingExample


@shared_task(name="desk.classification.tasks.retrain_classifier")
def retrain_classifier(note: str = "", requested_by: str = "") -> int:
    """Train a new model version from the seed set and all corrections, and activate it."""
    return train_version(
        activate=True, note=note or gettext_noop("retrained"), requested_by=requested_by
    ).number


@shared_task(name="desk.classification.tasks.retrain_if_new_examples")
def retrain_if_new_examples() -> int | None:
    """Periodic: retrain when corrections were accepted since the newest version (or none
    exists)."""
    newest = ClassifierVersion.objects.order_by("-number").first()
    if (
        newest is not None
        and not TrainingExample.objects.filter(
            review=TrainingExample.Review.ACCEPTED, reviewed_at__gt=newest.trained_at
        ).exists()
    ):
        return None
    return train_version(activate=True, note=gettext_noop("periodic retraining")).number


@shared_task(name="desk.classification.tasks.prune_crisis_counters")
def prune_crisis_counters() -> int:
    counts, negatives = crisis.prune(now=timezone.now())
    return counts + negatives


@shared_task(name="desk.classification.tasks.suggest_ambassadors")
def suggest_ambassadors() -> int:
    return ambassadors.suggest_ambassadors()
