"""The one URL map."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from zilu.api import api
from zilu.core import health, metrics
from zilu.core import views as core_views

handler500 = "zilu.core.middleware.server_error"

urlpatterns = [
    # Operations first: probes resolve at the first pattern (healthz is also the benchmarks' bare view).
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # The API before the pages: member systems call it on every post, and Django tries patterns in order.
    path("api/v1/", api.urls),
    path("", include("zilu.portal.urls")),
    path("", include("zilu.convention.urls")),
    path("", include("zilu.governance.urls")),
    path("", include("zilu.members.urls")),
    path("", include("zilu.disputes.urls")),
    path("", include("zilu.oversight.urls")),
    path("", include("zilu.banks.urls")),
    path("", include("zilu.review.urls")),
    path("", include("zilu.reports.urls")),
    path("", include("zilu.filings.urls")),
    path("", include("zilu.discipline.urls")),
    path("", include("zilu.notices.urls")),
    path("accounts/register/", core_views.register, name="register"),
    path("accounts/login/", core_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/", core_views.account, name="account"),
    path("account/inbox/", core_views.inbox, name="inbox"),
    path("account/api-keys/", core_views.api_keys, name="api_keys"),
    path("account/api-keys/<int:key_id>/revoke", core_views.revoke_api_key, name="revoke_api_key"),
    path("transparency/audit-head", core_views.audit_head, name="audit_head"),
    path("staff/audit/", core_views.audit_log, name="audit_log"),
    path("files/<uuid:file_id>", core_views.protected_file, name="protected_file"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", admin.site.urls),
]
