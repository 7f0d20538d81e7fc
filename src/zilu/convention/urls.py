"""URLs of the convention pages (the governance pages under ``convention/`` are in :mod:`zilu.governance.urls`)."""

from django.urls import path

from zilu.convention import views

app_name = "convention"
urlpatterns = [
    path("convention", views.convention_page, name="current"),
    path("convention/v<int:number>", views.convention_page, name="version"),
    path("convention/v<int:number>.txt", views.convention_text, name="text"),
    path("staff/convention/", views.manage_versions, name="manage_versions"),
    path("staff/convention/v<int:number>/", views.manage_version, name="manage_version"),
    path("staff/convention/v<int:number>/publish", views.publish_version, name="publish"),
    path("staff/convention/v<int:number>/withdraw", views.withdraw_version, name="withdraw"),
    path("staff/convention/v<int:number>/attach", views.attach_signed_copy, name="attach"),
]
