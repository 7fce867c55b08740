from django.urls import path, re_path

from govit.printouts import views

urlpatterns = [
    path("projects/<int:project_id>/printouts/", views.printout_list, name="printout_list"),
    re_path(
        r"^projects/(?P<project_id>\d+)/printouts/(?P<printout_id>[A-Za-z0-9_-]{1,80})\.(?P<fmt>[A-Za-z0-9]{1,10})$",
        views.printout_download,
        name="printout_download",
    ),
]
