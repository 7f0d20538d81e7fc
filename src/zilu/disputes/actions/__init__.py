"""State changes of disputes (Art. 16, 19): filing, answers, negotiation, mediation, outcome, withdrawal; the
mediator's independence (``independence``); people's mediation (``peoples``); reminders of late answers
(``reminders``).

Each ``do_*`` checks the actor's permission and the dispute's state, saves, writes one audit entry and tells the
people concerned after commit. The audit entries carry numbers and statuses, never the content of the dispute or of
its negotiation thread: staff read the audit log, and the thread is the parties' own.
"""

from zilu.disputes.actions.common import EVIDENCE, EVIDENCE_POLICY, REMEDIES_NOTICE
from zilu.disputes.actions.filing import (
    access_agreement_pdf,
    do_accept_proposal,
    do_add_evidence,
    do_answer,
    do_file_dispute,
    do_post_message,
    do_set_thread_sharing,
    do_withdraw,
    mediator_choices,
)
from zilu.disputes.actions.independence import (
    conflict_findings,
    do_decide_objection,
    do_object_to_mediator,
    do_recuse,
)
from zilu.disputes.actions.mediation import (
    check_mediator,
    do_assign_mediator,
    do_confirm_agreement,
    do_declare_no_conflict,
    do_propose_agreement,
    do_record_failure,
    do_record_minutes,
    do_request_mediation,
    do_schedule_session,
)
from zilu.disputes.actions.peoples import (
    PEOPLES_AGREEMENT,
    access_referral_letter,
    do_add_committee,
    do_record_committee_outcome,
    do_record_judicial_ruling,
    do_refer,
    do_request_judicial_confirmation,
    do_request_referral,
    do_set_committee_active,
)
from zilu.disputes.actions.reminders import remind_late_answers
from zilu.disputes.models import ANSWER_DAYS  # the period is the model's (Dispute.recompute_deadlines)

__all__ = [
    "ANSWER_DAYS",
    "EVIDENCE",
    "EVIDENCE_POLICY",
    "PEOPLES_AGREEMENT",
    "REMEDIES_NOTICE",
    "access_agreement_pdf",
    "access_referral_letter",
    "check_mediator",
    "conflict_findings",
    "do_accept_proposal",
    "do_add_committee",
    "do_add_evidence",
    "do_answer",
    "do_assign_mediator",
    "do_confirm_agreement",
    "do_decide_objection",
    "do_declare_no_conflict",
    "do_file_dispute",
    "do_object_to_mediator",
    "do_post_message",
    "do_propose_agreement",
    "do_record_committee_outcome",
    "do_record_failure",
    "do_record_judicial_ruling",
    "do_record_minutes",
    "do_recuse",
    "do_refer",
    "do_request_judicial_confirmation",
    "do_request_mediation",
    "do_request_referral",
    "do_schedule_session",
    "do_set_committee_active",
    "do_set_thread_sharing",
    "do_withdraw",
    "mediator_choices",
    "remind_late_answers",
]  # fmt: skip
