"""Who can act: a signed-in user, the command line (:class:`SystemActor`) or, for public workflows, an anonymous
visitor. Actions are typed with :data:`Actor`; they check what the actor may do with :func:`zilu.core.roles.require`."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AnonymousUser

from zilu.core.models import User
from zilu.core.system import SystemActor

Actor: TypeAlias = User | SystemActor | AnonymousUser
"""Anyone an action may be asked by."""

StaffActor: TypeAlias = User | SystemActor
"""An actor that is signed in or the command line: the executing body's own work."""

__all__ = ["Actor", "StaffActor", "SystemActor", "User"]
