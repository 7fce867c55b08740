from django.apps import AppConfig


class ExpertsConfig(AppConfig):
    name = "govit.experts"
    verbose_name = "评审专家"
