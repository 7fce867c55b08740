from django.urls import path

from govit.opendata import views

urlpatterns = [
    path("opendata/", views.opendata_home, name="opendata_home"),
    path("opendata/<str:code>/projects.json", views.opendata_projects, name="opendata_projects"),
    path("opendata/<str:code>/ocds.json", views.opendata_ocds, name="opendata_ocds"),
]
