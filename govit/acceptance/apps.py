from django.apps import AppConfig


class AcceptanceConfig(AppConfig):
    name = "govit.acceptance"
    verbose_name = "验收、整改与运行评价"

    def ready(self) -> None:
        from govit.acceptance.selectors import acceptance_facts, budget_hold, declaration_ban
        from govit.delivery.services import budget_hold_register
        from govit.projects.facts import fact_provider_register
        from govit.projects.services import declaration_hold_register

        fact_provider_register(acceptance_facts)
        budget_hold_register(budget_hold)
        declaration_hold_register(declaration_ban)
