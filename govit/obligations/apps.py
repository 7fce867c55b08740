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

        from django.db.models.signals import post_delete, post_save

        from govit.policies.models import CalendarDay, CalendarYear

        for model in (CalendarDay, CalendarYear):
            post_save.connect(
                _calendar_edited, sender=model, dispatch_uid=f"obligations-{model.__name__}-save"
            )
            post_delete.connect(
                _calendar_edited, sender=model, dispatch_uid=f"obligations-{model.__name__}-delete"
            )


def _calendar_edited(**kwargs: object) -> None:
    """A holiday or 调休 day changed: due dates counted in working days move, so open obligations are
    recomputed by the worker once the edit is committed."""
    from django.db import transaction

    from govit.obligations.tasks import obligations_resync_task

    transaction.on_commit(obligations_resync_task.enqueue)
