"""The two layers together: language, lexicon evidence, and the active trained model."""

from __future__ import annotations

from desk.classification.language import detect_language
from desk.classification.learning.model import TrainedModel
from desk.classification.learning.versions import active_model
from desk.classification.lexicon import classify_by_lexicon
from desk.classification.types import Classification


def classify_text(text: str, *, language_hint: str = "") -> Classification:
    number, model = active_model()
    return classify_with(text, language_hint=language_hint, model=model, model_number=number)


def classify_with(
    text: str,
    *,
    language_hint: str = "",
    model: TrainedModel | None,
    model_number: int | None = None,
) -> Classification:
    """Classify with the lexicons, and with `model` for the labels it has learned."""
    language = detect_language(text, hint=language_hint)
    lexicon = classify_by_lexicon(text, language=language)
    labels = dict(lexicon.labels)
    reasons = dict(lexicon.reasons)
    sentiment = lexicon.sentiment
    if model is None:
        return Classification(
            language=language, labels=labels, sentiment=sentiment, reasons=reasons
        )
    name = f"model v{model_number}" if model_number is not None else "model"
    label_probabilities, sentiment_probabilities = model.predict(text, lexicon.hits)
    for label, probability in label_probabilities.items():
        evidence = lexicon.reasons.get(label)
        labels[label] = round(probability, 3)
        reasons[label] = f"{name} {probability:.2f}" + (f" ({evidence})" if evidence else "")
    if sentiment_probabilities:
        sentiment, probability = max(sentiment_probabilities.items(), key=lambda item: item[1])
        sentiment = str(sentiment)
        reasons["sentiment"] = f"{name} {sentiment} {probability:.2f}"
    labels = {label: score for label, score in labels.items() if score >= 0.05}
    return Classification(language=language, labels=labels, sentiment=sentiment, reasons=reasons)
