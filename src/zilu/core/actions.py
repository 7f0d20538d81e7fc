"""State changes of the shared kernel: API keys. Each checks permission and state, saves, and audits."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zilu.core import audit, keycache
from zilu.core.errors import InvalidTransition, ValidationFailed
from zilu.core.keycache import KeyIdentity
from zilu.core.models import ApiKey, User
from zilu.core.roles import Perm, Role, require
from zilu.core.workflow import access

KEY_PREFIX = "zilu"
MAX_ACTIVE_KEYS = 10


def hash_secret(secret: str) -> str:
    """SHA-256 of a key's secret part. Secrets are 256-bit random, so a fast hash is enough (no brute force)."""
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewApiKey:
    """A freshly created key. ``token`` is shown once and never stored."""

    key: ApiKey
    token: str


def check_key_name(name: str) -> str:
    """A key needs a short human name so the member can tell its keys apart."""
    name = (name or "").strip()
    if not name:
        raise ValidationFailed(_("Give the key a name."), field="name")
    if len(name) > 100:
        raise ValidationFailed(_("The name is longer than 100 characters."), field="name")
    return name


@transaction.atomic
def do_create_api_key(actor: User, name: str) -> NewApiKey:
    """Create an API key for the actor's member. The full token is returned once."""
    require(actor, Perm.MANAGE_API_KEYS)
    assert actor.member_id is not None  # the role table grants MANAGE_API_KEYS to member representatives only
    name = check_key_name(name)
    active = ApiKey.objects.filter(member_id=actor.member_id, revoked_at__isnull=True)
    if active.count() >= MAX_ACTIVE_KEYS:
        raise InvalidTransition(
            _("A member may hold at most %(n)d active keys; revoke one first.") % {"n": MAX_ACTIVE_KEYS}
        )
    if active.filter(name=name).exists():
        raise ValidationFailed(_("An active key already has this name."), field="name")
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        member_id=actor.member_id,
        created_by=actor,
        name=name,
        prefix=prefix,
        key_hash=hash_secret(secret),
    )
    audit.record(actor, "core.api_key.create", key, after={"name": name, "prefix": prefix})
    return NewApiKey(key=key, token=f"{KEY_PREFIX}_{prefix}_{secret}")


@transaction.atomic
def do_revoke_api_key(actor: User, key_id: int) -> ApiKey:
    """Revoke one of the actor's member's keys. Revoking twice is refused."""
    require(actor, Perm.MANAGE_API_KEYS)
    key = access(ApiKey.objects.restrict(actor, "change"), key_id, for_update=True)
    if key.revoked_at is not None:
        raise InvalidTransition(_("This key has already been revoked."))
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    keycache.forget_keys([key.prefix])  # every process refuses the key from its next request on
    audit.record(
        actor,
        "core.api_key.revoke",
        key,
        before={"revoked_at": None},
        after={"revoked_at": key.revoked_at},
    )
    return key


def authenticate_token(token: str) -> KeyIdentity | None:
    """The active key that ``token`` belongs to, or None.

    A key that authenticated in the last minute is answered from the shared cache (``core.keycache``) with no query;
    otherwise the key is read with its representative and member, its hash compared in constant time, and, if it
    passes, cached. ``last_used_at`` is written then too, at most once a minute, so a busy key's hot path writes
    nothing."""
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX or not keycache.valid_prefix(parts[1]):
        return None
    prefix, digest = parts[1], hash_secret(parts[2])
    identity, cache_token = keycache.lookup(prefix, digest)
    if identity is not None:
        return identity
    key = ApiKey.objects.select_related("created_by", "member").filter(prefix=prefix, revoked_at__isnull=True).first()
    if key is None or not secrets.compare_digest(key.key_hash, digest):
        return None
    if not key.created_by.is_active or key.created_by.member_id != key.member_id:
        return None
    if key.member.status != "active":  # a withdrawn or revoked member's systems lose API access
        return None
    identity = KeyIdentity.of(key)
    keycache.remember(identity, digest, cache_token)
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return identity


@transaction.atomic
def do_register_user(*, username: str, email: str, password: str, first_name: str = "") -> User:
    """Create a public account (anyone may; applying to join the convention needs one)."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    username = (username or "").strip()
    email = (email or "").strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationFailed(_("This user name is taken."), field="username")
    if email and User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(_("An account with this e-mail address exists."), field="email")
    user = User(username=username, email=email, first_name=(first_name or "").strip()[:150], role=Role.PUBLIC)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationFailed(" ".join(exc.messages), field="password1") from exc
    user.set_password(password)
    user.save()
    audit.record(user, "core.user.register", user, after={"username": username, "role": Role.PUBLIC})
    return user
