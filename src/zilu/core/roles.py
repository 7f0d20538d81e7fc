"""Roles, and the one table that says what each role may do.

Every permission check in Zilu goes through :func:`has_perm` / :func:`require`. Superusers of the association's own
operations get only what the table grants them: they are executing-body staff with extra technical powers, and
some rights (e.g. reading complaints about the executing body, Art. 20) are deliberately not theirs.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from zilu.core.errors import Forbidden

if TYPE_CHECKING:
    from zilu.core.models import User


class Role(models.TextChoices):
    """The role a user account holds. Anonymous visitors and superusers are pseudo-roles (see :func:`role_of`)."""

    PUBLIC = "public", _("Member of the public")
    MEMBER = "member", _("Member representative")
    STAFF = "staff", _("Executing-body staff")
    SUPERVISOR = "supervisor", _("Supervising department")


ANONYMOUS = "anonymous"
SUPERUSER = "superuser"


class Perm(StrEnum):
    """Named permissions. Add one here and to RULES when a workflow needs a new right."""

    VIEW_BACKOFFICE = "backoffice.view"
    VIEW_DASHBOARD = "dashboard.view"
    MANAGE_CONVENTION = "convention.manage"
    MANAGE_MEMBERS = "members.manage"
    APPLY_FOR_MEMBERSHIP = "members.apply"
    VIEW_APPLICATIONS = "members.view_applications"
    REVIEW_APPLICATIONS = "members.review_applications"
    VIEW_MEMBER_PRIVATE = "members.view_private"
    WITHDRAW_MEMBERSHIP = "members.withdraw"
    REVOKE_MEMBERSHIP = "members.revoke"
    PUBLISH_BULLETINS = "members.publish_bulletins"
    USE_SCREENING = "screening.use"
    ACT_AS_MEMBER_UNIT = "convention.act_as_member_unit"
    REPRESENT_MEMBER = "members.represent"
    VIEW_DRAFT_CONVENTION = "convention.view_draft"
    VIEW_AUDIT_LOG = "audit.view"
    MANAGE_API_KEYS = "apikeys.manage"
    MANAGE_USERS = "users.manage"
    USE_INBOX = "inbox.use"
    # Shared signal banks (Art. 10, 16) and the pre-publication review queue (Art. 12)
    CONTRIBUTE_TO_BANKS = "banks.contribute"
    CURATE_BANKS = "banks.curate"
    GIVE_BANK_OPINIONS = "banks.opinion"
    READ_BANKS = "banks.read"
    SUBMIT_FOR_REVIEW = "review.submit"
    REVIEW_CONTENT = "review.review"
    RESPOND_TO_REPORTS = "reports.respond"
    VIEW_REPORTS = "reports.view"
    HANDLE_REPORTS = "reports.handle"
    REGISTER_FILINGS = "filings.register"
    VIEW_FILINGS = "filings.view"
    VERIFY_FILINGS = "filings.verify"
    # Art. 19: disputes between members and mediation by the executing body
    FILE_DISPUTES = "disputes.file"
    VIEW_DISPUTES = "disputes.view"
    MEDIATE_DISPUTES = "disputes.mediate"
    # Art. 20: complaints about the executing body to its supervising department
    FILE_COMPLAINTS = "oversight.file"
    HANDLE_COMPLAINTS = "oversight.handle"
    VIEW_SEALED_AUDIT = "oversight.view_sealed_audit"
    ANSWER_EXPLANATIONS = "oversight.answer_explanations"
    # Art. 18: supervision of members: discipline cases and the sanctions ladder, evaluations, commendations
    VIEW_DISCIPLINE = "discipline.view"
    HANDLE_DISCIPLINE = "discipline.handle"
    ANSWER_DISCIPLINE = "discipline.answer"
    READ_INTERNAL_NOTICES = "discipline.read_internal_notices"
    RUN_EVALUATIONS = "discipline.run_evaluations"
    SELF_ASSESS = "discipline.self_assess"
    NOMINATE = "discipline.nominate"
    REVIEW_NOMINATIONS = "discipline.review_nominations"
    # Art. 12(3): intellectual-property notices and declarations of non-infringement (zilu.notices)
    FILE_IP_NOTICES = "notices.file"
    ANSWER_IP_NOTICES = "notices.answer"
    VIEW_IP_NOTICES = "notices.view"


_ALL_SIGNED_IN = frozenset({Role.PUBLIC, Role.MEMBER, Role.STAFF, Role.SUPERVISOR, SUPERUSER})

RULES: dict[Perm, frozenset[str]] = {
    Perm.VIEW_BACKOFFICE: frozenset({Role.STAFF, SUPERUSER}),
    Perm.VIEW_DASHBOARD: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.MANAGE_CONVENTION: frozenset({Role.STAFF, SUPERUSER}),
    Perm.MANAGE_MEMBERS: frozenset({Role.STAFF, SUPERUSER}),
    # Anyone with an account may apply; a member's representative may apply again after the member withdrew.
    Perm.APPLY_FOR_MEMBERSHIP: frozenset({Role.PUBLIC, Role.MEMBER}),
    Perm.VIEW_APPLICATIONS: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.REVIEW_APPLICATIONS: frozenset({Role.STAFF, SUPERUSER}),
    Perm.VIEW_MEMBER_PRIVATE: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.WITHDRAW_MEMBERSHIP: frozenset({Role.MEMBER}),
    # Revocation is a sanction (Art. 18): only the discipline workflow calls it, with a decision reference.
    Perm.REVOKE_MEMBERSHIP: frozenset({Role.STAFF, SUPERUSER}),
    Perm.PUBLISH_BULLETINS: frozenset({Role.STAFF, SUPERUSER}),
    # The screening service: member systems (API keys) and the staff who curate the banks.
    Perm.USE_SCREENING: frozenset({Role.MEMBER, Role.STAFF, SUPERUSER}),
    # Co-signing amendment proposals, voting, proposing annexes (Art. 22, 24); the unit must also be active.
    Perm.ACT_AS_MEMBER_UNIT: frozenset({Role.MEMBER}),
    # Acts of a member through its representative (e.g. acknowledging a new version of the convention).
    Perm.REPRESENT_MEMBER: frozenset({Role.MEMBER}),
    Perm.VIEW_DRAFT_CONVENTION: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.VIEW_AUDIT_LOG: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.MANAGE_API_KEYS: frozenset({Role.MEMBER}),
    Perm.MANAGE_USERS: frozenset({SUPERUSER}),
    Perm.USE_INBOX: _ALL_SIGNED_IN,
    # Banks: members and staff contribute (a member's entry waits for curation), only staff curate and disable,
    # any member confirms or disputes; members, staff and the supervising department read and sync them.
    Perm.CONTRIBUTE_TO_BANKS: frozenset({Role.MEMBER, Role.STAFF, SUPERUSER}),
    Perm.CURATE_BANKS: frozenset({Role.STAFF, SUPERUSER}),
    Perm.GIVE_BANK_OPINIONS: frozenset({Role.MEMBER}),
    Perm.READ_BANKS: frozenset({Role.MEMBER, Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    # Review queue: a member's systems submit, its representatives review its own items only.
    Perm.SUBMIT_FOR_REVIEW: frozenset({Role.MEMBER}),
    Perm.REVIEW_CONTENT: frozenset({Role.MEMBER}),
    # Public reports (Art. 17): anyone may report, signed in or not; the member concerned answers through its
    # representatives; the executing body routes and verifies; the supervising department may read everything.
    Perm.RESPOND_TO_REPORTS: frozenset({Role.MEMBER}),
    Perm.VIEW_REPORTS: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.HANDLE_REPORTS: frozenset({Role.STAFF, SUPERUSER}),
    # Filings (Art. 12(5)): a member registers its own websites and apps; staff and the supervising department
    # see all of them; the member and the staff may run a verification at any time.
    Perm.REGISTER_FILINGS: frozenset({Role.MEMBER}),
    Perm.VIEW_FILINGS: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.VERIFY_FILINGS: frozenset({Role.MEMBER, Role.STAFF, SUPERUSER}),
    # Disputes (Art. 19): members file and negotiate; staff see a dispute only once mediation is requested (the
    # negotiation thread only with every party's consent, see disputes.models); the supervising department reads.
    Perm.FILE_DISPUTES: frozenset({Role.MEMBER}),
    Perm.VIEW_DISPUTES: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.MEDIATE_DISPUTES: frozenset({Role.STAFF, SUPERUSER}),
    # Complaints about the executing body (Art. 20) reach the supervising department ONLY: neither staff nor the
    # association's superusers may list, read, count or export them, nor read their sealed audit entries.
    Perm.FILE_COMPLAINTS: frozenset({Role.MEMBER}),
    Perm.HANDLE_COMPLAINTS: frozenset({Role.SUPERVISOR}),
    Perm.VIEW_SEALED_AUDIT: frozenset({Role.SUPERVISOR}),
    # The executing body answers the department's requests for an explanation (it sees the request, nothing more).
    Perm.ANSWER_EXPLANATIONS: frozenset({Role.STAFF, SUPERUSER}),
    # Discipline (Art. 18): the executing body investigates, proposes, decides and decides appeals; the supervising
    # department reads every case (and alone sees the Art. 20 retaliation flag, via HANDLE_COMPLAINTS); the member
    # concerned answers and appeals through its representatives; internal notices reach member representatives.
    Perm.VIEW_DISCIPLINE: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.HANDLE_DISCIPLINE: frozenset({Role.STAFF, SUPERUSER}),
    Perm.ANSWER_DISCIPLINE: frozenset({Role.MEMBER}),
    Perm.READ_INTERNAL_NOTICES: frozenset({Role.MEMBER, Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
    Perm.RUN_EVALUATIONS: frozenset({Role.STAFF, SUPERUSER}),
    Perm.SELF_ASSESS: frozenset({Role.MEMBER}),
    Perm.NOMINATE: frozenset({Role.MEMBER, Role.STAFF, SUPERUSER}),
    Perm.REVIEW_NOMINATIONS: frozenset({Role.STAFF, SUPERUSER}),
    # IP notices (Art. 12(3)): an identified account files a notice as right holder (a member unit may hold rights
    # too); the member concerned answers through its representatives; staff and the supervising department read.
    Perm.FILE_IP_NOTICES: frozenset({Role.PUBLIC, Role.MEMBER}),
    Perm.ANSWER_IP_NOTICES: frozenset({Role.MEMBER}),
    Perm.VIEW_IP_NOTICES: frozenset({Role.STAFF, Role.SUPERVISOR, SUPERUSER}),
}


def role_of(user: User | Any) -> str:
    """The role used for permission checks: a :class:`Role` value, ``"anonymous"`` or ``"superuser"``."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    if user.is_superuser:
        return SUPERUSER
    return str(user.role)


def has_perm(user: User | Any, perm: Perm) -> bool:
    """Whether ``user`` holds ``perm`` according to :data:`RULES`."""
    return role_of(user) in RULES[perm]


def require(user: User | Any, perm: Perm) -> None:
    """Raise :class:`zilu.core.errors.Forbidden` unless ``user`` holds ``perm``."""
    if not has_perm(user, perm):
        raise Forbidden(perm=str(perm))


def signed_in(request: Any) -> User:
    """The request's user, for views and endpoints that already required a signed-in user."""
    user = request.user
    if not getattr(user, "is_authenticated", False):
        raise Forbidden()
    return user
