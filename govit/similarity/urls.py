from django.urls import path

from govit.similarity import views

urlpatterns = [
    path("projects/<int:project_id>/similarity/", views.project_similarity, name="project_similarity"),
    path("similarity/", views.similarity_report, name="similarity_report"),
    path("similarity/systems/", views.system_catalogue, name="system_catalogue"),
    path("similarity/systems/template.xlsx", views.system_template, name="system_template"),
]
