from django.urls import path

from govit.documents import views

urlpatterns = [
    path("projects/<int:project_id>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:attachment_id>/download/", views.attachment_download, name="attachment_download"),
]
