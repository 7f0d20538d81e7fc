"""Who may download report evidence: the executing body and the supervising department; the member concerned may
see what the reporter attached (it needs it to find and remove the information) and its own response's evidence.
The public, other members and the reporter (who has no account, or whose account is not proof of identity for a
lookup) cannot fetch any file; file names and storage names are random and every request is checked here."""

from __future__ import annotations

from zilu.core.actors import Actor
from zilu.core.files import register_owner
from zilu.core.roles import Perm, has_perm
from zilu.reports.models import MemberResponse, Report


def _report_file(user: Actor, report: Report) -> bool:
    if has_perm(user, Perm.VIEW_REPORTS):
        return True
    return (
        has_perm(user, Perm.RESPOND_TO_REPORTS)
        and report.member_id is not None
        and report.member_id == getattr(user, "member_id", None)
    )


def _response_file(user: Actor, response: MemberResponse) -> bool:
    if has_perm(user, Perm.VIEW_REPORTS):
        return True
    return has_perm(user, Perm.RESPOND_TO_REPORTS) and response.member_id == getattr(user, "member_id", None)


def register() -> None:
    register_owner(Report, _report_file)
    register_owner(MemberResponse, _response_file)
