"""Every state change of membership. See ``applications`` (apply, review, sign), ``membership`` (withdraw,
revoke, founding signatories), ``bulletins`` (publish the join/withdraw lists) and ``venues`` (the internet access
venues' self-assessments, Art. 13)."""

from zilu.members.actions.applications import (
    check_may_apply,
    do_apply,
    do_approve_application,
    do_cancel_application,
    do_reject_application,
    do_request_information,
    do_sign,
    do_update_application,
    next_member_number,
)
from zilu.members.actions.bulletins import do_publish_bulletin, publish_due_bulletin
from zilu.members.actions.membership import (
    apply_due_withdrawals,
    do_notify_withdrawal,
    do_register_founding_member,
    do_revoke_membership,
    member_of,
)
from zilu.members.actions.reinstatement import do_reinstate_membership  # the discipline workflow's reinstatement
from zilu.members.actions.venues import do_review_venue_assessment, do_submit_venue_assessment

__all__ = [
    "apply_due_withdrawals",
    "check_may_apply",
    "do_apply",
    "do_approve_application",
    "do_cancel_application",
    "do_notify_withdrawal",
    "do_publish_bulletin",
    "do_register_founding_member",
    "do_reinstate_membership",
    "do_reject_application",
    "do_request_information",
    "do_review_venue_assessment",
    "do_revoke_membership",
    "do_sign",
    "do_submit_venue_assessment",
    "do_update_application",
    "member_of",
    "next_member_number",
    "publish_due_bulletin",
]
