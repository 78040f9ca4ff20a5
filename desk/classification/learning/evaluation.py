"""Precision, recall and F1 per label and language, on the shipped test sets.

Two kinds of set: real posts labelled by people outside this project (sentiment only, see
`real_data.py`), and our own five-language sets for the desk's labels, written and labelled
by the guideline in `../data/README.md`. Neither is ever trained on.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desk.classification.labels import LABELS, SENTIMENTS
from desk.classification.learning.dataset import (
    CASES_PATH,
    EVALUATION_PATH,
    Example,
    read_jsonl,
)
from desk.classification.learning.model import TrainedModel
from desk.classification.learning.real_data import real_sets
from desk.classification.types import Classification

ALL = "all"


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


# (label or "sentiment:<class>", language or "all") -> counts
Report = dict[tuple[str, str], Counts]


@dataclass(frozen=True)
class Suite:
    name: str
    source: str
    examples: tuple[Example, ...]
    sentiment_only: bool


def shipped_suites() -> list[Suite]:
    suites = [
        Suite(
            name=name,
            source=f"{real.source}: {real.description}",
            examples=real.test,
            sentiment_only=True,
        )
        for name, real in real_sets().items()
        if real.test
    ]
    suites.append(
        Suite(
            name="desk-5lang",
            source="socialdesk evaluation.jsonl: own posts, five languages (data/README.md)",
            examples=tuple(read_jsonl(EVALUATION_PATH)),
            sentiment_only=False,
        )
    )
    suites.append(
        Suite(
            name="desk-hard",
            source="socialdesk evaluation_cases.jsonl: paraphrases, long reports, threats, "
            "doxxing, slurs, harassment, order questions; five languages",
            examples=tuple(read_jsonl(CASES_PATH)),
            sentiment_only=False,
        )
    )
    return suites


def evaluate(
    examples: Sequence[Example],
    predict: Callable[[Example], Classification],
    *,
    sentiment_only: bool = False,
) -> tuple[Report, Counter[tuple[str, str]]]:
    """The report, and the sentiment confusion counts (truth, predicted)."""
    report: Report = defaultdict(Counts)
    confusion: Counter[tuple[str, str]] = Counter()
    for example in examples:
        result = predict(example)
        for language in (example.language, ALL):
            counts = report[("language", language)]
            counts.tp += result.language == example.language
            counts.fn += result.language != example.language
        targets: list[tuple[str, bool, bool]] = []
        if not sentiment_only:
            predicted = {label for label in LABELS if result.has(label)}
            targets = [(label, label in predicted, label in example.labels) for label in LABELS]
        if example.sentiment:
            confusion[(example.sentiment, result.sentiment or "neutral")] += 1
            targets += [
                (f"sentiment:{s}", result.sentiment == s, example.sentiment == s)
                for s in SENTIMENTS
            ]
        for name, said, truth in targets:
            for language in (example.language, ALL):
                counts = report[(name, language)]
                counts.tp += said and truth
                counts.fp += said and not truth
                counts.fn += truth and not said
    return dict(report), confusion


def sentiment_macro_f1(report: Report, language: str = ALL) -> float:
    # Classes the set has (a set of complaints and questions has no praise to find).
    present = [report.get((f"sentiment:{s}", language)) for s in SENTIMENTS]
    scores = [c.f1 for c in present if c is not None and c.support]
    return sum(scores) / len(scores) if scores else 0.0


def format_report(
    report: Report, confusion: Counter[tuple[str, str]] | None = None, *, title: str
) -> str:
    languages = sorted({lang for _, lang in report if lang != ALL}) + [ALL]
    names = [*LABELS, *(f"sentiment:{s}" for s in SENTIMENTS)]
    lines = [title, f"{'label':22} {'lang':4} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}"]
    for name in names:
        for language in languages:
            counts = report.get((name, language))
            if counts is None or (counts.support == 0 and counts.fp == 0):
                continue
            lines.append(
                f"{name:22} {language:4} {counts.precision:6.3f} {counts.recall:6.3f}"
                f" {counts.f1:6.3f} {counts.support:4d}"
            )
    for language in languages:
        if (f"sentiment:{SENTIMENTS[0]}", language) in report:
            lines.append(
                f"sentiment macro F1 {language:4} {sentiment_macro_f1(report, language):6.3f}"
            )
    if confusion:
        lines.append("sentiment confusion (rows: truth, columns: predicted)")
        lines.append(" " * 10 + "".join(f"{s:>10}" for s in SENTIMENTS))
        for truth in SENTIMENTS:
            lines.append(
                f"{truth:10}" + "".join(f"{confusion[(truth, s)]:10d}" for s in SENTIMENTS)
            )
    detected = ", ".join(
        f"{language} {report[('language', language)].recall:.3f}"
        for language in languages
        if ("language", language) in report
    )
    lines.append(f"language detected correctly: {detected}")
    return "\n".join(lines)


def evaluate_model(
    model: TrainedModel | None, *, model_number: int | None = None
) -> dict[str, Any]:
    """F1 per set and label, stored with each model version and compared by the gate.

    The declared language is passed: this compares models, not the language detector.
    """
    # The classifier reads the active model from learning.versions, which imports this module
    # to evaluate a new version: imported here, at evaluation time.
    from desk.classification.classifier import classify_with

    summary: dict[str, Any] = {}
    for suite in shipped_suites():
        report, _ = evaluate(
            suite.examples,
            lambda e: classify_with(
                e.text, language_hint=e.language, model=model, model_number=model_number
            ),
            sentiment_only=suite.sentiment_only,
        )
        names = [] if suite.sentiment_only else list(LABELS)
        names += [f"sentiment:{s}" for s in SENTIMENTS]
        for name in names:
            if (name, ALL) in report and report[(name, ALL)].support:
                summary[f"{suite.name} {name}"] = round(report[(name, ALL)].f1, 3)
        summary[f"{suite.name} sentiment macro"] = round(sentiment_macro_f1(report), 3)
    return summary
