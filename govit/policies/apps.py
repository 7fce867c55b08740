from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "govit.policies"
    verbose_name = "政策规则"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from govit.policies.models import CalendarDay, CalendarYear
        from govit.policies.selectors import work_calendar_reset

        for model in (CalendarDay, CalendarYear):
            post_save.connect(
                work_calendar_reset, sender=model, dispatch_uid=f"calendar-{model.__name__}-save"
            )
            post_delete.connect(
                work_calendar_reset, sender=model, dispatch_uid=f"calendar-{model.__name__}-delete"
            )
