from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "govit.core"
    verbose_name = "基础"
