"""The two layers together: language, lexicon evidence, and the active trained model."""

from __future__ import annotations

from collections.abc import Sequence

from desk.classification.labels import NETIQUETTE
from desk.classification.language import detect_language
from desk.classification.learning.model import Prediction, TrainedModel
from desk.classification.learning.versions import active_model
from desk.classification.lexicon import LexiconResult, classify_by_lexicon
from desk.classification.types import Classification

MODEL = "model"
LEXICON = "lexicon"


def classify_text(text: str, *, language_hint: str = "") -> Classification:
    number, model = active_model()
    return classify_with(text, language_hint=language_hint, model=model, model_number=number)


def classify_texts(items: Sequence[tuple[str, str]]) -> list[Classification]:
    """Classify many (text, language hint) pairs at once, as `classify_text` would each: the
    active model is looked up once and scores all of them in one vectorised product."""
    number, model = active_model()
    return classify_many(items, model=model, model_number=number)


def classify_with(
    text: str,
    *,
    language_hint: str = "",
    model: TrainedModel | None,
    model_number: int | None = None,
) -> Classification:
    """Classify with the lexicons, and with `model` for the labels it has learned."""
    return classify_many([(text, language_hint)], model=model, model_number=model_number)[0]


def classify_many(
    items: Sequence[tuple[str, str]],
    *,
    model: TrainedModel | None,
    model_number: int | None = None,
) -> list[Classification]:
    evidence = []
    for text, language_hint in items:
        language = detect_language(text, hint=language_hint)
        evidence.append((language, classify_by_lexicon(text, language=language)))
    if model is None:
        return [_combine(language, lexicon, None, "") for language, lexicon in evidence]
    model_name = f"model v{model_number}" if model_number is not None else "model"
    predictions = model.predict_many(
        [(text, lexicon.hits) for (text, _), (_, lexicon) in zip(items, evidence, strict=True)]
    )
    return [
        _combine(language, lexicon, prediction, model_name)
        for (language, lexicon), prediction in zip(evidence, predictions, strict=True)
    ]


def _combine(
    language: str, lexicon: LexiconResult, prediction: Prediction | None, model_name: str
) -> Classification:
    """The lexicons' answer, overruled by the model's for the labels the model has learned."""
    labels = dict(lexicon.labels)
    reasons = dict(lexicon.reasons)
    cues = {name: _lexicon_cues(lexicon, name) for name in [*labels, "sentiment"]}
    sources = dict.fromkeys(cues, LEXICON)
    sentiment = lexicon.sentiment
    if prediction is None:
        return Classification(
            language=language,
            labels=labels,
            sentiment=sentiment,
            reasons=reasons,
            cues={k: v for k, v in cues.items() if v},
            sources=sources,
        )
    for label, probability in prediction.labels.items():
        evidence = lexicon.reasons.get(label)
        labels[label] = round(probability, 3)
        if label == NETIQUETTE and lexicon.hits.get("threat"):
            # A matched threat is never left to a score: a missed threat costs far more
            # than a second look at a harsh post.
            labels[label] = max(labels[label], lexicon.labels.get(label, 0.0))
        reasons[label] = f"{model_name} {probability:.2f}" + (f" ({evidence})" if evidence else "")
        cues[label] = _readable(prediction.cues.get(label, ()), lexicon)
        sources[label] = MODEL
    if prediction.sentiment:
        sentiment, probability = max(prediction.sentiment.items(), key=lambda item: item[1])
        sentiment = str(sentiment)
        reasons["sentiment"] = f"{model_name} {sentiment} {probability:.2f}"
        cues["sentiment"] = _readable(prediction.cues.get(sentiment, ()), lexicon)
        sources["sentiment"] = MODEL
    labels = {label: score for label, score in labels.items() if score >= 0.05}
    return Classification(
        language=language,
        labels=labels,
        sentiment=sentiment,
        reasons=reasons,
        cues={k: v for k, v in cues.items() if v and (k in labels or k == "sentiment")},
        sources=sources,
    )


def _lexicon_cues(lexicon: LexiconResult, name: str) -> tuple[str, ...]:
    if name == "sentiment":
        return lexicon.hits.get(lexicon.sentiment, ()) if lexicon.sentiment != "neutral" else ()
    if name == NETIQUETTE:
        return tuple(w for kind in ("threat", "insult", "spam") for w in lexicon.hits.get(kind, ()))
    return lexicon.hits.get(name, ())


def _readable(features: tuple[str, ...], lexicon: LexiconResult) -> tuple[str, ...]:
    """Model features as people read them: a word list's matches instead of its name."""
    readable: list[str] = []
    for feature in features:
        if feature.startswith("lexicon:"):
            readable.extend(lexicon.hits.get(feature.removeprefix("lexicon:"), ())[:2])
        else:
            # The model reads punctuation as words ("!", "broken ."); a reader wants the words.
            words = [token for token in feature.split() if any(c.isalnum() for c in token)]
            if words:
                readable.append(" ".join(words).replace("not_", "not "))
    return tuple(dict.fromkeys(readable))[:4]
