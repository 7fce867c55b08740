from django.apps import AppConfig


class SimilarityConfig(AppConfig):
    name = "govit.similarity"
    verbose_name = "查重"

    def ready(self) -> None:
        from govit.audit.services import audit_listener_register
        from govit.projects.facts import fact_provider_register
        from govit.similarity.selectors import similarity_facts
        from govit.similarity.services import on_audit_event

        fact_provider_register(similarity_facts)
        audit_listener_register(on_audit_event)
