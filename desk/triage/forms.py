from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from desk.sla.selectors import SlaState
from desk.triage import labels
from desk.triage.selectors.inbox import SORT_DUE, SORT_NEWEST
from tickets.models import Ticket
from tickets.text import is_blank

PAGE_SIZES = (25, 50, 100)
DEFAULT_PAGE_SIZE = 50
MAX_TAGS = 5


class InboxFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200, required=False)
    queue = forms.MultipleChoiceField(label=_("Queue"), required=False)
    channel = forms.TypedMultipleChoiceField(label=_("Channel"), coerce=int, required=False)
    status = forms.MultipleChoiceField(
        label=_("Status"), required=False, choices=list(labels.STATUS_LABELS.items())
    )
    sla = forms.MultipleChoiceField(
        label=_("SLA"),
        required=False,
        choices=[
            (state.value, labels.SLA_LABELS[state])
            for state in (
                SlaState.AT_RISK,
                SlaState.BREACHED,
                SlaState.PAUSED,
                SlaState.ON_TRACK,
                SlaState.MET,
                SlaState.NOT_APPLICABLE,
            )
        ],
    )
    sentiment = forms.MultipleChoiceField(
        label=_("Sentiment"), required=False, choices=list(labels.SENTIMENT_NAMES.items())
    )
    language = forms.MultipleChoiceField(
        label=_("Language"), required=False, choices=list(labels.LANGUAGE_NAMES.items())
    )
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("anyone", _("Anyone")), ("me", _("Me")), ("unassigned", _("Unassigned"))],
    )
    tag = forms.CharField(label=_("Tags"), max_length=200, required=False)
    created_from = forms.DateField(label=_("From"), required=False)
    created_to = forms.DateField(label=_("To"), required=False)
    sort = forms.ChoiceField(
        label=_("Sort"),
        required=False,
        choices=[(SORT_DUE, _("SLA due time")), (SORT_NEWEST, _("Newest"))],
    )
    after = forms.CharField(max_length=200, required=False, widget=forms.HiddenInput)
    per_page = forms.TypedChoiceField(
        label=_("Per page"),
        coerce=int,
        required=False,
        choices=[(n, n) for n in PAGE_SIZES],
    )
    view = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(
        self,
        data: Any,
        *,
        queue_choices: list[tuple[str, str]],
        channel_choices: list[tuple[int, str]],
    ) -> None:
        if not data.get("per_page"):
            # The select shows the size the page is listed in, not its first option.
            data = data.copy()
            data["per_page"] = str(DEFAULT_PAGE_SIZE)
        super().__init__(data)
        cast(forms.ChoiceField, self.fields["queue"]).choices = queue_choices
        cast(forms.ChoiceField, self.fields["channel"]).choices = channel_choices

    def clean_tag(self) -> list[str]:
        names = [t.strip().lower() for t in self.cleaned_data["tag"].split(",") if t.strip()]
        if len(names) > MAX_TAGS:
            raise forms.ValidationError(_("At most %(n)d tags.") % {"n": MAX_TAGS})
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("Reply"), max_length=20_000, strip=False)
    voice = forms.ChoiceField(
        label=_("Voice"),
        widget=forms.RadioSelect,
        choices=list(labels.VOICE_LABELS.items()),
        error_messages={"required": _("Choose the voice: the company's or your own opinion.")},
    )
    holding = forms.BooleanField(required=False)
    seen_message_id = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    confirm_collision = forms.BooleanField(required=False, widget=forms.HiddenInput)
    confirm_duplicate = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_text(self) -> str:
        return refuse_blank(self.cleaned_data["text"])


class NoteForm(forms.Form):
    text = forms.CharField(label=_("Internal note"), max_length=20_000)

    def clean_text(self) -> str:
        return refuse_blank(self.cleaned_data["text"])


def refuse_blank(text: str) -> str:
    if is_blank(text):
        raise forms.ValidationError(
            _("The text is empty: it has only spaces or invisible characters."), code="blank"
        )
    return text


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones()) if "/" in name]


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=time_zone_choices)


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    query = forms.CharField(max_length=2000, required=False)


PRIORITY_CHOICES = Ticket.Priority.choices
