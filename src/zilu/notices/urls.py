"""URLs of the notice pages."""

from django.urls import path

from zilu.notices import views

app_name = "notices"
urlpatterns = [
    path("notices/", views.notices, name="list"),
    path("notices/new", views.file_notice, name="new"),
    path("notices/statistics/", views.statistics, name="statistics"),
    path("notices/<int:notice_id>/", views.detail, name="detail"),
    path("notices/<int:notice_id>/notice.pdf", views.pdf, {"which": "notice"}, name="notice_pdf"),
    path("notices/<int:notice_id>/declaration.pdf", views.pdf, {"which": "declaration"}, name="declaration_pdf"),
    path("notices/<int:notice_id>/<slug:step>", views.step, name="step"),
]
