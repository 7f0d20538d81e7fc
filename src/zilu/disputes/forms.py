"""Forms of the dispute pages. Rules live in the actions; forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.core.forms import MultipleFileField


class DisputeForm(forms.Form):
    respondents = forms.CharField(
        label=_("Member numbers of the other parties (separated by commas)"),
        max_length=500,
        help_text=_("As shown in the member registry, e.g. CP-2026-0002."),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    facts = forms.CharField(label=_("Facts"), widget=forms.Textarea(attrs={"rows": 6}))
    request = forms.CharField(label=_("What you ask for"), widget=forms.Textarea(attrs={"rows": 3}))
    evidence = MultipleFileField(label=_("Evidence (PDF, images or text)"), required=False)

    def numbers(self) -> list[str]:
        raw = self.cleaned_data["respondents"].replace("，", ",").replace(";", ",")
        return [part.strip() for part in raw.split(",") if part.strip()]


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 5}))


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 3}))
    proposal = forms.BooleanField(label=_("This is a proposal of terms for the other party to accept"), required=False)


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Add evidence"), required=True)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AssignForm(forms.Form):
    mediator = forms.IntegerField(label=_("Mediator (account id)"), widget=forms.Select)

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["mediator"].widget.choices = choices or []


class DeclarationForm(forms.Form):
    statement = forms.CharField(
        label=_("Declaration"),
        widget=forms.Textarea(attrs={"rows": 3}),
        initial=_(
            "I declare that I am not a representative, employee or relative of any party to this dispute and have no "
            "other interest in its outcome."
        ),
    )


class SessionForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    online_link = forms.CharField(label=_("Online link"), max_length=200, required=False)


class MinutesForm(forms.Form):
    session = forms.IntegerField(widget=forms.HiddenInput)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 4}))


class AgreementForm(forms.Form):
    text = forms.CharField(label=_("Terms of the mediation agreement"), widget=forms.Textarea(attrs={"rows": 6}))


class FailureForm(forms.Form):
    note = forms.CharField(label=_("Why mediation failed"), widget=forms.Textarea(attrs={"rows": 3}))


# ------------------------------------------------------------------------------------------------ Art. 16


class ReferForm(forms.Form):
    committee = forms.IntegerField(label=_("People's mediation committee"), widget=forms.Select)
    note = forms.CharField(label=_("Note to the committee (optional)"), widget=forms.Textarea(attrs={"rows": 2}),
                           required=False)  # fmt: skip

    def __init__(self, *args: Any, choices: list[tuple[int, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["committee"].widget.choices = choices or []


class CommitteeOutcomeForm(forms.Form):
    agreed = forms.TypedChoiceField(
        label=_("The committee reports"), coerce=lambda v: v == "agreed",
        choices=[("agreed", _("Agreement reached")), ("failed", _("No agreement"))],
    )  # fmt: skip
    on = forms.DateField(label=_("On"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    note = forms.CharField(label=_("What the committee reported"), widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label=_("The people's mediation agreement (for an agreement)"), required=False)


class JudicialForm(forms.Form):
    court = forms.CharField(label=_("People's court"), max_length=200)
    filed_on = forms.DateField(label=_("Applied on"), widget=forms.DateInput(attrs={"type": "date"}))


class RulingForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("The court's ruling"), coerce=lambda v: v == "confirmed",
        choices=[("confirmed", _("Agreement confirmed")), ("rejected", _("Confirmation refused"))],
    )  # fmt: skip
    ruled_on = forms.DateField(label=_("Ruled on"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note (optional)"), widget=forms.Textarea(attrs={"rows": 2}), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class ObjectionDecisionForm(forms.Form):
    challenge = forms.IntegerField(widget=forms.HiddenInput)
    uphold = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "uphold",
        choices=[("uphold", _("Uphold: the mediator stands down")), ("reject", _("Reject: the mediator continues"))],
    )  # fmt: skip
    note = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}))


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
