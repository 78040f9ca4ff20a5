"""Stored model versions: train a new one, switch the active one, roll back, load it fast."""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from desk.classification.learning import model as learned
from desk.classification.learning.dataset import SEED_PATH, Example, read_jsonl
from desk.classification.models import ClassifierVersion, TrainingExample

log = logging.getLogger(__name__)

# A staff decision counts this many times a seed example: it is the desk's own judgement on
# its own traffic, and one correction has to be able to move the model.
CORRECTION_WEIGHT = 8.0


class VersionError(Exception):
    """A version switch that cannot be made; the message says why."""


def training_examples() -> list[Example]:
    """The shipped seed set plus every staff correction; a correction replaces a seed text."""
    corrections = [
        Example(
            text=row.text,
            language=row.language,
            labels=frozenset(label for label, yes in row.labels.items() if yes),
            sentiment=row.sentiment,
            weight=CORRECTION_WEIGHT,
            source="correction",
            known_labels=frozenset(row.labels),
        )
        for row in TrainingExample.objects.order_by("id")
    ]
    corrected = {example.key for example in corrections}
    seeds = [e for e in read_jsonl(SEED_PATH) if e.key not in corrected]
    return seeds + corrections


def train_version(*, activate: bool = True, note: str = "") -> ClassifierVersion:
    examples = training_examples()
    trained = learned.train(examples)
    artifact, checksum = learned.dump(trained)
    metrics = _evaluation_summary(trained)
    with transaction.atomic():
        number = (ClassifierVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ClassifierVersion.objects.create(
            number=number,
            artifact=artifact,
            checksum=checksum,
            example_count=len(examples),
            correction_count=sum(e.source == "correction" for e in examples),
            metrics=metrics,
            note=note[:200],
        )
        if activate:
            activate_version(version=version)
    return version


def activate_version(*, version: ClassifierVersion) -> ClassifierVersion:
    """Make `version` the one in use; activating an older one is the rollback."""
    learned.load(bytes(version.artifact), version.checksum)  # refuse a broken artifact first
    with transaction.atomic():
        ClassifierVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(
            is_active=False
        )
        version.is_active = True
        version.activated_at = timezone.now()
        version.save(update_fields=["is_active", "activated_at"])
    return version


def rollback() -> ClassifierVersion:
    """Activate the newest version older than the active one."""
    active = ClassifierVersion.objects.filter(is_active=True).first()
    if active is None:
        raise VersionError("No model is active; there is nothing to roll back.")
    previous = ClassifierVersion.objects.filter(number__lt=active.number).first()
    if previous is None:
        raise VersionError(f"v{active.number} is the oldest version.")
    return activate_version(version=previous)


def deactivate_all() -> None:
    """Go back to the lexicons alone."""
    ClassifierVersion.objects.filter(is_active=True).update(is_active=False)


_cache_lock = threading.Lock()
_ACTIVE_SQL = (
    # The table name is our own model's, not input.
    f"SELECT id, number FROM {ClassifierVersion._meta.db_table} WHERE is_active = %s LIMIT 1"  # noqa: S608  # nosec B608
)
_loaded: dict[str, Any] = {"id": None, "number": None, "model": None}


def active_model() -> tuple[int | None, learned.TrainedModel | None]:
    """The active version's number and model, loaded once per process and per version."""
    # Asked on every classification, so plain SQL: the ORM's query building cost several
    # times the database round trip.
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_SQL, [True])
        row = cursor.fetchone()
    if row is None:
        return None, None
    pk, number = row
    if _loaded["id"] == pk:
        return _loaded["number"], _loaded["model"]
    with _cache_lock:
        if _loaded["id"] != pk:
            version = ClassifierVersion.objects.only("artifact", "checksum").get(pk=pk)
            try:
                model = learned.load(bytes(version.artifact), version.checksum)
            except learned.ModelError:
                log.exception("classifier v%s cannot be loaded; using the lexicons", number)
                model = None
            _loaded.update(id=pk, number=number, model=model)
    return _loaded["number"], _loaded["model"]


def _evaluation_summary(trained: learned.TrainedModel) -> dict[str, Any]:
    from desk.classification.learning.evaluation import evaluate_model_on_shipped_set

    try:
        return evaluate_model_on_shipped_set(trained)
    except Exception:  # noqa: BLE001 - a missing evaluation file must not stop training
        log.warning("could not evaluate the new model", exc_info=True)
        return {}
