"""The trained layer: one linear model per label and per sentiment over words, characters and
cues (see `features.py`), trained with scikit-learn and applied without it.

Prediction uses the fitted coefficients directly (one sparse product over the few features a
mention has), which keeps a mention well under a millisecond and lets the model say which
features pushed it towards its answer.
"""

from __future__ import annotations

import hashlib
import pickle  # nosec B403 - only our own models, checked by SHA-256 before loading
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from desk.classification.labels import LABELS, SENTIMENTS
from desk.classification.learning.dataset import Example
from desk.classification.learning.features import cue_columns, cue_names, model_text
from desk.classification.lexicon import classify_by_lexicon

if TYPE_CHECKING:
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression

# scikit-learn and scipy are imported when a model is trained, not when the desk starts.

MAX_WORD_FEATURES = 60_000
MAX_CHAR_FEATURES = 60_000
TOP_FEATURES = 3
# How much of a long text is read a second time on its own (see `TrainedModel.predict`).
OPENING_CHARS = 400


class ModelError(Exception):
    """A stored model that cannot be used (checksum mismatch, unreadable artifact)."""


@dataclass
class Prediction:
    labels: dict[str, float]
    sentiment: dict[str, float]
    # Label or "sentiment" -> the features that pushed hardest towards the answer.
    cues: dict[str, tuple[str, ...]]


@dataclass
class _Vocabulary:
    """A fitted vectorizer reduced to what prediction needs: analyzer settings, terms, idf."""

    analyzer: str
    ngram_range: tuple[int, int]
    terms: dict[str, int]
    idf: np.ndarray
    offset: int

    def analyze(self) -> Any:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return TfidfVectorizer(
            analyzer=self.analyzer,
            ngram_range=self.ngram_range,
            lowercase=False,
            token_pattern=r"\S+",  # noqa: S106  # nosec B106 - a regex, not a secret
        ).build_analyzer()


