"""Forms of the review pages: a decision, the webhook address."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.review.models import Decision


class DecisionForm(forms.Form):
    """Approve, reject or escalate, with the policy label and a short rationale (both required)."""

    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.Kind.choices, widget=forms.RadioSelect)
    policy_label = forms.CharField(label=_("Policy label"), max_length=100, help_text=_("e.g. rumor, porn, fraud, ok"))
    rationale = forms.CharField(label=_("Rationale"), widget=forms.Textarea(attrs={"rows": 3}))


class WebhookForm(forms.Form):
    """Where the member's system receives decisions and takedown notices."""

    url = forms.URLField(label=_("Webhook URL"), max_length=1000, assume_scheme="https")
    new_secret = forms.BooleanField(label=_("Make a new signing secret"), required=False)
