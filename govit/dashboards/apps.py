from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "govit.dashboards"
    verbose_name = "统计分析"

    def ready(self) -> None:
        from govit.audit.services import audit_listener_register
        from govit.dashboards.services import on_audit_event, on_obligations_bulk
        from govit.obligations.services import obligations_bulk_listener_register

        # registered after the obligations app's listener (INSTALLED_APPS order), so the overdue counts read
        # the obligations as that listener left them
        audit_listener_register(on_audit_event)
        obligations_bulk_listener_register(on_obligations_bulk)
