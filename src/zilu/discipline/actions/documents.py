"""The decision documents of a case as PDF, for whoever may see the case (``access_*``: loads and authorises)."""

from __future__ import annotations

from django.utils import timezone

from zilu.core import workflow
from zilu.core.actors import Actor
from zilu.core.errors import NotFound
from zilu.discipline.documents import AppealDecisionData, DecisionData, render_appeal_decision, render_decision
from zilu.discipline.models import Case


def access_decision_pdf(user: Actor, case_id: int) -> tuple[Case, bytes]:
    """The sanction decision of a decided case (as decided: the measure first decided when an appeal varied it)."""
    case = workflow.access(Case.objects.restrict(user, "view").select_related("member"), case_id)
    if case.decided_on is None:
        raise NotFound()
    data = DecisionData(
        reference=case.reference,
        member_name=case.member.name,
        member_number=case.member.number or "",
        articles_label=case.articles_label,
        facts=case.published_facts,
        reasons=case.reasons,
        measure=case.original_measure or case.measure,
        decided_on=case.decided_on,
        appeal_due=case.appeal_due,
    )
    return case, render_decision(data)


def access_appeal_decision_pdf(user: Actor, case_id: int) -> tuple[Case, bytes]:
    """The appeal decision of a case whose appeal is decided."""
    case = workflow.access(Case.objects.restrict(user, "view").select_related("member"), case_id)
    if case.appeal_decided_at is None or case.decided_on is None:
        raise NotFound()
    data = AppealDecisionData(
        reference=case.reference,
        member_name=case.member.name,
        member_number=case.member.number or "",
        decided_on=case.decided_on,
        original_measure=case.original_measure or case.measure,
        grounds=case.appeal,
        outcome=case.appeal_outcome,
        new_measure=case.measure if case.original_measure else "",
        reasons=case.appeal_reasons,
        appeal_decided_on=timezone.localdate(case.appeal_decided_at),
    )
    return case, render_appeal_decision(data)
