"""URLs of the reporting channel. The form itself is at /report/ (``portal:report``), in every page's header."""

from django.urls import path

from zilu.reports import views

app_name = "reports"
urlpatterns = [
    path("report/received/", views.receipt, name="receipt"),
    path("report/track/", views.track, name="track"),
    path("reports/statistics/", views.statistics, name="statistics"),
    path("account/reports/", views.mine, name="mine"),
    path("member/reports/", views.member_queue, name="member_queue"),
    path("member/reports/export.csv", views.member_export, name="member_export"),
    path("member/reports/<int:report_id>/", views.member_detail, name="member_detail"),
    path("staff/reports/", views.staff_queue, name="staff_queue"),
    path("staff/reports/export.csv", views.staff_export, name="staff_export"),
    path("staff/reports/statistics/", views.staff_statistics, name="staff_statistics"),
    path("staff/reports/<int:report_id>/", views.staff_detail, name="staff_detail"),
    path("staff/reports/<int:report_id>/<str:decision>", views.staff_decide, name="staff_decide"),
]
