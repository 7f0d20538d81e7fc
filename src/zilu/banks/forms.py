"""Forms of the bank pages: contribute one entry, import a file, curate, give an opinion."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.banks.models import Opinion

IMPORT_MAX_BYTES = 20 * 1024 * 1024


class ContributeForm(forms.Form):
    """One entry with its provenance; which fields matter depends on the bank."""

    value = forms.CharField(
        label=_("Entry"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The term, the allow-list word, the domain or URL prefix, the rumor claim, or the file hash."),
    )
    labels = forms.CharField(label=_("Labels"), required=False, help_text=_("Terms: comma-separated, e.g. drugs."))
    severity = forms.TypedChoiceField(
        label=_("Severity"), choices=[("", "—"), (1, "1"), (2, "2"), (3, "3")], coerce=int, required=False,
        empty_value=None,
    )  # fmt: skip
    context = forms.CharField(label=_("Context terms"), required=False, help_text=_("Terms: one must be nearby."))
    needs_context = forms.BooleanField(
        label=_("Counts only in company"),
        required=False,
        help_text=_("Terms: an everyday word that is harmful only next to a context term or another term."),
    )
    label = forms.CharField(label=_("Label"), required=False, help_text=_("Domains and hashes."))
    debunk = forms.CharField(label=_("Debunk text"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    source = forms.CharField(label=_("Source of the debunk"), required=False, max_length=200)
    date = forms.DateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 2}))
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")

    def raw_entry(self, bank: str) -> dict[str, Any]:
        """The raw entry for ``banks.entries.check_entry``."""
        d = self.cleaned_data
        value = d["value"].strip()
        raw: dict[str, Any] = {
            "terms": {"term": value, "labels": d["labels"], "context": d["context"],
                      "needs_context": bool(d.get("needs_context"))},
            "allow": {"term": value},
            "domains": {"value": value, "label": d["label"]},
            "rumors": {"claim": value, "debunk": d["debunk"], "source": d["source"],
                       "date": d["date"].isoformat() if d["date"] else ""},
            "hashes": {"hash": value, "label": d["label"]},
        }.get(bank, {"term": value})  # fmt: skip
        if d.get("severity"):
            raw["severity"] = d["severity"]
        return raw


class ImportForm(forms.Form):
    """A file (or pasted text) in one of the import formats."""

    file = forms.FileField(label=_("File"), required=False)
    content = forms.CharField(label=_("Or paste the lines"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    format = forms.ChoiceField(
        label=_("Format"),
        required=False,
        choices=[("", _("Guess from the name")), ("lines", _("Lines")), ("csv", "CSV"), ("json", "JSON"),
                 ("jsonl", "JSON Lines")],
    )  # fmt: skip
    reason = forms.CharField(label=_("Why"), required=False)
    evidence_url = forms.URLField(label=_("Evidence link"), required=False, max_length=500, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        upload = data.get("file")
        if upload is not None:
            if upload.size > IMPORT_MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 20 MB."))
            try:
                data["content"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
            data["name"] = upload.name
        elif not (data.get("content") or "").strip():
            raise forms.ValidationError(_("Choose a file or paste the lines."))
        return data


class CurateForm(forms.Form):
    """The staff's reason (and, when disabling, an optional until-date)."""

    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    until = forms.DateTimeField(
        label=_("Disabled until"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )


class OpinionForm(forms.Form):
    """A member confirms or disputes an entry."""

    stance = forms.ChoiceField(label=_("Opinion"), choices=Opinion.Stance.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))
