"""Character n-gram features plus the lexicon's hits, one logistic regression per label.

Character n-grams cope with five languages, inflections and typos without a tokenizer per
language; the lexicon hits let the model learn how far to trust each word list. Prediction
uses the fitted coefficients directly (one sparse product), which keeps it well under a
millisecond.
"""

from __future__ import annotations

import hashlib
import pickle  # nosec B403 - only our own models, checked by SHA-256 before loading
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from desk.classification.labels import LABELS, SENTIMENTS
from desk.classification.learning.dataset import Example
from desk.classification.lexicon import CATEGORIES, classify_by_lexicon

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

# scikit-learn and scipy are imported when a model is trained or loaded, not when the desk
# starts: a process that classifies with the lexicons alone never pays for them.

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
    sklearn_version: str = ""

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_analyzer", None)  # rebuilt after loading
        return state

    def _tfidf(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The vectorizer's row for one text, without scikit-learn's per-call validation.

        Same analyzer, vocabulary, sublinear tf, idf and L2 norm as `vectorizer.transform`
        (equal to it within 1e-16 on the evaluation set), several times faster for one text.
        """
        analyzer = self.__dict__.get("_analyzer")
        if analyzer is None:
            analyzer = self.__dict__["_analyzer"] = self.vectorizer.build_analyzer()
        vocabulary = self.vectorizer.vocabulary_
        counts: dict[int, int] = {}
        for gram in analyzer(text):
            index = vocabulary.get(gram)
            if index is not None:
                counts[index] = counts.get(index, 0) + 1
        if not counts:
            return np.zeros(0, dtype=np.intp), np.zeros(0)
        indices = np.fromiter(counts, dtype=np.intp, count=len(counts))
        values = (1.0 + np.log(np.fromiter(counts.values(), dtype=float))) * self.vectorizer.idf_[
            indices
        ]
        return indices, values / np.linalg.norm(values)

    def predict(
        self, text: str, lexicon_hits: dict[str, tuple[str, ...]]
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Label -> probability, and sentiment -> probability (empty without a sentiment model)."""
        indices, values = self._tfidf(text)
        width = len(self.vectorizer.vocabulary_)
        present = [width + i for i, c in enumerate(CATEGORIES) if lexicon_hits.get(c)]

        def logits(weights: np.ndarray, bias: np.ndarray) -> np.ndarray:
            # The same as features() @ weights, from the few non-zero features only.
            result = values @ weights[indices] + bias if len(indices) else bias.copy()
            for column in present:
                result = result + weights[column]
            return result

        labels = {}
        if self.labels:
            probabilities = 1.0 / (1.0 + np.exp(-logits(self.label_weights, self.label_bias)))
            labels = dict(zip(self.labels, probabilities.tolist(), strict=True))
        sentiment = {}
        if self.sentiment_weights is not None and self.sentiment_bias is not None:
            # One-vs-rest scores, normalized to sum to one (as scikit-learn does for OvR).
            scores = 1.0 / (1.0 + np.exp(-logits(self.sentiment_weights, self.sentiment_bias)))
            sentiment = dict(zip(self.sentiments, (scores / scores.sum()).tolist(), strict=True))
        return labels, sentiment


def features(
    vectorizer: TfidfVectorizer,
    texts: Sequence[str],
    hits: Sequence[dict[str, tuple[str, ...]]],
) -> sp.csr_matrix:
    import scipy.sparse as sp

    lexical = sp.csr_matrix(
        np.array([[1.0 if h.get(c) else 0.0 for c in CATEGORIES] for h in hits]),
        shape=(len(hits), len(CATEGORIES)),
    )
    return sp.hstack([vectorizer.transform(texts), lexical], format="csr")


def train(examples: Sequence[Example]) -> TrainedModel:
    import sklearn
    from sklearn.feature_extraction.text import TfidfVectorizer

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
    label_names, label_weights, label_bias = _one_vs_rest(
        matrix,
        weights,
        [
            (label, [label in e.labels if label in e.known_labels else None for e in examples])
            for label in LABELS
        ],
    )
    sentiment_names, sentiment_weights, sentiment_bias = _one_vs_rest(
        matrix,
        weights,
        [(s, [e.sentiment == s if e.sentiment else None for e in examples]) for s in SENTIMENTS],
    )
    complete = len(sentiment_names) == len(SENTIMENTS)
    return TrainedModel(
        vectorizer=vectorizer,
        labels=label_names,
        label_weights=label_weights,
        label_bias=label_bias,
        sentiments=sentiment_names if complete else (),
        sentiment_weights=sentiment_weights if complete else None,
        sentiment_bias=sentiment_bias if complete else None,
        sklearn_version=sklearn.__version__,
    )


def _one_vs_rest(
    matrix: sp.csr_matrix,
    weights: np.ndarray,
    targets: list[tuple[str, list[bool | None]]],
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """One binary classifier per name, on the rows whose answer is known (not None)."""
    names, columns, biases = [], [], []
    for name, answers in targets:
        rows = [i for i, answer in enumerate(answers) if answer is not None]
        target = np.array([answers[i] for i in rows])
        if len(set(target.tolist())) < 2:
            continue  # without both yes and no there is nothing to learn; the lexicon keeps it
        classifier = _classifier().fit(matrix[rows], target, sample_weight=weights[rows])
        names.append(name)
        columns.append(classifier.coef_[0])
        biases.append(classifier.intercept_[0])
    if not columns:
        return (), np.zeros((matrix.shape[1], 0)), np.zeros(0)
    return tuple(names), np.column_stack(columns), np.array(biases)


def _classifier() -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    # liblinear: exact and fast on a few thousand short texts (lbfgs took seconds per label).
    return LogisticRegression(C=10.0, class_weight="balanced", solver="liblinear")


def dump(model: TrainedModel) -> tuple[bytes, str]:
    """The model as bytes and their SHA-256 checksum."""
    # The n-grams cut by max_features are kept only for introspection; they would double the
    # artifact (scikit-learn's documentation suggests dropping them before pickling).
    model.vectorizer.stop_words_ = None
    artifact = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 6)
    return artifact, hashlib.sha256(artifact).hexdigest()


def load(artifact: bytes, checksum: str) -> TrainedModel:
    if hashlib.sha256(artifact).hexdigest() != checksum:
        raise ModelError("The stored model does not match its checksum.")
    # The artifact was written by `dump` into our own database; the checksum guards against
    # a truncated or altered row.
    try:
        model = pickle.loads(zlib.decompress(artifact))  # noqa: S301  # nosec B301
    except (zlib.error, pickle.UnpicklingError, AttributeError, ImportError) as exc:
        raise ModelError(f"The stored model cannot be read: {exc}") from None
    if not isinstance(model, TrainedModel):
        raise ModelError("The stored artifact is not a trained model.")
    return model
