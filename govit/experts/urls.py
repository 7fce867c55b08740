from django.urls import path

from govit.experts import views

urlpatterns = [
    path("experts/", views.expert_pool, name="expert_pool"),
    path("experts/<int:expert_id>/", views.expert_detail, name="expert_detail"),
    path("experts/<int:expert_id>/availability/", views.expert_availability, name="expert_availability"),
    path("experts/<int:expert_id>/conflicts/", views.expert_conflict_add, name="expert_conflict_add"),
    path("projects/<int:project_id>/experts/", views.project_experts, name="project_experts"),
    path("projects/<int:project_id>/vendors/", views.vendor_add, name="project_vendor_add"),
    path("project-vendors/<int:vendor_id>/remove/", views.vendor_remove, name="project_vendor_remove"),
    path("projects/<int:project_id>/experts/<str:stage_id>/", views.draw_page, name="expert_draw_page"),
    path(
        "projects/<int:project_id>/experts/<str:stage_id>/draw/", views.draw_create, name="expert_draw_create"
    ),
    path("expert-draws/<int:draw_id>/supplement/", views.draw_supplement, name="expert_draw_supplement"),
    path("expert-draws/<int:draw_id>/cancel/", views.draw_cancel, name="expert_draw_cancel"),
    path("expert-draws/<int:draw_id>/conclude/", views.draw_conclude, name="panel_conclude"),
    path("draw-members/<int:member_id>/decline/", views.member_decline, name="draw_member_decline"),
    path("draw-members/<int:member_id>/accept/", views.member_accept, name="draw_member_accept"),
    path("expert-reviews/", views.expert_review_list, name="expert_review_list"),
    path("expert-reviews/<int:member_id>/", views.expert_review, name="expert_review"),
]
