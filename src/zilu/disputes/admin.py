"""Back office of disputes: only the list of people's mediation committees, read-only.

Disputes are confidential between their parties (Art. 19): the executing body works on them only through the
mediation queue (/staff/disputes/), which shows a dispute once mediation is requested and its negotiation thread
only with every party's consent. A model page in the back office would bypass those rules, so there is none. The
committees (Art. 16) are public reference data; the staff add and retire them on /staff/disputes/committees/, through
the actions (audited), so the back office only lists them.
"""

from django.contrib import admin

from zilu.core.admin_site import ReadOnlyRoleAdmin
from zilu.disputes.peoples import Committee


@admin.register(Committee)
class CommitteeAdmin(ReadOnlyRoleAdmin):
    list_display = ["name", "address", "phone", "active"]
    list_filter = ["active"]
    search_fields = ["name"]
