"""API of the kernel: who am I, the audit chain, API keys, notifications."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from zilu.core import audit
from zilu.core.actions import do_create_api_key, do_revoke_api_key
from zilu.core.apiauth import SIGNED_IN
from zilu.core.apitypes import Id, Position
from zilu.core.errors import Forbidden
from zilu.core.models import ApiKey, AuditEntry, Notification
from zilu.core.notify import do_mark_read
from zilu.core.roles import Perm, require, role_of, signed_in

# One router per prefix, all under the "core" tag (zilu/api.py mounts each at its prefix).
account_router = Router(tags=["core"])
audit_router = Router(tags=["core"])
api_keys_router = Router(tags=["core"])
inbox_router = Router(tags=["core"])


class MeOut(Schema):
    username: str
    name: str
    role: str
    member_id: int | None
    member_name: str | None


@account_router.get("", response=MeOut, auth=SIGNED_IN, summary="The signed-in user and role")
def me(request: HttpRequest) -> MeOut:
    user = signed_in(request)
    return MeOut(
        username=user.get_username(),
        name=str(user),
        role=role_of(user),
        member_id=user.member_id,
        member_name=str(user.member) if user.member_id else None,
    )


class ChainHeadOut(Schema):
    seq: int = Field(description="Sequence number of the newest entry (0 when the log is empty)")
    hash: str = Field(description="SHA-256 of the newest entry, hex")
    created_at: datetime | None


@audit_router.get("/head", response=ChainHeadOut, auth=None, summary="Head of the audit hash chain (public)")
def audit_head(request: HttpRequest) -> ChainHeadOut:
    head = audit.head()
    return ChainHeadOut(seq=head.seq, hash=head.hash, created_at=head.created_at)


class AuditEntryOut(Schema):
    seq: int
    created_at: datetime | None = Field(description="None for a sealed entry (action `sealed`)")
    timestamp: str = Field(description="The exact UTC time that the hash covers (microseconds); empty when sealed")
    actor_id: int | None
    actor_label: str
    role: str
    action: str
    object_type: str
    object_id: str
    object_repr: str
    before: dict | None
    after: dict | None
    request_id: str
    prev_hash: str
    hash: str


@audit_router.get("/entries", response=list[AuditEntryOut], auth=SIGNED_IN, summary="Audit entries (staff)")
def audit_entries(
    request: HttpRequest, after_seq: Position = 0, limit: Annotated[int, Field(ge=1, le=500)] = 100
) -> list[AuditEntry]:
    require(request.user, Perm.VIEW_AUDIT_LOG)
    # Sealed entries (complaints about the executing body, Art. 20) keep only their place in the chain unless the
    # reader is the supervising department: see audit.present().
    entries = audit.present(AuditEntry.objects.filter(seq__gt=after_seq).order_by("seq")[:limit], request.user)
    for entry in entries:
        entry.timestamp = audit.timestamp(entry.created_at) if entry.created_at else ""  # type: ignore[attr-defined]
    return entries


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyIn(Schema):
    name: str = Field(min_length=1, max_length=100)


class NewApiKeyOut(ApiKeyOut):
    token: str = Field(description="The full key. Shown once: store it now.")


def _session_only(request: HttpRequest) -> None:
    # A key cannot mint or list keys: that takes a representative signed in to the site.
    if getattr(request, "api_key", None) is not None:
        raise Forbidden()


KEYS_NEED_SESSION = "Needs a signed-in member representative: an API key cannot list, create or revoke keys (403)."


@api_keys_router.get(
    "",
    response=list[ApiKeyOut],
    auth=SIGNED_IN,
    summary="Your member's API keys",
    description=KEYS_NEED_SESSION,
)
def list_api_keys(request: HttpRequest) -> list[ApiKey]:
    _session_only(request)
    require(request.user, Perm.MANAGE_API_KEYS)
    return list(ApiKey.objects.restrict(request.user))


@api_keys_router.post(
    "",
    response={201: NewApiKeyOut},
    auth=SIGNED_IN,
    summary="Create an API key",
    description=KEYS_NEED_SESSION,
)
def create_api_key(request: HttpRequest, payload: ApiKeyIn) -> Status[NewApiKeyOut]:
    _session_only(request)
    new = do_create_api_key(signed_in(request), payload.name)
    return Status(201, NewApiKeyOut(**ApiKeyOut.from_orm(new.key).dict(), token=new.token))


@api_keys_router.post(
    "/{key_id}/revoke",
    response=ApiKeyOut,
    auth=SIGNED_IN,
    summary="Revoke an API key",
    description=KEYS_NEED_SESSION,
)
def revoke_api_key(request: HttpRequest, key_id: Id) -> ApiKey:
    _session_only(request)
    return do_revoke_api_key(signed_in(request), key_id)


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: datetime
    read_at: datetime | None


@inbox_router.get("", response=list[NotificationOut], auth=SIGNED_IN, summary="Your inbox")
def notifications(request: HttpRequest, unread: bool = False) -> list[Notification]:
    require(request.user, Perm.USE_INBOX)
    qs = Notification.objects.filter(user=signed_in(request))
    if unread:
        qs = qs.filter(read_at__isnull=True)
    return list(qs[:200])


class MarkedOut(Schema):
    marked: int


@inbox_router.post("/{notification_id}/read", response=MarkedOut, auth=SIGNED_IN, summary="Mark a notification read")
def mark_read(request: HttpRequest, notification_id: Id) -> MarkedOut:
    return MarkedOut(marked=do_mark_read(signed_in(request), notification_id))
