"""Precision, recall and F1 per label and language for a labelled set."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from desk.classification.labels import LABELS, SENTIMENTS
from desk.classification.learning.dataset import EVALUATION_PATH, Example, read_jsonl
from desk.classification.learning.model import TrainedModel
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


def evaluate(examples: Sequence[Example], predict: Callable[[Example], Classification]) -> Report:
    report: Report = defaultdict(Counts)
    for example in examples:
        result = predict(example)
        for language in (example.language, ALL):
            counts = report[("language", language)]
            counts.tp += result.language == example.language
            counts.fn += result.language != example.language
        predicted = {label for label in LABELS if result.has(label)}
        targets = [(label, label in predicted, label in example.labels) for label in LABELS]
        if example.sentiment:
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
    return dict(report)


def format_report(report: Report, *, title: str) -> str:
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
    lines.append(f"{'macro F1 (labels, all)':27} {macro_f1(report):6.3f}")
    detected = ", ".join(
        f"{language} {report[('language', language)].recall:.3f}"
        for language in languages
        if ("language", language) in report
    )
    lines.append(f"language detected correctly: {detected}")
    return "\n".join(lines)


def macro_f1(report: Report) -> float:
    scores = [report[(label, ALL)].f1 for label in LABELS if (label, ALL) in report]
    return sum(scores) / len(scores) if scores else 0.0


def evaluate_model_on_shipped_set(model: TrainedModel) -> dict[str, Any]:
    """Per-label F1 over all languages, stored with each model version for comparison.

    The declared language is passed: this compares models, not the language detector.
    """
    from desk.classification.classifier import classify_with

    examples = read_jsonl(EVALUATION_PATH)
    report = evaluate(
        examples,
        lambda e: classify_with(e.text, language_hint=e.language, model=model),
    )
    summary: dict[str, Any] = {
        label: round(report[(label, ALL)].f1, 3) for label in LABELS if (label, ALL) in report
    }
    summary["macro_f1"] = round(macro_f1(report), 3)
    return summary
