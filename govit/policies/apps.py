from django.apps import AppConfig


class PoliciesConfig(AppConfig):
    name = "govit.policies"
    verbose_name = "政策规则"
