import datetime
import gettext
from pathlib import Path

from django.conf import settings

from desk.triage.models import UserPreference
from tests.triage.conftest import MentionFactory, StaffFactory
from tickets.models import Ticket

LOCALE = Path(settings.BASE_DIR) / "locale"


def test_the_chosen_language_is_remembered_across_sessions(staff: StaffFactory) -> None:
    user, client = staff()
    client.post("/preferences/", {"language": "de", "time_zone": "Europe/Berlin"})

    assert UserPreference.objects.get(user=user).language == "de"
    client.logout()
    client.force_login(user)
    page = client.get("/").content.decode()
    assert '<html lang="de">' in page
    assert "Posteingang" in page


def test_dates_are_shown_in_the_users_time_zone(
    staff: StaffFactory, mention: MentionFactory
) -> None:
    ticket = mention("hello")
    due = datetime.datetime(2030, 1, 15, 12, 0, tzinfo=datetime.UTC)
    Ticket.objects.filter(pk=ticket.pk).update(first_response_due_at=due)
    _user, client = staff()

    client.post("/preferences/", {"language": "en", "time_zone": "Asia/Tokyo"})
    assert "2030-01-15T21:00:00+09:00" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    client.post("/preferences/", {"language": "en", "time_zone": "America/New_York"})
    assert "2030-01-15T07:00:00-05:00" in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_the_preferences_lead_to_the_notification_e_mails(staff: StaffFactory) -> None:
    _user, client = staff()

    page = client.get("/preferences/").content.decode()

    assert '<a href="/notifications/preferences/">E-mail preferences</a>' in page


def test_an_unknown_time_zone_is_refused(staff: StaffFactory) -> None:
    user, client = staff()
    response = client.post("/preferences/", {"language": "en", "time_zone": "Mars/Olympus"})
    assert response.status_code == 400
    assert not UserPreference.objects.filter(user=user).exists()


def test_every_interface_language_has_a_complete_compiled_translation() -> None:
    for language in ("de", "fr", "pl", "sv"):
        folder = LOCALE / language / "LC_MESSAGES"
        po = (folder / "django.po").read_text()
        entries = [e for e in po.split("\n\n")[1:] if "msgid " in e]
        untranslated = [e for e in entries if e.rstrip().endswith('msgstr ""')]
        assert untranslated == [], f"{language}: {untranslated[:3]}"
        assert "#, fuzzy" not in po
        # The committed .mo is compiled from this .po: same number of messages.
        with (folder / "django.mo").open("rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)._catalog  # type: ignore[attr-defined]
        singular_ids = {key if isinstance(key, str) else key[0] for key in catalog}
        assert len(singular_ids - {""}) == len(entries), language


def test_plural_forms_are_translated_in_every_language() -> None:
    # Each catalogue's Plural-Forms header must match the forms its entries give, or gettext
    # silently falls back to English ("5 days" on a French page).
    for language, expected in (("de", "Tage"), ("fr", "jours"), ("pl", "dni"), ("sv", "dagar")):
        with (LOCALE / language / "LC_MESSAGES" / "django.mo").open("rb") as compiled:
            catalog = gettext.GNUTranslations(compiled)
        assert expected in catalog.ngettext("%(n)d day", "%(n)d days", 5), language
