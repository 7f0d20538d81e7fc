"""API-key resolution cached in the shared cache, so that a member system's request costs no query.

``authenticate_token`` (``core.actions``) looks a key up here first. A cached entry holds what a request needs to act
as the key's representative: the key's id, prefix and member, and the user's id, role and flags. It is stored under
the key's prefix and the SHA-256 of its secret (never the secret itself), guarded by a per-key generation token (see
``core.sharedcache``), and lives :data:`ENTRY_TIMEOUT` seconds. Only keys that authenticated are cached: a wrong
secret, a revoked key, an inactive representative or a member that is not active are looked up in the database
each time.

Invalidation, every process at once (the cache is shared): revoking a key (``do_revoke_api_key``), any save of a
member's status (withdrawal, revocation, or back), any save of a user's ``is_active``, ``role``, ``member`` or
superuser flags (the membership actions, bootstrap, the back office), deleting a key. The receivers below catch
the model saves; the entry's timeout bounds anything that bypasses them (a raw SQL update, a lost cache write).
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.functional import SimpleLazyObject, empty

from zilu.core import sharedcache
from zilu.core.models import ApiKey, User

# The backstop: an entry is re-read from the database at least this often, which is also how often a busy key's
# ``last_used_at`` is written.
ENTRY_TIMEOUT = 60
PREFIX_RE = re.compile(r"[0-9a-f]{1,16}")
# User fields whose change can end or alter what a key may do.
USER_FIELDS = frozenset({"is_active", "role", "member", "member_id", "is_superuser", "is_staff"})


def entry_key(prefix: str, digest: str) -> str:
    """The cache key of a key's entry: its prefix and the SHA-256 of its secret (as stored in ``ApiKey.key_hash``)."""
    return f"core:apikey:{prefix}:{digest}"


def token_key(prefix: str) -> str:
    """The cache key of a key's generation token."""
    return f"core:apikey-gen:{prefix}"


@dataclass(frozen=True)
class KeyIdentity:
    """The key a request authenticated with (``request.api_key``), without its model row."""

    id: int
    prefix: str
    member_id: int
    user_id: int
    role: str
    is_superuser: bool
    is_staff: bool

    @property
    def pk(self) -> int:
        return self.id

    def as_cached(self) -> dict[str, Any]:
        """Plain data for the cache (no pickled class, so a renamed class never breaks a cached entry)."""
        return {
            "id": self.id, "prefix": self.prefix, "member_id": self.member_id, "user_id": self.user_id,
            "role": self.role, "is_superuser": self.is_superuser, "is_staff": self.is_staff,
        }  # fmt: skip

    @classmethod
    def from_cached(cls, data: dict[str, Any]) -> KeyIdentity:
        return cls(**data)

    @classmethod
    def of(cls, key: ApiKey) -> KeyIdentity:
        """The identity of a key loaded with its ``created_by``."""
        user = key.created_by
        return cls(
            id=key.pk, prefix=key.prefix, member_id=key.member_id, user_id=user.pk, role=str(user.role),
            is_superuser=user.is_superuser, is_staff=user.is_staff,
        )  # fmt: skip

    def user(self) -> User:
        """The representative as ``request.user``: loaded from the database only when a view needs more than
        :data:`KnownUser` knows."""
        return KnownUser(self)  # type: ignore[return-value]


