from django.urls import path

from govit.projects import views

urlpatterns = [
    path("", views.project_list, name="project_list"),
    path("new/", views.project_create, name="project_create"),
    path("rounds/", views.declaration_rounds, name="declaration_rounds"),
    path("<int:project_id>/", views.project_detail, name="project_detail"),
    path("<int:project_id>/edit/", views.project_edit, name="project_edit"),
    path("<int:project_id>/forms/", views.project_forms, name="project_forms"),
    path("<int:project_id>/submit/", views.project_submit, name="project_submit"),
    path("<int:project_id>/withdraw/", views.project_withdraw, name="project_withdraw"),
    path(
        "<int:project_id>/findings/<str:rule_id>/override/",
        views.finding_override,
        name="finding_override",
    ),
    path(
        "<int:project_id>/overrides/<int:override_id>/revoke/",
        views.finding_override_revoke,
        name="finding_override_revoke",
    ),
]
