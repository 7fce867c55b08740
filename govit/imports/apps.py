from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "govit.imports"
    verbose_name = "批量导入"
