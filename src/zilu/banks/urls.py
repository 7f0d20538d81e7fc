"""URLs of the bank pages."""

from django.urls import path

from zilu.banks import views

app_name = "banks"
urlpatterns = [
    path("banks/", views.bank_list, name="list"),
    path("banks/<slug:bank>/", views.entry_list, name="entries"),
    path("banks/<slug:bank>/contribute", views.contribute, name="contribute"),
    path("banks/<slug:bank>/import", views.import_entries, name="import"),
    path("banks/<slug:bank>/<int:entry_id>/", views.entry_detail, name="entry"),
    path("banks/<slug:bank>/<int:entry_id>/<slug:verb>", views.entry_action, name="entry_action"),
]
