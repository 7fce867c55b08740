from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "govit.audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from govit.audit import checks, signals  # noqa: F401
        from govit.audit.services import denial_hook
        from govit.core.errors import DENIAL_HOOKS

        if denial_hook not in DENIAL_HOOKS:
            DENIAL_HOOKS.append(denial_hook)
