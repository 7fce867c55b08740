from django.urls import path

from govit.acceptance import views

urlpatterns = [
    path("projects/<int:project_id>/acceptance/", views.acceptance_page, name="acceptance_page"),
]
