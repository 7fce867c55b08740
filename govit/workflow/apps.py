from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    name = "govit.workflow"
    verbose_name = "审查流程"
