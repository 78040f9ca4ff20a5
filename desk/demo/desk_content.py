"""Demo canned replies and confidential terms, so the composer has something to show."""

from desk.outbound.models import ConfidentialTerm
from desk.triage.models import CannedReply

# (language, title, text): the composer offers a ticket the ones in its language.
CANNED = [
    (
        "en",
        "Thanks + looking into it",
        "Hi {first_name}, thanks for letting us know. We are looking "
        "into it and will come back to you here. – {agent}",
    ),
    (
        "en",
        "Password reset",
        "Hi {first_name}, please try the reset link again and check that the "
        "address matches your account. If it still fails, send us a DM with your user name.",
    ),
    (
        "en",
        "Sorry for the trouble",
        "Hi {first_name}, we are sorry for the trouble. That is not the "
        "service we want to give. We are on it and will update you today. – {agent}",
    ),
    (
        "de",
        "Danke + wir kümmern uns",
        "Hallo {first_name}, danke für den Hinweis. Wir sehen uns das an und melden uns "
        "hier wieder. – {agent}",
    ),
    (
        "de",
        "Entschuldigung für den Ärger",
        "Hallo {first_name}, das tut uns leid. So soll unser Service nicht sein. Wir kümmern "
        "uns darum und geben Ihnen heute Bescheid. – {agent}",
    ),
    (
        "fr",
        "Merci + nous regardons",
        "Bonjour {first_name}, merci de nous avoir prévenus. Nous regardons cela et revenons "
        "vers vous ici. – {agent}",
    ),
    (
        "fr",
        "Désolés pour le désagrément",
        "Bonjour {first_name}, nous sommes désolés pour ce désagrément. Nous nous en occupons "
        "et vous tenons au courant aujourd'hui. – {agent}",
    ),
    (
        "pl",
        "Dziękujemy + sprawdzamy",
        "Dzień dobry {first_name}, dziękujemy za informację. Sprawdzamy to i odezwiemy się "
        "tutaj. – {agent}",
    ),
    (
        "sv",
        "Tack + vi tittar på det",
        "Hej {first_name}, tack för att du hör av dig. Vi tittar på det och återkommer här. "
        "– {agent}",
    ),
]
CONFIDENTIAL = [
    ("Project Falcon", "unannounced product"),
    ("merger", "non-public negotiations"),
]


def seed_desk_content() -> None:
    for language, title, text in CANNED:
        CannedReply.objects.update_or_create(
            title=title, defaults={"text": text, "language": language}
        )
    for term, reason in CONFIDENTIAL:
        ConfidentialTerm.objects.get_or_create(term=term, defaults={"reason": reason})
