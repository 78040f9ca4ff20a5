"""Demo canned replies, confidential terms and a holding reply, so the composer and the rules
have something to show."""

from desk.classification.labels import PRESS
from desk.classification.models import ReplyTemplate, RoutingRule
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


# A rule's holding reply: each press inquiry hears at once that the press office has it, and
# its follow-up clock starts (the answer itself is the spokespeople's). The blank language
# serves a post in a language with no text of its own.
PRESS_HOLDING_REPLY = "Press office has it"
PRESS_HOLDING_TEXTS = {
    "": "Thank you for your inquiry. Our press office has it and will get back to you.",
    "en": "Thank you for your inquiry. Our press office has it and will get back to you.",
    "de": "Danke für Ihre Anfrage. Unsere Pressestelle hat sie erhalten und meldet sich bei Ihnen.",
    "fr": "Merci pour votre demande. Notre service de presse l'a reçue et reviendra vers vous.",
    "pl": "Dziękujemy za zapytanie. Nasze biuro prasowe je otrzymało i odezwie się do Ciebie.",
    "sv": "Tack för din förfrågan. Vår pressavdelning har fått den och återkommer till dig.",
}


def seed_press_holding_reply() -> None:
    """The template, and the default press rule sending it (unless a manager chose another).

    Seeded after the demo's past: a holding reply is sent when the mention arrives, and the
    past's mentions arrived before the seed ran."""
    for language, text in PRESS_HOLDING_TEXTS.items():
        ReplyTemplate.objects.update_or_create(
            name=PRESS_HOLDING_REPLY, language=language, defaults={"text": text}
        )
    # save(), not update(): a saved rule is what makes every process compile the rules again.
    for rule in RoutingRule.objects.filter(label=PRESS, holding_reply=""):
        rule.holding_reply = PRESS_HOLDING_REPLY
        rule.save(update_fields=["holding_reply"])


def seed_desk_content() -> None:
    for language, title, text in CANNED:
        CannedReply.objects.update_or_create(
            title=title, defaults={"text": text, "language": language}
        )
    for term, reason in CONFIDENTIAL:
        ConfidentialTerm.objects.get_or_create(term=term, defaults={"reason": reason})
