"""App configuration for convention governance: amendments, votes, annexes and interpretations (Art. 22, 24, 25)."""

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    """Amendments and co-signatures (Art. 22), votes of the member units, annexes (Art. 24), interpretations
    (Art. 25) and members' acknowledgement of a new version, built on the convention app's versions."""

    name = "zilu.governance"
    label = "governance"

    def ready(self) -> None:
        # The convention app knows nothing of governance: governance adds to its public page and answers its
        # publication signal here (the app order is core < convention < members < governance).
        from zilu.convention.signals import version_published
        from zilu.convention.views import add_page_context
        from zilu.governance.actions import notify_members_of_publication
        from zilu.governance.views import convention_page_context

        add_page_context(convention_page_context)
        version_published.connect(notify_members_of_publication, dispatch_uid="zilu.governance.version_published")
