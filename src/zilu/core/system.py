"""The actor for work started from the command line (imports, the demo), recorded as such in the audit log."""

from __future__ import annotations

import getpass


class SystemActor:
    """Acts with superuser rights; the audit log records it with no user id and a ``cli:`` label."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    is_anonymous = False
    pk = None
    id = None
    role = "staff"
    member_id = None

    def __init__(self, label: str | None = None) -> None:
        try:
            who = getpass.getuser()
        except (KeyError, OSError):  # no passwd entry, e.g. in a container
            who = "unknown"
        self.label = label or f"cli:{who}"

    def get_username(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label
