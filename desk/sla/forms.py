"""Forms of the manager page. Validation only; the writes are in views via services."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.contrib.auth import get_user_model
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from desk.sla.business_hours import DAY_NAMES, BusinessCalendar
from desk.sla.models import Calendar, CalendarDay, SlaPolicy
from tickets.models import Ticket

DAY_LABELS = dict(
    zip(
        DAY_NAMES,
        (
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ),
        strict=True,
    )
)


class CalendarForm(forms.ModelForm):
    """Weekly hours as one line per day: "09:00-12:00, 13:00-17:00"; empty means closed."""

    class Meta:
        model = Calendar
        fields = ["name", "timezone", "holiday_country", "holiday_subdivision"]
        labels = {
            "name": _("Name"),
            "timezone": _("Time zone"),
            "holiday_country": _("Public holidays of (country)"),
            "holiday_subdivision": _("State or region"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        hours = self.instance.weekly_hours or {}
        for day in DAY_NAMES:
            initial = ", ".join(f"{o}-{c}" for o, c in hours.get(day, []))
            self.fields[f"hours_{day}"] = forms.CharField(
                label=DAY_LABELS[day], required=False, initial=initial, max_length=200
            )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        weekly: dict[str, list[list[str]]] = {}
        for day in DAY_NAMES:
            text = (cleaned.get(f"hours_{day}") or "").strip()
            pairs = [part.strip() for part in text.split(",") if part.strip()]
            weekly[day] = [[p.strip() for p in pair.split("-", 1)] for pair in pairs]
            if any(len(pair) != 2 for pair in weekly[day]):
                self.add_error(
                    f"hours_{day}", _("Write hours as HH:MM-HH:MM, separated by commas.")
                )
                return cleaned
        try:
            BusinessCalendar.from_spec(
                {"timezone": cleaned.get("timezone") or "", "weekly": weekly}
            )
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        self.instance.weekly_hours = weekly
        return cleaned


class CalendarDayForm(forms.ModelForm):
    class Meta:
        model = CalendarDay
        fields = ["date", "kind", "every_year", "opens", "closes", "name"]
        labels = {
            "date": _("Date"),
            "kind": _("Kind"),
            "every_year": _("Every year"),
            "opens": _("Opens"),
            "closes": _("Closes"),
            "name": _("Name"),
        }
        widgets = {"date": forms.DateInput(attrs={"type": "date"})}

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        taken = CalendarDay.objects.filter(calendar_id=self.instance.calendar_id, date=day)
        if taken.exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("This calendar already has an entry for that day."))
        return day


class PolicyForm(forms.ModelForm):
    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "calendar",
            "queue",
            "channel",
            "is_active",
            "first_response_minutes",
            "next_response_minutes",
            "follow_up_minutes",
            "resolution_minutes",
            "warning_percent",
            "warning_minutes_left",
            "raise_priority_on_breach",
            "notify_managers",
            "escalate_to",
        ]
        labels = {
            "name": _("Name"),
            "calendar": _("Calendar"),
            "queue": _("Queue"),
            "channel": _("Channel"),
            "is_active": _("Active"),
            "first_response_minutes": _("First response (minutes)"),
            "next_response_minutes": _("Next response (minutes)"),
            "resolution_minutes": _("Resolution (minutes)"),
            "warning_percent": _("Warn at (percent of the target)"),
            "warning_minutes_left": _("Warn with minutes left"),
            "raise_priority_on_breach": _("Raise the priority on a breach"),
            "notify_managers": _("Notify the managers"),
            "follow_up_minutes": _("Follow-up after a holding reply (minutes)"),
            "escalate_to": _("Escalate to"),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Left out, the follow-up target stays as it is (three business days by default).
        self.fields["follow_up_minutes"].required = False
        escalate_to = cast(forms.ModelChoiceField, self.fields["escalate_to"])
        escalate_to.queryset = get_user_model().objects.filter(is_active=True).order_by("username")

    def clean_follow_up_minutes(self) -> int:
        value = self.cleaned_data.get("follow_up_minutes")
        return self.instance.follow_up_minutes if value is None else value


# The targets a priority of its own can set, as the policy's columns (SlaTarget's too).
TARGET_FIELDS = {
    "first_response_minutes": _("First response"),
    "next_response_minutes": _("Next response"),
    "resolution_minutes": _("Resolution"),
}


class PriorityTargetsForm(forms.Form):
    """A policy's targets for each ticket priority, in business minutes. A priority left
    blank keeps the policy's own targets; a blank figure in a filled row takes the policy's."""

    def __init__(self, *args: Any, policy: SlaPolicy, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        saved = {target.priority: target for target in policy.targets.all()}
        self.rows: list[tuple[str, list[forms.BoundField]]] = []
        for priority in Ticket.Priority:
            names = []
            for column, heading in TARGET_FIELDS.items():
                name = f"{priority.value}_{column}"
                self.fields[name] = forms.IntegerField(
                    required=False,
                    min_value=1,
                    label=format_lazy("{}: {}", priority.label, heading),
                    widget=forms.NumberInput(
                        attrs={"aria-label": format_lazy("{}: {}", priority.label, heading)}
                    ),
                )
                target = saved.get(priority.value)
                self.initial[name] = getattr(target, column) if target else None
                names.append(name)
            self.rows.append((str(priority.label), [self[name] for name in names]))

    def targets(self) -> dict[int, dict[str, int | None]]:
        """Each priority's figures as entered (None: blank)."""
        return {
            priority.value: {
                column: self.cleaned_data[f"{priority.value}_{column}"] for column in TARGET_FIELDS
            }
            for priority in Ticket.Priority
        }


# The policy fields whose choices are rows of other tables.
POLICY_CHOICE_FIELDS = ("calendar", "queue", "channel", "escalate_to")


def share_policy_choices(policy_forms: Sequence[PolicyForm]) -> None:
    """One reading of the calendars, queues and channels for a page of policy forms: each
    form's selects would otherwise read them again, three statements per policy."""
    if not policy_forms:
        return
    for name in POLICY_CHOICE_FIELDS:
        field = cast(forms.ModelChoiceField, policy_forms[0].fields[name])
        # Iterated, not measured: len() of a model choice iterator is a COUNT of its own.
        choices = list(iter(field.iterator(field)))
        for form in policy_forms:
            cast(forms.ModelChoiceField, form.fields[name]).choices = choices
