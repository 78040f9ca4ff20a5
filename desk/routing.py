"""Which team a new mention goes to.

A first, transparent rule set: technical questions go to technical support, everything else
to the inbound desk. The full rule engine replaces this; the decision keeps its reason.
"""

import re
from dataclasses import dataclass

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
_TECHNICAL = re.compile(
    r"(?<!\w)(" + "|".join(TECHNICAL_TERMS.values()) + r")(?!\w)", re.IGNORECASE
)


@dataclass(frozen=True)
class Route:
    queue_slug: str
    reason: str


def route_mention(text: str) -> Route:
    match = _TECHNICAL.search(text)
    if match:
        return Route("technical", f"technical term {match.group(0).lower()!r}")
    return Route("inbound", "default: inbound desk")
