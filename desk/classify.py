"""What a mention is: its language and the labels routing decides on.

First version: the language the source declared, and a transparent lexicon for technical
questions. The classification issue replaces the internals (language detection, lexicons for
press, sales, netiquette and sentiment, a trained model); callers keep this interface.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Words that mark a technical question in the five languages we serve. Kept short and
# specific: a false "technical" costs a hand-over, a missed one costs the SLA.
TECHNICAL_TERMS = {
    "en": r"error|bug|crash(?:es|ed)?|install(?:ation)?|login|log in|password|api|server|"
    r"timeout|not working|doesn'?t work|broken|update|upgrade|download|sync|ssl|dns|404|500",
    "de": r"fehler|fehlermeldung|absturz|stürzt|installation|installieren|anmeldung|passwort|"
    r"kennwort|funktioniert nicht|geht nicht|kaputt|aktualisierung|herunterladen|schnittstelle",
    "fr": r"erreur|bogue|plantage|plante|installation|installer|connexion|mot de passe|"
    r"ne fonctionne pas|ne marche pas|en panne|mise à jour|télécharger",
    "pl": r"błąd|błędu|awaria|zawiesza|instalacja|zainstalować|logowanie|hasło|hasła|"
    r"nie działa|aktualizacja|pobrać|serwer",
    "sv": r"fel|felmeddelande|krasch|kraschar|installation|installera|inloggning|lösenord|"
    r"fungerar inte|funkar inte|uppdatering|ladda ner|servern",
}
_TECHNICAL = re.compile(r"(?<!\w)(" + "|".join(TECHNICAL_TERMS.values()) + r")(?!\w)", re.I)


@dataclass(frozen=True)
class Classification:
    language: str
    # Label -> score in [0, 1]: "technical", "press", "sales_lead", "netiquette".
    labels: dict[str, float] = field(default_factory=dict)
    sentiment: str = ""  # "negative" / "neutral" / "positive", or "" when unknown
    # Label -> why (the rule, the matched words, or the model and its score).
    reasons: dict[str, str] = field(default_factory=dict)

    def has(self, label: str, threshold: float = 0.5) -> bool:
        return self.labels.get(label, 0.0) >= threshold


def classify(text: str, *, language_hint: str = "") -> Classification:
    labels: dict[str, float] = {}
    reasons: dict[str, str] = {}
    match = _TECHNICAL.search(text)
    if match:
        labels["technical"] = 1.0
        reasons["technical"] = f"technical term {match.group(0).lower()!r}"
    return Classification(language=language_hint, labels=labels, reasons=reasons)
