"""URLs of the portal."""

from django.urls import path

from zilu.portal import views
from zilu.reports import views as report_views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", report_views.submit, name="report"),
    path("staff/", views.dashboard, name="dashboard"),
]
