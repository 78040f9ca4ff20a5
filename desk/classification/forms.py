from __future__ import annotations

import re
from typing import Any, cast

from django import forms

from channels.models import Channel
from desk.classification.labels import LABEL_NAMES, SENTIMENTS
from desk.classification.models import ReplyTemplate, RoutingRule
from tickets.models import Queue

_LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")


class RoutingRuleForm(forms.ModelForm):
    holding_reply = forms.ChoiceField(required=False, label="Holding reply template")

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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        names = ReplyTemplate.objects.order_by("name").values_list("name", flat=True).distinct()
        holding = cast(forms.ChoiceField, self.fields["holding_reply"])
        holding.choices = [("", "none"), *((n, n) for n in names)]

    def clean_languages(self) -> str:
        codes = [c.strip().lower() for c in self.cleaned_data["languages"].split(",") if c.strip()]
        wrong = [c for c in codes if not _LANGUAGE_CODE.match(c)]
        if wrong:
            raise forms.ValidationError(f"Use two-letter language codes; not {', '.join(wrong)}.")
        return ",".join(codes)

    def clean_min_score(self) -> float:
        score = self.cleaned_data["min_score"]
        if not 0.0 <= score <= 1.0:
            raise forms.ValidationError("The score is between 0 and 1.")
        return score


class ReplyTemplateForm(forms.ModelForm):
    class Meta:
        model = ReplyTemplate
        fields = ["name", "language", "text"]

    def clean_language(self) -> str:
        code = self.cleaned_data["language"].strip().lower()
        if code and not _LANGUAGE_CODE.match(code):
            raise forms.ValidationError("Use a two-letter language code, or leave it blank.")
        return code


class DryRunForm(forms.Form):
    text = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000
    )
    message = forms.IntegerField(required=False, min_value=1, label="or a message id")
    channel = forms.ModelChoiceField(Channel.objects.all(), required=False)
    language = forms.CharField(required=False, max_length=2, label="declared language")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("text", "").strip() and not data.get("message"):
            raise forms.ValidationError("Paste a text or give a message id.")
        return data


class CorrectionForm(forms.Form):
    queue = forms.ModelChoiceField(
        Queue.objects.all(), required=False, to_field_name="slug", empty_label="(unchanged)"
    )
    labels = forms.MultipleChoiceField(
        choices=list(LABEL_NAMES.items()), required=False, widget=forms.CheckboxSelectMultiple
    )
    relabel = forms.BooleanField(
        required=False, help_text="Replace the labels with the ticked ones"
    )
    sentiment = forms.ChoiceField(
        choices=[("", "(unchanged)"), *((s, s) for s in SENTIMENTS)], required=False
    )
    netiquette = forms.ChoiceField(
        choices=[("", "(unchanged)"), ("1", "violation"), ("0", "no violation")], required=False
    )
