"""Forms of the discipline pages. Rules live in the actions; forms only shape the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zilu.core.forms import MultipleFileField
from zilu.discipline.checklist import Answer, ServiceKind
from zilu.discipline.ladder import Measure
from zilu.discipline.models import Case, Nomination, Source
from zilu.reports.models import parse_tracking_number


def _text(label: Any, rows: int = 4, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, widget=forms.Textarea(attrs={"rows": rows}))


class OpenCaseForm(forms.Form):
    member = forms.CharField(label=_("Member number"), max_length=20, help_text=_("e.g. CP-2026-0001"))
    source = forms.ChoiceField(label=_("The case comes from"), choices=Source.choices)
    reports = forms.CharField(
        label=_("Reports verified true (tracking numbers, separated by commas)"), max_length=500, required=False
    )
    participation = forms.IntegerField(label=_("Evaluation participation (for an evaluation finding)"), required=False)
    source_note = forms.CharField(label=_("Source reference (e.g. the website of a failed filing check)"),
                                  max_length=300, required=False)  # fmt: skip
    articles = forms.CharField(label=_("Articles breached"), max_length=200, help_text=_("e.g. 12(1), 17"))
    facts = _text(_("Facts"), 6)
    evidence = MultipleFileField(label=_("Evidence (PDF, images or text)"), required=False)

    def report_ids(self) -> list[int]:
        raw = self.cleaned_data.get("reports", "").replace("，", ",")
        ids = []
        for part in filter(None, (p.strip() for p in raw.split(","))):
            number = parse_tracking_number(part)
            if number is None:
                self.add_error("reports", _("“%(n)s” is not a tracking number.") % {"n": part})
                return []
            ids.append(number)
        return ids


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("Evidence (PDF, images or text)"), required=False)


class VerifyForm(forms.Form):
    note = _text(_("How the facts were verified"))
    files = MultipleFileField(label=_("Evidence (if not yet attached)"), required=False)


class ProposeForm(forms.Form):
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    reasons = _text(_("Reasons"))
    articles = forms.CharField(label=_("Articles breached"), max_length=200)
    lighter_reason = _text(_("Why a lighter measure than the record suggests (if so)"), 2, required=False)


class AnswerForm(forms.Form):
    answer = _text(_("Your answer"), 6)
    files = MultipleFileField(label=_("Evidence (PDF, images or text)"), required=False)


class ConsiderForm(forms.Form):
    consideration = _text(_("How the answer was considered"))


class ApproveForm(forms.Form):
    note = _text(_("Approval note"), 2, required=False)


class DecideForm(forms.Form):
    published_facts = _text(_("Facts as verified (published with the decision)"), 5)


class DropForm(forms.Form):
    note = _text(_("Why the case is closed without a measure"), 3)


class AppealForm(forms.Form):
    grounds = _text(_("Grounds of the appeal"), 6)
    files = MultipleFileField(label=_("Evidence (PDF, images or text)"), required=False)


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Case.AppealOutcome.choices)
    measure = forms.ChoiceField(
        label=_("Lighter measure (when the appeal varies the decision)"),
        choices=[("", "—"), *Measure.choices], required=False,
    )  # fmt: skip
    reasons = _text(_("Reasons"))


class ReinstatementForm(forms.Form):
    statement = _text(_("Why the member should be reinstated, and what it rectified"), rows=6)


class ReinstatementDecisionForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "grant",
        choices=[("grant", _("Grant: restore the membership")), ("refuse", _("Refuse"))],
    )  # fmt: skip
    reasons = _text(_("Reasons"))


class OpenRoundForm(forms.Form):
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class SelfAssessmentForm(forms.Form):
    """One answer and note per item of the round's checklist; the kinds of service choose the items."""

    service_kinds = forms.MultipleChoiceField(
        label=_("Kinds of service you offer"), choices=ServiceKind.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"answer_{item['code']}"] = forms.ChoiceField(
                label=f"{item['code']} · {item['text']}", choices=Answer.choices, required=False
            )
            self.fields[f"note_{item['code']}"] = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def answers(self) -> dict[str, dict[str, str]]:
        data = self.cleaned_data
        return {i["code"]: {"answer": data.get(f"answer_{i['code']}", ""), "note": data.get(f"note_{i['code']}", "")}
                for i in self.items}  # fmt: skip


class ScoreForm(forms.Form):
    def __init__(self, *args: Any, items: list[dict[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            self.fields[f"points_{item['code']}"] = forms.IntegerField(
                label=f"{item['code']} (0–{item['points']})", min_value=0, max_value=item["points"], required=False
            )
            self.fields[f"note_{item['code']}"] = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def scores(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {i["code"]: {"points": data.get(f"points_{i['code']}"), "note": data.get(f"note_{i['code']}", "")}
                for i in self.items}  # fmt: skip


class CommentForm(forms.Form):
    comment = _text(_("Your comment on the result"), 4)


class NominationForm(forms.Form):
    nominee_kind = forms.ChoiceField(label=_("Nominee"), choices=Nomination.NomineeKind.choices)
    member = forms.CharField(label=_("Member number (the unit, or the member the individual belongs to)"),
                             max_length=20, required=False)  # fmt: skip
    nominee_name = forms.CharField(label=_("Name of the individual"), max_length=200, required=False)
    reasons = _text(_("Reasons"), 5)


class NominationDecisionForm(forms.Form):
    commend = forms.TypedChoiceField(
        label=_("Decision"), coerce=lambda v: v == "yes",
        choices=[("yes", _("Commend")), ("no", _("Do not commend"))],
    )  # fmt: skip
    citation = _text(_("Public citation (when commended)"), 3, required=False)
    note = _text(_("Review note"), 2, required=False)
