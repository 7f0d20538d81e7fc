"""URLs of the review queue pages."""

from django.urls import path

from zilu.review import views

app_name = "review"
urlpatterns = [
    path("review/", views.dashboard, name="dashboard"),
    path("review/queue/", views.queue, name="queue"),
    path("review/claim-next", views.claim_next, name="claim_next"),
    path("review/items/<int:item_id>/", views.item_detail, name="item"),
    path("review/items/<int:item_id>/claim", views.claim, name="claim"),
    path("review/items/<int:item_id>/release", views.release, name="release"),
    path("review/items/<int:item_id>/decide", views.decide, name="decide"),
    path("review/notices/", views.notices, name="notices"),
    path("review/webhook/", views.webhook, name="webhook"),
]
