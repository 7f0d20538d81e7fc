"""The HTTP API at /api/v1/: the apps' routers, each mounted under its own prefix (the API object, its problem
details and error handlers are in :mod:`zilu.core.apisite`)."""

from zilu.banks.api import router as screening_router
from zilu.banks.banks_api import router as banks_router
from zilu.convention.api import router as convention_router
from zilu.core.api import router as core_router
from zilu.core.apisite import make_api
from zilu.discipline.api import router as discipline_router
from zilu.disputes.api import router as disputes_router
from zilu.filings.api import router as filings_router
from zilu.governance.api import router as governance_router
from zilu.members.api import router as members_router
from zilu.oversight.api import router as oversight_router
from zilu.reports.api import router as reports_router
from zilu.review.api import router as review_router

api = make_api()
api.add_router("/", core_router)
api.add_router("/convention", convention_router)
api.add_router("/convention", governance_router)
api.add_router("/members", members_router)
api.add_router("/disputes", disputes_router)
api.add_router("/oversight", oversight_router)
api.add_router("/", reports_router)
api.add_router("/filings", filings_router)
api.add_router("/", screening_router)
api.add_router("/banks", banks_router)
api.add_router("/review", review_router)
api.add_router("/discipline", discipline_router)
