"""Character n-gram features plus the lexicon's hits, one logistic regression per label.

Character n-grams cope with five languages, inflections and typos without a tokenizer per
language; the lexicon hits let the model learn how far to trust each word list. Prediction
uses the fitted coefficients directly (one sparse product), which keeps it well under a
millisecond.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Sequence
from dataclasses import dataclass

import joblib
import numpy as np
import scipy.sparse as sp
import sklearn
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from desk.classification.labels import LABELS, SENTIMENTS
from desk.classification.learning.dataset import Example
from desk.classification.lexicon import CATEGORIES, classify_by_lexicon

MAX_FEATURES = 60_000


class ModelError(Exception):
    """A stored model that cannot be used (checksum mismatch, unreadable artifact)."""


@dataclass
class TrainedModel:
    vectorizer: TfidfVectorizer
    labels: tuple[str, ...]  # the labels this model decides; others stay with the lexicon
    label_weights: np.ndarray  # (features, labels)
    label_bias: np.ndarray  # (labels,)
    sentiments: tuple[str, ...]
    sentiment_weights: np.ndarray | None  # (features, classes)
    sentiment_bias: np.ndarray | None
    sklearn_version: str = sklearn.__version__

    def predict(
        self, text: str, lexicon_hits: dict[str, tuple[str, ...]]
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Label -> probability, and sentiment -> probability (empty without a sentiment model)."""
        row = features(self.vectorizer, [text], [lexicon_hits])
        labels = {}
        if self.labels:
            logits = np.asarray(row @ self.label_weights).ravel() + self.label_bias
            probabilities = 1.0 / (1.0 + np.exp(-logits))
            labels = dict(zip(self.labels, probabilities.tolist(), strict=True))
        sentiment = {}
        if self.sentiment_weights is not None and self.sentiment_bias is not None:
            logits = np.asarray(row @ self.sentiment_weights).ravel() + self.sentiment_bias
            exp = np.exp(logits - logits.max())
            sentiment = dict(zip(self.sentiments, (exp / exp.sum()).tolist(), strict=True))
        return labels, sentiment


def features(
    vectorizer: TfidfVectorizer,
    texts: Sequence[str],
    hits: Sequence[dict[str, tuple[str, ...]]],
) -> sp.csr_matrix:
    lexical = sp.csr_matrix(
        np.array([[1.0 if h.get(c) else 0.0 for c in CATEGORIES] for h in hits]),
        shape=(len(hits), len(CATEGORIES)),
    )
    return sp.hstack([vectorizer.transform(texts), lexical], format="csr")


def train(examples: Sequence[Example]) -> TrainedModel:
    if not examples:
        raise ModelError("There are no examples to train on.")
    texts = [e.text for e in examples]
    hits = [classify_by_lexicon(e.text, language=e.language).hits for e in examples]
    weights = np.array([e.weight for e in examples])
    vectorizer = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        sublinear_tf=True,
        max_features=MAX_FEATURES,
        lowercase=True,
    )
    vectorizer.fit(texts)
    matrix = features(vectorizer, texts, hits)
    trained_labels, columns, biases = [], [], []
    for label in LABELS:
        rows = [i for i, e in enumerate(examples) if label in e.known_labels]
        target = np.array([label in examples[i].labels for i in rows])
        if len(set(target.tolist())) < 2:
            continue  # without both yes and no, the lexicon keeps this label
        classifier = _classifier().fit(matrix[rows], target, sample_weight=weights[rows])
        trained_labels.append(label)
        columns.append(classifier.coef_[0])
        biases.append(classifier.intercept_[0])
    sentiment_weights = sentiment_bias = None
    rows = [i for i, e in enumerate(examples) if e.sentiment]
    sentiments: tuple[str, ...] = ()
    if len({examples[i].sentiment for i in rows}) == len(SENTIMENTS):
        classifier = _classifier().fit(
            matrix[rows], [examples[i].sentiment for i in rows], sample_weight=weights[rows]
        )
        sentiments = tuple(classifier.classes_)
        sentiment_weights = classifier.coef_.T.copy()
        sentiment_bias = classifier.intercept_.copy()
    width = matrix.shape[1]
    return TrainedModel(
        vectorizer=vectorizer,
        labels=tuple(trained_labels),
        label_weights=np.column_stack(columns) if columns else np.zeros((width, 0)),
        label_bias=np.array(biases),
        sentiments=sentiments,
        sentiment_weights=sentiment_weights,
        sentiment_bias=sentiment_bias,
    )


def _classifier() -> LogisticRegression:
    return LogisticRegression(C=10.0, class_weight="balanced", max_iter=2000)


def dump(model: TrainedModel) -> tuple[bytes, str]:
    """The model as bytes and their SHA-256 checksum."""
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    artifact = buffer.getvalue()
    return artifact, hashlib.sha256(artifact).hexdigest()


def load(artifact: bytes, checksum: str) -> TrainedModel:
    if hashlib.sha256(artifact).hexdigest() != checksum:
        raise ModelError("The stored model does not match its checksum.")
    # The artifact was written by `dump` into our own database; the checksum guards against
    # a truncated or altered row.
    model = joblib.load(io.BytesIO(artifact))  # noqa: S301
    if not isinstance(model, TrainedModel):
        raise ModelError("The stored artifact is not a trained model.")
    return model
