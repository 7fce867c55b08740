from django.urls import path

from govit.delivery import views

urlpatterns = [
    path("projects/<int:project_id>/delivery/", views.delivery_page, name="delivery_page"),
    path("delivery/progress/", views.progress_overview, name="progress_overview"),
    path("library/", views.project_library, name="project_library"),
]
