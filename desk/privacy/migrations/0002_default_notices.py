"""The first retention notice in each desk language, as the source policy words the promise."""

from django.db import migrations

RETENTION_DAYS = 365
LEGAL_BASIS = "GDPR art. 6(1)(f): legitimate interest in answering your inquiry"
TEXTS = {
    "en": (
        "Please note: your questions and our answers, including your contact data, are stored "
        "electronically, because several of our staff may handle one inquiry, to keep the "
        "thread of the conversation, and to answer similar questions faster. We keep them for "
        "12 months after the conversation's last message and then anonymize them."
    ),
    "de": (
        "Bitte beachten Sie: Ihre Fragen und unsere Antworten einschließlich Ihrer Kontaktdaten "
        "werden elektronisch gespeichert, weil mehrere unserer Mitarbeiter eine Anfrage "
        "bearbeiten können, um den Gesprächsverlauf zu erhalten und ähnliche Fragen schneller "
        "zu beantworten. Wir bewahren sie 12 Monate nach der letzten Nachricht auf und "
        "anonymisieren sie danach."
    ),
    "fr": (
        "À noter : vos questions et nos réponses, y compris vos coordonnées, sont enregistrées "
        "électroniquement, car plusieurs de nos collaborateurs peuvent traiter une même "
        "demande, pour garder le fil de la conversation et pour répondre plus vite aux "
        "questions similaires. Nous les conservons 12 mois après le dernier message, puis nous "
        "les anonymisons."
    ),
    "pl": (
        "Uwaga: Twoje pytania i nasze odpowiedzi, w tym Twoje dane kontaktowe, są "
        "przechowywane elektronicznie, ponieważ jedno zapytanie może obsługiwać kilku naszych "
        "pracowników, aby zachować ciągłość rozmowy i szybciej odpowiadać na podobne pytania. "
        "Przechowujemy je przez 12 miesięcy od ostatniej wiadomości, a następnie anonimizujemy."
    ),
    "sv": (
        "Observera: dina frågor och våra svar, inklusive dina kontaktuppgifter, lagras "
        "elektroniskt, eftersom flera av våra medarbetare kan hantera samma ärende, för att "
        "hålla samman samtalet och för att snabbare kunna svara på liknande frågor. Vi sparar "
        "dem i 12 månader efter samtalets senaste meddelande och anonymiserar dem sedan."
    ),
}


def create_notices(apps, schema_editor):
    RetentionNotice = apps.get_model("privacy", "RetentionNotice")
    for language, text in TEXTS.items():
        RetentionNotice.objects.get_or_create(
            language=language,
            version=1,
            defaults={"text": text, "retention_days": RETENTION_DAYS, "legal_basis": LEGAL_BASIS},
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0001_initial")]

    operations = [migrations.RunPython(create_notices, migrations.RunPython.noop)]
