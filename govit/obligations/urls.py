from django.urls import path

from govit.obligations import views

urlpatterns = [
    path("obligations/", views.obligation_overview, name="obligation_overview"),
    path("obligations/webhooks/", views.webhook_settings, name="webhook_settings"),
    path("projects/<int:project_id>/obligations/", views.project_obligations, name="project_obligations"),
]
