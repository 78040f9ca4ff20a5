"""The default notices named their legal basis in English in every language: a German reader
of the web form read a German notice that ended in English. Each desk language gets its own
wording. A default notice nobody was given yet is corrected; one already given is a record and
stays as it was, superseded by a new version with the same text and the basis in its language.
"""

from django.db import migrations
from django.db.models import Max

ENGLISH_BASIS = "GDPR art. 6(1)(f): legitimate interest in answering your inquiry"
BASIS = {
    "de": "Art. 6 Abs. 1 lit. f DSGVO: berechtigtes Interesse an der Beantwortung Ihrer Anfrage",
    "fr": "Art. 6, paragraphe 1, point f) du RGPD : intérêt légitime à répondre à votre demande",
    "pl": "Art. 6 ust. 1 lit. f RODO: prawnie uzasadniony interes w odpowiedzi na Twoje zapytanie",
    "sv": "Art. 6.1 f i dataskyddsförordningen (GDPR): berättigat intresse av att besvara din fråga",
}


def localize(apps, schema_editor):
    RetentionNotice = apps.get_model("privacy", "RetentionNotice")
    ConversationNotice = apps.get_model("privacy", "ConversationNotice")
    NoticeInTransit = apps.get_model("privacy", "NoticeInTransit")
    for language, basis in BASIS.items():
        current = (
            RetentionNotice.objects.filter(language=language).order_by("-version").first()
        )
        # Only the default's wording: a basis the company wrote itself is theirs.
        if current is None or current.legal_basis != ENGLISH_BASIS:
            continue
        given = (
            ConversationNotice.objects.filter(notice=current).exists()
            or NoticeInTransit.objects.filter(notice=current).exists()
        )
        if not given:
            RetentionNotice.objects.filter(pk=current.pk).update(legal_basis=basis)
            continue
        version = RetentionNotice.objects.filter(language=language).aggregate(v=Max("version"))
        RetentionNotice.objects.create(
            language=language,
            version=version["v"] + 1,
            text=current.text,
            retention_days=current.retention_days,
            legal_basis=basis,
        )


class Migration(migrations.Migration):
    dependencies = [("privacy", "0004_notice_in_transit")]

    operations = [migrations.RunPython(localize, migrations.RunPython.noop)]
