"""Labelled mentions: the shipped JSONL files and the staff's corrections, in one shape."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from desk.classification.labels import LABELS, SENTIMENTS

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
SEED_PATH = DATA_DIR / "train_seed.jsonl"
EVALUATION_PATH = DATA_DIR / "evaluation.jsonl"
CASES_PATH = DATA_DIR / "evaluation_cases.jsonl"
TRAIN_CASES_PATH = DATA_DIR / "train_cases.jsonl"


class DatasetError(ValueError):
    """A labelled file that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Example:
    text: str
    language: str
    labels: frozenset[str]
    sentiment: str = ""
    weight: float = 1.0
    source: str = "seed"
    known_labels: frozenset[str] = field(default=frozenset(LABELS))

    @property
    def key(self) -> str:
        return " ".join(self.text.lower().split())


def read_jsonl(path: Path) -> list[Example]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"Cannot read {path}: {exc}") from None
    return list(_parse(lines, str(path)))


def _parse(lines: Iterable[str], name: str) -> Iterator[Example]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{name}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise DatasetError(f"{name}:{number}: expected an object with a text")
        labels = row.get("labels", [])
        unknown = set(labels) - set(LABELS) if isinstance(labels, list) else {"?"}
        if unknown:
            raise DatasetError(f"{name}:{number}: unknown labels {sorted(unknown)}")
        sentiment = row.get("sentiment", "")
        if sentiment and sentiment not in SENTIMENTS:
            raise DatasetError(f"{name}:{number}: unknown sentiment {sentiment!r}")
        yield Example(
            text=row["text"],
            language=str(row.get("language", "")),
            labels=frozenset(labels),
            sentiment=sentiment,
        )
