from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "govit.delivery"
    verbose_name = "立项后实施"

    def ready(self) -> None:
        from govit.delivery.selectors import delivery_facts
        from govit.projects.facts import fact_provider_register

        fact_provider_register(delivery_facts)
