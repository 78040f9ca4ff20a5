"""Stored model versions: train one, gate and switch the active one, roll back, load it fast."""

from __future__ import annotations

import logging
import threading
from dataclasses import replace
from functools import cache
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from desk.classification.learning import model as learned
from desk.classification.learning.dataset import (
    SEED_PATH,
    TRAIN_CASES_PATH,
    Example,
    read_jsonl,
)
from desk.classification.learning.real_data import NEAR_DUPLICATE, max_similarity, real_sets
from desk.classification.models import ClassifierVersion, TrainingExample
from desk.config_snapshot import cached, changed

log = logging.getLogger(__name__)

# A staff decision counts this many times a seed example: it is the desk's own judgement on
# its own traffic, and one correction has to be able to move the model.
CORRECTION_WEIGHT = 8.0
# Real posts on other topics than customers writing to brands make the sentiment model worse
# on the desk's traffic (measured: airline macro F1 0.745 with them, 0.760 without).
REAL_TRAINING_SETS = ("airline-en", "apple-en")
# Our own labelled posts are few beside thousands of real tweets; each counts this much.
OWN_WEIGHT = 3.0
# How much lower than the active version's F1 a new version's may be, on any set and label.
GATE_TOLERANCE = 0.02


class VersionError(Exception):
    """A version switch that cannot be made; the message says why."""


class GateRefused(VersionError):
    """A version worse than the active one on some label; the message lists where."""


def training_examples() -> list[Example]:
    """Real posts, our own labelled posts, and every accepted staff correction (which replaces
    an own post with the same text). Corrections pending review or rejected are not read."""
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
        for row in TrainingExample.objects.filter(review=TrainingExample.Review.ACCEPTED).order_by(
            "id"
        )
    ]
    corrected = {example.key for example in corrections}
    real, own = _shipped_examples()
    return [
        *real,
        *(e for e in own if e.key not in corrected),
        *_apart_from_tests(corrections),
    ]


@cache
def _shipped_examples() -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    """The real posts and our own labelled posts, apart from the tests. They ship with the code,
    so they are sorted out once per process: the near-duplicate check over them took seconds of
    every retraining. (Each text is checked on its own, so the order of checks changes nothing.)"""
    own = [
        replace(e, weight=OWN_WEIGHT)
        for e in [*read_jsonl(SEED_PATH), *read_jsonl(TRAIN_CASES_PATH)]
    ]
    sets = real_sets()
    real = [e for name in REAL_TRAINING_SETS if name in sets for e in sets[name].train]
    return tuple(_apart_from_tests(real)), tuple(_apart_from_tests(own))


def _apart_from_tests(examples: list[Example]) -> list[Example]:
    """Without the examples that are near-duplicates of a test post: a staff correction or
    an own post that repeats a test post would make the figures lie."""
    # Evaluation runs the whole classifier, which reads the active version from here: imported
    # when training, so the package stays free of an import cycle.
    from desk.classification.learning.evaluation import shipped_suites

    tests = [e.text for suite in shipped_suites() for e in suite.examples]
    similarity = max_similarity([e.text for e in examples], tests)
    return [e for e, s in zip(examples, similarity, strict=True) if s < NEAR_DUPLICATE]


def train_version(
    *, activate: bool = True, note: str = "", requested_by: str = ""
) -> ClassifierVersion:
    """Train, evaluate and store a version; activate it when asked and the gate lets it."""
    examples = training_examples()
    return store_version(
        trained=learned.train(examples),
        example_count=len(examples),
        correction_count=sum(e.source == "correction" for e in examples),
        activate=activate,
        note=note,
        requested_by=requested_by,
    )


