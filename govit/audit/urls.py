from django.urls import path

from govit.audit import views

urlpatterns = [
    path("audit/", views.audit_event_list, name="audit_event_list"),
    path("audit/export.xlsx", views.audit_event_export, {"fmt": "xlsx"}, name="audit_event_export_xlsx"),
    path("audit/export.csv", views.audit_event_export, {"fmt": "csv"}, name="audit_event_export_csv"),
    path("audit/verify/", views.audit_chain_check, name="audit_chain_check"),
]