@dataclass
class TrainedModel:
    vocabularies: tuple[_Vocabulary, ...]
    width: int  # n-gram columns; cue columns follow
    labels: tuple[str, ...]  # the labels this model decides; others stay with the lexicon
    label_weights: np.ndarray  # (features, labels)
    label_bias: np.ndarray
    sentiments: tuple[str, ...]
    sentiment_weights: np.ndarray | None
    sentiment_bias: np.ndarray | None
    sklearn_version: str = ""

    def __getstate__(self) -> dict[str, object]:
        state = dict(self.__dict__)
        state.pop("_analyzers", None)  # rebuilt after loading
        state.pop("_names", None)
        return state

    def _row(self, text: str, hits: dict[str, tuple[str, ...]]) -> tuple[np.ndarray, np.ndarray]:
        """Column indices and values of one mention, as the vectorizers would give them."""
        analyzers = self.__dict__.get("_analyzers")
        if analyzers is None:
            analyzers = self.__dict__["_analyzers"] = [v.analyze() for v in self.vocabularies]
        prepared = model_text(text)
        all_indices, all_values = [], []
        for vocabulary, analyze in zip(self.vocabularies, analyzers, strict=True):
            terms = vocabulary.terms
            found = [(terms[g], n) for g, n in Counter(analyze(prepared)).items() if g in terms]
            if not found:
                continue
            indices = np.fromiter((i for i, _ in found), dtype=np.intp, count=len(found))
            counts = np.fromiter((n for _, n in found), dtype=float, count=len(found))
            values = (1.0 + np.log(counts)) * vocabulary.idf[indices]
            all_indices.append(indices + vocabulary.offset)
            all_values.append(values / np.linalg.norm(values))
        cues = np.array(cue_columns(text, hits), dtype=np.intp) + self.width
        all_indices.append(cues)
        all_values.append(np.ones(len(cues)))
        return np.concatenate(all_indices), np.concatenate(all_values)

    def predict(self, text: str, lexicon_hits: dict[str, tuple[str, ...]]) -> Prediction:
        return self.predict_many([(text, lexicon_hits)])[0]

    def predict_many(
        self, items: Sequence[tuple[str, dict[str, tuple[str, ...]]]]
    ) -> list[Prediction]:
        """Predictions for many mentions, scored together (see `_read_all`)."""
        # A long e-mail is also read by its opening, where people say what is wrong: the
        # model learned from posts of a few sentences, and pages of steps or logs dilute
        # them. A label holds if either reading gives it (measured on the 10 KB reports:
        # 0.48 -> 0.70 for the German one; short posts are not affected).
        long = [n for n, (text, _) in enumerate(items) if len(text) > 2 * OPENING_CHARS]
        openings = [(items[n][0][:OPENING_CHARS], items[n][1]) for n in long]
        readings = self._read_all([*items, *openings])
        predictions = readings[: len(items)]
        for n, opening in zip(long, readings[len(items) :], strict=True):
            prediction = predictions[n]
            for label, probability in opening.labels.items():
                if probability > prediction.labels.get(label, 0.0):
                    prediction.labels[label] = probability
                    if label in opening.cues:
                        prediction.cues[label] = opening.cues[label]
        return predictions

    def _read_all(
        self, items: Sequence[tuple[str, dict[str, tuple[str, ...]]]]
    ) -> list[Prediction]:
        """The scores of all items come from one product of their stacked feature rows with
        the weights; only the answers given are explained, row by row."""
        rows = [self._row(text, hits) for text, hits in items]
        if not rows:
            return []
        indices = np.concatenate([row_indices for row_indices, _ in rows])
        values = np.concatenate([row_values for _, row_values in rows])
        bounds = np.cumsum([0, *(len(row_indices) for row_indices, _ in rows)])
        label_scores = self._scores(self.label_weights, self.label_bias, indices, values, bounds)
        sentiment_scores = (
            self._scores(self.sentiment_weights, self.sentiment_bias, indices, values, bounds)
            if self.sentiment_weights is not None and self.sentiment_bias is not None
            else None
        )
        return [
            self._prediction(
                indices[start:end],
                values[start:end],
                label_scores[row],
                None if sentiment_scores is None else sentiment_scores[row],
            )
            for row, (start, end) in enumerate(zip(bounds[:-1], bounds[1:], strict=True))
        ]

    @staticmethod
    def _scores(
        weights: np.ndarray,
        bias: np.ndarray,
        indices: np.ndarray,
        values: np.ndarray,
        bounds: np.ndarray,
    ) -> np.ndarray:
        """Probabilities per row and class: sum(value * weight) over each row's features."""
        contributions = values[:, None] * weights[indices]  # (features of all rows, classes)
        totals = np.zeros((len(bounds) - 1, weights.shape[1]))
        # reduceat sums from each start to the next; a row without features has none to sum.
        filled = bounds[1:] > bounds[:-1]
        if filled.any():
            totals[filled] = np.add.reduceat(contributions, bounds[:-1][filled], axis=0)
        return 1.0 / (1.0 + np.exp(-(totals + bias)))

    def _prediction(
        self,
        indices: np.ndarray,
        values: np.ndarray,
        label_probabilities: np.ndarray,
        sentiment_raw: np.ndarray | None,
    ) -> Prediction:
        cues: dict[str, tuple[str, ...]] = {}
        # Only the answers given are explained: the rest would cost time for nothing.
        for column in np.flatnonzero(label_probabilities >= 0.5):
            contributions = values * self.label_weights[indices, column]
            cues[self.labels[column]] = self._top(indices, contributions)
        labels = dict(zip(self.labels, label_probabilities.tolist(), strict=True))
        sentiment: dict[str, float] = {}
        if sentiment_raw is not None and self.sentiment_weights is not None:
            answer = int(np.argmax(sentiment_raw))
            contributions = values * self.sentiment_weights[indices, answer]
            cues[self.sentiments[answer]] = self._top(indices, contributions)
            # One-vs-rest scores, normalised to sum to one (as scikit-learn does for OvR).
            normalised = (sentiment_raw / sentiment_raw.sum()).tolist()
            sentiment = dict(zip(self.sentiments, normalised, strict=True))
        return Prediction(labels=labels, sentiment=sentiment, cues=cues)

    def _top(self, indices: np.ndarray, contributions: np.ndarray) -> tuple[str, ...]:
        names = self._feature_names()
        # Character n-grams ("ot_", "bl") carry the prediction but mean nothing to a reader:
        # the explanation names words, word pairs and cues only.
        readable = [p for p, i in enumerate(indices.tolist()) if not names[i].startswith("\x00")]
        order = [readable[p] for p in np.argsort(-contributions[readable])[: TOP_FEATURES * 3]]
        chosen: list[str] = []
        for position in order:
            if contributions[position] <= 0 or len(chosen) == TOP_FEATURES:
                break
            name = names[int(indices[position])]
            if not any(name in other or other in name for other in chosen):
                chosen.append(name)
        return tuple(chosen)

    def _feature_names(self) -> list[str]:
        names = self.__dict__.get("_names")
        if names is None:
            names = [""] * self.width
            for vocabulary in self.vocabularies:
                hidden = "\x00" if vocabulary.analyzer.startswith("char") else ""
                for term, index in vocabulary.terms.items():
                    names[vocabulary.offset + index] = hidden + term.strip()
            names += list(cue_names())
            self.__dict__["_names"] = names
        return names


