"""Demo canned replies and confidential terms, so the composer has something to show."""

from desk.outbound.models import ConfidentialTerm
from desk.triage.models import CannedReply

CANNED = [
    (
        "Thanks + looking into it",
        "Hi {first_name}, thanks for letting us know. We are looking "
        "into it and will come back to you here. – {agent}",
    ),
    (
        "Password reset",
        "Hi {first_name}, please try the reset link again and check that the "
        "address matches your account. If it still fails, send us a DM with your user name.",
    ),
    (
        "Sorry for the trouble",
        "Hi {first_name}, we are sorry for the trouble. That is not the "
        "service we want to give. We are on it and will update you today. – {agent}",
    ),
]
CONFIDENTIAL = [
    ("Project Falcon", "unannounced product"),
    ("merger", "non-public negotiations"),
]


def seed_desk_content() -> None:
    for title, text in CANNED:
        CannedReply.objects.get_or_create(title=title, defaults={"text": text})
    for term, reason in CONFIDENTIAL:
        ConfidentialTerm.objects.get_or_create(term=term, defaults={"reason": reason})
