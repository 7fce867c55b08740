from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govit.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from govit.audit import checks, signals  # noqa: F401
