"""URLs of the reporting channel. The form itself is at /report/ (``portal:report``), in every page's header."""

from django.urls import path

from zilu.reports import email_views, entrance_views, views

app_name = "reports"
urlpatterns = [
    path("report/received/", views.receipt, name="receipt"),
    path("report/track/", views.track, name="track"),
    path("report/email/confirm/<str:token>/", email_views.confirm, name="email_confirm"),
    path("report/email/stop/<str:token>/", email_views.stop, name="email_stop"),
    path("report/entrance.js", entrance_views.entrance_js, name="entrance_js"),
    path("report/m/<str:number>/", entrance_views.entrance, name="entrance"),
    path("report/m/<str:number>/badge.svg", entrance_views.badge, name="entrance_badge"),
    path("member/reports/entrance/", entrance_views.member_entrance, name="member_entrance"),
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