def _cue_matrix(examples: Sequence[Example]) -> sp.csr_matrix:
    import scipy.sparse as sp

    rows, columns = [], []
    for row, example in enumerate(examples):
        hits = classify_by_lexicon(example.text, language=example.language).hits
        for column in cue_columns(example.text, hits):
            rows.append(row)
            columns.append(column)
    return sp.csr_matrix(
        (np.ones(len(rows)), (rows, columns)), shape=(len(examples), len(cue_names()))
    )


def train(examples: Sequence[Example]) -> TrainedModel:
    import scipy.sparse as sp
    import sklearn
    from sklearn.base import clone
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not examples:
        raise ModelError("There are no examples to train on.")
    texts = [model_text(e.text) for e in examples]
    weights = np.array([e.weight for e in examples])
    vectorizers = [
        TfidfVectorizer(
            analyzer="word",
            ngram_range=(1, 2),
            token_pattern=r"\S+",  # noqa: S106  # nosec B106 - a regex, not a secret
            lowercase=False,
            sublinear_tf=True,
            max_features=MAX_WORD_FEATURES,
        ),
        TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            lowercase=False,
            sublinear_tf=True,
            max_features=MAX_CHAR_FEATURES,
        ),
    ]
    # The vocabulary is the most frequent n-grams of all texts plus every n-gram of the
    # desk's own labelled posts: thousands of English tweets must not crowd out the few
    # Polish words that mark a press inquiry.
    own = [t for t, e in zip(texts, examples, strict=True) if e.known_labels]
    blocks = []
    for position, vectorizer in enumerate(vectorizers):
        terms = set(vectorizer.fit(texts).vocabulary_)
        if own:
            terms |= set(clone(vectorizer).set_params(max_features=None).fit(own).vocabulary_)
        vectorizers[position] = clone(vectorizer).set_params(
            vocabulary=sorted(terms), max_features=None
        )
        blocks.append(vectorizers[position].fit_transform(texts))
    matrix = sp.hstack([*blocks, _cue_matrix(examples)], format="csr")
    label_names, label_weights, label_bias = _one_vs_rest(
        matrix,
        weights,
        [
            (label, [label in e.labels if label in e.known_labels else None for e in examples])
            for label in LABELS
        ],
        balanced=True,
    )
    sentiment_names, sentiment_weights, sentiment_bias = _one_vs_rest(
        matrix,
        weights,
        [(s, [e.sentiment == s if e.sentiment else None for e in examples]) for s in SENTIMENTS],
        balanced=False,
    )
    complete = len(sentiment_names) == len(SENTIMENTS)
    vocabularies, offset = [], 0
    for vectorizer in vectorizers:
        vocabularies.append(
            _Vocabulary(
                analyzer=str(vectorizer.analyzer),
                ngram_range=vectorizer.ngram_range,
                terms={str(t): int(i) for t, i in vectorizer.vocabulary_.items()},
                idf=vectorizer.idf_.astype(np.float32),
                offset=offset,
            )
        )
        offset += len(vectorizer.vocabulary_)
    return TrainedModel(
        vocabularies=tuple(vocabularies),
        width=offset,
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
    *,
    balanced: bool,
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """One binary classifier per name, on the rows whose answer is known (not None)."""
    names, columns, biases = [], [], []
    for name, answers in targets:
        rows = [i for i, answer in enumerate(answers) if answer is not None]
        target = np.array([answers[i] for i in rows])
        if len(set(target.tolist())) < 2:
            continue  # without both yes and no there is nothing to learn; the lexicon keeps it
        classifier = _classifier(balanced=balanced).fit(
            matrix[rows], target, sample_weight=weights[rows]
        )
        shift = _calibrated_shift(matrix[rows], target, weights[rows]) if balanced else 0.0
        names.append(name)
        columns.append(classifier.coef_[0].astype(np.float32))
        biases.append(classifier.intercept_[0] - shift)
    if not columns:
        return (), np.zeros((matrix.shape[1], 0), dtype=np.float32), np.zeros(0)
    return tuple(names), np.column_stack(columns), np.array(biases)


def _calibrated_shift(matrix: sp.csr_matrix, target: np.ndarray, weights: np.ndarray) -> float:
    """The score at which a label is best said, from 5-fold predictions on the training rows.

    A label learned from a few hundred posts is shy: its held-out scores for true posts
    cluster below the default cut. Moving the cut to where held-out F1 peaks (within bounds)
    is measured, not guessed, and uses no test data.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    if min(int(target.sum()), int((~target).sum())) < 5:
        return 0.0
    scores = cross_val_predict(
        _classifier(balanced=True),
        matrix,
        target,
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=16),
        method="decision_function",
        params={"sample_weight": weights},
    )
    best, best_f1 = 0.0, -1.0
    for cut in np.linspace(-1.5, 1.5, 31):
        said = scores >= cut
        tp = float((said & target).sum())
        f1 = 2 * tp / (said.sum() + target.sum()) if said.sum() + target.sum() else 0.0
        if f1 > best_f1 + 1e-9 or (abs(f1 - best_f1) <= 1e-9 and abs(cut) < abs(best)):
            best, best_f1 = float(cut), f1
    return best


def _classifier(*, balanced: bool) -> LogisticRegression:
    from sklearn.linear_model import LogisticRegression

    # liblinear: exact and fast on sparse text features; one-vs-rest, one label at a time.
    # Labels are rare (a few press posts among thousands), so their classes are balanced;
    # sentiment keeps the real proportions of complaints, questions and praise.
    # The dual problem is the faster one with more features than posts (measured: 8 s per
    # sentiment class in the primal, under 2 s in the dual).
    return LogisticRegression(
        C=10.0 if balanced else 2.0,
        solver="liblinear",
        dual=True,
        max_iter=500,
        class_weight="balanced" if balanced else None,
    )


def dump(model: TrainedModel) -> tuple[bytes, str]:
    """The model as bytes and their SHA-256 checksum."""
    artifact = zlib.compress(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL), 6)
    return artifact, hashlib.sha256(artifact).hexdigest()


def load(artifact: bytes, checksum: str) -> TrainedModel:
    if hashlib.sha256(artifact).hexdigest() != checksum:
        raise ModelError("The stored model does not match its checksum.")
    # The artifact was written by `dump` into our own database; the checksum guards against
    # a truncated or altered row.
    try:
        model = pickle.loads(zlib.decompress(artifact))  # noqa: S301  # nosec B301
    except (zlib.error, pickle.UnpicklingError, AttributeError, ImportError, TypeError) as exc:
        raise ModelError(f"The stored model cannot be read: {exc}") from None
    if not isinstance(model, TrainedModel):
        raise ModelError("The stored artifact is not a trained model.")
    return model
