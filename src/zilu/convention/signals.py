"""What the convention app tells the apps built on it, so that it imports none of them."""

from django.dispatch import Signal

# Sent by ``do_publish_version`` inside the publishing transaction, after the audit entry, with ``version``: the
# governance app tells the members' representatives (zilu.governance.actions.notify_members_of_publication).
version_published = Signal()
