"""The HTTP API at /api/v1/: the apps' routers, each mounted under its own prefix (the API object, its problem
details and error handlers are in :mod:`zilu.core.apisite`)."""

from zilu.banks.api import router as screening_router
from zilu.banks.banks_api import router as banks_router
from zilu.convention.api import router as convention_router
from zilu.core.api import account_router, api_keys_router, audit_router, inbox_router
from zilu.core.apisite import make_api
from zilu.discipline.api import router as discipline_router
from zilu.disputes.api import router as disputes_router
from zilu.filings.api import router as filings_router
from zilu.governance.api import ROUTERS as governance_routers
from zilu.members.api import router as members_router
from zilu.notices.api import router as notices_router
from zilu.oversight.api import router as oversight_router
from zilu.reports.api import router as reports_router
from zilu.review.api import router as review_router

api = make_api()
api.add_router("/me", account_router)
api.add_router("/audit", audit_router)
api.add_router("/api-keys", api_keys_router)
api.add_router("/notifications", inbox_router)
api.add_router("/convention", convention_router)
for prefix, router in governance_routers.items():
    api.add_router(f"/convention{prefix}", router)
api.add_router("/members", members_router)
api.add_router("/disputes", disputes_router)
api.add_router("/oversight", oversight_router)
api.add_router("/reports", reports_router)
api.add_router("/filings", filings_router)
api.add_router("/screen", screening_router)
api.add_router("/banks", banks_router)
api.add_router("/review", review_router)
api.add_router("/discipline", discipline_router)
api.add_router("/notices", notices_router)
