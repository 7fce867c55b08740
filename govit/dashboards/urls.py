from django.urls import path

from govit.dashboards import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard_data"),
    path("dashboard/export/<slug:chart_key>.xlsx", views.dashboard_export, name="dashboard_export"),
]
