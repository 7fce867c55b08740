from django.urls import path

from govit.imports import views

urlpatterns = [
    path("imports/", views.import_list, name="import_list"),
    path("imports/template.xlsx", views.import_template, name="import_template"),
    path("imports/<int:batch_id>/", views.import_batch, name="import_batch"),
    path("imports/<int:batch_id>/progress/", views.import_progress, name="import_progress"),
]
