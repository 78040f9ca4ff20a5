"""Every user-visible string in every language: the check CI runs, and what it catches."""

import importlib.machinery
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.core import mail
from django.test import Client

from channels.models import Channel
from desk.dashboards.tasks import send_weekly_sla_summary
from desk.triage.models import UserPreference
from tickets.models import Queue

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "check-translations"


def checker() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("check_translations", str(SCRIPT))
    spec = importlib.util.spec_from_loader("check_translations", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def test_the_interface_is_fully_translated() -> None:
    """0 untranslated, 0 fuzzy in de/fr/pl/sv, .mo files current, no unmarked text found."""
    result = subprocess.run(
        [sys.executable, str(SCRIPT)], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_check_finds_template_text_outside_translate_tags() -> None:
    found = checker().unmarked_in(
        '{% load i18n %}<h1>{% translate "Inbox" %}</h1><p title="Open it">Hello there</p>'
        "{% blocktranslate %}Fine {{ x }}{% endblocktranslate %}<b>{{ ticket.pk }}</b> · SLA"
    )

    assert sorted(found) == ["Hello there", "Open it"]


def test_the_check_finds_a_colon_left_outside_the_translation() -> None:
    found = checker().unmarked_in(
        '{% load i18n %}{% translate "Webhook URL" %}: <code>x</code>'
        '{% translate "Delivery" %}{% translate ":" %} {{ state }}'
    )

    assert found == ["Webhook URL:"]


def test_the_check_finds_a_colon_after_a_value_outside_the_translation() -> None:
    found = checker().unmarked_in(
        "{% load i18n %}{{ channel.health_label }}{% if not channel.is_active %}: {{ why }}"
        '{% endif %}{{ label }}{% translate ":" %} {{ value }}'
        "{% blocktranslate %}{{ label }}: {{ n }} met{% endblocktranslate %}"
    )

    assert found == ["{% if not channel.is_active %}:"]


def test_the_check_finds_words_given_to_a_filter() -> None:
    found = checker().unmarked_in(
        '{% load i18n %}{{ t.language|default:"any" }}{{ n|default:"–" }}{{ x|default:none }}'
    )

    assert found == ["any"]


def test_a_french_reader_gets_the_space_before_a_colon(german_manager: Client) -> None:
    UserPreference.objects.filter(user__username="greta").update(language="fr")
    Channel.objects.create(kind="webhook", name="Partner", credentials={"secret": "s"})

    page = german_manager.get("/channels/").content.decode()

    assert "URL du webhook\u00a0: <code>" in page
    # After a value too: why a channel is off follows its state.
    Channel.objects.filter(name="Partner").disable("401 token revoked")
    health = german_manager.get("/channels/").content.decode()
    assert 'désactivé\u00a0: <span class="reason"><bdi>401 token revoked</bdi>' in health


def test_the_check_finds_python_text_shown_unmarked() -> None:
    found = checker().unmarked_in_python(
        "from django.contrib import messages\n"
        "def view(request):\n"
        "    messages.success(request, 'Saved.')\n"
        "    messages.error(request, _('Marked.'))\n"
        "    logger.warning('for operators %s', 1)\n"
        "    raise PermissionDenied(f'No {x}.')\n"
        "class Status(models.TextChoices):\n"
        "    OPEN = 'open', 'Open'\n"
        "    DONE = 'done', _('Done')\n"
    )

    assert sorted(line for line, _text in found) == [3, 6, 8]


@pytest.fixture
def german_manager(db: None) -> Client:
    user = User.objects.create_user("greta")
    user.groups.add(Group.objects.get(name="manager"))
    user.desk_queues.add(*Queue.objects.all())
    UserPreference.objects.create(user=user, language="de")
    client = Client()
    client.force_login(user)
    return client


def test_a_german_manager_reads_the_dashboards_in_german(german_manager: Client) -> None:
    page = german_manager.get("/dashboards/").content.decode()

    assert "Service-Level auf einen Blick" in page
    assert "Einhaltung der Erstantwort nach Kanal" in page
    assert "Service level at a glance" not in page


@pytest.mark.parametrize(
    ("language", "blank"),
    [
        ("de", "- Option auswählen -"),
        ("fr", "- Choisir une option -"),
        ("pl", "- Wybierz opcję -"),
        ("sv", "- Välj ett alternativ -"),
    ],
)
def test_an_empty_choice_of_a_select_reads_in_the_manager_s_language(
    german_manager: Client, language: str, blank: str
) -> None:
    """Django 6.1 writes it, and its own catalogues lacked three of our languages."""
    UserPreference.objects.filter(user__username="greta").update(language=language)

    page = german_manager.get("/sla/").content.decode()

    assert f'<option value="">{blank}</option>' in page
    assert "Select an option" not in page


def test_a_bad_dashboard_filter_is_explained_in_german(german_manager: Client) -> None:
    response = german_manager.get("/dashboards/?from=2026-02-01&to=2026-01-01")

    assert response.status_code == 400
    assert "Das Enddatum („to“) liegt vor dem Startdatum („from“)." in response.content.decode()


def test_the_weekly_summary_is_written_in_each_managers_language(
    german_manager: Client, django_capture_on_commit_callbacks: Any
) -> None:
    User.objects.filter(username="greta").update(email="greta@example.org")
    english = User.objects.create_user("ella", email="ella@example.org")
    english.groups.add(Group.objects.get(name="manager"))

    with django_capture_on_commit_callbacks(execute=True):
        send_weekly_sla_summary.apply()

    by_address = {message.to[0]: message for message in mail.outbox}
    assert "SLA-Übersicht" in by_address["greta@example.org"].subject
    assert "Nach Kanal (Einhaltung, eingehalten, verletzt):" in by_address["greta@example.org"].body
    assert "SLA summary" in by_address["ella@example.org"].subject
