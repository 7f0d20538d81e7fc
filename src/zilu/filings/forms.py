"""Forms of the filings pages. Validation of the identifiers happens in the actions (core.identifiers)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.filings.models import Site


class SiteForm(forms.Form):
    kind = forms.ChoiceField(label=_("kind"), choices=Site.Kind.choices, initial=Site.Kind.WEBSITE)
    name = forms.CharField(label=_("name"), max_length=200, help_text=_("The website's name, or the app's name."))
    domains = forms.CharField(
        label=_("domains"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line or separated by commas; subdomains are covered. Required for websites."),
    )
    home_url = forms.CharField(
        label=_("home page"),
        required=False,
        max_length=500,
        help_text=_("The page that shows the filing numbers; by default https:// on the first domain."),
    )
    icp_number = forms.CharField(
        label=_("ICP filing or licence number"), max_length=40, help_text=_("京ICP备12345678号-1 or 京ICP证123456号")
    )
    psb_number = forms.CharField(
        label=_("public security filing number"),
        max_length=40,
        required=False,
        help_text=_("京公网安备11011402000001号; required for websites."),
    )
    responsible_person = forms.CharField(label=_("responsible person"), max_length=100)
    responsible_phone = forms.CharField(label=_("responsible person's phone"), max_length=20, required=False)
