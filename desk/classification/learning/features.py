"""What the trained model sees of a mention: words, characters, lexicon cues and a few signals.

- words and word pairs of the normalised text, with negation marked ("not_working" after
  "not", until the next punctuation), so "not happy" is not "happy";
- character n-grams within words, which carry five languages, inflections and typos without
  a tokenizer per language;
- the lexicon's categories that matched (the model learns how far to trust each word list);
- cues for complaints that use no negative word: a question "why ...?", thanks or praise in
  the same post as a negative cue (the polite or sarcastic complaint), a link, shouting.
"""

from __future__ import annotations

import re

from desk.classification.lexicon import CATEGORIES
from desk.classification.normalize import normalize

# A 10 KB bug report is read from its beginning: the first screens say what is wrong, and
# the model's time grows with the length of the text.
MAX_CHARS = 3000

_NEGATORS = frozenset(
    "not no never nothing nobody nowhere cannot cant dont doesnt didnt isnt wasnt wont "
    "havent hasnt couldnt shouldnt without nicht kein keine keinen keiner nie niemals ohne "
    "pas jamais rien aucun aucune sans nie żaden żadna bez inte aldrig ingen inget utan".split()
)
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[.,!?;:]")
_STOP = frozenset(".,!?;:")
_WHY = re.compile(r"\b(?:why|warum|wieso|pourquoi|dlaczego|czemu|varför)\b", re.IGNORECASE)
SIGNALS: tuple[str, ...] = ("why_question", "polite_and_negative", "shouting", "link")


def model_text(text: str) -> str:
    """Normalised, cut, lower-cased, negation-marked: the string the vectorizers read."""
    tokens = []
    negated = False
    for token in _TOKEN.findall(normalize(text[:MAX_CHARS]).lower()):
        if token in _STOP:
            negated = False
            tokens.append(token)
            continue
        bare = token.replace("'", "")
        tokens.append(f"not_{token}" if negated else token)
        if bare in _NEGATORS or bare.endswith("nt") and token.endswith("n't"):
            negated = True
    return " ".join(tokens)


def signals(text: str, hits: dict[str, tuple[str, ...]]) -> list[str]:
    found = []
    if _WHY.search(text) and "?" in text:
        found.append("why_question")
    if hits.get("positive") and (hits.get("negative") or hits.get("insult")):
        found.append("polite_and_negative")
    letters = [c for c in text if c.isalpha()]
    if len(letters) >= 12 and sum(c.isupper() for c in letters) > 0.6 * len(letters):
        found.append("shouting")
    if "http" in text or "www." in text:
        found.append("link")
    return found


def cue_names() -> tuple[str, ...]:
    """Column names after the n-grams: lexicon categories, then signals."""
    return (*(f"lexicon:{c}" for c in CATEGORIES), *(f"signal:{s}" for s in SIGNALS))


def cue_columns(text: str, hits: dict[str, tuple[str, ...]]) -> list[int]:
    present = [i for i, category in enumerate(CATEGORIES) if hits.get(category)]
    found = set(signals(text, hits))
    present += [len(CATEGORIES) + i for i, s in enumerate(SIGNALS) if s in found]
    return present
