"""URLs of the portal."""

from django.urls import path

from zilu.portal import feeds, views
from zilu.reports import views as report_views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("report/", report_views.submit, name="report"),
    path("staff/", views.dashboard, name="dashboard"),
    path("member/", views.member_dashboard, name="member_dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("feeds/registry.atom", feeds.atom, name="feed_atom"),  # Art. 23 feed (venues helper)
    path("feeds/registry.json", feeds.json_feed, name="feed_json"),
]
