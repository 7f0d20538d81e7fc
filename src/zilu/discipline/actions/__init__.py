"""Every state change of the discipline app: cases (``cases.py``), evaluations (``evaluations.py``) and
commendations (``commendations.py``), reinstatement (``reinstatement.py``) and the decision PDFs
(``documents.py``), re-exported here."""

from zilu.discipline.actions.cases import (
    ANSWER,
    APPEAL,
    EVIDENCE,
    check_reports,
    do_add_evidence,
    do_answer,
    do_consider,
    do_open_case,
    do_propose,
    do_record_silence,
    do_verify_facts,
)
from zilu.discipline.actions.commendations import do_decide_nomination, do_nominate
from zilu.discipline.actions.decisions import (
    check_varied_measure,
    do_appeal,
    do_approve,
    do_decide,
    do_decide_appeal,
    do_drop,
    finalize_due_cases,
)
from zilu.discipline.actions.documents import access_appeal_decision_pdf, access_decision_pdf
from zilu.discipline.actions.evaluations import (
    do_comment_result,
    do_compute_results,
    do_open_round,
    do_publish_results,
    do_score,
    do_submit_self_assessment,
)
from zilu.discipline.actions.reinstatement import (
    do_apply_for_reinstatement,
    do_decide_reinstatement,
    reinstatement_eligibility,
    waiting_until,
)

__all__ = [
    "ANSWER",
    "APPEAL",
    "EVIDENCE",
    "access_appeal_decision_pdf",
    "access_decision_pdf",
    "check_reports",
    "check_varied_measure",
    "do_add_evidence",
    "do_answer",
    "do_appeal",
    "do_apply_for_reinstatement",
    "do_approve",
    "do_comment_result",
    "do_compute_results",
    "do_consider",
    "do_decide",
    "do_decide_appeal",
    "do_decide_nomination",
    "do_decide_reinstatement",
    "do_drop",
    "do_nominate",
    "do_open_case",
    "do_open_round",
    "do_propose",
    "do_publish_results",
    "do_record_silence",
    "do_score",
    "do_submit_self_assessment",
    "do_verify_facts",
    "finalize_due_cases",
    "reinstatement_eligibility",
    "waiting_until",
]  # fmt: skip
