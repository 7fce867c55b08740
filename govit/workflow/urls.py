from django.urls import path

from govit.workflow import views

urlpatterns = [
    path("projects/<int:project_id>/workflow/decide/", views.stage_decide, name="stage_decide"),
    path("projects/<int:project_id>/workflow/opinion/", views.stage_opinion, name="stage_opinion"),
    path("projects/<int:project_id>/workflow/urge/", views.project_urge, name="project_urge"),
    path("projects/<int:project_id>/workflow/copy/", views.project_copy_to, name="project_copy_to"),
    path("review/", views.review_todo, name="review_todo"),
    path("plans/", views.annual_plan, name="annual_plan"),
    path("plans/export/", views.annual_plan_export, name="annual_plan_export"),
]
