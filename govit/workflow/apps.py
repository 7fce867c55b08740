from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "govit.workflow"
    verbose_name = "审查流程"

    def ready(self) -> None:
        from govit.projects.facts import fact_provider_register
        from govit.workflow.selectors import approval_facts

        fact_provider_register(approval_facts)

        from govit.audit.services import audit_listener_register
        from govit.workflow.services import on_audit_event

        audit_listener_register(on_audit_event)
