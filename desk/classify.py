"""What a mention is: its language and the labels routing decides on.

The work happens in `desk.classification` (language detection, per-language lexicons and a
model trained from staff decisions); this module keeps the interface the desk calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Classification:
    language: str
    # Label -> score in [0, 1]: "technical", "press", "sales_lead", "netiquette".
    labels: dict[str, float] = field(default_factory=dict)
    sentiment: str = ""  # "negative" / "neutral" / "positive", or "" when unknown
    # Label -> why (the rule, the matched words, or the model and its score).
    reasons: dict[str, str] = field(default_factory=dict)
    # Label or "sentiment" -> the words or features that decided it, for people to read.
    cues: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Label or "sentiment" -> "model" or "lexicon": which layer decided it.
    sources: dict[str, str] = field(default_factory=dict)

    def has(self, label: str, threshold: float = 0.5) -> bool:
        return self.labels.get(label, 0.0) >= threshold


def classify(text: str, *, language_hint: str = "") -> Classification:
    from desk.classification.classifier import classify_text

    return classify_text(text, language_hint=language_hint)
