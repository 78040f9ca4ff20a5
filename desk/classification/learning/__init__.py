"""Layer 2: a linear model trained on real and own labelled posts and staff decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desk.classification.models import ClassifierVersion


def ensure_trained_model(*, note: str = "demo") -> ClassifierVersion:
    """The active model version, trained and activated first when there is none.

    For demo seeding: one call, about a minute of training on two cores the first time.
    """
    from desk.classification.learning.versions import ensure_trained_model as ensure

    return ensure(note=note)