def store_version(
    *,
    trained: learned.TrainedModel,
    example_count: int,
    correction_count: int,
    activate: bool,
    note: str = "",
    requested_by: str = "",
) -> ClassifierVersion:
    """Evaluate `trained` on the shipped test sets and store it with its figures."""
    artifact, checksum = learned.dump(trained)
    metrics = _evaluation_summary(trained)
    with transaction.atomic():
        number = (ClassifierVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
        version = ClassifierVersion.objects.create(
            number=number,
            artifact=artifact,
            checksum=checksum,
            example_count=example_count,
            correction_count=correction_count,
            metrics=metrics,
            note=note[:200],
            requested_by=requested_by[:150],
        )
    if activate:
        try:
            activate_version(version=version)
        except GateRefused:
            log.warning("classifier v%s stays inactive: %s", version.number, version.gate_report)
    return version


def gate_findings(*, candidate: dict[str, Any], active: dict[str, Any]) -> list[str]:
    """Where `candidate` is worse than `active` by more than the tolerance, one line each."""
    findings = []
    for key, before in sorted(active.items()):
        after = candidate.get(key)
        if not isinstance(before, int | float):
            continue
        if not isinstance(after, int | float):
            findings.append(f"{key}: not evaluated (active {before:.3f})")
        elif after < before - GATE_TOLERANCE:
            findings.append(f"{key}: F1 {after:.3f} < {before:.3f}")
    return findings


def activate_version(*, version: ClassifierVersion, rollback: bool = False) -> ClassifierVersion:
    """Make `version` the one in use, if it is no worse than the active one on any label.

    A rollback (to the version active before) skips the comparison: it returns to a version
    that passed the gate in its time, and is how a manager undoes a switch.
    """
    learned.load(bytes(version.artifact), version.checksum)  # refuse a broken artifact first
    active = ClassifierVersion.objects.filter(is_active=True).exclude(pk=version.pk).first()
    if active is not None and not rollback:
        findings = gate_findings(candidate=version.metrics, active=active.metrics)
        if findings:
            version.gate_report = f"worse than v{active.number}: " + "; ".join(findings)
            version.save(update_fields=["gate_report"])
            raise GateRefused(f"v{version.number} is {version.gate_report}")
    with transaction.atomic():
        ClassifierVersion.objects.filter(is_active=True).exclude(pk=version.pk).update(
            is_active=False
        )
        version.is_active = True
        version.activated_at = timezone.now()
        version.gate_report = ""
        version.save(update_fields=["is_active", "activated_at", "gate_report"])
    return version


def rollback() -> ClassifierVersion:
    """Activate the newest version older than the active one."""
    active = ClassifierVersion.objects.filter(is_active=True).first()
    if active is None:
        raise VersionError("No model is active; there is nothing to roll back.")
    previous = ClassifierVersion.objects.filter(number__lt=active.number).first()
    if previous is None:
        raise VersionError(f"v{active.number} is the oldest version.")
    return activate_version(version=previous, rollback=True)


def ensure_trained_model(*, note: str = gettext_noop("demo seed")) -> ClassifierVersion:
    """The active version; when none is, one is trained and activated (demo seeding)."""
    active = ClassifierVersion.objects.filter(is_active=True).first()
    return active or train_version(activate=True, note=note)


def deactivate_all() -> None:
    """Go back to the lexicons alone."""
    ClassifierVersion.objects.filter(is_active=True).update(is_active=False)
    changed()  # an update sends no signal


_cache_lock = threading.Lock()
_ACTIVE_SQL = (
    # The table name is our own model's, not input.
    f"SELECT id, number FROM {ClassifierVersion._meta.db_table} WHERE is_active = %s LIMIT 1"  # noqa: S608  # nosec B608
)
_loaded: dict[str, Any] = {"id": None, "number": None, "model": None}


def active_model() -> tuple[int | None, learned.TrainedModel | None]:
    """The active version's number and model, loaded once per process and per version."""
    # Asked on every classification: kept with the configuration, and read with plain SQL
    # (the ORM's query building cost several times the database round trip).
    row = cached("classifier-active", _active_row)
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


def _active_row() -> tuple[int, int] | None:
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_SQL, [True])
        row = cursor.fetchone()
    return None if row is None else (row[0], row[1])


def _evaluation_summary(trained: learned.TrainedModel) -> dict[str, Any]:
    # As above: evaluation sits on top of the classifier, which reads the active version here.
    from desk.classification.learning.evaluation import evaluate_model

    try:
        return evaluate_model(trained)
    except Exception:  # noqa: BLE001 - a missing evaluation file must not stop training
        log.warning("could not evaluate the new model", exc_info=True)
        return {}
