from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from channels.models import Channel
from desk.classification.labels import DISPLAY_NAMES, LABELS, SENTIMENTS
from desk.classification.language import DETECTED_LANGUAGES, language_name
from desk.classification.models import ReplyTemplate, RoutingRule
from tickets.models import Queue


def _language_choices(*kept: str) -> list[tuple[str, str]]:
    """The languages a mention can be detected as, by name; `kept`: codes a saved rule or
    template already holds, offered too, so that editing it does not drop them."""
    codes = [*DETECTED_LANGUAGES, *(c for c in kept if c and c not in DETECTED_LANGUAGES)]
    return [(code, language_name(code)) for code in codes]


class RoutingRuleForm(forms.ModelForm):
    holding_reply = forms.ChoiceField(required=False, label=_("Holding reply template"))
    languages = forms.MultipleChoiceField(
        required=False, label=_("Languages"), widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = RoutingRule
        fields = [
            "name",
            "is_active",
            "channels",
            "service_level",
            "languages",
            "label",
            "min_score",
            "sentiment",
            "tracked_term",
            "author",
            "text_contains",
            "text_regex",
            "queue",
            "priority",
            "tags",
            "assignee",
            "mark_netiquette",
            "request_approval",
            "holding_reply",
            "stop_processing",
        ]
        widgets = {"channels": forms.CheckboxSelectMultiple}
        labels = {
            "name": _("Name"),
            "is_active": _("Active"),
            "channels": _("Channels"),
            "service_level": _("Service level"),
            "languages": _("Languages"),
            "label": _("Label"),
            "min_score": _("Minimum score"),
            "sentiment": _("Sentiment"),
            "tracked_term": _("Tracked term"),
            "author": _("Author"),
            "text_contains": _("Text contains"),
            "text_regex": _("Text matches (regular expression)"),
            "queue": _("Queue"),
            "priority": _("Priority"),
            "tags": _("Tags"),
            "assignee": _("Assignee"),
            "mark_netiquette": _("Mark as netiquette violation"),
            "request_approval": _("Request approval"),
            "stop_processing": _("Stop here"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ReplyTemplate.objects.order_by("name").values_list("name", flat=True).distinct()
        holding = cast(forms.ChoiceField, self.fields["holding_reply"])
        holding.choices = [("", _("none")), *((n, n) for n in names)]
        saved = self.instance.language_codes()
        languages = cast(forms.MultipleChoiceField, self.fields["languages"])
        languages.choices = _language_choices(*saved)
        self.initial["languages"] = saved

    def clean_languages(self) -> str:
        return ",".join(self.cleaned_data["languages"])

    def clean_min_score(self) -> float:
        score = self.cleaned_data["min_score"]
        if not 0.0 <= score <= 1.0:
            raise forms.ValidationError(_("The score is between 0 and 1."))
        return score


class ReplyTemplateForm(forms.ModelForm):
    language = forms.ChoiceField(required=False, label=_("Language"))

    class Meta:
        model = ReplyTemplate
        fields = ["name", "language", "text"]
        labels = {"name": _("Name"), "text": _("Text")}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        language = cast(forms.ChoiceField, self.fields["language"])
        language.choices = [
            ("", _("any other language")),
            *_language_choices(self.instance.language),
        ]


class DryRunForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000, label=_("Text")
    )
    message = forms.IntegerField(required=False, min_value=1, label=_("or a message id"))
    channel = forms.ModelChoiceField(Channel.objects.all(), required=False, label=_("Channel"))
    language = forms.ChoiceField(
        required=False,
        label=_("declared language"),
        choices=[("", _("none: detect it")), *_language_choices()],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text", "").strip() and not data.get("message"):
            raise forms.ValidationError(_("Paste a text or give a message id."))
        return data


class CorrectionForm(forms.Form):
    queue = forms.ModelChoiceField(
        Queue.objects.all(),
        required=False,
        to_field_name="slug",
        label=_("Queue"),
        empty_label=_("(unchanged)"),
    )
    labels = forms.MultipleChoiceField(
        choices=[(label, DISPLAY_NAMES[label]) for label in LABELS],
        required=False,
        label=_("Labels"),
        widget=forms.CheckboxSelectMultiple,
    )
    relabel = forms.BooleanField(
        required=False,
        label=_("Replace labels"),
        help_text=_("Replace the labels with the ticked ones"),
    )
    sentiment = forms.ChoiceField(
        choices=[("", _("(unchanged)")), *((s, DISPLAY_NAMES[s]) for s in SENTIMENTS)],
        required=False,
        label=_("Sentiment"),
    )
    netiquette = forms.ChoiceField(
        choices=[("", _("(unchanged)")), ("1", _("violation")), ("0", _("no violation"))],
        required=False,
        label=_("Netiquette"),
    )
