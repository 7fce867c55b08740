from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "govit.obligations"
    verbose_name = "期限事项"

    def ready(self) -> None:
        from govit.audit.services import audit_listener_register
        from govit.obligations.selectors import issuer_due_facts
        from govit.obligations.services import on_audit_event
        from govit.projects.facts import fact_provider_register

        fact_provider_register(issuer_due_facts)
        audit_listener_register(on_audit_event)