class KnownUser(SimpleLazyObject):
    """A lazily loaded :class:`User` whose id, role, member and flags are already known (from the key's cached
    entry), so that permission checks (``core.roles.has_perm``) and ``member_id`` filters cost no query. Any other
    attribute loads the user; once loaded, every attribute comes from the loaded row."""

    def __init__(self, identity: KeyIdentity) -> None:
        user_id = identity.user_id
        super().__init__(lambda: User.objects.get(pk=user_id))
        self.__dict__["_identity"] = identity
        self.__dict__["_known"] = {
            "id": user_id,
            "pk": user_id,
            "role": identity.role,
            "member_id": identity.member_id,
            "is_active": True,  # only an active representative's key authenticates
            "is_superuser": identity.is_superuser,
            "is_staff": identity.is_staff,
            "is_authenticated": True,
            "is_anonymous": False,
        }

    def __getattr__(self, name: str) -> Any:
        if self.__dict__.get("_wrapped", empty) is empty:
            known = self.__dict__["_known"]
            if name in known:
                return known[name]
        return super().__getattr__(name)

    # isinstance(request.user, User), truth (django-ninja tests `if result:`), equality and hashing (as a model
    # instance's: by primary key) must not load the row either.
    @property  # type: ignore[misc]
    def __class__(self) -> type:
        return User

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, User) and other.pk == self.__dict__["_known"]["pk"]

    def __hash__(self) -> int:
        return hash(self.__dict__["_known"]["pk"])

    def __copy__(self) -> Any:
        if self.is_loaded():
            return copy.copy(self.__dict__["_wrapped"])
        return KnownUser(self.__dict__["_identity"])

    def __deepcopy__(self, memo: dict[int, Any]) -> Any:
        if self.is_loaded():
            return copy.deepcopy(self.__dict__["_wrapped"], memo)
        return KnownUser(self.__dict__["_identity"])

    def is_loaded(self) -> bool:
        """Whether the user row has been read (tests use this to pin the hot path's queries)."""
        return self.__dict__.get("_wrapped", empty) is not empty


def lookup(prefix: str, digest: str) -> tuple[KeyIdentity | None, str | None]:
    """The cached identity of the key with this prefix and secret digest, or None; and the token to store a fresh
    one with (:func:`remember`)."""
    value, token = sharedcache.read(entry_key(prefix, digest), token_key(prefix))
    if value is sharedcache.MISSING:
        return None, token
    try:
        return KeyIdentity.from_cached(value), token
    except TypeError:  # an entry of another shape (an older release): read the database
        return None, token


def remember(identity: KeyIdentity, digest: str, token: str | None) -> None:
    """Cache a key that just authenticated against the database."""
    sharedcache.store(entry_key(identity.prefix, digest), token, identity.as_cached(), ENTRY_TIMEOUT)


def forget_keys(prefixes: list[str]) -> None:
    """Refuse these keys' cached entries on every process from the next request on."""
    sharedcache.bump(token_key(prefix) for prefix in prefixes)


def forget_member(member_id: int) -> None:
    """A member's status changed: every one of its keys is read from the database again."""
    forget_keys(
        list(ApiKey.objects.filter(member_id=member_id, revoked_at__isnull=True).values_list("prefix", flat=True))
    )


def forget_user(user_id: int) -> None:
    """A representative was deactivated or changed role or member: the keys they created are read again."""
    forget_keys(
        list(ApiKey.objects.filter(created_by_id=user_id, revoked_at__isnull=True).values_list("prefix", flat=True))
    )


def _touches(update_fields: Any, fields: frozenset[str]) -> bool:
    return update_fields is None or bool(set(update_fields) & fields)


@receiver(post_save, sender=User, dispatch_uid="zilu.core.keycache.user_saved")
def _user_saved(sender: Any, instance: User, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if not created and _touches(update_fields, USER_FIELDS):
        forget_user(instance.pk)


@receiver(post_save, sender="members.Member", dispatch_uid="zilu.core.keycache.member_saved")
def _member_saved(sender: Any, instance: Any, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if not created and _touches(update_fields, frozenset({"status"})):
        forget_member(instance.pk)


@receiver(post_save, sender=ApiKey, dispatch_uid="zilu.core.keycache.key_saved")
def _key_saved(sender: Any, instance: ApiKey, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if not created and _touches(update_fields, frozenset({"revoked_at", "member", "member_id", "created_by"})):
        forget_keys([instance.prefix])


@receiver(post_delete, sender=ApiKey, dispatch_uid="zilu.core.keycache.key_deleted")
def _key_deleted(sender: Any, instance: ApiKey, **kwargs: Any) -> None:
    forget_keys([instance.prefix])


def valid_prefix(prefix: str) -> bool:
    """Key prefixes are lower-case hex (``secrets.token_hex``); anything else is refused before any lookup."""
    return PREFIX_RE.fullmatch(prefix) is not None
