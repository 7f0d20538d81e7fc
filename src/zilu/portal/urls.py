"""URLs of the portal."""

from django.urls import path

from zilu.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", views.report, name="report"),
    path("staff/", views.dashboard, name="dashboard"),
]
