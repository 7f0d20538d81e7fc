"""URLs of the filings pages."""

from django.urls import path

from zilu.filings import views

app_name = "filings"
urlpatterns = [
    path("filings/", views.site_list, name="list"),
    path("filings/<int:site_id>/", views.site_detail, name="detail"),
    path("filings/<int:site_id>/verify", views.verify, name="verify"),
    path("filings/<int:site_id>/close", views.close, name="close"),
]
